/**
 * An Anthropic-compatible HTTP server for loopback use: tests, benchmarks and the offline demo.
 * It answers /v1/messages (honouring output_config.format), /v1/messages/count_tokens and
 * /v1/models, computes usage from the request (with prompt-cache accounting), and plays
 * scripted behaviour per request: latency, HTTP errors, resets, hangs, malformed or
 * schema-invalid JSON, max_tokens truncation. Every request is recorded without its key.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sampleFromSchema } from './schema-sample.ts';

export type BehaviourKind = 'ok' | 'error' | 'reset' | 'hang' | 'malformed' | 'schema_invalid' | 'max_tokens';

export interface Behaviour {
	kind?: BehaviourKind;
	latencyMs?: number;
	/** For `error`: HTTP status, API error type, message and retry-after seconds. */
	status?: number;
	errorType?: string;
	message?: string;
	retryAfter?: number;
	/** For `ok`: the reply. An object is sent as JSON text; default: sampled from the schema. */
	content?: unknown;
}

export interface Rule {
	/** All given conditions must hold. `contains` is searched in the system prompt and messages. */
	match?: { contains?: string; model?: string; path?: string };
	/** How many requests the rule serves before it is spent; default unlimited. */
	times?: number;
	/** Serve only every Nth matching request (5: the 5th, 10th, ... = exactly 20%); the rest fall through. */
	every?: number;
	behaviour: Behaviour;
}

export interface RecordedRequest {
	id: string;
	method: string;
	path: string;
	model?: string;
	system?: unknown;
	messages?: unknown;
	outputFormat?: unknown;
	headers: Record<string, string | string[] | undefined>;
	startedAt: number;
	endedAt?: number;
	status?: number;
	outcome?: BehaviourKind;
	usage?: { input_tokens: number; output_tokens: number; cache_creation_input_tokens: number; cache_read_input_tokens: number };
}

export interface SimulatorOptions {
	port?: number;
	host?: string;
	/** Latency of every request that no rule gives its own. */
	defaultLatencyMs?: number;
	/** When set, any other key gets 401 (as the real API would). */
	requiredApiKey?: string;
	/** Prompt caching only applies to prefixes at least this long (the API's minimum). */
	minCacheTokens?: number;
	models?: string[];
}

const SECRET_HEADERS = new Set(['x-api-key', 'authorization', 'cookie']);
const DEFAULT_MODELS = ['claude-haiku-5-5', 'claude-sonnet-5-5', 'claude-opus-5-5'];

export function tokensOf(text: string): number {
	return Math.ceil(text.length / 4);
}

interface ActiveRule extends Rule {
	remaining: number;
	seen: number;
}

export class ClaudeSimulator {
	readonly requests: RecordedRequest[] = [];
	private rules: ActiveRule[] = [];
	private readonly cache = new Set<string>();
	private readonly server: Server;
	private readonly options: Required<Omit<SimulatorOptions, 'requiredApiKey'>> & { requiredApiKey?: string };

	constructor(options: SimulatorOptions = {}) {
		this.options = {
			port: 0,
			host: '127.0.0.1',
			defaultLatencyMs: 0,
			minCacheTokens: 1024,
			models: DEFAULT_MODELS,
			...options,
		};
		this.server = createServer((req, res) => void this.handle(req, res));
		this.server.keepAliveTimeout = 60_000;
	}

	async start(): Promise<string> {
		await new Promise<void>((resolve) => this.server.listen(this.options.port, this.options.host, resolve));
		return this.url;
	}

	get url(): string {
		const { port } = this.server.address() as AddressInfo;
		return `http://${this.options.host}:${port}`;
	}

	async stop(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	script(...rules: Rule[]): this {
		for (const rule of rules) this.rules.push({ ...rule, remaining: rule.times ?? Number.POSITIVE_INFINITY, seen: 0 });
		return this;
	}

	reset(): void {
		this.rules = [];
		this.requests.length = 0;
		this.cache.clear();
	}

	setDefaultLatency(ms: number): void {
		this.options.defaultLatencyMs = ms;
	}

	/** Completed /v1/messages requests, for assertions on what the client sent. */
	messageRequests(): RecordedRequest[] {
		return this.requests.filter((r) => r.path === '/v1/messages');
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://simulator');
		const body = await readBody(req);
		if (url.pathname.startsWith('/_simulator/')) return this.admin(req.method ?? 'GET', url.pathname, body, res);
		const record: RecordedRequest = {
			id: `req_sim_${randomUUID().slice(0, 12)}`,
			method: req.method ?? 'GET',
			path: url.pathname,
			headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => !SECRET_HEADERS.has(k))),
			startedAt: Date.now(),
		};
		this.requests.push(record);
		let payload: Record<string, unknown> = {};
		try {
			payload = body ? JSON.parse(body) : {};
		} catch {
			return this.finish(record, res, 400, errorBody('invalid_request_error', 'Body is not valid JSON'));
		}
		record.model = payload.model as string | undefined;
		record.system = payload.system;
		record.messages = payload.messages;
		record.outputFormat = (payload.output_config as Record<string, unknown> | undefined)?.format;

		// The SDK sends the key as a bearer token; n8n's credential test sends x-api-key.
		const key = req.headers['x-api-key'] ?? req.headers.authorization?.replace(/^Bearer\s+/i, '');
		if (this.options.requiredApiKey && key !== this.options.requiredApiKey) {
			return this.finish(record, res, 401, errorBody('authentication_error', key ? 'invalid x-api-key' : 'missing x-api-key'));
		}
		if (req.method === 'GET' && url.pathname === '/v1/models') {
			const data = this.options.models.map((id) => ({ type: 'model', id, display_name: id, created_at: '2026-01-01T00:00:00Z' }));
			return this.finish(record, res, 200, { data, has_more: false, first_id: data[0]?.id, last_id: data.at(-1)?.id });
		}
		if (req.method === 'POST' && url.pathname === '/v1/messages/count_tokens') {
			return this.finish(record, res, 200, { input_tokens: tokensOf(promptText(payload)) });
		}
		if (req.method !== 'POST' || url.pathname !== '/v1/messages') {
			return this.finish(record, res, 404, errorBody('not_found_error', `No route ${req.method} ${url.pathname}`));
		}
		const behaviour = this.behaviourFor(record, payload);
		await delay(behaviour.latencyMs ?? this.options.defaultLatencyMs, res);
		if (res.destroyed) return;
		this.reply(record, payload, behaviour, req, res);
	}

	private behaviourFor(record: RecordedRequest, payload: Record<string, unknown>): Behaviour {
		const text = promptText(payload);
		for (const rule of this.rules) {
			if (rule.remaining <= 0) continue;
			const m = rule.match ?? {};
			if (m.path && m.path !== record.path) continue;
			if (m.model && m.model !== record.model) continue;
			if (m.contains && !text.includes(m.contains)) continue;
			rule.seen += 1;
			if (rule.every && rule.seen % rule.every !== 0) continue;
			rule.remaining -= 1;
			return rule.behaviour;
		}
		return { kind: 'ok' };
	}

	private reply(
		record: RecordedRequest,
		payload: Record<string, unknown>,
		behaviour: Behaviour,
		req: IncomingMessage,
		res: ServerResponse,
	): void {
		const kind = behaviour.kind ?? 'ok';
		record.outcome = kind;
		if (kind === 'reset') {
			record.endedAt = Date.now();
			req.socket.destroy();
			return;
		}
		if (kind === 'hang') {
			res.on('close', () => (record.endedAt = Date.now()));
			return;
		}
		if (kind === 'error') {
			const status = behaviour.status ?? 500;
			const headers: Record<string, string> = {};
			if (behaviour.retryAfter !== undefined) headers['retry-after'] = String(behaviour.retryAfter);
			const body = errorBody(behaviour.errorType ?? defaultErrorType(status), behaviour.message ?? 'Simulated failure');
			return this.finish(record, res, status, body, headers);
		}
		const schema = (record.outputFormat as Record<string, unknown> | undefined)?.schema as Record<string, unknown> | undefined;
		let text: string;
		let stopReason = 'end_turn';
		if (kind === 'malformed') text = '{"findings": [unterminated';
		else if (kind === 'schema_invalid') text = JSON.stringify({ unexpected: 'this reply ignores the schema' });
		else if (behaviour.content !== undefined) {
			text = typeof behaviour.content === 'string' ? behaviour.content : JSON.stringify(behaviour.content);
		} else if (schema) text = JSON.stringify(sampleFromSchema(schema, 'Simulated'));
		else text = 'Simulated reply.';
		if (kind === 'max_tokens') {
			text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
			stopReason = 'max_tokens';
		}
		const usage = this.usageFor(payload, text);
		record.usage = usage;
		this.finish(record, res, 200, {
			id: `msg_sim_${randomUUID().slice(0, 16)}`,
			type: 'message',
			role: 'assistant',
			model: record.model,
			content: [{ type: 'text', text }],
			stop_reason: stopReason,
			stop_sequence: null,
			usage,
		});
	}

	/** Input tokens split into uncached, cache-write and cache-read parts, as the API reports. */
	private usageFor(payload: Record<string, unknown>, output: string) {
		const total = tokensOf(promptText(payload));
		const prefix = cachedPrefix(payload);
		let creation = 0;
		let read = 0;
		const prefixTokens = prefix ? tokensOf(prefix) : 0;
		if (prefix && prefixTokens >= this.options.minCacheTokens) {
			const key = createHash('sha256').update(`${payload.model}\n${prefix}`).digest('hex');
			if (this.cache.has(key)) read = prefixTokens;
			else {
				this.cache.add(key);
				creation = prefixTokens;
			}
		}
		return {
			input_tokens: Math.max(0, total - creation - read),
			output_tokens: tokensOf(output),
			cache_creation_input_tokens: creation,
			cache_read_input_tokens: read,
		};
	}

	private finish(
		record: RecordedRequest,
		res: ServerResponse,
		status: number,
		body: unknown,
		headers: Record<string, string> = {},
	): void {
		record.status = status;
		record.endedAt = Date.now();
		res.writeHead(status, { 'content-type': 'application/json', 'request-id': record.id, ...headers });
		res.end(JSON.stringify(body));
	}

	private admin(method: string, path: string, body: string, res: ServerResponse): void {
		const send = (status: number, value: unknown) => {
			res.writeHead(status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(value));
		};
		if (path === '/_simulator/rules' && method === 'POST') {
			const rules = JSON.parse(body || '[]') as Rule[];
			this.script(...(Array.isArray(rules) ? rules : [rules]));
			return send(200, { rules: this.rules.length });
		}
		if (path === '/_simulator/reset' && method === 'POST') {
			this.reset();
			return send(200, { ok: true });
		}
		if (path === '/_simulator/latency' && method === 'POST') {
			this.setDefaultLatency(Number(JSON.parse(body || '{}').ms ?? 0));
			return send(200, { ok: true });
		}
		if (path === '/_simulator/requests' && method === 'GET') return send(200, this.requests);
		send(404, { error: `no admin route ${method} ${path}` });
	}
}

function errorBody(type: string, message: string) {
	return { type: 'error', error: { type, message } };
}

function defaultErrorType(status: number): string {
	const types: Record<number, string> = {
		400: 'invalid_request_error',
		401: 'authentication_error',
		403: 'permission_error',
		404: 'not_found_error',
		413: 'request_too_large',
		429: 'rate_limit_error',
		529: 'overloaded_error',
	};
	return types[status] ?? 'api_error';
}

function blockText(content: unknown): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) return content.map((b) => (typeof b?.text === 'string' ? b.text : JSON.stringify(b))).join('\n');
	return content === undefined ? '' : JSON.stringify(content);
}

function promptText(payload: Record<string, unknown>): string {
	const messages = Array.isArray(payload.messages) ? payload.messages : [];
	const format = (payload.output_config as Record<string, unknown> | undefined)?.format;
	return [blockText(payload.system), ...messages.map((m: { content?: unknown }) => blockText(m.content)), format ? JSON.stringify(format) : '']
		.filter(Boolean)
		.join('\n');
}

/** The system text up to and including the last block marked with cache_control. */
function cachedPrefix(payload: Record<string, unknown>): string | undefined {
	if (!Array.isArray(payload.system)) return undefined;
	const blocks = payload.system as Array<{ text?: string; cache_control?: unknown }>;
	const last = blocks.findLastIndex((b) => b.cache_control);
	if (last < 0) return undefined;
	return blocks.slice(0, last + 1).map((b) => b.text ?? '').join('\n');
}

async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

/** Waits, but gives up as soon as the client hangs up. */
function delay(ms: number, res: ServerResponse): Promise<void> {
	if (!ms) return Promise.resolve();
	return new Promise((resolve) => {
		const timer = setTimeout(resolve, ms);
		res.once('close', () => {
			clearTimeout(timer);
			resolve();
		});
	});
}
