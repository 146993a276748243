/**
 * The only code that talks to the Claude API. It owns the SDK client, retries, timeouts,
 * cancellation and error classification; callers get a reply or an AgentError.
 */
import Anthropic from '@anthropic-ai/sdk';
import { setTimeout as sleep } from 'node:timers/promises';
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
	cache_control?: { type: 'ephemeral' };
}

export interface ChatMessage {
	role: 'user' | 'assistant';
	content: string;
}

export interface ClaudeRequest {
	model: string;
	system: SystemBlock[];
	messages: ChatMessage[];
	maxTokens: number;
	temperature: number;
	/** JSON schema for constrained decoding (`output_config.format`). */
	outputSchema?: Record<string, unknown>;
}

export interface CallOptions {
	timeoutMs: number;
	retry?: RetryPolicy;
	signal?: AbortSignal;
	random?: () => number;
	/** Told before each retry wait, e.g. to count retries in metrics. */
	onRetry?: (failure: AgentError, attempt: number, delayMs: number) => void;
}

export interface ClaudeReply {
	text: string;
	stopReason: string | null;
	usage: Usage;
	attempts: number;
	requestId?: string;
}

export const DEFAULT_BASE_URL = 'https://api.anthropic.com';

export function createClaudeClient(credentials: ClaudeCredentials): Anthropic {
	const headers: Record<string, string> = {};
	if (credentials.headerName?.trim()) headers[credentials.headerName.trim()] = credentials.headerValue ?? '';
	return new Anthropic({
		apiKey: credentials.apiKey,
		baseURL: (credentials.baseUrl?.trim() || DEFAULT_BASE_URL).replace(/\/+$/, ''),
		defaultHeaders: headers,
		// Retries are ours: one policy, visible in the output as `attempts`.
		maxRetries: 0,
	});
}

/** Sends one Messages request, retrying transient failures per the policy. */
export async function sendMessage(client: Anthropic, request: ClaudeRequest, options: CallOptions): Promise<ClaudeReply> {
	const policy = options.retry ?? DEFAULT_RETRY;
	for (let attempt = 1; ; attempt++) {
		try {
			const reply = await client.messages.create(toParams(request), {
				timeout: options.timeoutMs,
				signal: options.signal,
				maxRetries: 0,
			});
			return {
				text: reply.content.map((block) => (block.type === 'text' ? block.text : '')).join(''),
				stopReason: reply.stop_reason,
				usage: normaliseUsage(reply.usage),
				attempts: attempt,
				requestId: (reply as { _request_id?: string | null })._request_id ?? undefined,
			};
		} catch (error) {
			const failure = toAgentError(error, options.signal);
			const delay = nextDelay(policy, failure, attempt, options.random);
			if (delay === null || options.signal?.aborted) throw Object.assign(failure, { attempts: attempt });
			options.onRetry?.(failure, attempt, delay);
			try {
				await sleep(delay, undefined, { signal: options.signal });
			} catch {
				throw Object.assign(classifyFailure({ aborted: true }), { attempts: attempt });
			}
		}
	}
}

function toParams(request: ClaudeRequest) {
	return {
		model: request.model,
		max_tokens: request.maxTokens,
		temperature: request.temperature,
		system: request.system,
		messages: request.messages,
		...(request.outputSchema ? { output_config: { format: { type: 'json_schema' as const, schema: request.outputSchema } } } : {}),
	};
}

export function normaliseUsage(usage: Partial<Record<keyof Usage, number | null>> | undefined): Usage {
	return {
		input_tokens: usage?.input_tokens ?? 0,
		output_tokens: usage?.output_tokens ?? 0,
		cache_creation_input_tokens: usage?.cache_creation_input_tokens ?? 0,
		cache_read_input_tokens: usage?.cache_read_input_tokens ?? 0,
	};
}

export function toAgentError(error: unknown, signal?: AbortSignal): AgentError {
	if (error instanceof AgentError) return error;
	if (signal?.aborted || error instanceof Anthropic.APIUserAbortError) return classifyFailure({ aborted: true });
	if (error instanceof Anthropic.APIConnectionTimeoutError) return classifyFailure({ timedOut: true });
	if (error instanceof Anthropic.APIConnectionError) {
		return classifyFailure({ connection: true, message: causeMessage(error) });
	}
	if (error instanceof Anthropic.APIError) {
		const body = error.error as { error?: { type?: string; message?: string } } | undefined;
		return classifyFailure({
			status: error.status,
			apiErrorType: body?.error?.type,
			message: body?.error?.message ?? error.message,
			headers: error.headers,
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
