/**
 * An Anthropic-compatible HTTP server for loopback use: tests, benchmarks and the offline demo.
 * It is as strict as the documented API (simulator/contract.ts, simulator/CONTRACT.md): every
 * request is checked against the contract of the 5.5 models under the `anthropic-version` it
 * names, and refused with the API's status, error type and message when it breaks a rule.
 * There is no lenient mode.
 *
 * Accepted requests are answered as the API does: thinking blocks first (empty text plus a
 * signature), then the text; thinking billed as output by effort; ~3 characters a token; prompt
 * caching with the 512-token minimum and the 5-minute and 1-hour TTLs; `request-id` and
 * `anthropic-ratelimit-*` headers on every response and `request_id` in every error body.
 * Scripted behaviour per request: latency, HTTP errors (with `error.details.error_code`),
 * resets, hangs, malformed or schema-invalid JSON, truncation, refusal and context overflow.
 * Every request is recorded without its key.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { findModel, MODEL_CATALOG, type Effort } from '../nodes/shared/models/catalog.data.ts';
import { BATCH_MAX_BYTES, BatchStore } from './batches.ts';
import { apiVersion, checkRequest, MAX_REQUEST_BYTES, type ApiVersion, type Refusal } from './contract.ts';
import { sampleFromSchema } from './schema-sample.ts';

/** `expired` applies to Message Batch requests only (simulator/batches.ts). */
export type BehaviourKind = 'ok' | 'error' | 'reset' | 'hang' | 'malformed' | 'schema_invalid' | 'max_tokens' | 'refusal' | 'context_window_exceeded' | 'expired';

export interface Behaviour {
	kind?: BehaviourKind;
	latencyMs?: number;
	/** For `error`: HTTP status, API error type, message, retry-after seconds and `error.details.error_code`. */
	status?: number;
	errorType?: string;
	message?: string;
	retryAfter?: number;
	errorCode?: string;
	/** For `ok`: the reply. An object is sent as JSON text; default: sampled from the schema. */
	content?: unknown;
	/** Thinking tokens this reply spends (default: by effort). */
	thinkingTokens?: number;
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

export interface SimUsage {
	input_tokens: number;
	output_tokens: number;
	cache_creation_input_tokens: number;
	cache_read_input_tokens: number;
	cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
	output_tokens_details: { thinking_tokens: number };
}

export interface RecordedRequest {
	id: string;
	method: string;
	path: string;
	model?: string;
	/** The request body as sent (the conformance test checks every one). */
	body?: Record<string, unknown>;
	system?: unknown;
	messages?: unknown;
	outputFormat?: unknown;
	effort?: unknown;
	apiVersion?: string;
	headers: Record<string, string | string[] | undefined>;
	startedAt: number;
	endedAt?: number;
	status?: number;
	/** The contract rule a refused request broke. */
	refusedBy?: string;
	outcome?: BehaviourKind;
	usage?: SimUsage;
}

export interface SimulatorOptions {
	port?: number;
	host?: string;
	/** Latency of every request that no rule gives its own. */
	defaultLatencyMs?: number;
	/** When set, any other key gets 401 (as the real API would). */
	requiredApiKey?: string;
	/** The models the key can use (GET /v1/models); default: every catalog model. */
	models?: string[];
	/** The simulator's clock, for cache TTLs (tests can move time). */
	now?: () => number;
	/** How long a Message Batch stays `in_progress` (ms). */
	batchProcessingMs?: number;
}

const SECRET_HEADERS = new Set(['x-api-key', 'authorization', 'cookie']);

/** Characters per token the simulator counts: the 5.5 tokenizer's ~3 for English and logs. */
export const CHARS_PER_TOKEN = 3;
export function tokensOf(text: string): number {
	return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** Thinking tokens a reply spends at each effort (simulated; billed as output). */
export const THINKING_TOKENS: Record<Effort, number> = { low: 120, medium: 480, high: 1_600, xhigh: 3_200, max: 6_400 };

const TTL_MS = { '5m': 5 * 60_000, '1h': 60 * 60_000 } as const;

/** Published limits the simulator reports in its rate-limit headers (per minute). */
const RATE_LIMITS = { requests: 4_000, inputTokens: 2_000_000, outputTokens: 400_000 };

interface ActiveRule extends Rule {
	remaining: number;
	seen: number;
}

export class ClaudeSimulator {
	readonly requests: RecordedRequest[] = [];
	private rules: ActiveRule[] = [];
	/** Cached prefixes: key → expiry (epoch ms) and TTL. */
	private readonly cache = new Map<string, { expiresAt: number; ttlMs: number }>();
	private readonly server: Server;
	private readonly options: Required<Omit<SimulatorOptions, 'requiredApiKey'>> & { requiredApiKey?: string };
	private window = { start: 0, requests: 0, inputTokens: 0, outputTokens: 0 };
	private readonly initialBatchProcessingMs: number;
	readonly batchStore = new BatchStore({
		models: () => this.options.models,
		now: () => this.options.now(),
		processingMs: () => this.options.batchProcessingMs,
		behaviourFor: (payload) => this.behaviourFor({ path: '/v1/messages', model: payload.model as string | undefined } as RecordedRequest, payload),
		message: (payload, behaviour, requestId) => {
			const { message } = this.message({ id: requestId, outputFormat: (payload.output_config as Record<string, unknown> | undefined)?.format } as RecordedRequest, payload, behaviour);
			return { ...message, usage: { ...(message.usage as object), service_tier: 'batch' } };
		},
		promptTokens: (payload) => tokensOf(promptText(payload)),
	});

	constructor(options: SimulatorOptions = {}) {
		this.options = {
			port: 0,
			host: '127.0.0.1',
			defaultLatencyMs: 0,
			models: MODEL_CATALOG.map((m) => m.id),
			now: () => Date.now(),
			batchProcessingMs: 0,
			...options,
		};
		this.initialBatchProcessingMs = this.options.batchProcessingMs;
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
		this.batchStore.batches.clear();
		this.options.batchProcessingMs = this.initialBatchProcessingMs;
	}

	/** How long Message Batches created from now on stay `in_progress`. */
	setBatchProcessingMs(ms: number): void {
		this.options.batchProcessingMs = ms;
	}

	setDefaultLatency(ms: number): void {
		this.options.defaultLatencyMs = ms;
	}

	/** Which models the key can use from now on. */
	setModels(models: string[]): void {
		this.options.models = models;
	}

	/** Completed /v1/messages requests, for assertions on what the client sent. */
	messageRequests(): RecordedRequest[] {
		return this.requests.filter((r) => r.path === '/v1/messages');
	}

	/** Requests the contract refused: a passing suite has none it did not ask for. */
	refusedRequests(): RecordedRequest[] {
		return this.requests.filter((r) => r.refusedBy !== undefined);
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://simulator');
		const record: RecordedRequest = {
			id: `req_sim_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
			method: req.method ?? 'GET',
			path: url.pathname,
			headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => !SECRET_HEADERS.has(k))),
			startedAt: Date.now(),
		};
		// Size limits per endpoint: Messages and Token Counting 32 MB, Message Batches 256 MB.
		const limit = url.pathname === '/v1/messages/batches' ? BATCH_MAX_BYTES : MAX_REQUEST_BYTES;
		const body = await readBody(req, limit);
		if (url.pathname.startsWith('/_simulator/')) return this.admin(req.method ?? 'GET', url.pathname, body ?? '', res);
		this.requests.push(record);
		if (body === undefined) {
			return this.refuse(record, res, { status: 413, type: 'request_too_large', message: `Request exceeds the maximum allowed number of bytes (${limit})`, rule: limit === BATCH_MAX_BYTES ? 'batch-size' : 'request-size' });
		}
		// The SDK sends the key as a bearer token; n8n's credential test sends x-api-key.
		const key = req.headers['x-api-key'] ?? req.headers.authorization?.replace(/^Bearer\s+/i, '');
		if (!key) return this.refuse(record, res, { status: 401, type: 'authentication_error', message: 'x-api-key header is required', rule: 'auth' });
		if (this.options.requiredApiKey && key !== this.options.requiredApiKey) {
			return this.refuse(record, res, { status: 401, type: 'authentication_error', message: 'invalid x-api-key', rule: 'auth' });
		}
		const version = apiVersion(req.headers['anthropic-version']);
		if (typeof version !== 'string') return this.refuse(record, res, version);
		record.apiVersion = version;
		if (req.method === 'GET' && url.pathname === '/v1/models') return this.listModels(record, res);
		if (url.pathname.startsWith('/v1/messages/batches')) return this.batch(record, req, url.pathname, body, version, res);
		const known = req.method === 'POST' && (url.pathname === '/v1/messages' || url.pathname === '/v1/messages/count_tokens');
		if (!known) return this.refuse(record, res, { status: 404, type: 'not_found_error', message: `Not found: ${req.method} ${url.pathname}`, rule: 'path' });

		let payload: Record<string, unknown>;
		try {
			payload = JSON.parse(body || 'null');
		} catch {
			return this.refuse(record, res, { status: 400, type: 'invalid_request_error', message: 'The request body is not valid JSON', rule: 'messages' });
		}
		if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
			return this.refuse(record, res, { status: 400, type: 'invalid_request_error', message: 'The request body must be a JSON object', rule: 'messages' });
		}
		record.body = payload;
		record.model = payload.model as string | undefined;
		record.system = payload.system;
		record.messages = payload.messages;
		const config = payload.output_config as Record<string, unknown> | undefined;
		record.outputFormat = config?.format;
		record.effort = config?.effort;
		const countOnly = url.pathname === '/v1/messages/count_tokens';
		const refusal = checkRequest(payload, { version, models: this.options.models, promptTokens: tokensOf(promptText(payload)), countOnly });
		if (refusal) return this.refuse(record, res, refusal);
		if (countOnly) return this.finish(record, res, 200, { input_tokens: tokensOf(promptText(payload)) });

		const behaviour = this.behaviourFor(record, payload);
		await delay(behaviour.latencyMs ?? this.options.defaultLatencyMs, res);
		if (res.destroyed) return;
		this.reply(record, payload, behaviour, req, res);
	}

	private listModels(record: RecordedRequest, res: ServerResponse): void {
		const data = this.options.models.map((id) => ({
			type: 'model',
			id,
			display_name: findModel(id)?.name ?? id,
			created_at: '2026-10-07T00:00:00Z',
		}));
		this.finish(record, res, 200, { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
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

	private reply(record: RecordedRequest, payload: Record<string, unknown>, behaviour: Behaviour, req: IncomingMessage, res: ServerResponse): void {
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
			const error: Record<string, unknown> = { type: behaviour.errorType ?? defaultErrorType(status), message: behaviour.message ?? 'Simulated failure' };
			if (behaviour.errorCode) error.details = { error_code: behaviour.errorCode };
			return this.finish(record, res, status, { type: 'error', error, request_id: record.id }, headers);
		}
		const { message, usage } = this.message(record, payload, behaviour);
		record.usage = usage;
		this.finish(record, res, 200, message);
	}

	/** The Message an accepted request gets (also each succeeded request of a Message Batch). */
	private message(record: RecordedRequest, payload: Record<string, unknown>, behaviour: Behaviour): { message: Record<string, unknown>; usage: SimUsage } {
		const kind = behaviour.kind ?? 'ok';
		const model = findModel(String(payload.model))!;
		const maxTokens = Number(payload.max_tokens);
		const effort = ((payload.output_config as { effort?: Effort } | undefined)?.effort ?? model.defaultEffort) as Effort;
		const schema = (record.outputFormat as Record<string, unknown> | undefined)?.schema as Record<string, unknown> | undefined;
		let text: string;
		let stopReason = 'end_turn';
		let stopDetails: unknown = null;
		if (kind === 'malformed') text = '{"findings": [unterminated';
		else if (kind === 'schema_invalid') text = JSON.stringify({ unexpected: 'this reply ignores the schema' });
		else if (kind === 'refusal') {
			text = '';
			stopReason = 'refusal';
			stopDetails = { type: 'refusal', category: 'general_harms', explanation: behaviour.message ?? 'Simulated refusal' };
		} else if (behaviour.content !== undefined) text = typeof behaviour.content === 'string' ? behaviour.content : JSON.stringify(behaviour.content);
		else if (schema) text = JSON.stringify(sampleFromSchema(schema, 'Simulated'));
		else text = 'Simulated reply.';
		if (kind === 'max_tokens') {
			text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
			stopReason = 'max_tokens';
		}
		if (kind === 'context_window_exceeded') {
			text = text.slice(0, Math.max(1, Math.floor(text.length / 3)));
			stopReason = 'model_context_window_exceeded';
		}
		// Thinking comes first and counts toward max_tokens; what is left is for the text.
		const thinking = Math.min(behaviour.thinkingTokens ?? THINKING_TOKENS[effort], maxTokens);
		let textTokens = tokensOf(text);
		if (thinking + textTokens > maxTokens) {
			text = text.slice(0, (maxTokens - thinking) * CHARS_PER_TOKEN);
			textTokens = tokensOf(text);
			stopReason = 'max_tokens';
		}
		const content: Array<Record<string, unknown>> = [{ type: 'thinking', thinking: '', signature: `sig_${createHash('sha256').update(record.id).digest('hex').slice(0, 32)}` }];
		if (text) content.push({ type: 'text', text });
		const usage = this.usageFor(payload, model.minCacheTokens, thinking + textTokens, thinking);
		const message = {
			id: `msg_sim_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
			type: 'message',
			role: 'assistant',
			model: model.id,
			content,
			stop_reason: stopReason,
			stop_sequence: null,
			stop_details: stopDetails,
			usage,
		};
		return { message, usage };
	}

	/** A Message Batches route (simulator/batches.ts), recorded like any other request. */
	private batch(record: RecordedRequest, req: IncomingMessage, path: string, body: string, version: ApiVersion, res: ServerResponse): void {
		let payload: unknown = undefined;
		if (req.method === 'POST' && path === '/v1/messages/batches') {
			try {
				payload = JSON.parse(body || 'null');
			} catch {
				return this.refuse(record, res, { status: 400, type: 'invalid_request_error', message: 'The request body is not valid JSON', rule: 'batch-requests' });
			}
			record.body = payload as Record<string, unknown>;
		}
		const answer = this.batchStore.handle(req.method ?? 'GET', path, payload, version, `http://${req.headers.host ?? 'simulator'}`);
		if (!answer) return this.refuse(record, res, { status: 404, type: 'not_found_error', message: `Not found: ${req.method} ${path}`, rule: 'path' });
		if ('refusal' in answer) return this.refuse(record, res, answer.refusal);
		if ('jsonl' in answer) {
			record.status = 200;
			record.endedAt = Date.now();
			res.writeHead(200, { 'content-type': 'application/binary', 'request-id': record.id });
			res.end(answer.jsonl);
			return;
		}
		this.finish(record, res, answer.status, answer.body);
	}

	/** Input split into uncached, cache-write and cache-read parts, as the API reports it. */
	private usageFor(payload: Record<string, unknown>, minCacheTokens: number, outputTokens: number, thinkingTokens: number): SimUsage {
		const total = tokensOf(promptText(payload));
		const prefix = cachedPrefix(payload);
		let write5m = 0;
		let write1h = 0;
		let read = 0;
		const prefixTokens = prefix ? tokensOf(prefix.text) : 0;
		if (prefix && prefixTokens >= minCacheTokens) {
			const now = this.options.now();
			const key = createHash('sha256').update(`${payload.model}\n${prefix.text}`).digest('hex');
			const entry = this.cache.get(key);
			const ttlMs = TTL_MS[prefix.ttl];
			if (entry && entry.expiresAt > now) {
				read = prefixTokens;
				// A hit refreshes the entry for its TTL.
				entry.expiresAt = now + Math.max(entry.ttlMs, ttlMs);
			} else {
				this.cache.set(key, { expiresAt: now + ttlMs, ttlMs });
				if (prefix.ttl === '1h') write1h = prefixTokens;
				else write5m = prefixTokens;
			}
		}
		return {
			input_tokens: Math.max(0, total - write5m - write1h - read),
			output_tokens: outputTokens,
			cache_creation_input_tokens: write5m + write1h,
			cache_read_input_tokens: read,
			cache_creation: { ephemeral_5m_input_tokens: write5m, ephemeral_1h_input_tokens: write1h },
			output_tokens_details: { thinking_tokens: thinkingTokens },
		};
	}

	private refuse(record: RecordedRequest, res: ServerResponse, refusal: Refusal): void {
		record.refusedBy = refusal.rule;
		this.finish(record, res, refusal.status, { type: 'error', error: { type: refusal.type, message: refusal.message }, request_id: record.id });
	}

	private finish(record: RecordedRequest, res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
		record.status = status;
		record.endedAt = Date.now();
		res.writeHead(status, { 'content-type': 'application/json', 'request-id': record.id, ...this.rateLimitHeaders(record), ...headers });
		res.end(JSON.stringify(body));
	}

	/** `anthropic-ratelimit-*` headers: the per-minute limits and what is left of them. */
	private rateLimitHeaders(record: RecordedRequest): Record<string, string> {
		const now = Date.now();
		if (now - this.window.start >= 60_000) this.window = { start: now, requests: 0, inputTokens: 0, outputTokens: 0 };
		this.window.requests += 1;
		this.window.inputTokens += record.usage ? record.usage.input_tokens + record.usage.cache_creation_input_tokens : 0;
		this.window.outputTokens += record.usage?.output_tokens ?? 0;
		const reset = new Date(this.window.start + 60_000).toISOString();
		const line = (name: string, limit: number, used: number) => ({
			[`anthropic-ratelimit-${name}-limit`]: String(limit),
			[`anthropic-ratelimit-${name}-remaining`]: String(Math.max(0, limit - used)),
			[`anthropic-ratelimit-${name}-reset`]: reset,
		});
		return {
			...line('requests', RATE_LIMITS.requests, this.window.requests),
			...line('input-tokens', RATE_LIMITS.inputTokens, this.window.inputTokens),
			...line('output-tokens', RATE_LIMITS.outputTokens, this.window.outputTokens),
			...line('tokens', RATE_LIMITS.inputTokens + RATE_LIMITS.outputTokens, this.window.inputTokens + this.window.outputTokens),
		};
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
		if (path === '/_simulator/batch' && method === 'POST') {
			this.setBatchProcessingMs(Number(JSON.parse(body || '{}').processingMs ?? 0));
			return send(200, { ok: true });
		}
		send(404, { error: `no admin route ${method} ${path}` });
	}
}

function defaultErrorType(status: number): string {
	const types: Record<number, string> = {
		400: 'invalid_request_error',
		401: 'authentication_error',
		402: 'billing_error',
		403: 'permission_error',
		404: 'not_found_error',
		413: 'request_too_large',
		429: 'rate_limit_error',
		504: 'timeout_error',
		529: 'overloaded_error',
	};
	return types[status] ?? 'api_error';
}

function blockText(content: unknown): string {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) return content.map((b) => (typeof b?.text === 'string' ? b.text : JSON.stringify(b))).join('\n');
	return content === undefined ? '' : JSON.stringify(content);
}

/** Everything the prompt consists of: system, messages and the output schema. */
export function promptText(payload: Record<string, unknown>): string {
	const messages = Array.isArray(payload.messages) ? payload.messages : [];
	const format = (payload.output_config as Record<string, unknown> | undefined)?.format;
	return [blockText(payload.system), ...messages.map((m: { content?: unknown }) => blockText(m?.content)), format ? JSON.stringify(format) : '']
		.filter(Boolean)
		.join('\n');
}

/** The system text up to and including the last block marked with cache_control, and its TTL. */
function cachedPrefix(payload: Record<string, unknown>): { text: string; ttl: '5m' | '1h' } | undefined {
	if (!Array.isArray(payload.system)) return undefined;
	const blocks = payload.system as Array<{ text?: string; cache_control?: { ttl?: string } }>;
	const last = blocks.findLastIndex((b) => b.cache_control);
	if (last < 0) return undefined;
	return { text: blocks.slice(0, last + 1).map((b) => b.text ?? '').join('\n'), ttl: blocks[last].cache_control?.ttl === '1h' ? '1h' : '5m' };
}

/** The body as text, or undefined when it is larger than `limit` bytes. */
async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
	const chunks: Buffer[] = [];
	let size = 0;
	let tooLarge = false;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size > limit) tooLarge = true;
		else chunks.push(chunk as Buffer);
	}
	return tooLarge ? undefined : Buffer.concat(chunks).toString('utf8');
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
