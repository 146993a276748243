/** Every way a specialist call can fail, as a type an n8n user can branch on. */
export const AGENT_ERROR_TYPES = [
	'timeout',
	'rate_limited',
	'spend_limit',
	'overloaded',
	'server_error',
	'connection',
	'invalid_output',
	'truncated',
	'auth',
	'bad_request',
	'not_found',
	'request_too_large',
	'cancelled',
	'budget_exceeded',
	'input',
] as const;
export type AgentErrorType = (typeof AGENT_ERROR_TYPES)[number];

export class AgentError extends Error {
	readonly type: AgentErrorType;
	readonly status?: number;
	readonly retryAfterMs?: number;
	readonly requestId?: string;

	constructor(
		type: AgentErrorType,
		message: string,
		extra: { status?: number; retryAfterMs?: number; requestId?: string } = {},
	) {
		super(message);
		this.name = 'AgentError';
		this.type = type;
		this.status = extra.status;
		this.retryAfterMs = extra.retryAfterMs;
		this.requestId = extra.requestId;
	}
}

/** The facts of a failed HTTP exchange, independent of the SDK's error classes. */
export interface FailureFacts {
	status?: number;
	apiErrorType?: string;
	message?: string;
	headers?: { get(name: string): string | null | undefined } | Record<string, string | undefined>;
	timedOut?: boolean;
	aborted?: boolean;
	connection?: boolean;
}

const SPEND_LIMIT = /spend(ing)? limit|usage limit|credit balance|billing|quota/i;

function header(headers: FailureFacts['headers'], name: string): string | undefined {
	if (!headers) return undefined;
	if (typeof (headers as { get?: unknown }).get === 'function') {
		return (headers as { get(n: string): string | null | undefined }).get(name) ?? undefined;
	}
	return (headers as Record<string, string | undefined>)[name];
}

/** `retry-after-ms` (Anthropic) wins over `retry-after` (seconds or an HTTP date). */
export function retryAfterMs(headers: FailureFacts['headers'], now = Date.now()): number | undefined {
	const ms = Number(header(headers, 'retry-after-ms'));
	if (Number.isFinite(ms) && ms >= 0 && header(headers, 'retry-after-ms') !== undefined) return ms;
	const value = header(headers, 'retry-after');
	if (value === undefined) return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** Maps a failed exchange to an AgentError whose message is safe to show (no key, no headers). */
export function classifyFailure(facts: FailureFacts): AgentError {
	const requestId = header(facts.headers, 'request-id');
	const detail = facts.message ? `: ${facts.message}` : '';
	if (facts.aborted) return new AgentError('cancelled', 'The execution was cancelled');
	if (facts.timedOut) return new AgentError('timeout', `The Claude API did not answer in time${detail}`);
	if (facts.status === undefined) {
		return new AgentError('connection', `Could not reach the Claude API${detail}`);
	}
	const status = facts.status;
	const base = { status, requestId, retryAfterMs: retryAfterMs(facts.headers) };
	const said = `Claude API answered ${status}${facts.apiErrorType ? ` ${facts.apiErrorType}` : ''}${detail}`;
	if (status === 429) {
		return SPEND_LIMIT.test(facts.message ?? '')
			? new AgentError('spend_limit', `${said}. Raise the spend limit in the Anthropic console`, base)
			: new AgentError('rate_limited', said, base);
	}
	if (status === 529) return new AgentError('overloaded', said, base);
	if (status === 401 || status === 403) {
		return new AgentError('auth', `${said}. Fix: check the API key in the Agent Swarm Anthropic credential`, base);
	}
	if (status === 404) return new AgentError('not_found', said, base);
	if (status === 413) return new AgentError('request_too_large', said, base);
	if (status >= 500) return new AgentError('server_error', said, base);
	return new AgentError('bad_request', said, base);
}
