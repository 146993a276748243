/**
 * The only code that talks to the Claude API. It owns the SDK client (which sends
 * `anthropic-version: 2026-10-21`), retries, timeouts, the run's deadline, cancellation and
 * error classification. Requests carry no sampling parameters and always end on a user turn:
 * both are refused by the 5.5 models (https://platform.claude.com/docs/en/api/migration-2026-10-21).
 */
import Anthropic from '@anthropic-ai/sdk';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Effort } from '../models/effort.ts';
import type { BatchDispatcher } from './batch.ts';
import type { Usage } from '../models/prices.ts';
import { AgentError, classifyFailure } from './errors.ts';
import { DEFAULT_RETRY, nextDelay, type RetryPolicy } from './retry.ts';

export interface ClaudeCredentials {
	apiKey: string;
	baseUrl?: string;
	headerName?: string;
	headerValue?: string;
}

export interface SystemBlock {
	type: 'text';
	text: string;
	cache_control?: { type: 'ephemeral'; ttl?: '5m' | '1h' };
}

/** Only user turns: a request never ends on (or contains) an assistant prefill. */
export interface ChatMessage {
	role: 'user';
	content: string;
}

export interface ClaudeRequest {
	model: string;
	system: SystemBlock[];
	messages: ChatMessage[];
	maxTokens: number;
	/** `output_config.effort`; omitted when undefined (the model's default applies). */
	effort?: Effort;
	/** JSON schema for constrained decoding (`output_config.format`), already reduced to the supported subset. */
	outputSchema?: Record<string, unknown>;
}

export interface CallOptions {
	/** Longest wait for one attempt. */
	timeoutMs: number;
	/** Absolute time (epoch ms) after which no attempt starts and none is waited for. */
	deadline?: number;
	retry?: RetryPolicy;
	signal?: AbortSignal;
	random?: () => number;
	/** Told before each retry wait, e.g. to count retries in metrics. */
	onRetry?: (failure: AgentError, attempt: number, delayMs: number) => void;
	/** Run Mode "Batch": Messages requests go through this Message Batches dispatcher instead. */
	batch?: BatchDispatcher;
}

export interface ClaudeReply {
	/** The text blocks joined; thinking blocks are skipped. */
	text: string;
	/** Whether the reply had any text block at all (a reply can be thinking only). */
	hasText: boolean;
	stopReason: string | null;
	/** Why a refusal happened, when the API says (`stop_details`). */
	stopDetails?: { category?: string | null; explanation?: string | null };
	usage: Usage;
	attempts: number;
	requestId?: string;
}

/** A failure after some attempts; `attempts` is how many HTTP attempts were made. */
export class TransportFailure extends Error {
	readonly error: AgentError;
	readonly attempts: number;

	constructor(error: AgentError, attempts: number) {
		super(error.message);
		this.error = error;
		this.attempts = attempts;
		this.name = 'TransportFailure';
	}
}

export const DEFAULT_BASE_URL = 'https://api.anthropic.com';

export function createClaudeClient(credentials: ClaudeCredentials): Anthropic {
	const headers: Record<string, string> = {};
	if (credentials.headerName?.trim()) headers[credentials.headerName.trim()] = credentials.headerValue ?? '';
	return new Anthropic({
		apiKey: credentials.apiKey,
		baseURL: (credentials.baseUrl?.trim() || DEFAULT_BASE_URL).replace(/\/+$/, ''),
		defaultHeaders: headers,
		// Retries are ours: one policy, bounded by the deadline, visible in the output as `attempts`.
		maxRetries: 0,
	});
}

/**
 * Runs `attempt` with our retry policy. Each attempt's timeout is bounded by the deadline; no
 * retry wait runs past it. Throws TransportFailure.
 */
export async function withRetries<T>(options: CallOptions, attempt: (timeoutMs: number) => Promise<T>): Promise<{ value: T; attempts: number }> {
	const policy = options.retry ?? DEFAULT_RETRY;
	let last: AgentError | undefined;
	for (let n = 1; ; n++) {
		const remaining = options.deadline === undefined ? Number.POSITIVE_INFINITY : options.deadline - Date.now();
		if (remaining <= 0) throw new TransportFailure(pastDeadline(last), n - 1);
		const timeoutMs = Math.max(1, Math.min(options.timeoutMs, remaining));
		const outcome = await attempt(timeoutMs).then(
			(value) => ({ ok: true as const, value }),
			(error: unknown) => ({ ok: false as const, error }),
		);
		if (outcome.ok) return { value: outcome.value, attempts: n };
		let failure = toAgentError(outcome.error, options.signal);
		if (failure.type === 'timeout' && timeoutMs < options.timeoutMs) failure = pastDeadline(failure);
		last = failure;
		const delay = failure.type === 'deadline' ? null : nextDelay(policy, failure, n, options.random);
		if (delay === null || options.signal?.aborted) throw new TransportFailure(failure, n);
		if (options.deadline !== undefined && Date.now() + delay >= options.deadline) throw new TransportFailure(pastDeadline(failure), n);
		options.onRetry?.(failure, n, delay);
		const waited = await sleep(delay, undefined, { signal: options.signal }).then(
			() => true,
			() => false,
		);
		if (!waited) throw new TransportFailure(classifyFailure({ aborted: true }), n);
	}
}

function pastDeadline(last: AgentError | undefined): AgentError {
	const why = last ? ` (last attempt: ${last.type}: ${last.message})` : '';
	return new AgentError('deadline', `The run's deadline passed before the Claude API answered${why}. Fix: allow a later "Deadline", or lower Effort or the input size`, {
		requestId: last?.requestId,
	});
}

/** Sends one Messages request, retrying transient failures per the policy. Throws TransportFailure. */
export async function sendMessage(client: Anthropic, request: ClaudeRequest, options: CallOptions): Promise<ClaudeReply> {
	if (options.batch) return options.batch.send(request, options);
	const { value: reply, attempts } = await withRetries(options, (timeout) =>
		client.messages.create(toParams(request), { timeout, signal: options.signal, maxRetries: 0 }),
	);
	return readReply(reply as unknown as RawMessage, attempts);
}

/** Counts a request's input tokens (POST /v1/messages/count_tokens, free). Throws TransportFailure. */
export async function countTokens(client: Anthropic, request: Omit<ClaudeRequest, 'maxTokens'>, options: CallOptions): Promise<number> {
	const params: Record<string, unknown> = toParams({ ...request, maxTokens: 1 });
	delete params.max_tokens; // count_tokens takes no max_tokens
	const { value } = await withRetries(options, (timeout) =>
		client.messages.countTokens(params as unknown as Parameters<Anthropic['messages']['countTokens']>[0], { timeout, signal: options.signal, maxRetries: 0 }),
	);
	return value.input_tokens;
}

/** The model ids the credential's key can use (GET /v1/models, all pages). Throws TransportFailure. */
export async function listModels(client: Anthropic, options: CallOptions): Promise<Array<{ id: string; name: string }>> {
	const { value } = await withRetries(options, async (timeout) => {
		const out: Array<{ id: string; name: string }> = [];
		for await (const model of client.models.list({ limit: 100 }, { timeout, signal: options.signal, maxRetries: 0 })) {
			out.push({ id: model.id, name: model.display_name || model.id });
		}
		return out;
	});
	return value;
}

export function toParams(request: ClaudeRequest) {
	const outputConfig = {
		...(request.effort ? { effort: request.effort } : {}),
		...(request.outputSchema ? { format: { type: 'json_schema' as const, schema: request.outputSchema } } : {}),
	};
	return {
		model: request.model,
		max_tokens: request.maxTokens,
		system: request.system,
		messages: request.messages,
		...(Object.keys(outputConfig).length ? { output_config: outputConfig } : {}),
	};
}

interface RawMessage {
	content: Array<{ type: string; text?: string }>;
	stop_reason: string | null;
	stop_details?: { category?: string | null; explanation?: string | null } | null;
	usage?: RawUsage;
	_request_id?: string | null;
}

interface RawUsage {
	input_tokens?: number | null;
	output_tokens?: number | null;
	cache_creation_input_tokens?: number | null;
	cache_read_input_tokens?: number | null;
	cache_creation?: { ephemeral_1h_input_tokens?: number | null } | null;
	output_tokens_details?: { thinking_tokens?: number | null } | null;
}

/** Reads a reply by block type, never by position: 5.5 replies start with thinking blocks. */
export function readReply(message: RawMessage, attempts: number): ClaudeReply {
	const texts = message.content.filter((block) => block.type === 'text').map((block) => block.text ?? '');
	return {
		text: texts.join(''),
		hasText: texts.some((t) => t.trim() !== ''),
		stopReason: message.stop_reason,
		...(message.stop_details ? { stopDetails: message.stop_details } : {}),
		usage: normaliseUsage(message.usage),
		attempts,
		requestId: message._request_id ?? undefined,
	};
}

export function normaliseUsage(usage: RawUsage | undefined): Usage {
	return {
		input_tokens: usage?.input_tokens ?? 0,
		output_tokens: usage?.output_tokens ?? 0,
		cache_creation_input_tokens: usage?.cache_creation_input_tokens ?? 0,
		cache_read_input_tokens: usage?.cache_read_input_tokens ?? 0,
		cache_creation_1h_input_tokens: usage?.cache_creation?.ephemeral_1h_input_tokens ?? 0,
		thinking_tokens: usage?.output_tokens_details?.thinking_tokens ?? 0,
	};
}

export function toAgentError(error: unknown, signal?: AbortSignal): AgentError {
	if (error instanceof AgentError) return error;
	if (error instanceof TransportFailure) return error.error;
	if (signal?.aborted || error instanceof Anthropic.APIUserAbortError) return classifyFailure({ aborted: true });
	if (error instanceof Anthropic.APIConnectionTimeoutError) return classifyFailure({ timedOut: true });
	if (error instanceof Anthropic.APIConnectionError) return classifyFailure({ connection: true, message: causeMessage(error) });
	if (error instanceof Anthropic.APIError) {
		const body = error.error as { error?: { type?: string; message?: string; details?: { error_code?: string } }; request_id?: string } | undefined;
		return classifyFailure({
			status: error.status,
			apiErrorType: body?.error?.type,
			errorCode: body?.error?.details?.error_code,
			message: body?.error?.message ?? error.message,
			requestId: body?.request_id ?? error.requestID ?? undefined,
			headers: error.headers,
			body: body as { [key: string]: unknown } | undefined,
		});
	}
	return classifyFailure({ connection: true, message: (error as Error)?.message });
}

function causeMessage(error: Error): string {
	const cause = (error as { cause?: { code?: string; message?: string } }).cause;
	return cause?.code ?? cause?.message ?? error.message;
}

/** Defence in depth: no secret leaves through a message even if some layer echoed it. */
export function redact(text: string, secrets: Array<string | undefined>): string {
	let out = text;
	for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
	return out;
}
