import { describe, expect, it } from 'vitest';
import { z } from 'zod/v4';
import { createClaudeClient, sendMessage } from '../../nodes/shared/claude/client.ts';
import { AgentError } from '../../nodes/shared/claude/errors.ts';
import { runStructured, type StructuredTask } from '../../nodes/shared/claude/structured-call.ts';
import { zodOutputSchema } from '../../nodes/shared/structured/output-schema.ts';
import { TEST_KEY, useSimulator } from '../helpers/simulator.ts';

const schema = zodOutputSchema(z.object({ summary: z.string(), confidence: z.number().int().min(0).max(100) }));
const task = (input = 'analyse this'): StructuredTask => ({
	model: 'claude-haiku-5-5',
	instructions: 'You are a test specialist. '.repeat(300),
	input,
	schema,
	maxTokens: 512,
	temperature: 0,
	cache: true,
});
const fast = { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 2000 };

async function failure(promise: Promise<unknown>): Promise<AgentError & { attempts: number }> {
	try {
		await promise;
	} catch (error) {
		return error as AgentError & { attempts: number };
	}
	throw new Error('expected a failure');
}

describe('Claude transport over HTTP to the loopback simulator', () => {
	const { sim, url } = useSimulator();
	const client = () => createClaudeClient({ apiKey: TEST_KEY, baseUrl: url() });
	const options = { timeoutMs: 2000, retry: fast };

	it('sends the structured-output request and returns validated JSON with usage', async () => {
		const out = await runStructured(client(), task(), options);
		expect(out.value).toMatchObject({ summary: expect.any(String), confidence: expect.any(Number) });
		expect(out.attempts).toBe(1);
		const [req] = sim.messageRequests();
		expect(req.outputFormat).toMatchObject({ type: 'json_schema', schema: { type: 'object', additionalProperties: false } });
		expect((req.system as Array<{ cache_control?: unknown }>)[0].cache_control).toEqual({ type: 'ephemeral' });
		expect(JSON.stringify(req.headers)).not.toContain(TEST_KEY);
		expect(out.usage.input_tokens + out.usage.cache_creation_input_tokens).toBeGreaterThan(0);
	});

	it('pays cache-read prices for the cached instructions on the second run', async () => {
		const first = await runStructured(client(), task('a'), options);
		const second = await runStructured(client(), task('b'), options);
		expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(1000);
		expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
		expect(second.usage.cache_creation_input_tokens).toBe(0);
	});

	it('retries a 429 after its retry-after, and a 529 and a 500 with backoff', async () => {
		sim.script({ times: 1, behaviour: { kind: 'error', status: 429, retryAfter: 1 } });
		const started = Date.now();
		const out = await sendMessage(client(), { model: 'm', system: [], messages: [{ role: 'user', content: 'x' }], maxTokens: 10, temperature: 0 }, options);
		expect(out.attempts).toBe(2);
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
		sim.script({ times: 1, behaviour: { kind: 'error', status: 529 } }, { times: 1, behaviour: { kind: 'error', status: 500 } });
		expect((await runStructured(client(), task(), options)).attempts).toBe(3);
	});

	it('gives up after the attempt limit with the last error type', async () => {
		sim.script({ behaviour: { kind: 'error', status: 529 } });
		const error = await failure(runStructured(client(), task(), options));
		expect(error.type).toBe('overloaded');
		expect(error.attempts).toBe(3);
		expect(sim.messageRequests()).toHaveLength(3);
	});

	it('does not retry client errors or an exhausted spend limit', async () => {
		for (const [status, type, message] of [
			[401, 'auth', 'invalid x-api-key'],
			[400, 'bad_request', 'messages: required'],
			[404, 'not_found', 'model: claude-nope'],
			[413, 'request_too_large', 'too big'],
			[429, 'spend_limit', 'You have reached your specified workspace API usage limits'],
		] as const) {
			sim.reset();
			sim.script({ behaviour: { kind: 'error', status, message } });
			const error = await failure(runStructured(client(), task(), options));
			expect(error.type).toBe(type);
			expect(sim.messageRequests()).toHaveLength(1);
		}
	});

	it('classifies a connection reset and a hang (timeout), retrying both', async () => {
		sim.script({ behaviour: { kind: 'reset' } });
		const reset = await failure(runStructured(client(), task(), options));
		expect(reset.type).toBe('connection');
		expect(reset.attempts).toBe(3);
		sim.reset();
		sim.script({ behaviour: { kind: 'hang' } });
		const hang = await failure(runStructured(client(), task(), { timeoutMs: 300, retry: { ...fast, maxAttempts: 2 } }));
		expect(hang.type).toBe('timeout');
		expect(hang.attempts).toBe(2);
	});

	it('repairs malformed or schema-invalid JSON once by showing the model its error', async () => {
		sim.script({ times: 1, behaviour: { kind: 'schema_invalid' } });
		const out = await runStructured(client(), task(), options);
		expect(out.repairs).toBe(1);
		const repair = sim.messageRequests()[1].messages as Array<{ role: string; content: string }>;
		expect(repair.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
		expect(repair[2].content).toMatch(/rejected: .*summary/);

		sim.reset();
		sim.script({ behaviour: { kind: 'malformed' } });
		const error = await failure(runStructured(client(), task(), options));
		expect(error.type).toBe('invalid_output');
		expect(error.message).toMatch(/after one repair attempt/);
		expect(sim.messageRequests()).toHaveLength(2);
	});

	it('reports a reply cut at max_tokens as truncated', async () => {
		sim.script({ behaviour: { kind: 'max_tokens' } });
		const error = await failure(runStructured(client(), task(), options));
		expect(error.type).toBe('truncated');
		expect(error.message).toMatch(/raise "Max Tokens"/);
	});

	it('cancels an in-flight call and a backoff wait when the signal aborts', async () => {
		sim.script({ behaviour: { kind: 'hang' } });
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 200);
		const started = Date.now();
		const error = await failure(runStructured(client(), task(), { timeoutMs: 30_000, retry: fast, signal: controller.signal }));
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
});
