/**
 * The simulator's Message Batches endpoints hold us to the documented API. Each test names the
 * page its rule comes from (simulator/CONTRACT.md, "Message Batches"). The happy paths go through
 * the real @anthropic-ai/sdk over loopback HTTP; what our client never sends goes as raw HTTP.
 */
import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { TEST_KEY, useSimulator } from '../helpers/simulator.ts';

const DOCS = 'https://platform.claude.com/docs/en';
const params = (content: string, extra: Record<string, unknown> = {}) => ({ model: 'claude-haiku-5-5', max_tokens: 2000, messages: [{ role: 'user' as const, content }], ...extra });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('strict simulator: Message Batches', () => {
	const { sim, url } = useSimulator();
	const sdk = () => new Anthropic({ apiKey: TEST_KEY, baseURL: url(), maxRetries: 0 });
	const post = async (path: string, payload: unknown) => {
		const res = await fetch(`${url()}${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'anthropic-version': '2026-10-21', 'x-api-key': TEST_KEY },
			body: typeof payload === 'string' ? payload : JSON.stringify(payload),
		});
		return { status: res.status, body: (await res.json()) as { type: string; error?: { type: string; message: string }; request_id?: string } };
	};

	it(`stays in_progress with every request counted as processing, then ends with results at results_url (${DOCS}/build-with-claude/batch-processing#tracking-your-batch)`, async () => {
		const n = 3 + Math.floor(Math.random() * 5);
		sim.setBatchProcessingMs(250);
		const client = sdk();
		const created = await client.messages.batches.create({ requests: Array.from({ length: n }, (_, i) => ({ custom_id: `item-${i}`, params: params(`Summarise item ${i}`) })) });
		expect(created).toMatchObject({ type: 'message_batch', processing_status: 'in_progress', results_url: null, ended_at: null, cancel_initiated_at: null });
		expect(created.request_counts).toEqual({ processing: n, succeeded: 0, errored: 0, canceled: 0, expired: 0 });
		expect(Date.parse(created.expires_at) - Date.parse(created.created_at)).toBe(24 * 60 * 60_000);
		expect(sim.messageRequests()).toHaveLength(0);
		await sleep(300);
		const ended = await client.messages.batches.retrieve(created.id);
		expect(ended.processing_status).toBe('ended');
		expect(ended.request_counts).toEqual({ processing: 0, succeeded: n, errored: 0, canceled: 0, expired: 0 });
		expect(ended.results_url).toBe(`${url()}/v1/messages/batches/${created.id}/results`);
		const lines = [];
		for await (const line of await client.messages.batches.results(created.id)) lines.push(line);
		expect(lines.map((l) => l.custom_id).sort()).toEqual(Array.from({ length: n }, (_, i) => `item-${i}`).sort());
		for (const line of lines) {
			expect(line.result.type).toBe('succeeded');
			const message = (line.result as unknown as { message: { content: Array<{ type: string }>; usage: Record<string, unknown> } }).message;
			expect(message.content.map((b) => b.type)).toEqual(['thinking', 'text']);
			expect(message.usage.service_tier).toBe('batch');
		}
	});

	it(`serves results in any order, not creation order: clients must match by custom_id (${DOCS}/api/messages/batches/results)`, async () => {
		const client = sdk();
		const created = await client.messages.batches.create({ requests: ['first', 'second', 'third'].map((id) => ({ custom_id: id, params: params(id) })) });
		const order = [];
		for await (const line of await client.messages.batches.results(created.id)) order.push(line.custom_id);
		expect(order).not.toEqual(['first', 'second', 'third']);
		expect([...order].sort()).toEqual(['first', 'second', 'third']);
	});

	it(`refuses results before the batch has ended (results_url is null until then) (${DOCS}/api/messages/batches/results)`, async () => {
		sim.setBatchProcessingMs(5_000);
		const { body } = await post('/v1/messages/batches', { requests: [{ custom_id: 'a', params: params('x') }] });
		const res = await fetch(`${url()}/v1/messages/batches/${(body as unknown as { id: string }).id}/results`, { headers: { 'anthropic-version': '2026-10-21', 'x-api-key': TEST_KEY } });
		expect(res.status).toBe(400);
		await expect(sdk().messages.batches.results((body as unknown as { id: string }).id)).rejects.toThrow(/results_url/);
	});

	it(`validates the request list at creation: 1 to 100,000 requests, custom_id and params only (${DOCS}/api/messages/batches/create)`, async () => {
		expect((await post('/v1/messages/batches', { requests: [] })).body.error!.message).toMatch(/at least 1 item/);
		expect((await post('/v1/messages/batches', {})).status).toBe(400);
		expect((await post('/v1/messages/batches', { requests: [{ custom_id: 'a', params: params('x'), priority: 1 }] })).body.error!.message).toMatch(/priority: Extra inputs/);
		expect((await post('/v1/messages/batches', { requests: [{ custom_id: 'a' }] })).body.error!.message).toMatch(/params: Field required/);
		const tooMany = Array.from({ length: 100_001 }, (_, i) => ({ custom_id: `r${i}`, params: { model: 'claude-haiku-5-5', max_tokens: 1, messages: [] } }));
		const over = await post('/v1/messages/batches', { requests: tooMany });
		expect(over).toMatchObject({ status: 400, body: { error: { type: 'invalid_request_error' } } });
		expect(over.body.error!.message).toMatch(/at most 100000 items/);
		expect(sim.batchStore.batches.size).toBe(0);
	});

	it(`refuses a custom_id outside ^[a-zA-Z0-9_-]{1,64}$ at creation (${DOCS}/build-with-claude/batch-processing#prepare-and-create-your-batch)`, async () => {
		for (const bad of ['', 'has space', 'dot.ted', 'x'.repeat(65), 'ümlaut', 42]) {
			const res = await post('/v1/messages/batches', { requests: [{ custom_id: bad, params: params('x') }] });
			expect(res.status, String(bad)).toBe(400);
			expect(res.body.error!.message).toMatch(/custom_id: String should match pattern/);
		}
		expect((await post('/v1/messages/batches', { requests: [{ custom_id: `A_z-9${'x'.repeat(59)}`, params: params('x') }] })).status).toBe(200);
	});

	it(`refuses a custom_id used twice in one batch (${DOCS}/api/messages/batches/create: "Must be unique for each request within the Message Batch")`, async () => {
		const res = await post('/v1/messages/batches', { requests: [{ custom_id: 'same', params: params('a') }, { custom_id: 'other', params: params('b') }, { custom_id: 'same', params: params('c') }] });
		expect(res).toMatchObject({ status: 400, body: { type: 'error', error: { type: 'invalid_request_error' }, request_id: expect.any(String) } });
		expect(res.body.error!.message).toMatch(/requests\.2\.custom_id: "same" is not unique/);
	});

	it(`validates params asynchronously: a request the Messages API would refuse ends errored, the batch is still created (${DOCS}/build-with-claude/batch-processing#prepare-and-create-your-batch)`, async () => {
		const client = sdk();
		const created = await client.messages.batches.create({
			requests: [
				{ custom_id: 'good', params: params('fine') },
				{ custom_id: 'sampling', params: params('x', { temperature: 0.2 }) as never },
				{ custom_id: 'no-model', params: params('x', { model: 'claude-nope-1' }) },
				{ custom_id: 'prefill', params: { ...params('x'), messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: '{' }] } },
			],
		});
		const ended = await client.messages.batches.retrieve(created.id);
		expect(ended.request_counts).toMatchObject({ succeeded: 1, errored: 3 });
		const byId = new Map<string, { type: string; error?: { type: string; error: { type: string; message: string }; request_id: string } }>();
		for await (const line of await client.messages.batches.results(created.id)) byId.set(line.custom_id, line.result as never);
		expect(byId.get('good')!.type).toBe('succeeded');
		expect(byId.get('sampling')).toMatchObject({ type: 'errored', error: { type: 'error', error: { type: 'invalid_request_error', message: 'temperature: Extra inputs are not permitted' }, request_id: expect.stringMatching(/^req_/) } });
		expect(byId.get('no-model')).toMatchObject({ type: 'errored', error: { error: { type: 'not_found_error' } } });
		expect(byId.get('prefill')!.error!.error.message).toMatch(/prefill/);
	});

	it(`refuses the parameters the batch path does not support, as errored results (${DOCS}/build-with-claude/batch-processing#what-can-be-batched)`, async () => {
		const client = sdk();
		const cases: Record<string, Record<string, unknown>> = {
			stream: params('x', { stream: true }),
			speed: params('x', { speed: 'fast' }),
			prewarm: params('x', { max_tokens: 0 }),
			hint: params('x', { cache_hint: 'x' }),
		};
		const created = await client.messages.batches.create({ requests: Object.entries(cases).map(([custom_id, p]) => ({ custom_id, params: p as never })) });
		const results = [];
		for await (const line of await client.messages.batches.results(created.id)) results.push(line);
		expect(results).toHaveLength(4);
		for (const line of results) expect(line.result).toMatchObject({ type: 'errored', error: { error: { type: 'invalid_request_error' } } });
		// The same params are fine on the Messages API where they exist there (speed) — the batch refusal is batch-only.
		const speed = await post('/v1/messages', params('x', { speed: 'fast' }));
		expect(speed.status).toBe(200);
	});

	it(`ends scripted requests errored or expired, with no usage: neither is billed (${DOCS}/build-with-claude/batch-processing#retrieving-batch-results)`, async () => {
		sim.script({ match: { contains: 'overload me' }, behaviour: { kind: 'error', errorType: 'overloaded_error', message: 'Overloaded' } });
		sim.script({ match: { contains: 'too late' }, behaviour: { kind: 'expired' } });
		const client = sdk();
		const created = await client.messages.batches.create({ requests: [{ custom_id: 'ok', params: params('fine') }, { custom_id: 'err', params: params('overload me') }, { custom_id: 'exp', params: params('too late') }] });
		const ended = await client.messages.batches.retrieve(created.id);
		expect(ended.request_counts).toEqual({ processing: 0, succeeded: 1, errored: 1, canceled: 0, expired: 1 });
		const byId = new Map<string, Record<string, unknown>>();
		for await (const line of await client.messages.batches.results(created.id)) byId.set(line.custom_id, line.result as never);
		expect(byId.get('err')).toMatchObject({ type: 'errored', error: { type: 'error', error: { type: 'overloaded_error' } } });
		expect(byId.get('exp')).toEqual({ type: 'expired' });
	});

	it(`cancels an in-progress batch: canceling, then ended with canceled results; an ended batch cannot be canceled (${DOCS}/api/messages/batches/cancel)`, async () => {
		sim.setBatchProcessingMs(10_000);
		const client = sdk();
		const created = await client.messages.batches.create({ requests: [{ custom_id: 'a', params: params('x') }, { custom_id: 'b', params: params('y') }] });
		const canceling = await client.messages.batches.cancel(created.id);
		expect(canceling).toMatchObject({ processing_status: 'canceling', cancel_initiated_at: expect.any(String) });
		const ended = await client.messages.batches.retrieve(created.id);
		expect(ended.processing_status).toBe('ended');
		expect(ended.request_counts).toMatchObject({ canceled: 2, succeeded: 0 });
		for await (const line of await client.messages.batches.results(created.id)) expect(line.result).toEqual({ type: 'canceled' });
		const again = await post(`/v1/messages/batches/${created.id}/cancel`, '');
		expect(again.status).toBe(400);
	});

	it(`answers 404 not_found_error for an unknown batch id (${DOCS}/api/errors)`, async () => {
		await expect(sdk().messages.batches.retrieve('msgbatch_nope')).rejects.toMatchObject({ status: 404 });
		expect((await post('/v1/messages/batches/msgbatch_nope/cancel', '')).body.error!.type).toBe('not_found_error');
	});

	it(`takes batch bodies over the 32 MB Messages limit, up to 256 MB (${DOCS}/api/errors: request size limits)`, async () => {
		const big = 'x'.repeat(33 * 1024 * 1024);
		const res = await post('/v1/messages/batches', { requests: [{ custom_id: 'big', params: params(big, { model: 'claude-opus-5-5' }) }] });
		expect(res.status).toBe(200);
		const tooBig = await post('/v1/messages', params(big));
		expect(tooBig.status).toBe(413);
	});
});
