/**
 * Run Mode "Batch" in n8n's engine against the strict simulator: one Message Batch per round,
 * every member still an item (errored and expired ones as failed items with their type and
 * request id), and outputs, budgets and metrics at the batch price from the catalog
 * (https://platform.claude.com/docs/en/build-with-claude/batch-processing#pricing).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { processMetrics } from '../../nodes/shared/metrics/agent-metrics.ts';
import { costOf, priceTable, roundUsd } from '../../nodes/shared/models/prices.ts';
import { runChain, runSpecialistNode } from '../helpers/engine.ts';
import { billedUsage, TEST_KEY, useSimulator } from '../helpers/simulator.ts';

const dir = mkdtempSync(join(tmpdir(), 'agent-swarm-batch-'));
let n = 0;
const batchMode = { runMode: 'batch', batchPollSeconds: 0.05, batchMaxWaitMinutes: 1 };

describe('Run Mode "Batch" in the n8n engine', () => {
	const { sim, url } = useSimulator();
	const credentials = () => ({ apiKey: TEST_KEY, baseUrl: url() });
	beforeEach(() => {
		process.env.AGENT_SWARM_LEDGER_PATH = join(dir, `ledger-${++n}.sqlite`);
		processMetrics.registry.resetMetrics();
	});

	it('sends the whole team as one batch, gives every member an item (errored and expired as failures) and charges the batch price', async () => {
		sim.setBatchProcessingMs(150 + Math.floor(Math.random() * 200));
		sim.script({ match: { contains: 'Metrics Analyst' }, behaviour: { kind: 'error', errorType: 'overloaded_error', message: 'Overloaded' } });
		sim.script({ match: { contains: 'Infrastructure Analyst' }, behaviour: { kind: 'expired' } });
		const roles = ['incident.logs', 'incident.metrics', 'incident.infrastructure', 'incident.code_changes'];
		const { items, error } = await runSpecialistNode({
			parameters: { mode: 'team', specialists: { specialist: roles.map((role) => ({ role })) }, ...batchMode, options: { recordMetrics: true } },
			items: [{ logs: 'ERROR db pool exhausted\n'.repeat(20), metrics: 'p99 2400ms', infrastructure: 'pods ready', recent_commits: 'a1b2c3d Reduce DB pool size to 50' }],
			credentials: credentials(),
			continueOnFail: true,
		});
		expect(error).toBeUndefined();
		expect(items!.map((i) => i.json.role)).toEqual(roles);
		expect(items!.every((i) => JSON.stringify(i.pairedItem) === JSON.stringify({ item: 0 }))).toBe(true);
		// One batch, no synchronous Messages calls.
		expect(sim.messageRequests()).toHaveLength(0);
		expect(sim.batchStore.batches.size).toBe(1);
		const byRole = Object.fromEntries(items!.map((i) => [i.json.role as string, i.json]));
		expect(byRole['incident.metrics']).toMatchObject({ status: 'failed', error: { type: 'overloaded', request_id: expect.stringMatching(/^req_sim_/) } });
		expect((byRole['incident.metrics'].error as { message: string }).message).toMatch(/Message Batch msgbatch_.*not billed/);
		expect(byRole['incident.infrastructure']).toMatchObject({ status: 'failed', error: { type: 'batch_expired' }, costUsd: 0 });
		// Succeeded members: priced at the batch price, exactly half the standard price of what was billed.
		const [batch] = [...sim.batchStore.batches.values()];
		for (const role of ['incident.logs', 'incident.code_changes']) {
			const json = byRole[role];
			expect(json.status, JSON.stringify(json.error)).toBe('success');
			const line = batch.results.find((r) => r.result.type === 'succeeded' && JSON.stringify(r.result.message).length > 0 && (r.result.message.model as string) === json.model && sameUsage(r.result.message.usage, json.usage));
			expect(line, role).toBeDefined();
			const usage = billedUsage({ usage: (line!.result as unknown as { message: { usage: never } }).message.usage } as never);
			const standard = costOf(usage, json.model as string, priceTable())!;
			expect(json.costUsd).toBeCloseTo(standard / 2, 8);
			expect(json.costUsd).toBeGreaterThan(0);
		}
		// Metrics count the batch price too.
		const exposition = await processMetrics.registry.getSingleMetricAsString('agent_cost_dollars_total');
		const total = exposition.split('\n').filter((l) => l.startsWith('agent_cost_dollars_total{')).reduce((s, l) => s + Number(l.split(' ').at(-1)), 0);
		expect(total).toBeCloseTo(roundUsd((byRole['incident.logs'].costUsd as number) + (byRole['incident.code_changes'].costUsd as number)), 8);
	});

	it('budgets reserve and settle at the batch price: the Token Budget report shows what the items cost', async () => {
		const rules = [{ window: 'day', maxUsd: 5, scope: 'team:finops' }];
		const budget = { budgetStore: 'embedded', budgets: { budget: rules } };
		const { outputs } = await runChain({
			chain: [{ name: 'Specialist', type: 'specialistAgent', parameters: { mode: 'team', specialists: { specialist: [{ role: 'incident.logs' }, { role: 'incident.metrics' }] }, ...batchMode, ...budget } }],
			items: [{ logs: 'WARN slow query\n'.repeat(10), metrics: 'cpu 80%' }],
			credentials: credentials(),
		});
		const spent = outputs.Specialist!.reduce((s, i) => s + (i.json.costUsd as number), 0);
		const standard = outputs.Specialist!.reduce((s, i) => s + costOf(i.json.usage as never, i.json.model as string, priceTable())!, 0);
		expect(spent).toBeCloseTo(standard / 2, 6);
		const report = await runChain({ chain: [{ name: 'Budget', type: 'tokenBudget', parameters: { operation: 'report', ...budget } }], items: [{}], credentials: credentials() });
		const line = (report.items![0].json.budgets as Array<{ usedUsd: number; reservedUsd: number }>)[0];
		expect(line.reservedUsd).toBe(0);
		expect(Math.abs(line.usedUsd - spent)).toBeLessThanOrEqual(2e-6);
	});

	it('the Coordinator decides in batch mode too, at the batch price', async () => {
		const { outputs, error } = await runChain({
			chain: [
				{ name: 'Specialists', type: 'specialistAgent', parameters: { mode: 'team', specialists: { specialist: [{ role: 'incident.logs' }, { role: 'incident.metrics' }] }, ...batchMode } },
				{ name: 'Coordinator', type: 'coordinator', parameters: { mode: 'incident', ...batchMode } },
			],
			items: [{ logs: 'ERROR x\n'.repeat(5), metrics: 'p99 900ms' }],
			credentials: credentials(),
		});
		expect(error).toBeUndefined();
		const decision = outputs.Coordinator![0].json as { status: string; cost: { coordinator: { usage: never; model: string; costUsd: number } } };
		expect(decision.status).toBe('success');
		expect(sim.batchStore.batches.size).toBe(2);
		expect(sim.messageRequests()).toHaveLength(0);
		const c = decision.cost.coordinator;
		expect(c.costUsd).toBeCloseTo(costOf(c.usage, c.model, priceTable())! / 2, 8);
	});

	it('cancels the batch when the Batch Max Wait runs out and fails every member with a timeout', async () => {
		sim.setBatchProcessingMs(60_000);
		const { items } = await runSpecialistNode({
			parameters: { mode: 'team', specialists: { specialist: [{ role: 'incident.logs' }, { role: 'incident.metrics' }] }, runMode: 'batch', batchPollSeconds: 0.05, batchMaxWaitMinutes: 0.01 },
			items: [{ logs: 'x', metrics: 'y' }],
			credentials: credentials(),
			continueOnFail: true,
		});
		expect(items).toHaveLength(2);
		for (const item of items!) expect(item.json).toMatchObject({ status: 'failed', error: { type: 'timeout', message: expect.stringMatching(/Batch Max Wait.*canceled/) } });
		const [batch] = [...sim.batchStore.batches.values()];
		expect(batch.cancelInitiatedAt).toBeDefined();
	});

	it("cancels the batch at the run's Deadline (before the Batch Max Wait) and fails every member with type deadline", async () => {
		sim.setBatchProcessingMs(60_000);
		const started = Date.now();
		const { items } = await runSpecialistNode({
			parameters: { mode: 'team', specialists: { specialist: [{ role: 'incident.logs' }, { role: 'incident.metrics' }] }, runMode: 'batch', batchPollSeconds: 0.05, options: { deadline: new Date(Date.now() + 1500).toISOString() } },
			items: [{ logs: 'x', metrics: 'y' }],
			credentials: credentials(),
			continueOnFail: true,
		});
		expect(Date.now() - started).toBeLessThan(30_000);
		expect(items).toHaveLength(2);
		for (const item of items!) expect(item.json).toMatchObject({ status: 'failed', error: { type: 'deadline', message: expect.stringMatching(/deadline passed while Message Batch/) } });
		const [batch] = [...sim.batchStore.batches.values()];
		expect(batch.cancelInitiatedAt).toBeDefined();
	});

	it('cancels the batch when the execution is cancelled', async () => {
		sim.setBatchProcessingMs(60_000);
		const started = Date.now();
		await runSpecialistNode({
			parameters: { mode: 'single', role: 'incident.metrics', runMode: 'batch', batchPollSeconds: 0.05 },
			items: [{ metrics: 'cpu 99%' }],
			credentials: credentials(),
			cancelAfterMs: 600,
		});
		expect(Date.now() - started).toBeLessThan(10_000);
		await new Promise((r) => setTimeout(r, 300));
		const [batch] = [...sim.batchStore.batches.values()];
		expect(batch.cancelInitiatedAt).toBeDefined();
	});
});

function sameUsage(a: unknown, b: unknown): boolean {
	const x = a as Record<string, number>;
	const y = b as Record<string, number>;
	return x.input_tokens === y.input_tokens && x.output_tokens === y.output_tokens;
}
