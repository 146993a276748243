import { describe, expect, it } from 'vitest';
import { classifyFailure, retryAfterMs } from '../../nodes/shared/claude/errors.ts';
import { isRetryable, nextDelay } from '../../nodes/shared/claude/retry.ts';

const policy = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

describe('retry policy', () => {
	it('backs off exponentially with jitter between 50% and 100% of the step', () => {
		expect(nextDelay(policy, { type: 'overloaded' }, 1, () => 0)).toBe(250);
		expect(nextDelay(policy, { type: 'overloaded' }, 1, () => 1)).toBe(500);
		expect(nextDelay(policy, { type: 'server_error' }, 3, () => 1)).toBe(2000);
	});
	it('honours retry-after as a floor, capped by the maximum delay', () => {
		expect(nextDelay(policy, { type: 'rate_limited', retryAfterMs: 7000 }, 1, () => 0)).toBe(7000);
		expect(nextDelay(policy, { type: 'rate_limited', retryAfterMs: 120_000 }, 1, () => 0)).toBe(30_000);
	});
	it('stops at the attempt limit and never retries client errors or spend limits', () => {
		expect(nextDelay(policy, { type: 'overloaded' }, 4)).toBeNull();
		for (const type of ['bad_request', 'auth', 'permission', 'not_found', 'model_not_found', 'request_too_large', 'spend_limit', 'billing', 'refused', 'input_too_large', 'deadline', 'invalid_output', 'cancelled'] as const) {
			expect(isRetryable(type)).toBe(false);
		}
		for (const type of ['rate_limited', 'overloaded', 'server_error', 'connection', 'timeout'] as const) {
			expect(isRetryable(type)).toBe(true);
		}
	});
});

describe('failure classification', () => {
	it('maps statuses to error types as the API means them (https://platform.claude.com/docs/en/api/errors)', () => {
		const type = (status: number, message = 'x', errorCode?: string) => classifyFailure({ status, message, errorCode }).type;
		expect(type(429)).toBe('rate_limited');
		expect(type(429, 'Monthly spend cap reached', 'enforced_spend_limit_reached')).toBe('spend_limit');
		expect(type(400, 'You have reached your specified workspace API usage limits. You will regain access on 2026-12-01')).toBe('spend_limit');
		expect(type(400, 'You have reached your specified API usage limits')).toBe('spend_limit');
		expect(type(400, 'prompt is too long: 1000201 tokens > 1000000 maximum')).toBe('input_too_large');
		expect(type(402)).toBe('billing');
		expect(type(529)).toBe('overloaded');
		expect(type(500)).toBe('server_error');
		expect(type(503)).toBe('server_error');
		expect(type(401)).toBe('auth');
		expect(type(403)).toBe('permission');
		expect(type(404, 'model: claude-x')).toBe('model_not_found');
		expect(type(404, 'Not found')).toBe('not_found');
		expect(type(413)).toBe('request_too_large');
		expect(type(400)).toBe('bad_request');
		expect(classifyFailure({ timedOut: true }).type).toBe('timeout');
		expect(classifyFailure({ connection: true }).type).toBe('connection');
		expect(classifyFailure({ aborted: true }).type).toBe('cancelled');
	});
	it('keeps the real response for NodeApiError, and none where there was no HTTP response', () => {
		const body = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: 'req_1' };
		expect(classifyFailure({ status: 529, apiErrorType: 'overloaded_error', message: 'Overloaded', body }).httpResponse).toEqual({ status: 529, body });
		// A proxy's HTML error page: its text, not an Anthropic error envelope invented for it.
		expect(classifyFailure({ status: 502, message: '502 <html>Bad gateway</html>' }).httpResponse).toEqual({ status: 502, body: { message: '502 <html>Bad gateway</html>' } });
		for (const facts of [{ timedOut: true }, { aborted: true }, { connection: true }]) expect(classifyFailure(facts).httpResponse).toBeUndefined();
	});
	it('keeps the request id from the body or the header', () => {
		expect(classifyFailure({ status: 500, requestId: 'req_body' }).requestId).toBe('req_body');
		expect(classifyFailure({ status: 500, headers: { 'request-id': 'req_header' } }).requestId).toBe('req_header');
	});
	it('reads retry-after in seconds, milliseconds or as a date', () => {
		expect(retryAfterMs({ 'retry-after': '3' })).toBe(3000);
		expect(retryAfterMs({ 'retry-after-ms': '250', 'retry-after': '3' })).toBe(250);
		expect(retryAfterMs({ 'retry-after': new Date(10_000).toUTCString() }, 4_000)).toBe(6000);
		expect(retryAfterMs({})).toBeUndefined();
	});
	it('tells the user how to fix an auth failure', () => {
		expect(classifyFailure({ status: 401, message: 'invalid x-api-key' }).message).toMatch(/check the API key/);
	});
});
