/**
 * workflows/multi-cloud-cost-squad.json in a real n8n 2.40.7: the real FOCUS 1.0 sample served
 * by a loopback billing host as gzip CSV and as Parquet (the forms AWS Data Exports writes),
 * read by Evidence Fetch through the URL guard, the Claude simulator, and an HTTPS Slack
 * stand-in as strict as Slack's documentation. Also the attacks of issue 8 that concern this
 * workflow: each bad body, text meant to ping a channel or plant a link, a hanging Claude API,
 * and Slack down.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { N8nInstance, packPackage, ROOT } from '../../scripts/lib/n8n-instance.ts';
import { configure, nodeNamed, readWorkflow, type Workflow } from '../../scripts/lib/workflows.ts';
import { ClaudeSimulator } from '../../simulator/server.ts';
import { TEST_KEY } from '../helpers/simulator.ts';
import { StandIn } from '../helpers/stand-in.ts';
import { selfSignedCertificate, slackWebhookRules, StrictStandIn } from '../helpers/strict-stand-ins.ts';

const TOKEN = 'cost-webhook-test-token';
const LATENCY_MS = 400;
/** The deadlines of the test variant (shipped: 20 and 25 minutes from the start of the run). */
const SPECIALISTS_DEADLINE_S = 15;
const DECISION_DEADLINE_S = 30;
const REPORT = '/services/T000/B000/REPORT';
const ALERT = '/services/T000/B000/ALERT';
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
	const tls = selfSignedCertificate();
	const slack = new StrictStandIn(tls, slackWebhookRules);
	const EXPORTS: Record<string, { body: string | Buffer; type: string }> = {
		// Named .csv on purpose: the format is read from the bytes, not the name.
		'/exports/focus.csv': { body: GZIP, type: 'application/octet-stream' },
		'/exports/focus.parquet': { body: PARQUET, type: 'application/octet-stream' },
		'/exports/focus-boosted.json': { body: JSON.stringify(BOOSTED), type: 'application/json' },
	};
	const billing = new StandIn((req) => EXPORTS[req.path] ?? { status: 404, body: 'no such export' });
	const n8n = new N8nInstance({ NODE_EXTRA_CA_CERTS: tls.certFile });
	let billingUrl = '';
	const send = (raw: string | undefined, token = TOKEN, path = 'cost-squad') =>
		fetch(`${n8n.url}/webhook/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { 'x-cost-token': token } : {}) }, body: raw });
	const start = (body: unknown = {}, token = TOKEN, path = 'cost-squad') => send(JSON.stringify(body), token, path);
	const posts = (path: string) => slack.accepted().filter((r) => r.path === path);
	const waitForReport = async (count: number, timeoutMs = 60_000) => {
		const deadline = Date.now() + timeoutMs;
		while (posts(REPORT).length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
		await new Promise((r) => setTimeout(r, 1000)); // the alert, if any, follows the report
	};
	/** The status of a workflow's latest finished execution, read through n8n's REST API. */
	const lastExecutionStatus = async (workflowId: string) => {
		const rest = await n8n.login();
		let status = '';
		for (let i = 0; i < 80 && !['error', 'success', 'crashed'].includes(status); i++) {
			const list = (await (await rest(`/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}`)).json()) as { data: { results: Array<{ status: string }> } };
			status = list.data.results[0]?.status ?? '';
			if (!['error', 'success', 'crashed'].includes(status)) await new Promise((r) => setTimeout(r, 250));
		}
		return status;
	};

	beforeAll(async () => {
		const simUrl = await sim.start();
		const slackUrl = await slack.start();
		billingUrl = await billing.start();
		const wf = configure(readWorkflow('multi-cloud-cost-squad.json'), {
			focusExportUrl: `${billingUrl}/exports/focus.csv`,
			allowedHosts: billingUrl,
			slackWebhookUrl: `${slackUrl}${REPORT}`,
			alertSlackWebhookUrl: `${slackUrl}${ALERT}`,
		});
		// The same workflow with deadlines short enough to test, under its own id and path.
		const short = configure(JSON.parse(JSON.stringify(wf)) as Workflow, { specialistsDeadlineMinutes: SPECIALISTS_DEADLINE_S / 60, decisionDeadlineMinutes: DECISION_DEADLINE_S / 60 });
		short.id = 'agentSwarmCostSquadDeadline';
		short.name += ' (short deadline)';
		const hook = nodeNamed(short, 'Run Now (Webhook)');
		hook.parameters.path = 'cost-squad-deadline';
		hook.webhookId = '629442e7-4ffe-5154-867e-000000000001';
		// Run Mode "Now" here: a hanging synchronous call is what the deadline must cut (batch waits
		// are bounded by the same deadline; test/engine/batch-mode.test.ts covers them).
		for (const name of ['Cloud Cost Specialists', 'FinOps Lead']) nodeNamed(short, name).parameters.runMode = 'now';
		n8n.installPackage(packPackage());
		n8n.importCredentials([
			{ id: 'agentSwarmAnthropic', name: 'Agent Swarm Anthropic', type: 'agentSwarmAnthropicApi', data: { apiKey: TEST_KEY, baseUrl: simUrl } },
			{ id: 'costWebhookAuth', name: 'Cost Webhook Auth', type: 'httpHeaderAuth', data: { name: 'x-cost-token', value: TOKEN } },
		]);
		n8n.importWorkflows([wf, short]);
		await n8n.start();
		await n8n.waitForWebhook('cost-squad');
		await n8n.waitForWebhook('cost-squad-deadline');
	}, 900_000);

	afterAll(async () => {
		await n8n.stop();
		await Promise.all([sim.stop(), slack.stop(), billing.stop()]);
		n8n.remove();
		tls.remove();
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
		console.log(`[figure] cost squad (FOCUS sample 1,000 rows, 2 clouds with data, ${LATENCY_MS} ms per model call): ${posts(REPORT)[0].at - began} ms from start to Slack report`);

		const text = (posts(REPORT)[0].json as { text: string }).text;
		const order = ['Delete the idle NAT gateway', 'Buy a compute savings plan', 'Scale the AKS pool', 'Rightsize to t3.small'].map((a) => text.indexOf(a));
		expect(order.every((i) => i > 0)).toBe(true);
		expect(order).toEqual([...order].sort((a, b) => a - b)); // ROI 60, 25, 15, 10
		expect(text).toMatch(/1\. \[aws\] nat-0a8bef19776f0e435: Delete the idle NAT gateway — \$30\.00\/mo, 0\.5 h, ROI 60 :zap: quick win/);
		expect(text).toContain('*Total savings:* $285.00/month ($3,420.00/year) · *Quick wins:* 1');
		expect(text).toMatch(/\*Spend in export:\* \$20\.52 \(AWS \$18\.01 · GCP \$0\.00 · AZURE \$1\.98\) · not analysed: Oracle \$0\.54/);
		expect(text).toContain(`(${changePct(ROWS)}%)`);
		expect(text).toContain('based on 3 of 3 specialists');
		expect(posts(ALERT)).toHaveLength(0); // spend fell week over week

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
		const text = (posts(REPORT)[1].json as { text: string }).text;
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
		const alerts = posts(ALERT);
		expect(alerts).toHaveLength(1);
		expect((alerts[0].json as { text: string }).text).toMatch(new RegExp(`Cloud spend rose ${expected}% week over week.*threshold 10%`));
	});

	it('each bad body is answered 400 with the field and the fix; nothing is fetched and no model is called', async () => {
		sim.reset();
		const fetched = billing.received.length;
		const reports = posts(REPORT).length;
		const cases: Array<[string, string, string, RegExp]> = [
			['array', JSON.stringify([{ focus_url: `${billingUrl}/exports/focus.csv` }]), 'body', /JSON object, got an array/],
			['string', JSON.stringify('focus.csv'), 'body', /JSON object, got string/],
			['number', '42', 'body', /JSON object, got number/],
			['misspelt field', JSON.stringify({ focusUrl: `${billingUrl}/exports/focus.csv` }), 'focusUrl', /not a field/],
			['focus_url a number', JSON.stringify({ focus_url: 42 }), 'focus_url', /non-empty string, got number/],
			['focus_url empty', JSON.stringify({ focus_url: ' ' }), 'focus_url', /got an empty string/],
			['focus_url null', JSON.stringify({ focus_url: null }), 'focus_url', /got null/],
			['focus_url not a URL', JSON.stringify({ focus_url: 'focus.csv' }), 'focus_url', /refused \(invalid_url\)/],
			['focus_url off the allow-list (cloud metadata)', JSON.stringify({ focus_url: 'http://169.254.169.254/latest/meta-data' }), 'focus_url', /refused \(host\): host 169\.254\.169\.254 is not on the allow-list/],
			['focus_url on another port of the billing host', JSON.stringify({ focus_url: `http://127.0.0.1:${Number(new URL(billingUrl).port) + 1}/x` }), 'focus_url', /refused \(port\)/],
			['focus_url with a scheme not allowed', JSON.stringify({ focus_url: 'file:///etc/passwd' }), 'focus_url', /refused \(scheme\)/],
		];
		for (const [name, raw, field, message] of cases) {
			const res = await send(raw);
			expect(res.status, name).toBe(400);
			const answer = (await res.json()) as { status: string; error: { field: string; message: string; fix: string } };
			expect(answer.status, name).toBe('rejected');
			expect(answer.error.field, name).toBe(field);
			expect(answer.error.message, name).toMatch(message);
			expect(answer.error.fix, name).toMatch(/^Fix: .{20,}/);
		}
		// Malformed JSON never reaches the workflow: n8n's own body parser answers it (a 4xx, not a 5xx).
		const malformed = await send('{focus_url: x');
		console.log(`[figure] cost webhook, malformed JSON: n8n answers ${malformed.status} ${(await malformed.text()).slice(0, 120)}`);
		expect(malformed.status).toBeGreaterThanOrEqual(400);
		expect(malformed.status).toBeLessThan(500);
		expect(billing.received).toHaveLength(fetched);
		expect(sim.messageRequests()).toHaveLength(0);
		expect(posts(REPORT)).toHaveLength(reports);
		// No body at all still starts the configured export.
		const empty = await send(undefined);
		expect(empty.status).toBe(202);
		expect(await empty.json()).toMatchObject({ status: 'accepted', focus_url: `${billingUrl}/exports/focus.csv` });
		await waitForReport(reports + 1);
		expect(billing.received).toHaveLength(fetched + 1);
	});

	it('text from the export or a model reaches Slack escaped: no <!channel>, no planted link, no @here, & as &amp;', async () => {
		sim.reset();
		const reports = posts(REPORT).length;
		sim.script({
			match: { contains: 'lead a multi-cloud cost review' },
			times: 1,
			behaviour: {
				content: {
					summary: 'One action',
					recommendations: [{ ...rec('<!channel> db-1', '<https://evil.example|click here> & ping @here', 50, 1), cloud: 'aws' }],
					implementation_plan: [{ phase: 'Now', actions: ['x'] }],
				},
			},
		});
		expect((await start()).status).toBe(202);
		await waitForReport(reports + 1);
		const text = (posts(REPORT).at(-1)!.json as { text: string }).text;
		expect(text).toContain('[aws] &lt;!channel&gt; db-1: &lt;https://evil.example|click here&gt; &amp; ping @\u200bhere');
		expect(text).not.toMatch(/<!|<https?:|(^|[^\u200b])@(here|channel|everyone)/);
	});

	it('a hanging Claude API is bounded by the Deadlines: the report comes by the decision deadline, ranked in code from the specialists that answered', async () => {
		sim.reset();
		const reports = posts(REPORT).length;
		const hang = { latencyMs: 10 * 60_000 };
		sim.script({ match: { contains: 'AWS Cost Specialist' }, behaviour: hang });
		sim.script({ match: { contains: 'Azure Cost Specialist' }, behaviour: { content: { summary: 'AKS', total_monthly_spend_usd: 3, recommendations: [rec('analyticsengine', 'Scale the AKS pool to zero at night', 15, 1)] } } });
		sim.script({ match: { contains: 'lead a multi-cloud cost review' }, behaviour: hang });
		const began = Date.now();
		expect((await start({}, TOKEN, 'cost-squad-deadline')).status).toBe(202);
		await waitForReport(reports + 1, (DECISION_DEADLINE_S + 60) * 1000);
		const report = posts(REPORT)[reports];
		expect(report, 'no report within the deadline').toBeDefined();
		const wall = report.at - began;
		console.log(`[figure] cost squad, hanging Claude API: Slack report ${wall} ms after the start (specialists' deadline ${SPECIALISTS_DEADLINE_S} s, decision deadline ${DECISION_DEADLINE_S} s; before: 120 s × 4 attempts per call)`);
		expect(wall).toBeLessThan((DECISION_DEADLINE_S + 20) * 1000);
		const text = (report.json as { text: string }).text;
		expect(text).toContain('Scale the AKS pool to zero at night');
		expect(text).toMatch(/based on 2 of 3 specialists; aws unavailable: deadline/);
		expect(text).toMatch(/Decided in code: .*deadline/);
		// No call started after the decision deadline.
		expect(sim.messageRequests().every((r) => r.startedAt - began < DECISION_DEADLINE_S * 1000)).toBe(true);
		sim.reset();
	}, 180_000);

	it('Slack down: the report is not counted as delivered; the execution fails with the reason', async () => {
		sim.reset();
		slack.override = () => ({ status: 503, body: 'service_unavailable', type: 'text/html' });
		try {
			const refusedBefore = slack.received.filter((r) => r.status === 503).length;
			expect((await start()).status).toBe(202);
			expect(await lastExecutionStatus('agentSwarmCostSquad')).toBe('error');
			expect(slack.received.filter((r) => r.status === 503).length).toBeGreaterThan(refusedBefore);
			const rest = await n8n.login();
			const list = (await (await rest(`/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId: 'agentSwarmCostSquad' }))}`)).json()) as { data: { results: Array<{ id: string }> } };
			const execution = JSON.stringify(await (await rest(`/executions/${list.data.results[0].id}`)).json());
			expect(execution).toContain('the report was not posted to Slack');
		} finally {
			slack.override = undefined;
		}
	}, 120_000);
});
