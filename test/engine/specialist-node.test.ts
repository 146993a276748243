import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { costOf, priceTable, ZERO_USAGE, addUsage } from '../../nodes/shared/models/prices.ts';
import { runSpecialistNode } from '../helpers/engine.ts';
import { sampleIncident } from '../helpers/incident.ts';
import { billedUsage, TEST_KEY, useSimulator } from '../helpers/simulator.ts';
import type { Behaviour } from '../../simulator/server.ts';

const TEAM = ['incident.logs', 'incident.metrics', 'incident.code_changes', 'incident.infrastructure', 'incident.cost_impact'];
const team = (options: Record<string, unknown> = {}) => ({
	mode: 'team',
	specialists: { specialist: TEAM.map((role) => ({ role })) },
	options: { maxAttempts: 2, timeoutSeconds: 2, ...options },
});
const json = (x: unknown) => JSON.stringify(x);

describe('Specialist Agent node in the n8n engine', () => {
	const { sim, url } = useSimulator();
	const credentials = () => ({ apiKey: TEST_KEY, baseUrl: url() });

	const FAULTS: Array<[string, Behaviour, string]> = [
		['429 rate limit', { kind: 'error', status: 429, retryAfter: 0 }, 'rate_limited'],
		['529 overloaded', { kind: 'error', status: 529 }, 'overloaded'],
		['500 server error', { kind: 'error', status: 500 }, 'server_error'],
		['connection reset', { kind: 'reset' }, 'connection'],
		['hang', { kind: 'hang' }, 'timeout'],
		['malformed JSON', { kind: 'malformed' }, 'invalid_output'],
		['schema-invalid JSON', { kind: 'schema_invalid' }, 'invalid_output'],
		['max_tokens', { kind: 'max_tokens' }, 'truncated'],
		['401', { kind: 'error', status: 401, message: 'invalid x-api-key' }, 'auth'],
		['400', { kind: 'error', status: 400, message: 'bad' }, 'bad_request'],
	];

	for (const [name, behaviour, type] of FAULTS) {
		it(`with Continue On Fail, a ${name} on one specialist gives a failed item of type ${type}; the others succeed`, async () => {
			sim.script({ match: { contains: 'Metrics Analyst' }, behaviour });
			const { items, error } = await runSpecialistNode({ parameters: team(), items: [sampleIncident()], credentials: credentials(), continueOnFail: true });
			expect(error).toBeUndefined();
			expect(items).toHaveLength(5);
			const failed = items!.filter((i) => i.json.status === 'failed');
			expect(failed.map((i) => i.json.agent)).toEqual(['incident.metrics']);
			expect(failed[0].json).toMatchObject({ findings: null, error: { type } });
			expect(failed[0].pairedItem).toEqual({ item: 0 });
			expect(json(items)).not.toContain(TEST_KEY);
		});
	}

	it('retries transient faults inside the node and reports the attempts', async () => {
		sim.script({ match: { contains: 'Logs Analyst' }, times: 1, behaviour: { kind: 'error', status: 529 } });
		sim.script({ match: { contains: 'Infrastructure Analyst' }, times: 1, behaviour: { kind: 'schema_invalid' } });
		const { items } = await runSpecialistNode({ parameters: team(), items: [sampleIncident()], credentials: credentials() });
		const byAgent = Object.fromEntries(items!.map((i) => [i.json.agent, i.json]));
		expect(byAgent['incident.logs']).toMatchObject({ status: 'success', attempts: 2 });
		expect(byAgent['incident.infrastructure']).toMatchObject({ status: 'success', attempts: 2 });
		expect(byAgent['incident.metrics']).toMatchObject({ status: 'success', attempts: 1 });
	});

	it('without Continue On Fail the node fails with an error naming the specialist, and stops the other calls', async () => {
		sim.script({ match: { contains: 'Cost Impact Analyst' }, behaviour: { kind: 'error', status: 401, message: 'invalid x-api-key' } });
		sim.script({ match: { contains: 'Metrics Analyst' }, behaviour: { kind: 'hang' } });
		const { error, items, wallMs } = await runSpecialistNode({ parameters: team({ timeoutSeconds: 30 }), items: [sampleIncident()], credentials: credentials() });
		expect(items).toBeUndefined();
		expect(error!.message).toMatch(/Specialist "incident.cost_impact" failed \(auth\)/);
		expect(error).toMatchObject({ name: 'NodeApiError', description: expect.stringMatching(/Continue On Fail/) });
		// Stopped by the failure, long before the hanging call's 30 s timeout.
		expect(wallMs).toBeLessThan(15_000);
	});

	it('accounts usage and cost per specialist from what the API reported', async () => {
		const { items } = await runSpecialistNode({ parameters: team(), items: [sampleIncident()], credentials: credentials() });
		const requests = sim.messageRequests();
		for (const item of items!) {
			const mine = requests.filter((r) => json(r.system).includes(String(item.json.role === 'incident.logs' ? 'Logs Analyst' : '')) || false);
			expect(item.json.usage).toBeDefined();
			expect(item.json.costUsd).toBe(costOf(item.json.usage as never, item.json.model as string, priceTable()));
			expect(mine.length).toBeGreaterThan(0);
		}
		const total = requests.reduce((u, r) => addUsage(u, billedUsage(r)), ZERO_USAGE);
		const reported = items!.reduce((u, i) => addUsage(u, i.json.usage as never), ZERO_USAGE);
		expect(reported).toEqual(total);
		expect(items!.map((i) => i.json.model)).toEqual(['claude-haiku-5-5', 'claude-haiku-5-5', 'claude-sonnet-5-5', 'claude-sonnet-5-5', 'claude-haiku-5-5']);
	});

	it('feeds the log specialist a digest of every line, not raw text', async () => {
		const { items } = await runSpecialistNode({ parameters: { mode: 'single', role: 'incident.logs' }, items: [sampleIncident()], credentials: credentials() });
		expect(items![0].json.input).toMatchObject({ logLines: 60, logTemplates: 2 });
		const prompt = json(sim.messageRequests()[0].messages);
		expect(prompt).toContain('Log digest: 60 lines, 2 templates');
		expect(prompt).toContain('connection pool exhausted');
	});

	it('splits a large input into chunks analysed concurrently, then merges them', async () => {
		sim.setDefaultLatency(200);
		const input = Array.from({ length: 400 }, (_, i) => `row ${i}: value ${i * 3}`).join('\n');
		const { items } = await runSpecialistNode({
			parameters: {
				mode: 'single',
				role: 'custom',
				input,
				systemPrompt: 'Summarise the rows.',
				jsonSchema: '{"type":"object","properties":{"summary":{"type":"string"}},"required":["summary"]}',
				options: { chunkChars: 2000 },
			},
			items: [{}],
			credentials: credentials(),
		});
		sim.setDefaultLatency(0);
		const requests = sim.messageRequests();
		const parts = requests.filter((r) => /part \d+ of \d+/.test(json(r.messages)));
		expect(items![0].json).toMatchObject({ status: 'success', input: { chunks: parts.length } });
		expect(parts.length).toBeGreaterThanOrEqual(3);
		expect(requests).toHaveLength(parts.length + 1);
		// Every row reached the model in some chunk.
		const seen = parts.map((r) => json(r.messages)).join('');
		for (let i = 0; i < 400; i += 37) expect(seen).toContain(`row ${i}: value ${i * 3}`);
		// The merge request came after every chunk had answered.
		const merge = requests.at(-1)!;
		expect(json(merge.messages)).toContain('partial analyses');
		expect(Math.max(...parts.map((p) => p.endedAt!))).toBeLessThanOrEqual(merge.startedAt);
		expect(items![0].json.attempts).toBe(parts.length + 1);
	});

	it('processes items concurrently up to Max Concurrency', async () => {
		sim.setDefaultLatency(150);
		const items = Array.from({ length: 6 }, (_, i) => ({ metrics: `cpu ${i}` }));
		await runSpecialistNode({ parameters: { mode: 'single', role: 'incident.metrics', options: { maxConcurrency: 2 } }, items, credentials: credentials() });
		sim.setDefaultLatency(0);
		const calls = sim.messageRequests();
		const peak = Math.max(...calls.map((c) => calls.filter((o) => o.startedAt <= c.startedAt && o.endedAt! > c.startedAt).length));
		expect(calls).toHaveLength(6);
		expect(peak).toBe(2);
	});

	it('names the field and the fix for bad parameters', async () => {
		const cases: Array<[INodeParameters, IDataObject, RegExp]> = [
			[{ mode: 'single', role: 'incident.metrics' }, {}, /input is empty\. Fix: set "Input" to an expression such as \{\{ \$json\.metrics \}\}/],
			[{ mode: 'single', role: 'incident.nope', input: 'x' }, {}, /unknown role "incident\.nope"\. Fix: pick a role/],
			[{ mode: 'single', role: 'custom', input: 'x', systemPrompt: 'p', jsonSchema: '{"type":"object","properties":{"a":{"type":"nope"}}}' }, {}, /"Output JSON Schema" is not a valid JSON schema/],
			[{ mode: 'single', role: 'custom', input: 'x', systemPrompt: '={{ "" }}', jsonSchema: '{"type":"object"}' }, {}, /"System Prompt" is empty/],
			[{ mode: 'team', specialists: { specialist: [] } }, {}, /the team is empty/],
		];
		for (const [parameters, item, message] of cases) {
			const { error } = await runSpecialistNode({ parameters, items: [item], credentials: credentials() });
			expect(error?.message).toMatch(message);
			const soft = await runSpecialistNode({ parameters, items: [item], credentials: credentials(), continueOnFail: true });
			expect(soft.items).toHaveLength(1);
			expect(soft.items![0].json).toMatchObject({ status: 'failed', error: { type: 'input', message: expect.stringMatching(message) } });
		}
		expect(sim.messageRequests()).toHaveLength(0);
	});

	it('explains a model id the API rejects', async () => {
		sim.script({ match: { model: 'claude-typo-5' }, behaviour: { kind: 'error', status: 404, errorType: 'not_found_error', message: 'model: claude-typo-5' } });
		const { error } = await runSpecialistNode({ parameters: { mode: 'single', role: 'incident.metrics', input: 'x', options: { model: 'claude-typo-5' } }, items: [{}], credentials: credentials() });
		expect(error!.message).toMatch(/model "claude-typo-5" is not available to this API key; choose a tier or a model ID the key can use\. Models this key can use: claude-haiku-5-5, claude-sonnet-5-5, claude-opus-5-5/);
	});

	it('never lets the API key into outputs, errors or the saved run data', async () => {
		sim.script({ match: { contains: 'Metrics Analyst' }, behaviour: { kind: 'error', status: 401, message: `invalid x-api-key ${TEST_KEY}` } });
		const soft = await runSpecialistNode({ parameters: team(), items: [sampleIncident()], credentials: credentials(), continueOnFail: true });
		expect(json(soft.run)).not.toContain(TEST_KEY);
		expect(json(soft.items)).toContain('[redacted]');
		const hard = await runSpecialistNode({ parameters: team(), items: [sampleIncident()], credentials: credentials() });
		expect(hard.error).toBeDefined();
		expect(json(hard.run) + hard.error!.message + (hard.error!.description ?? '')).not.toContain(TEST_KEY);
	});

	it('a cancelled execution cancels the calls in flight', async () => {
		sim.script({ behaviour: { kind: 'hang' } });
		const started = Date.now();
		await runSpecialistNode({ parameters: team({ timeoutSeconds: 60 }), items: [sampleIncident()], credentials: credentials(), cancelAfterMs: 300 });
		expect(Date.now() - started).toBeLessThan(30_000); // half the 60 s timeout: it was cancelled
		await new Promise((r) => setTimeout(r, 100));
		const calls = sim.messageRequests();
		expect(calls).toHaveLength(5);
		expect(calls.every((c) => c.endedAt !== undefined && c.endedAt - c.startedAt < 5000)).toBe(true);
	});

	it('cost specialists read the FOCUS aggregate; a cloud without rows and a non-FOCUS file make no call', async () => {
		const focus = [
			'ProviderName,ServiceName,ServiceCategory,ResourceId,PricingUnit,BilledCost,BillingCurrency,ChargePeriodStart',
			'AWS,Amazon Elastic Compute Cloud,Compute,i-1,Hours,1.5,USD,2024-09-02 00:00:00',
			'AWS,Amazon Elastic Compute Cloud,Compute,i-1,Hours,2.5,USD,2024-09-10 00:00:00',
		].join('\n');
		const costTeam = (billing: string) => ({
			mode: 'team',
			specialists: { specialist: ['cost.aws', 'cost.gcp'].map((role) => ({ role, input: billing })) },
			options: { maxAttempts: 1 },
		});
		const { items } = await runSpecialistNode({ parameters: costTeam(focus), items: [{}], credentials: credentials(), continueOnFail: true });
		const [aws, gcp] = items!.map((i) => i.json as IDataObject);
		expect(aws).toMatchObject({ status: 'success', input: { billing: { cloud: 'aws', rows: 2, spend: 4, weekOverWeek: { changePct: 66.7 } } } });
		expect(gcp).toMatchObject({ status: 'success', attempts: 0, findings: { summary: 'No GCP rows in the billing data', recommendations: [] } });
		expect(sim.messageRequests()).toHaveLength(1);
		expect(json(sim.messageRequests()[0].messages)).toContain('aggregated in code from 2 of 2 rows');

		sim.reset();
		const bad = await runSpecialistNode({ parameters: costTeam('date,amount\n2024-09-01,3'), items: [{}], credentials: credentials(), continueOnFail: true });
		expect(bad.items!.map((i) => i.json)).toEqual([
			expect.objectContaining({ status: 'failed', error: { type: 'input', message: expect.stringMatching(/not a FOCUS export.*ProviderName.*Fix:/) } }),
			expect.objectContaining({ status: 'failed', error: expect.objectContaining({ type: 'input' }) }),
		]);
		expect(sim.messageRequests()).toHaveLength(0);
	});

	it('sends what the 5.5 models accept: each role its effort, no sampling even when a saved workflow has Temperature', async () => {
		const { items } = await runSpecialistNode({ parameters: team({ temperature: 0.2 }), items: [sampleIncident()], credentials: credentials() });
		expect(items!.every((i) => i.json.status === 'success')).toBe(true);
		const effortOf = (name: string) => sim.messageRequests().find((r) => json(r.system).includes(name))!.body!.output_config as { effort: string };
		expect(effortOf('Logs Analyst').effort).toBe('low');
		expect(effortOf('Code Change Analyst').effort).toBe('medium');
		expect(sim.messageRequests().every((r) => !('temperature' in r.body!) && r.apiVersion === '2026-10-21')).toBe(true);
		expect(sim.refusedRequests()).toEqual([]);
		expect(items!.find((i) => i.json.agent === 'incident.logs')!.json).toMatchObject({ effort: 'low' });
	});

	it('takes the Effort of the node and of each team member, and sizes Max Tokens for it', async () => {
		const parameters = {
			mode: 'team',
			effort: 'high',
			specialists: { specialist: [{ role: 'incident.logs' }, { role: 'incident.metrics', effort: 'max' }, { role: 'incident.cost_impact', effort: 'role' }] },
		};
		await runSpecialistNode({ parameters, items: [sampleIncident()], credentials: credentials() });
		const sent = (name: string) => sim.messageRequests().find((r) => json(r.system).includes(name))!.body!;
		expect(sent('Logs Analyst')).toMatchObject({ output_config: { effort: 'high' }, max_tokens: 32_000 });
		expect(sent('Metrics Analyst')).toMatchObject({ output_config: { effort: 'max' }, max_tokens: 128_000 });
		expect(sent('Cost Impact Analyst')).toMatchObject({ output_config: { effort: 'low' }, max_tokens: 8_000 });
	});

	it('says when thinking used the whole Max Tokens', async () => {
		const { items } = await runSpecialistNode({ parameters: { mode: 'single', role: 'incident.metrics', input: 'x', effort: 'high', options: { maxTokens: 200 } }, items: [{}], credentials: credentials(), continueOnFail: true });
		expect(items![0].json).toMatchObject({ status: 'failed', error: { type: 'truncated', message: expect.stringMatching(/raise Max Tokens or lower Effort/), request_id: expect.stringMatching(/^req_/) } });
	});

	it('one empty source removes only the specialist that needed it', async () => {
		const { items, error } = await runSpecialistNode({ parameters: team(), items: [{ ...sampleIncident(), logs: null }], credentials: credentials(), continueOnFail: true });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(5);
		const byAgent = Object.fromEntries(items!.map((i) => [i.json.agent, i.json]));
		expect(byAgent['incident.logs']).toMatchObject({ status: 'failed', findings: null, error: { type: 'input', message: expect.stringMatching(/input is empty/) } });
		for (const agent of TEAM.slice(1)) expect(byAgent[agent].status).toBe('success');
		expect(items!.every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
		expect(sim.messageRequests()).toHaveLength(4);
	});

	it('past the deadline a specialist fails with type deadline and makes no call', async () => {
		const deadline = new Date(Date.now() - 1000).toISOString();
		const { items } = await runSpecialistNode({ parameters: team({ deadline }), items: [sampleIncident()], credentials: credentials(), continueOnFail: true });
		expect(items!.map((i) => i.json.error)).toEqual(TEAM.map(() => expect.objectContaining({ type: 'deadline' })));
		expect(sim.messageRequests()).toHaveLength(0);
	});

	it("a deadline bounds a hanging API: the node ends at the deadline, not after Timeout x Max Attempts", async () => {
		sim.script({ behaviour: { kind: 'hang' } });
		const deadline = new Date(Date.now() + 1500).toISOString();
		const { items, wallMs } = await runSpecialistNode({ parameters: team({ deadline, timeoutSeconds: 60, maxAttempts: 4 }), items: [sampleIncident()], credentials: credentials(), continueOnFail: true });
		expect(items!.every((i) => (i.json.error as { type: string }).type === 'deadline')).toBe(true);
		expect(wallMs).toBeLessThan(10_000);
	});

	it("accepts n8n's own Anthropic credential (anthropicApi), with its base URL and custom header", async () => {
		const { items } = await runSpecialistNode({
			parameters: { authentication: 'anthropicApi', mode: 'single', role: 'incident.metrics', input: 'x' },
			items: [{}],
			credentials: { apiKey: 'wrong', baseUrl: 'http://127.0.0.1:9' },
			n8nAnthropicCredentials: { apiKey: TEST_KEY, url: url(), header: true, headerName: 'x-gateway-team', headerValue: 'sre' },
		});
		expect(items![0].json.status).toBe('success');
		expect(sim.messageRequests()[0].headers['x-gateway-team']).toBe('sre');
	});

	it('refuses a custom schema with a keyword the API refuses, before any call, naming the keyword and the fix', async () => {
		const jsonSchema = JSON.stringify({ type: 'object', properties: { tags: { type: 'object', patternProperties: { '^x': { type: 'string' } } } } });
		const { error } = await runSpecialistNode({ parameters: { mode: 'single', role: 'custom', systemPrompt: 'Find tags', jsonSchema, input: 'x' }, items: [{}], credentials: credentials() });
		expect(error!.message).toMatch(/"patternProperties" at \/properties\/tags.*structured outputs refuse.*Fix: list the keys/);
		expect(sim.messageRequests()).toHaveLength(0);
	});

	it('relaxes constraints the API cannot enforce and still enforces them with the repair round', async () => {
		const jsonSchema = JSON.stringify({ type: 'object', properties: { score: { type: 'integer', minimum: 1, maximum: 5 }, tags: { type: 'array', items: { type: 'string' }, minItems: 2 } }, required: ['score', 'tags'] });
		sim.script({ times: 1, behaviour: { content: { score: 9, tags: ['a'] } } }, { times: 1, behaviour: { content: { score: 4, tags: ['a', 'b'] } } });
		const { items } = await runSpecialistNode({ parameters: { mode: 'single', role: 'custom', systemPrompt: 'Score it', jsonSchema, input: 'x' }, items: [{}], credentials: credentials() });
		expect(items![0].json).toMatchObject({ status: 'success', repairs: 1, findings: { score: 4, tags: ['a', 'b'] } });
		const sent = sim.messageRequests()[0].body!.output_config as { format: { schema: { properties: Record<string, Record<string, unknown>> } } };
		expect(sent.format.schema.properties.score.minimum).toBeUndefined();
		expect(sent.format.schema.properties.score.description).toMatch(/minimum: 1, maximum: 5/);
		expect(sim.refusedRequests()).toEqual([]);
	});
});
