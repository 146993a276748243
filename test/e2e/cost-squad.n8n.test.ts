/**
 * workflows/multi-cloud-cost-squad.json in a real n8n 2.40.7: the real FOCUS 1.0 sample served
 * by a loopback billing host as gzip CSV and as Parquet (the forms AWS Data Exports writes),
 * read by Evidence Fetch through the URL guard, the Claude simulator, and a Slack stand-in.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { N8nInstance, packPackage, ROOT } from '../../scripts/lib/n8n-instance.ts';
import { configure, readWorkflow } from '../../scripts/lib/workflows.ts';
import { ClaudeSimulator } from '../../simulator/server.ts';
import { TEST_KEY } from '../helpers/simulator.ts';
import { StandIn } from '../helpers/stand-in.ts';

const TOKEN = 'cost-webhook-test-token';
const LATENCY_MS = 400;
const SAMPLE = readFileSync(join(ROOT, 'test/fixtures/focus/focus_sample_1.0.csv'), 'utf8');
const ROWS = parse(SAMPLE, { columns: true }) as Array<Record<string, string>>;
/** The same export with this week's charges doubled (as JSON rows: the other accepted format). */
const THIS_WEEK = '2024-09-24';
const BOOSTED = ROWS.map((r) => (r.ChargePeriodStart >= THIS_WEEK ? { ...r, BilledCost: String(Number(r.BilledCost) * 2) } : r));
const GZIP = gzipSync(SAMPLE);
/** The sample as Parquet with AWS's types: costs double, period bounds timestamps, NULL as null. */
const PARQUET = Buffer.from(
	parquetWriteBuffer({
		columnData: Object.keys(ROWS[0]).map((name) => {
			const raw = ROWS.map((r) => (r[name] === 'NULL' || r[name] === '' ? null : r[name]));
			if (/Cost$|Quantity$|Price$/.test(name)) return { name, data: raw.map((v) => (v === null ? null : Number(v))), type: 'DOUBLE' as const };
			if (/Period(Start|End)$/.test(name)) return { name, data: raw.map((v) => (v === null ? null : new Date(`${v.replace(' ', 'T')}Z`))), type: 'TIMESTAMP' as const };
			return { name, data: raw, type: 'STRING' as const };
		}),
		rowGroupSize: 256,
	}),
);

/** Week-over-week change computed here, independently of the package's code. */
function changePct(rows: Array<Record<string, string>>): number {
	const sum = (from: string, to: string) => rows.filter((r) => r.ChargePeriodStart >= from && r.ChargePeriodStart < to).reduce((n, r) => n + (Number(r.BilledCost) || 0), 0);
	const now = sum(THIS_WEEK, '2024-10-01');
	const before = sum('2024-09-17', THIS_WEEK);
	return Math.round(((now - before) / before) * 1000) / 10;
}

const rec = (resource: string, action: string, monthly_savings_usd: number, effort_hours: number, category = 'idle') => ({
	resource,
	action,
	category,
	monthly_savings_usd,
	effort_hours,
	risk: 'low',
	rationale: 'billing rows',
});

describe('real n8n: multi-cloud cost squad', () => {
	const sim = new ClaudeSimulator({ requiredApiKey: TEST_KEY, defaultLatencyMs: LATENCY_MS });
	const slack = new StandIn();
	const EXPORTS: Record<string, { body: string | Buffer; type: string }> = {
		// Named .csv on purpose: the format is read from the bytes, not the name.
		'/exports/focus.csv': { body: GZIP, type: 'application/octet-stream' },
		'/exports/focus.parquet': { body: PARQUET, type: 'application/octet-stream' },
		'/exports/focus-boosted.json': { body: JSON.stringify(BOOSTED), type: 'application/json' },
	};
	const billing = new StandIn((req) => EXPORTS[req.path] ?? { status: 404, body: 'no such export' });
	const n8n = new N8nInstance();
	let billingUrl = '';
	const start = (body: unknown = {}, token = TOKEN) =>
		fetch(`${n8n.url}/webhook/cost-squad`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { 'x-cost-token': token } : {}) }, body: JSON.stringify(body) });
	const posts = (path: string) => slack.received.filter((r) => r.path === path);
	const waitForReport = async (count: number) => {
		const deadline = Date.now() + 60_000;
		while (posts('/report').length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
		await new Promise((r) => setTimeout(r, 1000)); // the alert, if any, follows the report
	};

	beforeAll(async () => {
		const simUrl = await sim.start();
		const slackUrl = await slack.start();
		billingUrl = await billing.start();
		const wf = configure(readWorkflow('multi-cloud-cost-squad.json'), {
			focusExportUrl: `${billingUrl}/exports/focus.csv`,
			allowedHosts: billingUrl,
			slackWebhookUrl: `${slackUrl}/report`,
			alertSlackWebhookUrl: `${slackUrl}/alert`,
		});
		n8n.installPackage(packPackage());
		n8n.importCredentials([
			{ id: 'agentSwarmAnthropic', name: 'Agent Swarm Anthropic', type: 'agentSwarmAnthropicApi', data: { apiKey: TEST_KEY, baseUrl: simUrl } },
			{ id: 'costWebhookAuth', name: 'Cost Webhook Auth', type: 'httpHeaderAuth', data: { name: 'x-cost-token', value: TOKEN } },
		]);
		n8n.importWorkflows([wf]);
		await n8n.start();
		await n8n.waitForWebhook('cost-squad');
	});

	afterAll(async () => {
		await n8n.stop();
		await Promise.all([sim.stop(), slack.stop(), billing.stop()]);
		n8n.remove();
	});

	it('refuses a start without the header token', async () => {
		const res = await start({}, '');
		expect(res.status).toBe(403);
		await new Promise((r) => setTimeout(r, 500));
		expect(billing.received).toHaveLength(0);
	});

	it('reads the gzip export once, aggregates it in code, runs the cloud specialists concurrently and posts the top recommendations by ROI', async () => {
		sim.script({ match: { contains: 'AWS Cost Specialist' }, behaviour: { content: { summary: 'EC2 dominates', total_monthly_spend_usd: 18, recommendations: [rec('i-021f2ebl49063f9l1', 'Rightsize to t3.small', 40, 4, 'rightsizing'), rec('nat-0a8bef19776f0e435', 'Delete the idle NAT gateway', 30, 0.5), rec('EC2 fleet', 'Buy a compute savings plan', 200, 8, 'commitment')] } } });
		sim.script({ match: { contains: 'Azure Cost Specialist' }, behaviour: { content: { summary: 'AKS', total_monthly_spend_usd: 3, recommendations: [rec('analyticsengine', 'Scale the AKS pool to zero at night', 15, 1)] } } });
		// The lead returns them in no particular order; ranking is the node's job.
		sim.script({
			match: { contains: 'lead a multi-cloud cost review' },
			behaviour: {
				content: {
					summary: 'Four actions',
					recommendations: [
						{ ...rec('i-021f2ebl49063f9l1', 'Rightsize to t3.small', 40, 4, 'rightsizing'), cloud: 'aws' },
						{ ...rec('analyticsengine', 'Scale the AKS pool to zero at night', 15, 1), cloud: 'azure' },
						{ ...rec('EC2 fleet', 'Buy a compute savings plan', 200, 8, 'commitment'), cloud: 'aws' },
						{ ...rec('nat-0a8bef19776f0e435', 'Delete the idle NAT gateway', 30, 0.5), cloud: 'aws' },
					],
					implementation_plan: [{ phase: 'This week', actions: ['Delete the idle NAT gateway'] }],
				},
			},
		});
		const began = Date.now();
		expect((await start()).status).toBe(202);
		await waitForReport(1);
		expect(billing.received.map((r) => r.path)).toEqual(['/exports/focus.csv']);
		console.log(`[figure] cost squad (FOCUS sample 1,000 rows, 2 clouds with data, ${LATENCY_MS} ms per model call): ${posts('/report')[0].at - began} ms from start to Slack report`);

		const text = (posts('/report')[0].json as { text: string }).text;
		const order = ['Delete the idle NAT gateway', 'Buy a compute savings plan', 'Scale the AKS pool', 'Rightsize to t3.small'].map((a) => text.indexOf(a));
		expect(order.every((i) => i > 0)).toBe(true);
		expect(order).toEqual([...order].sort((a, b) => a - b)); // ROI 60, 25, 15, 10
		expect(text).toMatch(/1\. \[aws\] nat-0a8bef19776f0e435: Delete the idle NAT gateway — \$30\.00\/mo, 0\.5 h, ROI 60 :zap: quick win/);
		expect(text).toContain('*Total savings:* $285.00/month ($3,420.00/year) · *Quick wins:* 1');
		expect(text).toMatch(/\*Spend in export:\* \$20\.52 \(AWS \$18\.01 · GCP \$0\.00 · AZURE \$1\.98\) · not analysed: Oracle \$0\.54/);
		expect(text).toContain(`(${changePct(ROWS)}%)`);
		expect(text).toContain('based on 3 of 3 specialists');
		expect(posts('/alert')).toHaveLength(0); // spend fell week over week

		// Run Mode "Batch" (the workflow's default): no synchronous Messages call; the AWS and Azure
		// specialists share one Message Batch, the lead is the next one; GCP has no rows, no call.
		expect(sim.messageRequests()).toHaveLength(0);
		const batches = sim.requests.filter((r) => r.method === 'POST' && r.path === '/v1/messages/batches' && r.status === 200);
		const paramsOf = (r: (typeof batches)[number]) => (r.body!.requests as Array<{ params: { system: unknown; messages: unknown } }>).map((q) => q.params);
		const who = (p: { system: unknown }) => /You are the ([\w ]+?) in/.exec(JSON.stringify(p.system))?.[1] ?? 'lead';
		expect(batches.map((b) => paramsOf(b).map(who).sort())).toEqual([['AWS Cost Specialist', 'Azure Cost Specialist'], ['lead']]);
		const aws = paramsOf(batches[0]).find((p) => who(p) === 'AWS Cost Specialist')!;
		// The model read the aggregate, not the raw export.
		const prompt = JSON.stringify(aws.messages);
		expect(prompt).toContain('aggregated in code from 1000 of 1000 rows');
		expect(prompt).toContain('## AWS in USD: 942 rows');
		expect(prompt).not.toContain('AvailabilityZone');
		expect(prompt.length).toBeLessThan(SAMPLE.length / 10);
	});

	it('reads the same export as Parquet (given in the request) to the same figures', async () => {
		sim.reset();
		expect((await start({ focus_url: `${billingUrl}/exports/focus.parquet` })).status).toBe(202);
		await waitForReport(2);
		const text = (posts('/report')[1].json as { text: string }).text;
		expect(text).toMatch(/\*Spend in export:\* \$20\.52 \(AWS \$18\.01 · GCP \$0\.00 · AZURE \$1\.98\) · not analysed: Oracle \$0\.54/);
		expect(text).toContain(`(${changePct(ROWS)}%)`);
		// Batch mode again: the specialists' prompts travel inside the first Message Batch.
		const [first] = sim.requests.filter((r) => r.method === 'POST' && r.path === '/v1/messages/batches' && r.status === 200);
		expect(sim.messageRequests()).toHaveLength(0);
		expect(JSON.stringify(first.body!.requests)).toContain('aggregated in code from 1000 of 1000 rows');
	});

	it('alerts when weekly spend rose by more than the threshold (JSON export given in the request)', async () => {
		sim.reset();
		const expected = changePct(BOOSTED);
		expect(expected).toBeGreaterThan(10);
		expect((await start({ focus_url: `${billingUrl}/exports/focus-boosted.json` })).status).toBe(202);
		await waitForReport(3);
		const alerts = posts('/alert');
		expect(alerts).toHaveLength(1);
		expect((alerts[0].json as { text: string }).text).toMatch(new RegExp(`Cloud spend rose ${expected}% week over week.*threshold 10%`));
	});

	it('refuses an export URL whose host is not on the allow-list: nothing fetched, no model call', async () => {
		sim.reset();
		const fetched = billing.received.length;
		expect((await start({ focus_url: 'http://169.254.169.254/latest/meta-data' })).status).toBe(202);
		await new Promise((r) => setTimeout(r, 1500));
		expect(billing.received).toHaveLength(fetched);
		expect(sim.messageRequests()).toHaveLength(0);
		expect(posts('/report')).toHaveLength(3);
	});
});
