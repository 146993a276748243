import { describe, expect, it } from 'vitest';
import { addUsage, ZERO_USAGE } from '../../nodes/shared/models/prices.ts';
import { runChain, type ChainStep } from '../helpers/engine.ts';
import { sampleIncident } from '../helpers/incident.ts';
import { billedUsage, TEST_KEY, useSimulator } from '../helpers/simulator.ts';

const INCIDENT_TEAM = ['incident.logs', 'incident.metrics', 'incident.code_changes', 'incident.infrastructure', 'incident.cost_impact'];
const specialists = (roles: string[], input?: string): ChainStep => ({
	name: 'Specialists',
	type: 'specialistAgent',
	parameters: { mode: 'team', specialists: { specialist: roles.map((role) => ({ role, ...(input ? { input } : {}) })) }, options: { maxAttempts: 1 } },
	continueOnFail: true,
});
const coordinator = (parameters: Record<string, unknown>, continueOnFail = false): ChainStep => ({
	name: 'Coordinator',
	type: 'coordinator',
	parameters: { options: { maxAttempts: 1 }, ...parameters } as never,
	continueOnFail,
});

const DECISION = {
	severity: 'critical',
	root_cause: { summary: 'DB pool reduced to 50 in a1b2c3d exhausts connections at peak', confidence: 80 },
	contributing_factors: ['traffic peak'],
	evidence: [{ agent: 'logs', finding: 'pool exhausted errors' }],
	remediation: [
		{ priority: 2, action: 'Raise pool size to 200', rationale: 'capacity' },
		{ priority: 1, action: 'Roll back a1b2c3d', rationale: 'fastest mitigation' },
	],
	prevention: ['load test pool changes'],
	mttr_minutes: 25,
	business_impact: 'Checkout failing for 30% of users',
	conflicts: [],
};

describe('Coordinator node in the n8n engine', () => {
	const { sim, url } = useSimulator();
	const credentials = () => ({ apiKey: TEST_KEY, baseUrl: url() });

	it('decides an incident from the survivors, names the missing specialist and accounts the whole run', async () => {
		sim.script({ match: { contains: 'Metrics Analyst' }, behaviour: { kind: 'error', status: 529 } });
		sim.script({ match: { contains: 'incident commander' }, behaviour: { content: DECISION } });
		const { items, error } = await runChain({
			chain: [specialists(INCIDENT_TEAM), coordinator({ mode: 'incident' })],
			items: [sampleIncident()],
			credentials: credentials(),
		});
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		const out = items![0].json as Record<string, any>;
		expect(items![0].pairedItem).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		expect(out).toMatchObject({ mode: 'incident', status: 'success', model: 'claude-opus-5-5', tier: 'deep' });
		expect(out.basedOn).toMatchObject({ succeeded: 4, total: 5, note: 'based on 4 of 5 specialists; incident.metrics unavailable: overloaded' });
		expect(out.decision.root_cause).toMatchObject({ model_confidence: 80, confidence: 64 });
		expect(out.decision.remediation.map((r: { priority: number }) => r.priority)).toEqual([1, 2]);
		// The coordinator saw only the survivors' findings, fenced as data.
		const coordinatorCall = sim.messageRequests().find((r) => JSON.stringify(r.system).includes('incident commander'))!;
		expect(JSON.stringify(coordinatorCall.messages)).toContain('based on 4 of 5 specialists');
		expect(JSON.stringify(coordinatorCall.messages)).not.toContain('"agent":"incident.metrics"');
		// Whole-run cost: every request the server answered, specialists and coordinator.
		const served = sim.messageRequests().reduce((u, r) => addUsage(u, billedUsage(r)), ZERO_USAGE);
		expect(out.cost.total.usage).toEqual(served);
		expect(out.cost.specialists).toHaveLength(5);
		expect(out.cost.total.costUsd).toBeGreaterThan(out.cost.coordinator.costUsd);
		expect(out.wallMs).toBeGreaterThanOrEqual(out.cost.coordinator.durationMs);
	});

	it('below quorum it stops with a clear error, or reports insufficient evidence with Continue On Fail', async () => {
		sim.script({ match: { contains: 'Metrics Analyst' }, behaviour: { kind: 'error', status: 529 } });
		sim.script({ match: { contains: 'Logs Analyst' }, behaviour: { kind: 'hang' } });
		sim.script({ match: { contains: 'Cost Impact Analyst' }, behaviour: { kind: 'error', status: 500 } });
		const team = { ...specialists(INCIDENT_TEAM), parameters: { ...specialists(INCIDENT_TEAM).parameters, options: { maxAttempts: 1, timeoutSeconds: 1 } } };
		const hard = await runChain({ chain: [team, coordinator({ mode: 'incident' })], items: [sampleIncident()], credentials: credentials() });
		expect(hard.error?.message).toMatch(/Not enough evidence to decide: Quorum not met: 3 successful specialists needed, based on 2 of 5/);
		const soft = await runChain({ chain: [team, coordinator({ mode: 'incident' }, true)], items: [sampleIncident()], credentials: credentials() });
		expect(soft.items![0].json).toMatchObject({ status: 'insufficient_evidence', decision: null, basedOn: { succeeded: 2, required: 3 } });
		expect(sim.messageRequests().filter((r) => JSON.stringify(r.system).includes('incident commander'))).toHaveLength(0);
	});

	it('PR review: merged findings, a verdict decided in code and one Markdown comment', async () => {
		const finding = (severity: string, title: string, line: number) => ({ severity, title, file: 'src/db.ts', line, end_line: line, detail: 'd', suggestion: 's', replacement: '', confidence: 90 });
		sim.script({ match: { contains: 'Security Reviewer' }, behaviour: { content: { summary: 'injection', findings: [finding('critical', 'SQL injection', 12)] } } });
		sim.script({ match: { contains: 'Style Reviewer' }, behaviour: { content: { summary: 'naming', findings: [finding('low', 'Unclear name', 3)] } } });
		// The model says "looks fine" with only low findings: the verdict must still come from code.
		sim.script({
			match: { contains: 'lead a pull request review' },
			behaviour: { content: { summary: 'Looks fine to merge', findings: [{ ...finding('critical', 'SQL injection', 12), reviewers: ['security'] }, { ...finding('low', 'Unclear name', 3), reviewers: ['style'] }] } },
		});
		const { items } = await runChain({
			chain: [specialists(['review.security', 'review.style'], '={{ $json.diff }}'), coordinator({ mode: 'review', tier: 'balanced' })],
			items: [{ diff: 'diff --git a/src/db.ts b/src/db.ts\n+query(`SELECT * FROM t WHERE id=${id}`)' }],
			credentials: credentials(),
		});
		const decision = items![0].json.decision as Record<string, any>;
		expect(decision.verdict).toMatchObject({ state: 'failure', description: '1 critical issue found' });
		expect(decision.counts).toMatchObject({ bySeverity: { critical: 1, low: 1 }, byReviewer: { security: 1, style: 1 }, total: 2 });
		expect(decision.comment).toContain('❌ changes required');
		expect(items![0].json.model).toBe('claude-sonnet-5-5');
	});

	it('PR review with rules only: no model call, duplicates merged across reviewers', async () => {
		const dup = { severity: 'high', title: 'Unbounded query', file: 'src/a.ts', line: 7, end_line: 7, detail: 'd', suggestion: 's', replacement: '', confidence: 90 };
		sim.script({ match: { contains: 'Performance Reviewer' }, behaviour: { content: { summary: 'p', findings: [dup] } } });
		sim.script({ match: { contains: 'Security Reviewer' }, behaviour: { content: { summary: 's', findings: [{ ...dup, severity: 'medium' }] } } });
		const { items } = await runChain({
			chain: [specialists(['review.security', 'review.performance'], 'diff'), coordinator({ mode: 'review', synthesis: 'rules', blockingSeverity: 'high' })],
			items: [{}],
			credentials: credentials(),
		});
		const out = items![0].json as Record<string, any>;
		expect(sim.messageRequests()).toHaveLength(2);
		expect(out.decision.findings).toEqual([expect.objectContaining({ severity: 'high', reviewers: ['review.security', 'review.performance'] })]);
		expect(out.decision.verdict).toMatchObject({ state: 'failure', description: '1 high issue found' });
		expect(out.cost.coordinator.costUsd).toBe(0);
	});

	it('cost: recommendations ranked by ROI computed in code, totals and quick wins', async () => {
		const rec = (resource: string, monthly: number, effort: number, cloud = 'aws') => ({ cloud, resource, action: 'stop', category: 'idle', monthly_savings_usd: monthly, effort_hours: effort, risk: 'low', rationale: 'r' });
		// The model lists them in the wrong order on purpose.
		sim.script({
			match: { contains: 'multi-cloud cost review' },
			behaviour: { content: { summary: 'sum', recommendations: [rec('rds-big', 4000, 40), rec('idle-vm', 300, 0.5, 'gcp'), rec('snapshots', 900, 2, 'azure')], implementation_plan: [{ phase: 'week 1', actions: ['quick wins'] }] } },
		});
		const { items } = await runChain({
			chain: [specialists(['cost.aws', 'cost.gcp', 'cost.azure'], 'ProviderName,BilledCost,BillingCurrency,ChargePeriodStart'), coordinator({ mode: 'cost', topN: 2 })],
			items: [{}],
			credentials: credentials(),
		});
		const d = items![0].json.decision as Record<string, any>;
		expect(d.top.map((r: { resource: string }) => r.resource)).toEqual(['idle-vm', 'snapshots']);
		expect(d.top[0]).toMatchObject({ roi: 600, quick_win: true, tier: 'quick', rank: 1 });
		expect(d).toMatchObject({ totalMonthlySavingsUsd: 5200, totalAnnualSavingsUsd: 62400, quickWins: 1, considered: 3 });
	});

	it('custom mode returns the model object validated against your schema', async () => {
		sim.script({ match: { contains: 'Pick the on-call team' }, behaviour: { content: { team: 'payments' } } });
		const { items } = await runChain({
			chain: [
				specialists(['incident.logs'], 'ERROR x'),
				coordinator({ mode: 'custom', systemPrompt: 'Pick the on-call team.', jsonSchema: '{"type":"object","properties":{"team":{"type":"string"}},"required":["team"]}', quorum: 'count', quorumCount: 1 }),
			],
			items: [{}],
			credentials: credentials(),
		});
		expect(items![0].json).toMatchObject({ mode: 'custom', status: 'success', decision: { team: 'payments' } });
	});

	it('refuses input that is not specialist results, naming what it expected', async () => {
		const { error } = await runChain({ chain: [coordinator({ mode: 'incident' })], items: [{ hello: 'world' }], credentials: credentials() });
		expect(error?.message).toMatch(/Item 1 is not a specialist result \(its fields: hello\)\. Connect the Coordinator to the output of a Specialist Agent/);
	});

	it('a coordinator API failure is a NodeApiError, or a failed item with Continue On Fail', async () => {
		sim.script({ match: { contains: 'incident commander' }, behaviour: { kind: 'error', status: 400, message: 'bad' } });
		const hard = await runChain({ chain: [specialists(INCIDENT_TEAM), coordinator({ mode: 'incident' })], items: [sampleIncident()], credentials: credentials() });
		expect(hard.error).toMatchObject({ name: 'NodeApiError', message: expect.stringMatching(/Coordinator failed \(bad_request\)/) });
		const soft = await runChain({ chain: [specialists(INCIDENT_TEAM), coordinator({ mode: 'incident' }, true)], items: [sampleIncident()], credentials: credentials() });
		expect(soft.items![0].json).toMatchObject({ status: 'failed', error: { type: 'bad_request', request_id: expect.stringMatching(/^req_/) } });
	});

	it('with Continue On Fail a parameter or store error is a failed item, never a thrown error', async () => {
		const { items, error } = await runChain({
			chain: [specialists(INCIDENT_TEAM), coordinator({ mode: 'incident', options: { maxAttempts: 1, deadline: 'not a date' } }, true)],
			items: [sampleIncident()],
			credentials: credentials(),
		});
		expect(error).toBeUndefined();
		expect(items![0].json).toMatchObject({ status: 'failed', decision: null, error: { type: 'input', message: expect.stringMatching(/Deadline/) } });
	});

	it('past the deadline, decides a PR review in code with what it has; an incident fails cleanly with type deadline', async () => {
		const past = new Date(Date.now() - 1000).toISOString();
		const review = await runChain({
			chain: [specialists(['review.security', 'review.style'], 'diff --git a/x b/x\n+eval(input)'), coordinator({ mode: 'review', options: { deadline: past } }, true)],
			items: [{}],
			credentials: credentials(),
		});
		expect(review.items![0].json).toMatchObject({ status: 'success', decidedBy: 'rules', model: null });
		expect((review.items![0].json as { decision: { note: string } }).decision.note).toMatch(/deadline/);
		const incident = await runChain({ chain: [specialists(INCIDENT_TEAM), coordinator({ mode: 'incident', options: { deadline: past } }, true)], items: [sampleIncident()], credentials: credentials() });
		expect(incident.items![0].json).toMatchObject({ status: 'failed', error: { type: 'deadline' } });
		expect(sim.messageRequests().filter((r) => JSON.stringify(r.system).includes('incident commander'))).toHaveLength(0);
	});
});
