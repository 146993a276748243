import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface Received {
	method: string;
	path: string;
	headers: IncomingMessage['headers'];
	body: string;
	json?: unknown;
	at: number;
}

/** What a stand-in answers: text or bytes (an export file); `headers` for e.g. a redirect's location. */
export interface Reply {
	status?: number;
	body?: string | Buffer;
	type?: string;
	headers?: Record<string, string>;
}

/** A loopback HTTP service that records what it receives (Slack, PagerDuty, a log host, ...). */
export class StandIn {
	readonly received: Received[] = [];
	private server?: Server;
	port = 0;
	private readonly answer: (req: Received) => Reply;

	constructor(answer: (req: Received) => Reply = () => ({ body: 'ok' })) {
		this.answer = answer;
	}

	async start(): Promise<string> {
		this.server = createServer((req, res) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				const got: Received = { method: req.method!, path: req.url!, headers: req.headers, body, at: Date.now() };
				try {
					got.json = JSON.parse(body);
				} catch {
					// not JSON
				}
				this.received.push(got);
				const reply = this.answer(got);
				res.writeHead(reply.status ?? 200, { 'content-type': reply.type ?? 'text/plain', ...(reply.headers ?? {}) }).end(reply.body ?? 'ok');
			});
		});
		await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
		this.port = (this.server!.address() as { port: number }).port;
		return `http://127.0.0.1:${this.port}`;
	}

	async waitFor(count: number, timeoutMs = 30_000): Promise<Received[]> {
		const deadline = Date.now() + timeoutMs;
		while (this.received.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
		return this.received;
	}

	stop(): Promise<void> {
		return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
	}
}
