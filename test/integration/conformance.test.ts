/**
 * Conformance: every request shape the package can send — each role preset at each tier, each
 * Coordinator mode, the repair round, count_tokens, a custom schema, a budget step-down — goes
 * through the real code paths to the strict simulator, which must accept every one. Each body
 * is then sent again under the other API version (2023-06-01), which must accept it too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AgentSettings } from '../../nodes/shared/agent-settings.ts';
import { bucketFor } from '../../nodes/shared/budget/budget.ts';
import { BudgetGuard } from '../../nodes/shared/budget/guard.ts';
import { SqliteLedger } from '../../nodes/shared/budget/sqlite-ledger.ts';
import { createClaudeClient } from '../../nodes/shared/claude/client.ts';
import { COORDINATOR_MODES } from '../../nodes/shared/coordinator/modes.ts';
import { runCoordinator } from '../../nodes/shared/coordinator/run-coordinator.ts';
import type { SpecialistOutcome } from '../../nodes/shared/coordinator/specialist-items.ts';
import { EFFORT_LEVELS } from '../../nodes/shared/models/effort.ts';
import { priceTable } from '../../nodes/shared/models/prices.ts';
import { TIERS } from '../../nodes/shared/models/tiers.ts';
import { ROLE_PRESETS } from '../../nodes/shared/roles/index.ts';
import { runSpecialist } from '../../nodes/shared/specialist/run-specialist.ts';
import { customOutputSchema, zodOutputSchema } from '../../nodes/shared/structured/output-schema.ts';
import { sampleFromSchema } from '../../simulator/schema-sample.ts';
import { TEST_KEY, useSimulator } from '../helpers/simulator.ts';
import { sampleIncident } from '../helpers/incident.ts';

const dir = mkdtempSync(join(tmpdir(), 'agent-swarm-conformance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const settings = (extra: Partial<AgentSettings> = {}): AgentSettings => ({
	selection: { tier: 'role' },
	effort: 'role',
	timeoutMs: 10_000,
	retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
	cache: '5m',
	prices: priceTable(),
	secrets: [TEST_KEY],
	chunkChars: 200_000,
	digestChars: 60_000,
	chunkConcurrency: 2,
	...extra,
});

const INPUT_BY_KIND = {
	logs: sampleIncident().logs as string,
	diff: 'diff --git a/app.ts b/app.ts\n+++ b/app.ts\n+const q = "SELECT * FROM t WHERE id=" + id;',
	billing: 'BilledCost,BillingCurrency,ChargePeriodStart,ChargePeriodEnd,ProviderName,ServiceName,ResourceId,ChargeCategory\n12.5,USD,2026-10-01,2026-10-02,AWS,Amazon EC2,i-1,Usage\n3.1,USD,2026-10-01,2026-10-02,Microsoft,AKS,aks-1,Usage\n1.2,USD,2026-10-01,2026-10-02,Google Cloud,Compute Engine,vm-1,Usage',
	text: JSON.stringify(sampleIncident().metrics),
} as const;

describe('conformance: every request the package sends is one the documented API accepts', () => {
	const { sim, url } = useSimulator();
	const client = () => createClaudeClient({ apiKey: TEST_KEY, baseUrl: url() });
	const captured: Array<{ path: string; body: Record<string, unknown> }> = [];
	const capture = () => {
		for (const r of sim.requests) if (r.body) captured.push({ path: r.path, body: r.body });
		expect(sim.refusedRequests().map((r) => `${r.refusedBy}: ${r.path} ${r.model}`)).toEqual([]);
	};

	it('each role preset at each tier and each effort the editor offers', async () => {
		for (const role of ROLE_PRESETS) {
			for (const tier of TIERS) {
				const result = await runSpecialist(client(), {
					agent: role.id,
					role,
					schema: zodOutputSchema(role.schema),
					input: INPUT_BY_KIND[role.inputKind],
					context: { service: 'checkout' },
					selection: { tier },
					effort: 'role',
				}, settings());
				expect(result.status, `${role.id} at ${tier}: ${result.error?.message}`).toBe('success');
			}
		}
		for (const effort of [...EFFORT_LEVELS, 'model' as const]) {
			const role = ROLE_PRESETS[0];
			const result = await runSpecialist(client(), { agent: 'e', role, schema: zodOutputSchema(role.schema), input: INPUT_BY_KIND.logs, context: {}, selection: { tier: 'role' }, effort }, settings());
			expect(result.status, effort).toBe('success');
		}
		expect(new Set(sim.messageRequests().map((r) => r.model))).toEqual(new Set(['claude-haiku-5-5', 'claude-sonnet-5-5', 'claude-opus-5-5']));
		capture();
	});

	it('each Coordinator mode, with the model and with rules only, and a custom mode', async () => {
		const outcome = (agent: string, role: string, findings: unknown): SpecialistOutcome => ({ agent, role, status: 'success', findings, model: 'claude-haiku-5-5' });
		const byMode = {
			incident: ROLE_PRESETS.filter((r) => r.family === 'incident'),
			review: ROLE_PRESETS.filter((r) => r.family === 'review'),
			cost: ROLE_PRESETS.filter((r) => r.family === 'cost'),
		};
		for (const mode of Object.values(COORDINATOR_MODES)) {
			const outcomes = byMode[mode.id].map((r) => outcome(r.id, r.id, sampleFromSchema(zodOutputSchema(r.schema).jsonSchema)));
			for (const synthesis of ['model', 'rules'] as const) {
				const result = await runCoordinator(client(), { mode: mode.id, outcomes, quorum: { kind: 'majority' }, synthesis, context: {}, selection: { tier: 'deep' }, blockingSeverity: 'critical', topN: 5 }, settings());
				expect(result.status, `${mode.id}/${synthesis}: ${result.error?.message}`).toBe('success');
			}
		}
		const custom = { custom: { prompt: 'Decide.', schema: customOutputSchema('{"type":"object","properties":{"decision":{"type":"string","maxLength":80}},"required":["decision"]}', 'Custom mode') } };
		const result = await runCoordinator(client(), { mode: custom, outcomes: [outcome('a', 'custom', { summary: 'x' })], quorum: { kind: 'majority' }, synthesis: 'model', context: {}, selection: { tier: 'balanced' }, blockingSeverity: 'critical', topN: 5 }, settings());
		expect(result.status).toBe('success');
		capture();
	});

	it('the repair round, a custom schema, chunking and a 1-hour cache', async () => {
		sim.script({ times: 1, behaviour: { kind: 'schema_invalid' } });
		const custom = customOutputSchema(
			'{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"score":{"type":"integer","minimum":1,"maximum":5},"tags":{"type":"array","items":{"type":"string","pattern":"^[a-z]+$"},"minItems":2,"uniqueItems":true},"kind":{"oneOf":[{"type":"string"},{"type":"null"}]}},"required":["score","tags"]}',
			'Specialist 1 (custom)',
		);
		const role = { ...ROLE_PRESETS[1], id: 'custom' };
		sim.script({ behaviour: { content: { score: 3, tags: ['ab', 'cd'], kind: null } } });
		const repaired = await runSpecialist(client(), { agent: 'c', role, schema: custom, customPrompt: 'Score it.', input: 'x'.repeat(5000), context: {}, selection: { tier: 'balanced' }, effort: 'high' }, settings({ chunkChars: 2_000, cache: '1h' }));
		expect(repaired).toMatchObject({ status: 'success', input: { chunks: 3 } });
		expect(repaired.repairs).toBe(1);
		capture();
	});

	it('count_tokens and a budget step-down', async () => {
		const ledger = new SqliteLedger(join(dir, 'ledger.sqlite'));
		const buckets = [bucketFor({ scope: '', window: 'execution', maxUsd: 0.3 }, new Date(), 'conformance')];
		const gate = new BudgetGuard({ ledger, buckets, prices: priceTable(), onExceeded: 'stepDown', countTokens: true });
		const role = ROLE_PRESETS.find((r) => r.id === 'incident.code_changes')!;
		const result = await runSpecialist(client(), { agent: 'd', role, schema: zodOutputSchema(role.schema), input: INPUT_BY_KIND.text, context: {}, selection: { tier: 'deep' }, effort: 'max' }, settings(), { gate });
		expect(result).toMatchObject({ status: 'success', tier: 'stepped-down' });
		expect(sim.requests.filter((r) => r.path === '/v1/messages/count_tokens').length).toBeGreaterThan(0);
		capture();
	});

	it('every captured body is accepted again under API version 2023-06-01', async () => {
		expect(captured.length).toBeGreaterThan(60);
		const shapes = new Set<string>();
		for (const { path, body } of captured) {
			shapes.add(`${path} ${body.model} ${JSON.stringify(Object.keys(body).sort())} ${JSON.stringify((body.output_config as { effort?: string } | undefined)?.effort)}`);
			const res = await fetch(`${url()}${path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': TEST_KEY },
				body: JSON.stringify(body),
			});
			expect(res.status, `${path} ${JSON.stringify(await res.clone().json())}`).toBe(200);
		}
		console.log(`[figure] conformance: ${captured.length} requests in ${shapes.size} distinct shapes, all accepted under 2026-10-21 and 2023-06-01`);
	});
});
