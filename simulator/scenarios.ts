/**
 * Named scenarios for the simulator: scripted outputs, faults and latency that tell a story.
 * `npm run simulator -- --scenario demo`, or `sim.script(...SCENARIOS.demo)` in code.
 * Rules match on text in the prompt (role names and coordinator briefs), first match wins.
 */
import type { Rule } from './server.ts';

const rec = (resource: string, action: string, category: string, monthly_savings_usd: number, effort_hours: number, risk: string, rationale: string) => ({
	resource,
	action,
	category,
	monthly_savings_usd,
	effort_hours,
	risk,
	rationale,
});

/** What a user sees in `npm run demo`: plausible answers for the sample incident and bill. */
const demo: Rule[] = [
	{
		match: { contains: 'You are the incident commander' },
		behaviour: {
			latencyMs: 1200,
			content: {
				severity: 'critical',
				root_cause: { summary: 'Commit a1b2c3d cut the DB connection pool to 50; at peak traffic checkout requests queue for connections and time out', confidence: 88 },
				contributing_factors: ['Peak evening traffic', 'No load test for pool-size changes', 'Pool exhaustion alert threshold set above max_connections'],
				evidence: [
					{ agent: 'logs', finding: '"connection pool exhausted (active=50, max=50)" on every third checkout request since 02:10' },
					{ agent: 'metrics', finding: 'p99 latency 180 ms → 2,400 ms and error rate 0.2% → 31% while db_connections sits at its maximum of 50' },
					{ agent: 'code_changes', finding: 'a1b2c3d "Reduce DB pool size to 50" deployed 15 minutes before the first error' },
					{ agent: 'infrastructure', finding: 'Database primary healthy, pods all ready: the limit is in the application, not the infrastructure' },
				],
				remediation: [
					{ priority: 1, action: 'Roll back a1b2c3d (restore the pool size to 200)', rationale: 'Fastest reversible fix; the previous size ran for months' },
					{ priority: 2, action: 'Scale the api deployment by 2 replicas until the rollback is live', rationale: 'More pools while the fix ships' },
					{ priority: 3, action: 'Confirm recovery: error rate < 1% and p99 < 300 ms for 15 minutes', rationale: 'Close the incident on evidence' },
				],
				prevention: ['Load-test connection-pool changes before merge', 'Alert when pool utilisation stays above 90% for 2 minutes'],
				mttr_minutes: 20,
				business_impact: 'About 60% of checkouts failing: roughly $25k of revenue per hour at risk',
				conflicts: [],
			},
		},
	},
	{
		match: { contains: 'AWS Cost Specialist' },
		behaviour: {
			content: {
				summary: 'EC2 is 89% of AWS spend; several instances bill every hour on demand',
				total_monthly_spend_usd: 18.01,
				recommendations: [
					rec('EC2 on-demand fleet', 'Cover the steady instances with a 1-year Compute Savings Plan', 'commitment', 4.3, 2, 'low', 'Hourly on-demand charges on most days of the month'),
					rec('nat-0a8bef19776f0e435', 'Delete the NAT gateway: provisioned hours, no data processed', 'idle', 1.4, 0.5, 'low', 'Only Hours charges, no GB processed'),
					rec('i-021f2ebl49063f9l1', 'Rightsize to the next smaller instance size', 'rightsizing', 0.8, 3, 'medium', 'Largest single instance'),
				],
			},
		},
	},
	{
		match: { contains: 'Azure Cost Specialist' },
		behaviour: {
			content: {
				summary: 'AKS dominates Azure spend',
				total_monthly_spend_usd: 3.12,
				recommendations: [rec('analyticsengine (AKS)', 'Scale the user node pool to zero outside office hours', 'idle', 0.9, 1, 'low', 'Cluster billed 24/7')],
			},
		},
	},
	{
		match: { contains: 'You lead a multi-cloud cost review' },
		behaviour: {
			content: {
				summary: 'Four actions worth about $7.40 a month on this sample bill; the NAT gateway and the AKS schedule are quick wins',
				recommendations: [
					{ ...rec('EC2 on-demand fleet', 'Cover the steady instances with a 1-year Compute Savings Plan', 'commitment', 4.3, 2, 'low', 'Hourly on-demand charges'), cloud: 'aws' },
					{ ...rec('nat-0a8bef19776f0e435', 'Delete the idle NAT gateway', 'idle', 1.4, 0.5, 'low', 'No data processed'), cloud: 'aws' },
					{ ...rec('i-021f2ebl49063f9l1', 'Rightsize to the next smaller instance size', 'rightsizing', 0.8, 3, 'medium', 'Largest instance'), cloud: 'aws' },
					{ ...rec('analyticsengine (AKS)', 'Scale the user node pool to zero outside office hours', 'idle', 0.9, 1, 'low', 'Billed 24/7'), cloud: 'azure' },
				],
				implementation_plan: [
					{ phase: 'This week', actions: ['Delete the idle NAT gateway', 'Schedule the AKS user pool'] },
					{ phase: 'This month', actions: ['Buy the Compute Savings Plan', 'Rightsize i-021f2ebl49063f9l1'] },
				],
			},
		},
	},
];

/** Every 5th request fails with 529 overloaded: retries and metrics under load. */
const flaky: Rule[] = [{ every: 5, behaviour: { kind: 'error', status: 529, errorType: 'overloaded_error' } }];

/** Every request waits 2 s: to watch concurrency and timeouts. */
const slow: Rule[] = [{ behaviour: { latencyMs: 2000 } }];

/** The demo's answers as a Message Batch: one request in ten ends errored (overloaded), one in ten expired. */
const batch: Rule[] = [
	{ every: 10, behaviour: { kind: 'error', errorType: 'overloaded_error', message: 'Overloaded' } },
	{ every: 9, behaviour: { kind: 'expired' } },
	...demo,
];

export const SCENARIOS: Record<string, Rule[]> = { demo, flaky, slow, batch };

/** How long a Message Batch stays in_progress under each scenario (ms); 0 when not listed. */
export const SCENARIO_BATCH_PROCESSING_MS: Record<string, number> = { batch: 3_000, slow: 10_000 };
