/**
 * Version 1 of every node, pinned: each node is versioned, and its real items from n8n's engine
 * match the v1 output shapes (nodes/shared/n8n/output-shapes.v1.ts), success and failure alike.
 * (runChain also checks every item of every engine test against these shapes.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INodeType } from 'n8n-workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentMetrics } from '../../nodes/AgentMetrics/AgentMetrics.node.ts';
import { AlertIntake } from '../../nodes/AlertIntake/AlertIntake.node.ts';
import { Coordinator } from '../../nodes/Coordinator/Coordinator.node.ts';
import { EvidenceFetch } from '../../nodes/EvidenceFetch/EvidenceFetch.node.ts';
import { PrReview } from '../../nodes/PrReview/PrReview.node.ts';
import { SpecialistAgent } from '../../nodes/SpecialistAgent/SpecialistAgent.node.ts';
import { TokenBudget } from '../../nodes/TokenBudget/TokenBudget.node.ts';
import { OUTPUT_SHAPES_V1, outputShapeV1 } from '../../nodes/shared/n8n/output-shapes.v1.ts';
import { alertFixture } from '../helpers/alert-fixtures.ts';
import { runChain, type ChainStep, type EngineRun } from '../helpers/engine.ts';
import { sampleIncident } from '../helpers/incident.ts';
import { TEST_KEY, useSimulator } from '../helpers/simulator.ts';

const NODES: Record<keyof typeof OUTPUT_SHAPES_V1, INodeType> = {
	specialistAgent: new SpecialistAgent(),
	coordinator: new Coordinator(),
	tokenBudget: new TokenBudget(),
	agentMetrics: new AgentMetrics(),
	evidenceFetch: new EvidenceFetch(),
	alertIntake: new AlertIntake(),
	prReview: new PrReview(),
};

const dir = mkdtempSync(join(tmpdir(), 'agent-swarm-shapes-'));
beforeAll(() => {
	process.env.AGENT_SWARM_LEDGER_PATH = join(dir, 'ledger.sqlite');
	process.env.AGENT_SWARM_ONCE_PATH = join(dir, 'once.sqlite');
});
afterAll(() => {
	delete process.env.AGENT_SWARM_LEDGER_PATH;
	delete process.env.AGENT_SWARM_ONCE_PATH;
	rmSync(dir, { recursive: true, force: true });
});

/** Every output of a node in a run, as [output index, json] pairs. */
function itemsOf(run: EngineRun, name: string): Array<[number, Record<string, any>]> {
	const main = run.run.data.resultData.runData[name]?.[0]?.data?.main ?? [];
	return main.flatMap((items, output) => (items ?? []).map((item): [number, Record<string, any>] => [output, item.json]));
}

const TEAM: ChainStep = {
	name: 'Specialists',
	type: 'specialistAgent',
	parameters: { mode: 'team', specialists: { specialist: [{ role: 'incident.logs' }, { role: 'incident.metrics' }, { role: 'incident.code_changes' }] }, options: { maxAttempts: 1 } },
	continueOnFail: true,
};

describe('every node is versioned, at v1', () => {
	it.each(Object.entries(NODES))('%s lists version [1] with defaultVersion 1 and has v1 output shapes', (name, node) => {
		expect(node.description.version).toEqual([1]);
		expect(node.description.defaultVersion).toBe(1);
		expect(OUTPUT_SHAPES_V1[name as keyof typeof OUTPUT_SHAPES_V1]).toBeDefined();
	});
});

describe('v1 output shapes of real items from the engine', () => {
	const { sim, url } = useSimulator();
	const credentials = () => ({ apiKey: TEST_KEY, baseUrl: url() });

	it('Specialist Agent: success and failed items (an API error, a member that cannot run) carry their spend', async () => {
		sim.script({ match: { contains: 'Metrics Analyst' }, behaviour: { kind: 'error', status: 529 } });
		const custom: ChainStep = { ...TEAM, parameters: { ...TEAM.parameters, specialists: { specialist: [...(TEAM.parameters.specialists as any).specialist, { role: 'custom', name: 'bad schema', systemPrompt: 'p', jsonSchema: '{"type":"object","properties":{"a":{"type":"nope"}}}' }] } } };
		const run = await runChain({ chain: [custom], items: [sampleIncident()], credentials: credentials() });
		const items = itemsOf(run, 'Specialists');
		expect(items.map(([, json]) => json.status).sort()).toEqual(['failed', 'failed', 'success', 'success']);
		for (const [output, json] of items) expect(outputShapeV1('specialistAgent', undefined, output).safeParse(json).success).toBe(true);
		const unplanned = items.find(([, json]) => json.agent === 'bad schema')![1];
		expect(unplanned).toMatchObject({ status: 'failed', error: { type: 'input' }, costUsd: 0, usage: { input_tokens: 0, output_tokens: 0 } });
		const overloaded = items.find(([, json]) => json.agent === 'incident.metrics')![1];
		expect(overloaded).toMatchObject({ status: 'failed', error: { type: 'overloaded' } });
		expect(overloaded.error.request_id).toMatch(/^req_/);
	});

	it('Coordinator: a decision, and a failure before the run that still reports what the specialists spent', async () => {
		const decided = await runChain({ chain: [TEAM, { name: 'Coordinator', type: 'coordinator', parameters: { mode: 'incident', options: { maxAttempts: 1 } } }], items: [sampleIncident('INC-7')], credentials: credentials() });
		expect(outputShapeV1('coordinator', 'incident', 0).safeParse(itemsOf(decided, 'Coordinator')[0][1]).success).toBe(true);

		const failed = await runChain({
			chain: [TEAM, { name: 'Coordinator', type: 'coordinator', parameters: { mode: 'incident', options: { deadline: 'not a date' } }, continueOnFail: true }],
			items: [sampleIncident('INC-8')],
			credentials: credentials(),
		});
		const [[, json]] = itemsOf(failed, 'Coordinator');
		expect(json).toMatchObject({ status: 'failed', error: { type: 'input' }, decision: null });
		const specialistsSpent = itemsOf(failed, 'Specialists').reduce((n, [, s]) => n + s.costUsd, 0);
		expect(specialistsSpent).toBeGreaterThan(0);
		expect(json.cost.total.costUsd).toBeCloseTo(specialistsSpent, 8);
		expect(json.cost.specialists).toHaveLength(3);
	});

	it('Token Budget, Agent Metrics and Evidence Fetch: each operation, and a failed item', async () => {
		const budgets = { budget: [{ window: 'day', maxUsd: 1, scope: 'shapes' }] };
		const report = await runChain({ chain: [{ name: 'Budget', type: 'tokenBudget', parameters: { operation: 'report', budgetStore: 'embedded', budgets } }], items: [{}], credentials: {} });
		const check = await runChain({ chain: [{ name: 'Budget', type: 'tokenBudget', parameters: { operation: 'check', budgetStore: 'embedded', budgets, estimateUsd: 5 } }], items: [{ id: 1 }], credentials: {} });
		const exported = await runChain({ chain: [{ name: 'Metrics', type: 'agentMetrics', parameters: { operation: 'export' } }], items: [{}], credentials: {} });
		const refused = await runChain({
			chain: [{ name: 'Fetch', type: 'evidenceFetch', parameters: { operation: 'urls', allowedHosts: 'https://logs.example.com/a/path' }, continueOnFail: true }],
			items: [{ logs_url: 'https://logs.example.com/x' }],
			credentials: {},
		});
		expect(itemsOf(report, 'Budget')[0][1]).toMatchObject({ operation: 'report', budgets: [{ scope: 'shapes', limitUsd: 1 }] });
		// Over budget: the item leaves on the second output.
		expect(itemsOf(check, 'Budget').map(([output]) => output)).toEqual([1]);
		expect(itemsOf(exported, 'Metrics')[0][1].metrics).toContain('# TYPE');
		expect(itemsOf(refused, 'Fetch')[0][1]).toMatchObject({ status: 'failed', error: { type: 'input' } });
		const checks: Array<[keyof typeof OUTPUT_SHAPES_V1, string, EngineRun, string]> = [
			['tokenBudget', 'report', report, 'Budget'],
			['tokenBudget', 'check', check, 'Budget'],
			['agentMetrics', 'export', exported, 'Metrics'],
			['evidenceFetch', 'urls', refused, 'Fetch'],
		];
		for (const [node, operation, run, name] of checks) {
			for (const [output, json] of itemsOf(run, name)) expect(outputShapeV1(node, operation, output).safeParse(json).success, `${node} ${operation}`).toBe(true);
		}
	});

	it('Alert Intake: a new incident, its repeat, a rejected body and the recorded outcome', async () => {
		const webhook = (body: Record<string, unknown>) => ({ headers: { 'content-type': 'application/json' }, query: {}, body });
		const firing = alertFixture('alertmanager-firing');
		const intake = (body: Record<string, unknown>) => runChain({ chain: [{ name: 'Intake', type: 'alertIntake', parameters: { operation: 'intake', store: 'embedded' } }], items: [webhook(body) as never], credentials: {} });
		const first = itemsOf(await intake(firing), 'Intake');
		const second = itemsOf(await intake(firing), 'Intake');
		const rejected = itemsOf(await intake({ nothing: 'we know' }), 'Intake');
		expect([first[0][0], second[0][0], rejected[0][0]]).toEqual([0, 1, 3]);
		const recorded = await runChain({
			chain: [{ name: 'Record', type: 'alertIntake', parameters: { operation: 'record', store: 'embedded', incidentId: '={{ $json.incident_id }}', reportId: '={{ $json.report_id }}', reportStatus: 'success', severity: 'high' } }],
			items: [first[0][1] as never],
			credentials: {},
		});
		const [[, outcome]] = itemsOf(recorded, 'Record');
		expect(outcome.incident_state).toMatchObject({ incident_id: first[0][1].incident_id, recorded: 'success' });
		for (const [output, json] of [...first, ...second, ...rejected]) expect(outputShapeV1('alertIntake', 'intake', output).safeParse(json).success).toBe(true);
		expect(outputShapeV1('alertIntake', 'record', 0).safeParse(outcome).success).toBe(true);
	});
});

describe('an incompatible output change fails the v1 shape', () => {
	const { url } = useSimulator();

	it('renamed, retyped or dropped fields and a failed item without its spend are refused; an added field passes', async () => {
		const run = await runChain({ chain: [TEAM], items: [sampleIncident('INC-9')], credentials: { apiKey: TEST_KEY, baseUrl: url() } });
		const [[, item]] = itemsOf(run, 'Specialists');
		const shape = outputShapeV1('specialistAgent', undefined, 0);
		expect(shape.safeParse(item).success).toBe(true);
		expect(shape.safeParse({ ...item, addedInAMinorRelease: true }).success).toBe(true);
		const { findings, ...withoutFindings } = item;
		expect(shape.safeParse({ ...withoutFindings, result: findings }).success).toBe(false);
		expect(shape.safeParse({ ...item, costUsd: String(item.costUsd) }).success).toBe(false);
		expect(shape.safeParse({ ...item, status: 'ok' }).success).toBe(false);
		const failed = { agent: 'a', role: 'r', findings: null, status: 'failed', error: { type: 'timeout', message: 'took too long' }, usage: item.usage, costUsd: 0, run: item.run };
		expect(shape.safeParse(failed).success).toBe(true);
		const { usage: _usage, costUsd: _cost, ...withoutSpend } = failed;
		expect(shape.safeParse(withoutSpend).success).toBe(false);
		expect(shape.safeParse({ ...failed, error: 'took too long' }).success).toBe(false);
		expect(shape.safeParse({ ...failed, error: { kind: 'timeout', message: 'took too long' } }).success).toBe(false);
	});
});
