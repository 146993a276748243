import { describe, expect, it } from 'vitest';
import { z } from 'zod/v4';
import { createClaudeClient, sendMessage, TransportFailure } from '../../nodes/shared/claude/client.ts';
import { runStructured, type StructuredOutcome, type StructuredTask } from '../../nodes/shared/claude/structured-call.ts';
import { priceTable } from '../../nodes/shared/models/prices.ts';
import { zodOutputSchema } from '../../nodes/shared/structured/output-schema.ts';
import { TEST_KEY, useSimulator } from '../helpers/simulator.ts';

const schema = zodOutputSchema(z.object({ summary: z.string(), confidence: z.number().int().min(0).max(100) }));
const task = (input = 'analyse this'): StructuredTask => ({
	model: 'claude-haiku-5-5',
	instructions: 'You are a test specialist. '.repeat(300),
	input,
	schema,
	maxTokens: 4000,
	effort: 'low',
	cache: '5m',
});
const fast = { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 2000 };

function failed(outcome: StructuredOutcome) {
	if (outcome.ok) throw new Error('expected a failure');
	return { ...outcome.error, type: outcome.error.type, message: outcome.error.message, requestId: outcome.error.requestId, spend: outcome.spend };
}

describe('Claude transport over HTTP to the strict simulator', () => {
	const { sim, url } = useSimulator();
	const client = () => createClaudeClient({ apiKey: TEST_KEY, baseUrl: url() });
	const options = { timeoutMs: 2000, retry: fast, prices: priceTable() };

	it('sends what the 5.5 models accept (API 2026-10-21, effort, no sampling) and returns validated JSON with usage', async () => {
		const out = await runStructured(client(), task(), options);
		expect(out.ok && out.value).toMatchObject({ summary: expect.any(String), confidence: expect.any(Number) });
		expect(out.spend.attempts).toBe(1);
		const [req] = sim.messageRequests();
		expect(req.apiVersion).toBe('2026-10-21');
		expect(req.body).not.toHaveProperty('temperature');
		expect(req.body!.output_config).toMatchObject({ effort: 'low', format: { type: 'json_schema', schema: { type: 'object', additionalProperties: false } } });
		expect((req.system as Array<{ cache_control?: unknown }>)[0].cache_control).toEqual({ type: 'ephemeral' });
		expect(JSON.stringify(req.headers)).not.toContain(TEST_KEY);
		expect(out.spend.usage.thinking_tokens).toBeGreaterThan(0);
		expect(out.spend.costUsd).toBeGreaterThan(0);
		expect(sim.refusedRequests()).toEqual([]);
	});

	it('pays cache-read prices for the cached instructions on the second run, and writes 1-hour entries when asked', async () => {
		const first = await runStructured(client(), task('a'), options);
		const second = await runStructured(client(), task('b'), options);
		expect(first.spend.usage.cache_creation_input_tokens).toBeGreaterThan(512);
		expect(second.spend.usage.cache_read_input_tokens).toBe(first.spend.usage.cache_creation_input_tokens);
		expect(second.spend.usage.cache_creation_input_tokens).toBe(0);
		const hour = await runStructured(client(), { ...task('c'), instructions: 'Hourly. '.repeat(400), cache: '1h' }, options);
		expect(hour.spend.usage.cache_creation_1h_input_tokens).toBe(hour.spend.usage.cache_creation_input_tokens);
		expect(sim.messageRequests().at(-1)!.system).toMatchObject([{ cache_control: { type: 'ephemeral', ttl: '1h' } }]);
	});

	it('retries a 429 after its retry-after, and a 529 and a 500 with backoff', async () => {
		sim.script({ times: 1, behaviour: { kind: 'error', status: 429, retryAfter: 1 } });
		const started = Date.now();
		const out = await sendMessage(client(), { model: 'claude-haiku-5-5', system: [], messages: [{ role: 'user', content: 'x' }], maxTokens: 1000 }, options);
		expect(out.attempts).toBe(2);
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
		sim.script({ times: 1, behaviour: { kind: 'error', status: 529 } }, { times: 1, behaviour: { kind: 'error', status: 500 } });
		expect((await runStructured(client(), task(), options)).spend.attempts).toBe(3);
	});

	it('gives up after the attempt limit with the last error type and its request id', async () => {
		sim.script({ behaviour: { kind: 'error', status: 529 } });
		const error = failed(await runStructured(client(), task(), options));
		expect(error.type).toBe('overloaded');
		expect(error.spend.attempts).toBe(3);
		expect(error.requestId).toBe(sim.messageRequests().at(-1)!.id);
		expect(sim.messageRequests()).toHaveLength(3);
	});

	it('does not retry client errors, billing or an exhausted spend limit (https://platform.claude.com/docs/en/api/errors)', async () => {
		for (const [status, type, message, errorCode] of [
			[401, 'auth', 'invalid x-api-key', undefined],
			[400, 'bad_request', 'messages: required', undefined],
			[400, 'spend_limit', 'You have reached your specified workspace API usage limits', undefined],
			[402, 'billing', 'Your credit balance is too low', undefined],
			[413, 'request_too_large', 'too big', undefined],
			[429, 'spend_limit', 'Monthly spend cap reached', 'enforced_spend_limit_reached'],
		] as const) {
			sim.reset();
			sim.script({ behaviour: { kind: 'error', status, message, errorCode } });
			const error = failed(await runStructured(client(), task(), options));
			expect(error.type, `${status} ${message}`).toBe(type);
			expect(error.requestId).toMatch(/^req_/);
			expect(sim.messageRequests()).toHaveLength(1);
		}
	});

	it('classifies a connection reset and a hang (timeout), retrying both', async () => {
		sim.script({ behaviour: { kind: 'reset' } });
		const reset = failed(await runStructured(client(), task(), options));
		expect(reset.type).toBe('connection');
		expect(reset.spend.attempts).toBe(3);
		sim.reset();
		sim.script({ behaviour: { kind: 'hang' } });
		const hang = failed(await runStructured(client(), task(), { ...options, timeoutMs: 300, retry: { ...fast, maxAttempts: 2 } }));
		expect(hang.type).toBe('timeout');
		expect(hang.spend.attempts).toBe(2);
	});

	it('stops at the deadline: no attempt past it, no retry wait past it', async () => {
		sim.script({ behaviour: { kind: 'hang' } });
		const started = Date.now();
		const hang = failed(await runStructured(client(), task(), { ...options, timeoutMs: 60_000, retry: { ...fast, maxAttempts: 4 }, deadline: Date.now() + 400 }));
		expect(hang.type).toBe('deadline');
		expect(Date.now() - started).toBeLessThan(5_000);
		expect(sim.messageRequests()).toHaveLength(1);
		sim.reset();
		sim.script({ behaviour: { kind: 'error', status: 429, retryAfter: 30 } });
		const limited = failed(await runStructured(client(), task(), { ...options, retry: { ...fast, maxDelayMs: 60_000 }, deadline: Date.now() + 2_000 }));
		expect(limited.type).toBe('deadline');
		expect(limited.message).toMatch(/rate_limited/);
		expect(sim.messageRequests()).toHaveLength(1);
		expect(failed(await runStructured(client(), task(), { ...options, deadline: Date.now() - 1 })).type).toBe('deadline');
	});

	it('repairs malformed or schema-invalid JSON once, in one user turn that fences the rejected reply', async () => {
		sim.script({ times: 1, behaviour: { kind: 'schema_invalid' } });
		const out = await runStructured(client(), task(), options);
		expect(out.ok).toBe(true);
		expect(out.spend.repairs).toBe(1);
		const repair = sim.messageRequests()[1].messages as Array<{ role: string; content: string }>;
		expect(repair.map((m) => m.role)).toEqual(['user']);
		expect(repair[0].content).toMatch(/rejected:\n.*summary/);
		expect(repair[0].content).toMatch(/<data-[0-9a-f]{12} source="rejected-reply">/);

		sim.reset();
		sim.script({ behaviour: { kind: 'malformed' } });
		const error = failed(await runStructured(client(), task(), options));
		expect(error.type).toBe('invalid_output');
		expect(error.message).toMatch(/after one repair attempt/);
		expect(sim.messageRequests()).toHaveLength(2);
		expect(sim.refusedRequests()).toEqual([]);
	});

	it('reports a reply cut at max_tokens as truncated, and says when thinking used all of it', async () => {
		sim.script({ times: 1, behaviour: { kind: 'max_tokens' } });
		const cut = failed(await runStructured(client(), task(), options));
		expect(cut.type).toBe('truncated');
		expect(cut.message).toMatch(/raise "Max Tokens"/);
		const thinking = failed(await runStructured(client(), { ...task(), maxTokens: 100, effort: 'high' }, options));
		expect(thinking.type).toBe('truncated');
		expect(thinking.message).toMatch(/Thinking used the whole Max Tokens \(100\).*raise Max Tokens or lower Effort/);
		expect(thinking.spend.usage.output_tokens).toBe(100);
	});

	it('turns a refusal into a billed `refused` failure with no repair round (https://platform.claude.com/docs/en/build-with-claude/handling-stop-reasons)', async () => {
		sim.script({ behaviour: { kind: 'refusal', message: 'declined' } });
		const refused = failed(await runStructured(client(), task(), options));
		expect(refused.type).toBe('refused');
		expect(refused.requestId).toBe(sim.messageRequests()[0].id);
		expect(refused.spend.costUsd).toBeGreaterThan(0);
		expect(sim.messageRequests()).toHaveLength(1);
	});

	it('turns model_context_window_exceeded into input_too_large naming the fix', async () => {
		sim.script({ behaviour: { kind: 'context_window_exceeded' } });
		const error = failed(await runStructured(client(), task(), options));
		expect(error.type).toBe('input_too_large');
		expect(error.message).toMatch(/Chunk Size/);
	});

	it('cancels an in-flight call and a backoff wait when the signal aborts', async () => {
		sim.script({ behaviour: { kind: 'hang' } });
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 200);
		const started = Date.now();
		const error = failed(await runStructured(client(), task(), { ...options, timeoutMs: 30_000, signal: controller.signal }));
		expect(error.type).toBe('cancelled');
		expect(Date.now() - started).toBeLessThan(15_000); // half the 30 s timeout: it was cancelled
		await new Promise((r) => setTimeout(r, 50));
		expect(sim.messageRequests()[0].endedAt).toBeDefined();
	});

	it('sends the extra header from the credential', async () => {
		const withHeader = createClaudeClient({ apiKey: TEST_KEY, baseUrl: url(), headerName: 'x-gateway-team', headerValue: 'sre' });
		await runStructured(withHeader, task(), options);
		expect(sim.messageRequests()[0].headers['x-gateway-team']).toBe('sre');
	});

	it('keeps a billed reply when the budget cannot be settled, and says so', async () => {
		const gate = {
			reserve: async (request: { model: string }) => ({ id: 'h1', model: request.model }),
			settle: async () => Promise.reject(new Error('Redis connection lost')),
		};
		const out = await runStructured(client(), task(), { ...options, gate });
		expect(out.ok).toBe(true);
		expect(out.spend.costUsd).toBeGreaterThan(0);
		expect(out.spend.warnings[0]).toMatch(/budget_settle_failed: Redis connection lost; the reply was kept and counted/);
		const down = { reserve: async () => Promise.reject(new Error('ECONNREFUSED')), settle: async () => undefined };
		const refused = failed(await runStructured(client(), task(), { ...options, gate: down }));
		expect(refused.type).toBe('budget_unavailable');
		expect(sim.messageRequests()).toHaveLength(1);
	});

	it('throws a typed TransportFailure that carries the attempts made', async () => {
		sim.script({ behaviour: { kind: 'error', status: 401 } });
		await expect(sendMessage(client(), { model: 'claude-haiku-5-5', system: [], messages: [{ role: 'user', content: 'x' }], maxTokens: 1000 }, options)).rejects.toBeInstanceOf(TransportFailure);
	});
});
