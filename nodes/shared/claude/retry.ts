import type { AgentErrorType } from './errors.ts';

export interface RetryPolicy {
	/** Total attempts including the first. */
	maxAttempts: number;
	baseDelayMs: number;
	maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

/** Transient failures: trying again later can succeed. Spend limits and client errors cannot. */
const RETRYABLE: ReadonlySet<AgentErrorType> = new Set<AgentErrorType>([
	'rate_limited',
	'overloaded',
	'server_error',
	'connection',
	'timeout',
]);

export function isRetryable(type: AgentErrorType): boolean {
	return RETRYABLE.has(type);
}

/**
 * Delay before attempt `attempt + 1`, or null to give up. Exponential backoff with jitter in
 * [50%, 100%] of the step; a server's retry-after is honoured as a floor, capped by maxDelayMs.
 */
export function nextDelay(
	policy: RetryPolicy,
	failure: { type: AgentErrorType; retryAfterMs?: number },
	attempt: number,
	random: () => number = Math.random,
): number | null {
	if (!isRetryable(failure.type) || attempt >= policy.maxAttempts) return null;
	const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
	const jittered = step * (0.5 + random() / 2);
	const floor = failure.retryAfterMs ?? 0;
	return Math.round(Math.min(policy.maxDelayMs, Math.max(jittered, floor)));
}
