/**
 * A real Prometheus (Debian's package) on loopback scraping loopback targets, and a target whose
 * metrics the test sets. Used by the live-evidence integration test and the incident e2e test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/lib/n8n-instance.ts';

/** Serves /metrics from `render()`, and records when each scrape arrived. */
export class MetricsTarget {
	readonly scrapes: number[] = [];
	private server?: Server;
	port = 0;

	private readonly render: () => string;

	constructor(render: () => string) {
		this.render = render;
	}

	async start(): Promise<string> {
		this.server = createServer((req, res) => {
			if (req.url !== '/metrics') return res.writeHead(404).end();
			this.scrapes.push(Date.now());
			res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(this.render());
		});
		await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
		this.port = (this.server!.address() as { port: number }).port;
		return `127.0.0.1:${this.port}`;
	}

	stop(): Promise<void> {
		return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
	}
}

export class PrometheusServer {
	private process?: ChildProcess;
	private readonly dir = mkdtempSync(join(tmpdir(), 'agent-swarm-prom-'));
	log = '';
	port = 0;

	private readonly binary: string;

	constructor(binary: string) {
		this.binary = binary;
	}

	get url(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	/** Starts scraping `targets` (host:port) under `job` every `intervalSeconds`. */
	async start(job: string, targets: string[], intervalSeconds = 1, metricsPath = '/metrics'): Promise<void> {
		this.port = await freePort();
		writeFileSync(
			join(this.dir, 'prometheus.yml'),
			[
				'global:',
				`  scrape_interval: ${intervalSeconds}s`,
				`  evaluation_interval: ${intervalSeconds}s`,
				'scrape_configs:',
				`  - job_name: ${job}`,
				`    metrics_path: ${metricsPath}`,
				'    static_configs:',
				`      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`,
			].join('\n'),
		);
		this.process = spawn(this.binary, [`--config.file=${join(this.dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(this.dir, 'data')}`, `--web.listen-address=127.0.0.1:${this.port}`], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		this.process.stderr!.on('data', (c: Buffer) => (this.log += c.toString()));
		const deadline = Date.now() + 60_000;
		while (Date.now() < deadline) {
			try {
				if ((await this.query(`up{job="${job}"} == 1`)).length === targets.length) return;
			} catch {
				// not up yet
			}
			await new Promise((r) => setTimeout(r, 250));
		}
		throw new Error(`Prometheus never scraped ${targets.join(', ')}:\n${this.log.slice(-2000)}`);
	}

	async query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
		const res = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
		const body = (await res.json()) as { status: string; error?: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
		if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
		return body.data.result;
	}

	async stop(): Promise<void> {
		const child = this.process;
		if (child && child.exitCode === null) {
			const exited = new Promise((r) => child.once('exit', r));
			child.kill('SIGTERM');
			await exited;
		}
		rmSync(this.dir, { recursive: true, force: true });
	}
}
