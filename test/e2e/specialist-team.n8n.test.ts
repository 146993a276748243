/**
 * The packed package in a real n8n 2.x: installed as a community package, the shipped example
 * workflow imported and published, called over HTTP with an incident.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { N8nInstance, packPackage } from '../../scripts/lib/n8n-instance.ts';
import { nodeNamed, readWorkflow } from '../../scripts/lib/workflows.ts';
import { ClaudeSimulator } from '../../simulator/server.ts';
import { sampleIncident } from '../helpers/incident.ts';
import { TEST_KEY } from '../helpers/simulator.ts';

const LATENCY = 600;

describe('real n8n 2.40.7: the specialist team example workflow', () => {
	const sim = new ClaudeSimulator({ defaultLatencyMs: LATENCY, requiredApiKey: TEST_KEY });
	const n8n = new N8nInstance();

	beforeAll(async () => {
		const url = await sim.start();
		n8n.installPackage(packPackage());
		n8n.importCredentials([
			{ id: 'agentSwarmAnthropic', name: 'Agent Swarm Anthropic', type: 'agentSwarmAnthropicApi', data: { apiKey: TEST_KEY, baseUrl: url } },
			// n8n's own Anthropic credential, as a user who already has one would pick it.
			{ id: 'n8nAnthropic', name: 'Anthropic account', type: 'anthropicApi', data: { apiKey: TEST_KEY, url, header: true, headerName: 'x-gateway-team', headerValue: 'sre' } },
		]);
		n8n.importWorkflows([readWorkflow('examples/specialist-team.json'), withN8nCredential(readWorkflow('examples/specialist-team.json'))]);
		await n8n.start();
		await n8n.waitForWebhook('specialist-team');
		await n8n.waitForWebhook('specialist-team-n8n-credential');
	});

	afterAll(async () => {
		await n8n.stop();
		await sim.stop();
		n8n.remove();
	});

	it('loads every node and credential of the package under its community-package name', async () => {
		expect(n8n.log).not.toMatch(/Unrecognized node type: n8n-nodes-agent-swarm/);
		const rest = await n8n.login();
		const nodes = (await (await rest('/../types/nodes.json')).json()) as Array<{ name: string; usableAsTool?: boolean }>;
		const ours = nodes.filter((n) => n.name.startsWith('n8n-nodes-agent-swarm.')).map((n) => n.name).sort();
		expect(ours).toEqual(expect.arrayContaining(['n8n-nodes-agent-swarm.agentMetrics', 'n8n-nodes-agent-swarm.coordinator', 'n8n-nodes-agent-swarm.specialistAgent', 'n8n-nodes-agent-swarm.tokenBudget']));
		const credentials = (await (await rest('/../types/credentials.json')).json()) as Array<{ name: string }>;
		expect(credentials.map((c) => c.name)).toEqual(expect.arrayContaining(['agentSwarmAnthropicApi', 'agentSwarmRedisApi']));
	});

	it('answers the webhook with one item per specialist, computed concurrently', async () => {
		const started = Date.now();
		const res = await fetch(`${n8n.url}/webhook/specialist-team`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(sampleIncident('INC-E2E')),
		});
		console.log(`[figure] specialist team example (5 specialists, ${LATENCY} ms per model call): ${Date.now() - started} ms`);
		expect(res.status).toBe(200);
		const items = (await res.json()) as Array<Record<string, unknown>>;
		expect(items.map((i) => i.agent)).toEqual(['logs', 'metrics', 'code_changes', 'infrastructure', 'cost_impact']);
		for (const item of items) {
			expect(item).toMatchObject({ status: 'success', findings: { summary: expect.any(String) }, costUsd: expect.any(Number) });
		}
		// Each specialist read its own field of the body.
		const prompts = sim.messageRequests().map((r) => JSON.stringify(r.messages));
		expect(prompts.find((p) => p.includes('Log digest: 60 lines'))).toBeDefined();
		expect(prompts.find((p) => p.includes('Reduce DB pool size to 50'))).toBeDefined();
		expect(prompts.every((p) => p.includes('Incident INC-E2E'))).toBe(true);
		// Five calls of LATENCY ms overlapped: far less than five in a row.
		const calls = sim.messageRequests();
		const firstEnd = Math.min(...calls.map((c) => c.endedAt!));
		expect(calls.every((c) => c.startedAt < firstEnd)).toBe(true);
	});

	it('a failing specialist comes back as a failed item (Continue On Fail in the example)', async () => {
		sim.script({ match: { contains: 'Cost Impact Analyst' }, behaviour: { kind: 'error', status: 529 } });
		const res = await fetch(`${n8n.url}/webhook/specialist-team`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(sampleIncident('INC-E2E-2')),
		});
		const items = (await res.json()) as Array<Record<string, unknown>>;
		expect(items).toHaveLength(5);
		expect(items.find((i) => i.agent === 'cost_impact')).toMatchObject({ status: 'failed', error: { type: 'overloaded' } });
	});

	it("the credential's test calls GET /v1/models and tells a good key from a bad one", async () => {
		const rest = await n8n.login();
		const test = async (apiKey: string) => {
			const res = await rest('/credentials/test', {
				method: 'POST',
				body: JSON.stringify({ credentials: { id: '', name: 'probe', type: 'agentSwarmAnthropicApi', data: { apiKey, baseUrl: sim.url } } }),
			});
			expect(res.status).toBe(200);
			return ((await res.json()) as { data: { status: string; message: string } }).data;
		};
		sim.reset();
		expect(await test(TEST_KEY)).toMatchObject({ status: 'OK' });
		const bad = await test('fake-wrong-key-123456');
		expect(bad.status).toBe('Error');
		expect(JSON.stringify(bad)).not.toContain('fake-wrong-key-123456');
		const calls = sim.requests.map((r) => `${r.method} ${r.path} ${r.status}`);
		expect(calls[0]).toBe('GET /v1/models 200');
		expect(calls.slice(1).every((c) => c === 'GET /v1/models 401')).toBe(true);
	});

	it("runs with n8n's own Anthropic credential: its key, base URL and custom header", async () => {
		sim.reset();
		const res = await fetch(`${n8n.url}/webhook/specialist-team-n8n-credential`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(sampleIncident('INC-E2E-3')),
		});
		const items = (await res.json()) as Array<Record<string, unknown>>;
		expect(items.map((i) => i.status)).toEqual(['success', 'success', 'success', 'success', 'success']);
		expect(sim.messageRequests().every((r) => r.headers['x-gateway-team'] === 'sre' && r.status === 200)).toBe(true);
	});

	it('keeps the API key out of responses, logs and saved executions', () => {
		expect(n8n.log).not.toContain(TEST_KEY);
		expect(n8n.filesContaining(TEST_KEY)).toEqual([]);
		expect(n8n.filesContaining('INC-E2E-2').length).toBeGreaterThan(0);
	});
});

/** The example workflow set to use n8n's built-in Anthropic credential, on its own webhook path. */
function withN8nCredential(workflow: ReturnType<typeof readWorkflow>): ReturnType<typeof readWorkflow> {
	const copy = JSON.parse(JSON.stringify(workflow)) as ReturnType<typeof readWorkflow> & { id: string; name: string };
	copy.id = 'agentSwarmSpecialistTeamN8nCredential';
	copy.name = 'Agent Swarm: Specialist Team (n8n Anthropic credential)';
	const webhook = nodeNamed(copy, 'Incident Webhook');
	webhook.parameters = { ...webhook.parameters, path: 'specialist-team-n8n-credential' };
	(webhook as { webhookId?: string }).webhookId = 'specialist-team-n8n-credential';
	const specialists = nodeNamed(copy, 'Incident Specialists') as { parameters: Record<string, unknown>; credentials?: unknown };
	specialists.parameters = { ...specialists.parameters, authentication: 'anthropicApi' };
	specialists.credentials = { anthropicApi: { id: 'n8nAnthropic', name: 'Anthropic account' } };
	return copy;
}
