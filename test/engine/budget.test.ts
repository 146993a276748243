import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { runChain, type ChainStep } from '../helpers/engine.ts';
import { sampleIncident } from '../helpers/incident.ts';
import { TEST_KEY, useSimulator } from '../helpers/simulator.ts';

const dir = mkdtempSync(join(tmpdir(), 'agent-swarm-budget-'));
let n = 0;
beforeEach(() => {
	// A fresh embedded ledger file per test.
	process.env.AGENT_SWARM_LEDGER_PATH = join(dir, `ledger-${++n}.sqlite`);
});
afterAll(() => {
	delete process.env.AGENT_SWARM_LEDGER_PATH;
	rmSync(dir, { recursive: true, force: true });
});

const budget = (rules: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) => ({
	budgetStore: 'embedded',
	budgets: { budget: rules },
	...extra,
});
const tokenBudget = (operation: string, rules: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}): ChainStep => ({
	name: `Budget ${operation}`,
	type: 'tokenBudget',
	parameters: { operation, budgetStore: 'embedded', budgets: { budget: rules }, ...extra },
});

describe('budgets in the n8n engine', () => {
	const { sim, url } = useSimulator();
	const credentials = () => ({ apiKey: TEST_KEY, baseUrl: url() });

	it('concurrent calls reserve before they start: only what fits is sent, the rest fail budget_exceeded', async () => {
		sim.setDefaultLatency(200);
		// Each call reserves about $0.05 (100,000 max tokens of Haiku output); $0.12 admits two.
		const { items } = await runChain({
			chain: [
				{
					name: 'Specialist',
					type: 'specialistAgent',
					parameters: { mode: 'single', role: 'incident.metrics', options: { maxTokens: 100000 }, ...budget([{ window: 'execution', maxUsd: 0.12 }]) },
					continueOnFail: true,
				},
			],
			items: Array.from({ length: 5 }, () => ({ metrics: 'cpu 99%' })),
			credentials: credentials(),
		});
		sim.setDefaultLatency(0);
		const statuses = items!.map((i) => i.json.status);
		expect(statuses.filter((s) => s === 'success')).toHaveLength(2);
		expect(items!.filter((i) => i.json.status === 'failed').every((i) => (i.json.error as { type: string }).type === 'budget_exceeded')).toBe(true);
		expect((items!.find((i) => i.json.status === 'failed')!.json.error as { message: string }).message).toMatch(/Not enough budget left.*Fix: raise the budget/);
		expect(sim.messageRequests()).toHaveLength(2);
	});

	it('steps down a tier when the budget is low and that is allowed', async () => {
		// Sonnet's worst case ($0.04+) does not fit $0.03; Haiku's (~$0.002) does.
		const { items } = await runChain({
			chain: [
				{
					name: 'Specialist',
					type: 'specialistAgent',
					parameters: { mode: 'single', role: 'incident.code_changes', ...budget([{ window: 'execution', maxUsd: 0.03 }], { onBudgetExceeded: 'stepDown' }) },
				},
			],
			items: [{ recent_commits: 'a1b2c3d reduce pool' }],
			credentials: credentials(),
		});
		expect(items![0].json).toMatchObject({ status: 'success', model: 'claude-haiku-5-5', tier: 'stepped-down' });
		expect(sim.messageRequests()[0].model).toBe('claude-haiku-5-5');
	});

	it('with count_tokens on, each call is sized by the API before it is reserved', async () => {
		const { items } = await runChain({
			chain: [{ name: 'Specialist', type: 'specialistAgent', parameters: { mode: 'single', role: 'incident.metrics', ...budget([{ window: 'execution', maxUsd: 1 }], { estimateWithCountTokens: true }) } }],
			items: [{ metrics: 'cpu 99%' }],
			credentials: credentials(),
		});
		expect(items![0].json.status).toBe('success');
		expect(sim.requests.map((r) => `${r.method} ${r.path} ${r.model}`)).toEqual(['POST /v1/messages/count_tokens claude-haiku-5-5', 'POST /v1/messages claude-haiku-5-5']);
	});

	it('Token Budget routes items by remaining budget, reports the windows and flags the alert', async () => {
		const rules = [{ window: 'day', maxUsd: 0.001, alertUsd: 0.0001, scope: 'team:sre' }];
		// Spend through a specialist with the same budget, then check.
		const { outputs } = await runChain({
			chain: [
				{ name: 'Specialist', type: 'specialistAgent', parameters: { mode: 'team', specialists: { specialist: [{ role: 'incident.logs' }, { role: 'incident.metrics' }] }, options: { maxTokens: 500 }, ...budget(rules) } },
				tokenBudget('check', rules),
			],
			items: [sampleIncident()],
			credentials: credentials(),
		});
		const spent = outputs.Specialist!.reduce((n, i) => n + (i.json.costUsd as number), 0);
		expect(spent).toBeGreaterThan(0.0001);
		const report = await runChain({ chain: [tokenBudget('report', rules)], items: [{}], credentials: credentials() });
		const line = (report.items![0].json.budgets as Array<Record<string, number | string | boolean>>)[0];
		expect(line).toMatchObject({ scope: 'team:sre', window: 'day', limitUsd: 0.001, reservedUsd: 0, alert: true });
		// The ledger keeps whole micro-dollars per call: two calls may round apart by up to 1e-6.
		expect(Math.abs((line.usedUsd as number) - spent)).toBeLessThanOrEqual(1e-6);
		expect(Math.abs((line.remainingUsd as number) - (0.001 - spent))).toBeLessThanOrEqual(1e-6);

		const check = (estimateUsd: number) =>
			runChain({ chain: [tokenBudget('check', rules, { estimateUsd })], items: [{ id: 1 }], credentials: credentials() });
		const small = await check(0.00001);
		expect(small.run.data.resultData.runData['Budget check'][0].data!.main[0]).toHaveLength(1);
		const large = await check(0.01);
		const over = large.run.data.resultData.runData['Budget check'][0].data!.main[1]!;
		expect(over).toHaveLength(1);
		expect(over[0].json).toMatchObject({ id: 1, budget: { within: false, alert: true } });

		await runChain({ chain: [tokenBudget('reset', rules)], items: [{}], credentials: credentials() });
		const after = await runChain({ chain: [tokenBudget('report', rules)], items: [{}], credentials: credentials() });
		expect((after.items![0].json.budgets as Array<{ usedUsd: number }>)[0].usedUsd).toBe(0);
	});

	it('the Redis store through the nodes: a shared budget refuses the coordinator once the specialists spent it', async () => {
		const redisCredentials = { host: '127.0.0.1', port: 6379, database: 0, keyPrefix: `agentswarm-test-${Date.now()}:` };
		const rules = [{ window: 'execution', maxUsd: 0.05 }];
		const shared = { budgetStore: 'redis', budgets: { budget: rules } };
		const { items, outputs } = await runChain({
			chain: [
				{ name: 'Specialists', type: 'specialistAgent', parameters: { mode: 'team', specialists: { specialist: [{ role: 'incident.logs' }, { role: 'incident.metrics' }] }, ...shared } },
				// The deep tier's worst case (8,192 output tokens of Opus, ~$0.16) cannot fit $0.05.
				{ name: 'Coordinator', type: 'coordinator', parameters: { mode: 'incident', quorum: 'count', quorumCount: 1, ...shared }, continueOnFail: true },
			],
			items: [sampleIncident()],
			credentials: credentials(),
			redisCredentials,
		});
		expect(outputs.Specialists!.every((i) => i.json.status === 'success')).toBe(true);
		expect(items![0].json).toMatchObject({ status: 'failed', error: { type: 'budget_exceeded' } });
		expect(sim.messageRequests()).toHaveLength(2);
		const { default: Redis } = await import('ioredis');
		const redis = new Redis({ host: '127.0.0.1', port: 6379 });
		const keys = await redis.keys(`${redisCredentials.keyPrefix}*`);
		expect(keys.some((k) => k.includes('budget:*|execution:'))).toBe(true);
		if (keys.length) await redis.del(...keys);
		redis.disconnect();
	});

	it('Redis dropping mid-call: the answered, billed replies are kept and counted, the failed settlement is visible', async () => {
		const redisCredentials = { host: '127.0.0.1', port: 6379, database: 0, keyPrefix: `agentswarm-test-drop-${Date.now()}:` };
		const { redisConnection, redisSettings } = await import('../../nodes/shared/redis/connection.ts');
		sim.script({ behaviour: { latencyMs: 1200 } });
		// The calls are in flight (reserved) when the node's Redis connection drops.
		setTimeout(() => redisConnection(redisSettings(redisCredentials)).disconnect(), 600);
		const { items, error } = await runChain({
			chain: [{ name: 'Specialists', type: 'specialistAgent', parameters: { mode: 'team', specialists: { specialist: [{ role: 'incident.logs' }, { role: 'incident.metrics' }] }, budgetStore: 'redis', budgets: { budget: [{ window: 'execution', maxUsd: 5 }] } }, continueOnFail: true }],
			items: [sampleIncident()],
			credentials: credentials(),
			redisCredentials,
		});
		expect(error).toBeUndefined();
		expect(sim.messageRequests().every((r) => r.status === 200)).toBe(true);
		for (const item of items!) {
			expect(item.json).toMatchObject({ status: 'success', costUsd: expect.any(Number), warnings: [expect.stringMatching(/^budget_settle_failed: .*the reply was kept and counted/)] });
			expect(item.json.costUsd as number).toBeGreaterThan(0);
		}
		const { default: Redis } = await import('ioredis');
		const redis = new Redis({ host: '127.0.0.1', port: 6379 });
		const keys = await redis.keys(`${redisCredentials.keyPrefix}*`);
		if (keys.length) await redis.del(...keys);
		redis.disconnect();
	});

	it('a budget without limits is refused with the fix', async () => {
		const { error } = await runChain({ chain: [tokenBudget('check', [{ window: 'day' }])], items: [{}], credentials: credentials() });
		expect(error?.message).toMatch(/has no limit\. Fix: set "Max USD"/);
	});
});
