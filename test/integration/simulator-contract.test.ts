/**
 * The simulator holds us to the documented API: each rule it enforces is pinned here, and each
 * test names the page the rule comes from. Requests are sent as raw HTTP so that the tests can
 * send what our client never would.
 */
import { describe, expect, it } from 'vitest';
import { MODEL_CATALOG } from '../../nodes/shared/models/catalog.data.ts';
import { ClaudeSimulator } from '../../simulator/server.ts';
import { TEST_KEY, useSimulator } from '../helpers/simulator.ts';

const DOCS = 'https://platform.claude.com/docs/en';
const MODELS = MODEL_CATALOG.map((m) => m.id);
const schema = { type: 'object', properties: { summary: { type: 'string' } }, required: ['summary'], additionalProperties: false };
const body = (extra: Record<string, unknown> = {}, model = 'claude-sonnet-5-5') => ({
	model,
	max_tokens: 4000,
	messages: [{ role: 'user', content: 'Analyse this.' }],
	...extra,
});

describe('strict simulator: the documented contract of the 5.5 models', () => {
	const { sim, url } = useSimulator();
	const send = async (payload: unknown, options: { version?: string | null; path?: string; method?: string; key?: string | null } = {}) => {
		const headers: Record<string, string> = { 'content-type': 'application/json' };
		if (options.version !== null) headers['anthropic-version'] = options.version ?? '2026-10-21';
		if (options.key !== null) headers['x-api-key'] = options.key ?? TEST_KEY;
		const res = await fetch(`${url()}${options.path ?? '/v1/messages'}`, {
			method: options.method ?? 'POST',
			headers,
			...(options.method === 'GET' ? {} : { body: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
		});
		return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, any> };
	};
	const refused = async (payload: unknown, options?: Parameters<typeof send>[1]) => {
		const out = await send(payload, options);
		expect(out.status, JSON.stringify(out.json)).toBeGreaterThanOrEqual(400);
		return out;
	};

	it(`refuses every sampling field as an extra input under 2026-10-21 (${DOCS}/api/migration-2026-10-21)`, async () => {
		for (const field of ['temperature', 'top_p', 'top_k']) {
			for (const model of MODELS) {
				const out = await refused(body({ [field]: field === 'top_k' ? 5 : 1 }, model));
				expect(out.status).toBe(400);
				expect(out.json.error).toEqual({ type: 'invalid_request_error', message: `${field}: Extra inputs are not permitted` });
			}
		}
	});

	it(`refuses non-default sampling on the 5.5 models under 2023-06-01, accepts the default temperature (${DOCS}/models/haiku-5-5/migration-guide)`, async () => {
		for (const model of MODELS) {
			expect((await refused(body({ temperature: 0 }, model), { version: '2023-06-01' })).json.error.message).toMatch(/temperature/);
			expect((await refused(body({ top_p: 0.9 }, model), { version: '2023-06-01' })).status).toBe(400);
			expect((await send(body({ temperature: 1 }, model), { version: '2023-06-01' })).status).toBe(200);
		}
	});

	it(`refuses a missing or unknown anthropic-version (${DOCS}/api/migration-2026-10-21)`, async () => {
		expect((await refused(body(), { version: null })).json.error.message).toMatch(/anthropic-version/);
		expect((await refused(body(), { version: '2024-01-01' })).status).toBe(400);
	});

	it(`refuses unknown top-level fields, and max_tokens on count_tokens (${DOCS}/api/messages)`, async () => {
		expect((await refused(body({ stream_options: {} }))).json.error.message).toBe('stream_options: Extra inputs are not permitted');
		expect((await refused(body(), { path: '/v1/messages/count_tokens' })).json.error.message).toBe('max_tokens: Extra inputs are not permitted');
		const { max_tokens: _unused, ...count } = body();
		expect((await send(count, { path: '/v1/messages/count_tokens' })).json.input_tokens).toBeGreaterThan(0);
	});

	it(`refuses assistant prefill: a request must end on a user turn (${DOCS}/models/sonnet-5-5/migration-guide)`, async () => {
		for (const model of MODELS) {
			const out = await refused(body({ messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: '{' }] }, model));
			expect(out.json.error.message).toMatch(/prefill/);
		}
		const multiTurn = [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'y' }, { role: 'user', content: 'z' }];
		expect((await send(body({ messages: multiTurn }))).status).toBe(200);
	});

	it(`refuses thinking budgets and disabled thinking, accepts adaptive (${DOCS}/models/opus-5-5/migration-guide)`, async () => {
		for (const model of MODELS) {
			expect((await refused(body({ thinking: { type: 'enabled', budget_tokens: 2000 } }, model))).json.error.message).toMatch(/thinking.type.enabled/);
			expect((await refused(body({ thinking: { type: 'disabled' } }, model))).json.error.message).toMatch(/thinking.type.disabled/);
			expect((await send(body({ thinking: { type: 'adaptive' } }, model))).status).toBe(200);
		}
	});

	it(`refuses forced tool choice on Sonnet and Opus 5.5 (${DOCS}/models/sonnet-5-5/whats-new-sonnet-5-5)`, async () => {
		const tools = [{ name: 'f', input_schema: { type: 'object', properties: {} } }];
		expect((await refused(body({ tools, tool_choice: { type: 'tool', name: 'f' } }, 'claude-opus-5-5'))).json.error.message).toMatch(/forced tool use/);
		expect((await refused(body({ tools, tool_choice: { type: 'any' } }, 'claude-sonnet-5-5'))).status).toBe(400);
	});

	it(`accepts output_config.effort levels and refuses others (${DOCS}/build-with-claude/effort)`, async () => {
		for (const effort of ['low', 'medium', 'high', 'xhigh', 'max']) expect((await send(body({ output_config: { effort } }))).status).toBe(200);
		expect((await refused(body({ output_config: { effort: 'extreme' } }))).json.error.message).toMatch(/output_config.effort/);
	});

	it(`refuses schema keywords outside the structured-outputs subset, open objects, minItems > 1 and recursion (${DOCS}/build-with-claude/structured-outputs)`, async () => {
		const format = (s: unknown) => body({ output_config: { format: { type: 'json_schema', schema: s } } });
		expect((await send(format(schema))).status).toBe(200);
		const cases: Array<[unknown, RegExp]> = [
			[{ ...schema, properties: { n: { type: 'integer', minimum: 0 } } }, /"minimum" is not supported/],
			[{ ...schema, properties: { s: { type: 'string', maxLength: 5 } } }, /"maxLength" is not supported/],
			[{ ...schema, properties: { a: { type: 'array', items: { type: 'string' }, minItems: 2 } } }, /minItems must be 0 or 1/],
			[{ ...schema, properties: { a: { type: 'array', items: { type: 'string' }, maxItems: 3 } } }, /"maxItems" is not supported/],
			[{ ...schema, properties: { a: { type: 'array', items: { type: 'string' }, uniqueItems: true } } }, /"uniqueItems" is not supported/],
			[{ type: 'object', properties: { o: { type: 'object', properties: {} } }, additionalProperties: false }, /additionalProperties/],
			[{ type: 'object', properties: {} }, /additionalProperties/],
			[{ type: 'object', properties: { n: { $ref: '#/$defs/node' } }, additionalProperties: false, $defs: { node: { type: 'object', properties: { next: { $ref: '#/$defs/node' } }, additionalProperties: false } } }, /recursive/],
			[{ type: 'array', items: { type: 'string' } }, /type": "object"/],
		];
		for (const [s, message] of cases) expect((await refused(format(s))).json.error.message).toMatch(message);
	});

	it(`refuses max_tokens above the model's 128K output limit (${DOCS}/models/opus-5-5/overview)`, async () => {
		expect((await refused(body({ max_tokens: 128_001 }))).json.error.message).toMatch(/maximum allowed number of output tokens/);
		expect((await send(body({ max_tokens: 128_000 }))).status).toBe(200);
	});

	it(`answers 404 not_found_error for a model the key cannot use (${DOCS}/api/errors)`, async () => {
		const out = await refused(body({}, 'claude-nonexistent-9'));
		expect(out.status).toBe(404);
		expect(out.json).toMatchObject({ type: 'error', error: { type: 'not_found_error', message: 'model: claude-nonexistent-9' } });
	});

	it(`refuses cache_control beyond four breakpoints or with an unknown TTL (${DOCS}/build-with-claude/prompt-caching)`, async () => {
		const block = (ttl?: string) => ({ type: 'text', text: 'x', cache_control: { type: 'ephemeral', ...(ttl ? { ttl } : {}) } });
		expect((await refused(body({ system: [block(), block(), block(), block(), block()] }))).json.error.message).toMatch(/maximum of 4/);
		expect((await refused(body({ system: [block('2h')] }))).json.error.message).toMatch(/ttl/);
		expect((await send(body({ system: [block('1h'), block()] }))).status).toBe(200);
	});

	it(`refuses document blocks in assistant turns and citations in user turns under 2026-10-21 (${DOCS}/api/migration-2026-10-21)`, async () => {
		const doc = { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'd' } };
		const withDoc = [{ role: 'user', content: 'a' }, { role: 'assistant', content: [doc] }, { role: 'user', content: 'b' }];
		expect((await refused(body({ messages: withDoc }))).json.error.message).toMatch(/document blocks/);
		const cited = [{ role: 'user', content: [{ type: 'text', text: 't', citations: [{ type: 'char_location' }] }] }];
		expect((await refused(body({ messages: cited }))).json.error.message).toMatch(/citations/);
	});

	it(`puts request_id in every error body and request-id plus anthropic-ratelimit-* headers on every response (${DOCS}/api/errors, ${DOCS}/api/rate-limits)`, async () => {
		const bad = await refused(body({ temperature: 0 }));
		expect(bad.json.request_id).toMatch(/^req_/);
		expect(bad.headers.get('request-id')).toBe(bad.json.request_id);
		const ok = await send(body());
		for (const name of ['requests', 'input-tokens', 'output-tokens', 'tokens']) {
			expect(Number(ok.headers.get(`anthropic-ratelimit-${name}-limit`))).toBeGreaterThan(0);
			expect(Number(ok.headers.get(`anthropic-ratelimit-${name}-remaining`))).toBeGreaterThanOrEqual(0);
			expect(Date.parse(ok.headers.get(`anthropic-ratelimit-${name}-reset`)!)).toBeGreaterThan(0);
		}
		sim.script({ times: 1, behaviour: { kind: 'error', status: 429, retryAfter: 7 } });
		const limited = await refused(body());
		expect(limited.headers.get('retry-after')).toBe('7');
		expect(limited.json.request_id).toMatch(/^req_/);
	});

	it(`scripts the spend cap as a 429 with error_code and no retry-after (${DOCS}/api/errors)`, async () => {
		sim.script({ times: 1, behaviour: { kind: 'error', status: 429, errorCode: 'enforced_spend_limit_reached', message: 'Monthly spend cap reached' } });
		const out = await refused(body());
		expect(out.json.error).toMatchObject({ type: 'rate_limit_error', details: { error_code: 'enforced_spend_limit_reached' } });
		expect(out.headers.get('retry-after')).toBeNull();
		sim.script({ times: 1, behaviour: { kind: 'error', status: 402 } });
		expect((await refused(body())).json.error.type).toBe('billing_error');
	});

	it(`replies with thinking blocks first and bills thinking as output by effort (${DOCS}/build-with-claude/effort)`, async () => {
		const low = await send(body({ output_config: { effort: 'low' } }));
		const high = await send(body({ output_config: { effort: 'high' } }));
		expect(low.json.content[0]).toMatchObject({ type: 'thinking', thinking: '' });
		expect(low.json.content[0].signature).toBeTruthy();
		expect(low.json.content[1].type).toBe('text');
		expect(high.json.usage.output_tokens_details.thinking_tokens).toBeGreaterThan(low.json.usage.output_tokens_details.thinking_tokens);
		expect(low.json.usage.output_tokens).toBeGreaterThan(low.json.usage.output_tokens_details.thinking_tokens);
		// With no effort sent the model's default applies: Sonnet 5.5 high, Haiku 5.5 medium.
		expect((await send(body())).json.usage.output_tokens_details.thinking_tokens).toBe(high.json.usage.output_tokens_details.thinking_tokens);
	});

	it(`stops at max_tokens with no text when thinking uses it all (${DOCS}/build-with-claude/handling-stop-reasons)`, async () => {
		const out = await send(body({ max_tokens: 100, output_config: { effort: 'high' } }));
		expect(out.json.stop_reason).toBe('max_tokens');
		expect(out.json.content.map((b: { type: string }) => b.type)).toEqual(['thinking']);
		expect(out.json.usage.output_tokens).toBe(100);
	});

	it(`scripts refusal and model_context_window_exceeded as billed 200 replies (${DOCS}/build-with-claude/handling-stop-reasons)`, async () => {
		sim.script({ times: 1, behaviour: { kind: 'refusal' } }, { times: 1, behaviour: { kind: 'context_window_exceeded' } });
		const refusal = await send(body());
		expect(refusal.status).toBe(200);
		expect(refusal.json).toMatchObject({ stop_reason: 'refusal', stop_details: { type: 'refusal' } });
		expect(refusal.json.usage.output_tokens).toBeGreaterThan(0);
		expect((await send(body())).json.stop_reason).toBe('model_context_window_exceeded');
	});

	it(`counts about 3 characters a token (${DOCS}/models/haiku-5-5/whats-new-haiku-5-5)`, async () => {
		const text = 'x'.repeat(3000);
		const { max_tokens: _unused, ...count } = body({ messages: [{ role: 'user', content: text }] });
		expect((await send(count, { path: '/v1/messages/count_tokens' })).json.input_tokens).toBe(1000);
	});

	it(`refuses a prompt longer than the context window (${DOCS}/api/errors)`, async () => {
		const huge = 'y'.repeat(3_000_010);
		const out = await refused(body({ messages: [{ role: 'user', content: huge }] }));
		expect(out.json.error.message).toMatch(/prompt is too long/);
	});

	it(`lists only the models the key can use (${DOCS}/api/models-list)`, async () => {
		sim.setModels(['claude-haiku-5-5']);
		try {
			const out = await send(undefined, { method: 'GET', path: '/v1/models' });
			expect(out.json.data.map((m: { id: string }) => m.id)).toEqual(['claude-haiku-5-5']);
			expect((await refused(body({}, 'claude-opus-5-5'))).status).toBe(404);
		} finally {
			sim.setModels(MODELS);
		}
	});

	it(`answers 401 without a key (${DOCS}/api/errors)`, async () => {
		expect((await refused(body(), { key: null })).json.error.type).toBe('authentication_error');
	});
});

describe(`strict simulator: prompt caching minimum and TTLs (https://platform.claude.com/docs/en/build-with-claude/prompt-caching)`, () => {
	let now = Date.UTC(2026, 10, 25);
	const sim = new ClaudeSimulator({ now: () => now });
	const post = async (text: string, ttl?: '1h') => {
		const res = await fetch(`${sim.url}/v1/messages`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'anthropic-version': '2026-10-21', 'x-api-key': TEST_KEY },
			body: JSON.stringify(body({ system: [{ type: 'text', text, cache_control: { type: 'ephemeral', ...(ttl ? { ttl } : {}) } }] }, 'claude-haiku-5-5')),
		});
		return ((await res.json()) as { usage: Record<string, any> }).usage;
	};

	it('caches prefixes of at least 512 tokens only, for 5 minutes or 1 hour', async () => {
		await sim.start();
		try {
			expect((await post('s'.repeat(3 * 500))).cache_creation_input_tokens).toBe(0);
			const prefix = 'p'.repeat(3 * 600);
			expect((await post(prefix)).cache_creation.ephemeral_5m_input_tokens).toBe(600);
			now += 4 * 60_000;
			expect((await post(prefix)).cache_read_input_tokens).toBe(600);
			now += 6 * 60_000;
			expect((await post(prefix)).cache_creation_input_tokens).toBe(600);
			const hour = 'h'.repeat(3 * 700);
			expect((await post(hour, '1h')).cache_creation.ephemeral_1h_input_tokens).toBe(700);
			now += 50 * 60_000;
			expect((await post(hour, '1h')).cache_read_input_tokens).toBe(700);
			now += 61 * 60_000;
			expect((await post(hour, '1h')).cache_creation.ephemeral_1h_input_tokens).toBe(700);
		} finally {
			await sim.stop();
		}
	});
});
