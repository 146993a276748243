/**
 * The editor's model fields offer the models the credential's key can use, from GET /v1/models
 * (as n8n's own Anthropic node does), with each tier's default marked; either credential type.
 */
import type { ILoadOptionsFunctions } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { listModelOptions, readAgentSettings } from '../../nodes/shared/n8n/model-options.ts';
import { TEST_KEY, useSimulator } from '../helpers/simulator.ts';

const loadOptions = (authentication: string, credentials: Record<string, unknown>) =>
	({
		getNodeParameter: (name: string, _i: number, fallback: unknown) => (name === 'authentication' ? authentication : fallback),
		getCredentials: async () => credentials,
	}) as unknown as ILoadOptionsFunctions;

describe('model options in the editor', () => {
	const { sim, url } = useSimulator();

	it("lists the key's models from GET /v1/models, tier defaults marked", async () => {
		sim.setModels(['claude-haiku-5-5', 'claude-opus-5-5']);
		try {
			const options = await listModelOptions.call(loadOptions('agentSwarmAnthropicApi', { apiKey: TEST_KEY, baseUrl: url() }));
			expect(options).toEqual([
				{ name: 'Use the Tier', value: '', description: 'No fixed model: the tier decides' },
				{ name: 'Claude Haiku 5.5 (Fast tier default)', value: 'claude-haiku-5-5', description: 'claude-haiku-5-5' },
				{ name: 'Claude Opus 5.5 (Deep tier default)', value: 'claude-opus-5-5', description: 'claude-opus-5-5' },
			]);
			expect(sim.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v1/models', status: 200 });
		} finally {
			sim.setModels(['claude-haiku-5-5', 'claude-sonnet-5-5', 'claude-opus-5-5']);
		}
	});

	it("reads n8n's own Anthropic credential (url, custom header) the same way", async () => {
		const options = await listModelOptions.call(loadOptions('anthropicApi', { apiKey: TEST_KEY, url: url(), header: true, headerName: 'x-team', headerValue: 'sre' }));
		expect(options.map((o) => o.value)).toEqual(['', 'claude-haiku-5-5', 'claude-sonnet-5-5', 'claude-opus-5-5']);
		expect(sim.requests.at(-1)!.headers['x-team']).toBe('sre');
	});

	it('falls back to the catalog when the API cannot be reached', async () => {
		const options = await listModelOptions.call(loadOptions('agentSwarmAnthropicApi', { apiKey: TEST_KEY, baseUrl: 'http://127.0.0.1:9' }));
		expect(options.map((o) => o.value)).toEqual(['', 'claude-haiku-5-5', 'claude-sonnet-5-5', 'claude-opus-5-5']);
	});

	it('reads settings: a saved Temperature is ignored, the Deadline parsed, Max Tokens 0 means by effort', () => {
		const settings = readAgentSettings({ tier: 'role', effort: 'high', options: { temperature: 0.3, deadline: '2026-11-25T02:35:00Z', maxTokens: 0, cacheTtl: '1h' }, secrets: [] });
		expect(settings).toMatchObject({ effort: 'high', maxTokens: undefined, deadline: Date.parse('2026-11-25T02:35:00Z'), cache: '1h' });
		expect(JSON.stringify(settings)).not.toContain('temperature');
		expect(() => readAgentSettings({ tier: 'role', effort: 'extreme', options: {}, secrets: [] })).toThrow(/unknown effort "extreme".*low, medium, high, xhigh or max/);
		expect(() => readAgentSettings({ tier: 'role', effort: 'role', options: { deadline: 'soon' }, secrets: [] })).toThrow(/"Deadline" is not a date-time/);
	});
});
