import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { TEST_KEY, useSimulator } from '../helpers/simulator.ts';

describe('Claude-compatible simulator', () => {
	const { sim, url } = useSimulator({ requiredApiKey: TEST_KEY });
	const sdk = (apiKey = TEST_KEY) => new Anthropic({ apiKey, baseURL: url(), maxRetries: 0 });

	it('lists models, counts tokens and answers messages for the real SDK', async () => {
		const models = await sdk().models.list();
		expect(models.data.map((m) => m.id)).toEqual(['claude-haiku-5-5', 'claude-sonnet-5-5', 'claude-opus-5-5']);
		const counted = await sdk().messages.countTokens({ model: 'claude-haiku-5-5', messages: [{ role: 'user', content: 'x'.repeat(300) }] });
		expect(counted.input_tokens).toBe(100);
		const reply = await sdk().messages.create({ model: 'claude-haiku-5-5', max_tokens: 1000, messages: [{ role: 'user', content: 'hi' }] });
		expect(reply.content.map((b) => b.type)).toEqual(['thinking', 'text']);
		expect(reply.content[1]).toMatchObject({ type: 'text', text: 'Simulated reply.' });
		expect(reply.usage.input_tokens).toBe(1);
	});

	it('answers output_config.format with JSON valid for the schema, or scripted content', async () => {
		const schema = { type: 'object', properties: { n: { type: 'integer', minimum: 1, maximum: 9 }, tags: { type: 'array', items: { type: 'string' } } }, required: ['n', 'tags'], additionalProperties: false };
		const params = { model: 'claude-haiku-5-5', max_tokens: 1000, messages: [{ role: 'user' as const, content: 'go' }], output_config: { format: { type: 'json_schema' as const, schema } } };
		const text = (reply: { content: Array<{ type: string }> }) => (reply.content.find((b) => b.type === 'text') as unknown as { text: string }).text;
		const { minimum: _min, maximum: _max, ...n } = schema.properties.n;
		const supported = { ...params, output_config: { format: { type: 'json_schema' as const, schema: { ...schema, properties: { ...schema.properties, n } } } } };
		const sampled = JSON.parse(text(await sdk().messages.create(supported)));
		expect(sampled).toEqual({ n: 50, tags: [expect.any(String)] });
		sim.script({ match: { contains: 'go' }, times: 1, behaviour: { content: { n: 7, tags: ['scripted'] } } });
		expect(JSON.parse(text(await sdk().messages.create(supported)))).toEqual({ n: 7, tags: ['scripted'] });
		// minimum/maximum are outside the structured-outputs subset: the strict simulator refuses them.
		await expect(sdk().messages.create(params)).rejects.toMatchObject({ status: 400 });
	});

	it('injects a fault into exactly every Nth matching request', async () => {
		sim.script({ every: 5, behaviour: { kind: 'error', status: 529, errorType: 'overloaded_error' } });
		const statuses: number[] = [];
		for (let i = 0; i < 20; i++) {
			statuses.push(await sdk().messages.create({ model: 'claude-haiku-5-5', max_tokens: 1000, messages: [{ role: 'user', content: 'x' }] }).then(() => 200, (e: { status: number }) => e.status));
		}
		expect(statuses.map((s, i) => [i + 1, s]).filter(([, s]) => s !== 200)).toEqual([[5, 529], [10, 529], [15, 529], [20, 529]]);
	});

	it('rejects a wrong key with 401 and never records the key', async () => {
		await expect(sdk('fake-wrong-key').models.list()).rejects.toMatchObject({ status: 401 });
		const recorded = JSON.stringify(sim.requests);
		expect(recorded).not.toContain(TEST_KEY);
		expect(recorded).not.toContain('fake-wrong-key');
		expect(sim.requests.at(-1)).toMatchObject({ path: '/v1/models', status: 401 });
	});

	it('is scriptable over HTTP and reports its request log', async () => {
		await fetch(`${url()}/_simulator/rules`, { method: 'POST', body: JSON.stringify([{ times: 1, behaviour: { kind: 'error', status: 529 } }]) });
		await expect(sdk().messages.create({ model: 'claude-haiku-5-5', max_tokens: 1000, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 529 });
		const log = (await (await fetch(`${url()}/_simulator/requests`)).json()) as Array<{ status: number; outcome: string }>;
		expect(log.at(-1)).toMatchObject({ status: 529, outcome: 'error' });
		await fetch(`${url()}/_simulator/reset`, { method: 'POST' });
		expect(sim.requests).toHaveLength(0);
	});
});
