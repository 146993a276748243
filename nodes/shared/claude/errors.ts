/**
 * Every way a Claude call can fail, as a type an n8n user can branch on, classified the way
 * the API means it (https://platform.claude.com/docs/en/api/errors,
 * https://platform.claude.com/docs/en/api/rate-limits).
 */
export const AGENT_ERROR_TYPES = [
	'timeout',
	'deadline',
	'rate_limited',
	'spend_limit',
	'billing',
	'overloaded',
	'server_error',
	'connection',
	'invalid_output',
	'truncated',
	'refused',
	'input_too_large',
	'auth',
	'permission',
	'bad_request',
	'model_not_found',
	'not_found',
	'request_too_large',
	'cancelled',
	'batch_expired',
	'batch_canceled',
	'budget_exceeded',
	'budget_unavailable',
	'input',
] as const;
export type AgentErrorType = (typeof AGENT_ERROR_TYPES)[number];

export interface AgentErrorDetails {
	status?: number;
	/** The API's real error response, when the failure was an HTTP answer. */
	httpResponse?: { status: number; body: { [key: string]: unknown } };
	retryAfterMs?: number;
	requestId?: string;
	/** The API's machine-readable cause (`error.details.error_code`), when it sent one. */
	errorCode?: string;
}

export class AgentError extends Error {
	readonly type: AgentErrorType;
	readonly status?: number;
	readonly retryAfterMs?: number;
	readonly requestId?: string;
	readonly errorCode?: string;
	readonly httpResponse?: AgentErrorDetails['httpResponse'];

	constructor(type: AgentErrorType, message: string, details: AgentErrorDetails = {}) {
		super(message);
		this.name = 'AgentError';
		this.type = type;
		this.status = details.status;
		this.retryAfterMs = details.retryAfterMs;
		this.requestId = details.requestId;
		this.errorCode = details.errorCode;
		this.httpResponse = details.httpResponse;
	}

	/** The same failure with another message (a fix appended, a secret redacted). */
	withMessage(message: string): AgentError {
		return new AgentError(this.type, message, this);
	}

	/** The failed-item shape: `{ type, message, request_id? }`. */
	toJSON(): { type: AgentErrorType; message: string; request_id?: string } {
		return { type: this.type, message: this.message, ...(this.requestId ? { request_id: this.requestId } : {}) };
	}
}

type HeaderSource = { get(name: string): string | null | undefined } | Record<string, string | undefined>;

/** The facts of a failed HTTP exchange, independent of the SDK's error classes. */
export interface FailureFacts {
	status?: number;
	apiErrorType?: string;
	errorCode?: string;
	message?: string;
	requestId?: string;
	headers?: HeaderSource;
	/** The response body as the API sent it. */
	body?: { [key: string]: unknown };
	timedOut?: boolean;
	aborted?: boolean;
	connection?: boolean;
}

function header(headers: HeaderSource | undefined, name: string): string | undefined {
	if (!headers) return undefined;
	if (typeof (headers as { get?: unknown }).get === 'function') {
		return (headers as { get(n: string): string | null | undefined }).get(name) ?? undefined;
	}
	return (headers as Record<string, string | undefined>)[name];
}

/** `retry-after-ms` wins over `retry-after` (seconds or an HTTP date). */
export function retryAfterMs(headers: HeaderSource | undefined, now = Date.now()): number | undefined {
	const msText = header(headers, 'retry-after-ms');
	const ms = Number(msText);
	if (msText !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
	const value = header(headers, 'retry-after');
	if (value === undefined) return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** A user-set organisation or workspace spend limit: HTTP 400 whose message says so (api/errors). */
const USER_SPEND_LIMIT = /reached your specified (workspace )?API usage limits/i;
/** A prompt longer than the model's context window. */
const PROMPT_TOO_LONG = /prompt is too long|context window/i;

/** Maps a failed exchange to an AgentError whose message is safe to show (no key, no headers). */
export function classifyFailure(facts: FailureFacts): AgentError {
	const requestId = facts.requestId ?? header(facts.headers, 'request-id');
	const detail = facts.message ? `: ${facts.message}` : '';
	if (facts.aborted) return new AgentError('cancelled', 'The execution was cancelled');
	if (facts.timedOut) return new AgentError('timeout', `The Claude API did not answer in time${detail}. Fix: raise "Timeout" in the node options`);
	if (facts.status === undefined) return new AgentError('connection', `Could not reach the Claude API${detail}`);
	const status = facts.status;
	const base: AgentErrorDetails = {
		status,
		requestId,
		errorCode: facts.errorCode,
		retryAfterMs: retryAfterMs(facts.headers),
		// The API's own body; a response without a JSON body (e.g. a proxy's error page) keeps the
		// text it sent, not an API error object made up for it.
		httpResponse: { status, body: facts.body ?? { message: facts.message ?? '' } },
	};
	const said = `Claude API answered ${status}${facts.apiErrorType ? ` ${facts.apiErrorType}` : ''}${detail}`;
	const message = facts.message ?? '';
	if (status === 429) {
		// The usage tier's monthly spend cap: no retry-after, nothing to gain by retrying.
		return facts.errorCode === 'enforced_spend_limit_reached'
			? new AgentError('spend_limit', `${said}. The organisation reached its usage tier's monthly spend cap; calls resume next month. Fix: move to a higher usage tier in the Claude Console`, base)
			: new AgentError('rate_limited', said, base);
	}
	if (status === 400 && USER_SPEND_LIMIT.test(message)) {
		return new AgentError('spend_limit', `${said}. Fix: raise or remove the spend limit on the Claude Console's billing or workspace page`, base);
	}
	if (status === 400 && PROMPT_TOO_LONG.test(message)) {
		return new AgentError('input_too_large', `${said}. Fix: lower "Chunk Size" or "Digest Size" so each request fits the model's context window`, base);
	}
	if (status === 402) return new AgentError('billing', `${said}. Fix: check the payment details in the Claude Console`, base);
	if (status === 529) return new AgentError('overloaded', said, base);
	if (status === 401) return new AgentError('auth', `${said}. Fix: check the API key in the Anthropic credential`, base);
	if (status === 403) return new AgentError('permission', `${said}. Fix: the key lacks permission for this resource; check the workspace's access in the Claude Console`, base);
	if (status === 404) {
		return /model/i.test(message) ? new AgentError('model_not_found', said, base) : new AgentError('not_found', `${said}. Fix: check the Base URL in the Anthropic credential`, base);
	}
	if (status === 413) return new AgentError('request_too_large', `${said}. Fix: the request is over the API's size limit; lower "Chunk Size"`, base);
	if (status >= 500) return new AgentError('server_error', said, base);
	return new AgentError('bad_request', said, base);
}
