/**
 * workflows/incident-response-swarm.json and workflows/agent-metrics-endpoint.json in a real
 * n8n 2.40.7, driven over HTTP: every alert sender's documented payload, the Claude simulator,
 * HTTPS stand-ins for Slack and PagerDuty as strict as their documentation, real PostgreSQL, and
 * a real Prometheus scraping a loopback target for live evidence. Also the attacks of issue 8
 * that concern this workflow: URL tricks, a 200 MB fetch, bad bodies, Postgres and Redis down.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer as createTcpServer } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, N8nInstance, packPackage, ROOT } from '../../scripts/lib/n8n-instance.ts';
import { configure, nodeNamed, readWorkflow, type Workflow } from '../../scripts/lib/workflows.ts';
import { ClaudeSimulator } from '../../simulator/server.ts';
import { alertFixture } from '../helpers/alert-fixtures.ts';
import { sampleIncident } from '../helpers/incident.ts';
import { parseExposition, total } from '../helpers/prometheus.ts';
import { MetricsTarget, PrometheusServer } from '../helpers/prometheus-server.ts';
import { TEST_KEY } from '../helpers/simulator.ts';
import { StandIn } from '../helpers/stand-in.ts';
import { pagerDutyEventsRules, pagerDutyNotesRules, selfSignedCertificate, slackWebhookRules, StrictStandIn } from '../helpers/strict-stand-ins.ts';
import { systemTool } from '../helpers/system-tools.ts';

const PROMETHEUS = systemTool('prometheus', ['/usr/bin/prometheus']);
const TOKEN = 'incident-webhook-test-token';
const TABLE = `incident_reports_test_${process.pid}`;
const LATENCY = 300;
const ROUTING_KEY = 'e93facc04764012d7bfb002500d5d1a6';
const PD_TOKEN = 'pd-rest-token-for-tests';
const FROM = 'incident-bot@example.com';
const PD_INCIDENT = 'Q3TCPXPZ0E7EAE';
const MAX_FETCH_MB = 10;
const PD_SECRET = 'pd-signing-secret-for-tests';
const DEADLINE_S = 20;

const decision = (severity: string) => ({
	severity,
	root_cause: { summary: 'DB pool cut to 50 in a1b2c3d exhausts connections at peak', confidence: 90 },
	contributing_factors: ['peak traffic'],
	evidence: [{ agent: 'logs', finding: 'pool exhausted' }],
	remediation: [{ priority: 1, action: 'Roll back a1b2c3d', rationale: 'fastest' }],
	prevention: ['load-test pool changes'],
	mttr_minutes: 20,
	business_impact: 'Checkout failing for 30% of users',
	conflicts: [],
});

/** A copy of the workflow under another id and webhook path (to break one dependency). */
function variant(base: Workflow, suffix: string, change: (wf: Workflow) => void): Workflow {
	const wf = JSON.parse(JSON.stringify(base)) as Workflow;
	wf.id = `${wf.id}${suffix}`;
	wf.name = `${wf.name} (${suffix})`;
	const hook = nodeNamed(wf, 'Incident Alert');
	hook.parameters.path = `incident-alert-${suffix}`;
	hook.webhookId = `00000000-0000-4000-8000-${suffix.padEnd(12, '0').slice(0, 12).replace(/[^0-9a-f]/g, 'a')}`;
	change(wf);
	return wf;
}

describe('real n8n: incident response swarm and metrics endpoint', () => {
	const tls = selfSignedCertificate();
	const sim = new ClaudeSimulator({ defaultLatencyMs: LATENCY, requiredApiKey: TEST_KEY });
	const slack = new StrictStandIn(tls, slackWebhookRules);
	const events = new StrictStandIn(tls, pagerDutyEventsRules);
	const pdRest = new StrictStandIn(tls, pagerDutyNotesRules({ token: PD_TOKEN, users: [FROM], incidents: [PD_INCIDENT] }));
	const internal = new StandIn(() => ({ body: 'internal only' }));
	let bigServed = 0;
	const logHost = new StandIn((req) => {
		if (req.path === '/redirect') return { status: 302, body: '', headers: { location: `http://127.0.0.1:${internal.port}/secret` } };
		return { body: '2026-11-25T02:10:00Z ERROR [api] POST /checkout failed: connection pool exhausted\n'.repeat(30) };
	});
	// The truth the live-evidence test checks against: when the error ratio went up.
	let errorsAt = Infinity;
	const target = new MetricsTarget(() => `# TYPE checkout_error_ratio gauge\ncheckout_error_ratio ${Date.now() >= errorsAt ? 0.3 : 0.002}\n`);
	const prom = PROMETHEUS ? new PrometheusServer(PROMETHEUS) : undefined;
	let promStartedAt = 0;
	const n8n = new N8nInstance({ NODE_EXTRA_CA_CERTS: tls.certFile });
	const db = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
	let bigServer: ReturnType<typeof createTcpServer> | undefined;
	let bigPort = 0;
	const post = (body: unknown, query = '', token = TOKEN, path = 'incident-alert') =>
		fetch(`${n8n.url}/webhook/${path}${query}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...(token ? { 'x-incident-token': token } : {}) },
			body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
			signal: AbortSignal.timeout(120_000),
		});
	const modelCalls = () => sim.messageRequests().length;
	/** The status of a workflow's latest execution, read through n8n's REST API (waits for "error"). */
	const lastExecutionStatus = async (workflowId: string) => {
		const rest = await n8n.login();
		let status = '';
		for (let i = 0; i < 40 && status !== 'error'; i++) {
			const list = (await (await rest(`/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}`)).json()) as { data: { results: Array<{ status: string }> } };
			status = list.data.results[0]?.status ?? '';
			if (status !== 'error') await new Promise((r) => setTimeout(r, 250));
		}
		return status;
	};
	const slackTexts = () => slack.accepted().map((r) => (r.json as { text: string }).text);

	beforeAll(async () => {
		const simUrl = await sim.start();
		const slackUrl = await slack.start();
		const eventsUrl = await events.start();
		const pdUrl = await pdRest.start();
		await logHost.start();
		await internal.start();
		// A 200 MB log file, streamed without a length (the guard must stop reading at the cap).
		bigServer = createTcpServer((socket) => {
			socket.once('data', () => {
				socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n');
				const line = Buffer.from('2026-11-25T02:10:00Z ERROR [api] filler line to make the log enormous\n'.repeat(1000));
				let sent = 0;
				const pump = () => {
					while (sent < 200 * 1024 * 1024) {
						sent += line.length;
						bigServed += line.length;
						if (!socket.write(`${line.length.toString(16)}\r\n${line}\r\n`)) return void socket.once('drain', pump);
					}
					socket.end('0\r\n\r\n');
				};
				socket.on('error', () => undefined);
				pump();
			});
		});
		await new Promise<void>((r) => bigServer!.listen(0, '127.0.0.1', r));
		bigPort = (bigServer.address() as { port: number }).port;
		if (prom) {
			await prom.start('checkout-api', [await target.start()], 1);
			promStartedAt = Date.now();
		}
		await db.connect();
		await db.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (id BIGSERIAL PRIMARY KEY, incident_id TEXT NOT NULL, status TEXT NOT NULL, severity TEXT, report JSONB NOT NULL, cost_usd NUMERIC, created_at TIMESTAMPTZ NOT NULL DEFAULT now())`);

		const incident = configure(readWorkflow('incident-response-swarm.json'), {
			slackWebhookUrl: `${slackUrl}/services/T000/B000/XXX`,
			pagerDutyEventsUrl: `${eventsUrl}/v2/enqueue`,
			pagerDutyRoutingKey: ROUTING_KEY,
			pagerDutyApiUrl: pdUrl,
			pagerDutyFromEmail: FROM,
			allowedHosts: [`http://127.0.0.1:${logHost.port}`, `http://127.0.0.1:${bigPort}`, prom?.url].filter(Boolean).join(', '),
			maxFetchMb: MAX_FETCH_MB,
			prometheusUrl: prom?.url ?? '',
			prometheusLookbackMinutes: 15,
			prometheusStepSeconds: 0.1,
			reportsTable: TABLE,
		});
		const closed = await freePort();
		const pgDown = variant(incident, 'pgdown', (wf) => (nodeNamed(wf, 'Store Report').credentials = { postgres: { id: 'incidentReportsDbDown', name: 'Incident Reports DB (down)' } }));
		const redisDown = variant(incident, 'redisdown', (wf) => {
			const intake = nodeNamed(wf, 'Alert Intake');
			intake.parameters.store = 'redis';
			intake.credentials = { agentSwarmRedisApi: { id: 'agentSwarmRedisDown', name: 'Agent Swarm Redis (down)' } };
		});
		const signed = variant(incident, 'signed', (wf) => {
			const intake = nodeNamed(wf, 'Alert Intake');
			intake.parameters.verifySignatures = true;
			intake.credentials = { agentSwarmAlertSignaturesApi: { id: 'alertSignatures', name: 'Agent Swarm Alert Signatures' } };
		});
		// The whole-run deadline (workflow setting "Timeout Workflow"), short enough to test.
		const deadline = variant(incident, 'deadline', (wf) => ((wf.settings as Record<string, unknown>).executionTimeout = DEADLINE_S));
		n8n.installPackage(packPackage());
		n8n.importCredentials([
			{ id: 'agentSwarmAnthropic', name: 'Agent Swarm Anthropic', type: 'agentSwarmAnthropicApi', data: { apiKey: TEST_KEY, baseUrl: simUrl } },
			{ id: 'incidentWebhookAuth', name: 'Incident Webhook Auth', type: 'httpHeaderAuth', data: { name: 'X-Incident-Token', value: TOKEN } },
			{ id: 'incidentReportsDb', name: 'Incident Reports DB', type: 'postgres', data: { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', password: '', ssl: 'disable' } },
			{ id: 'incidentReportsDbDown', name: 'Incident Reports DB (down)', type: 'postgres', data: { host: '127.0.0.1', port: closed, database: 'test', user: 'postgres', password: '', ssl: 'disable' } },
			{ id: 'pagerDutyApiToken', name: 'PagerDuty API Token', type: 'httpHeaderAuth', data: { name: 'Authorization', value: `Token token=${PD_TOKEN}` } },
			{ id: 'alertSignatures', name: 'Agent Swarm Alert Signatures', type: 'agentSwarmAlertSignaturesApi', data: { pagerDutySecrets: `old-secret, ${PD_SECRET}`, grafanaSecret: '', grafanaSignatureHeader: 'X-Grafana-Alerting-Signature', grafanaTimestampHeader: '' } },
			{ id: 'agentSwarmGitHub', name: 'GitHub Token', type: 'agentSwarmGitHubApi', data: { token: 'unused', apiUrl: 'https://api.github.com' } },
			{ id: 'agentSwarmRedisDown', name: 'Agent Swarm Redis (down)', type: 'agentSwarmRedisApi', data: { host: '127.0.0.1', port: closed, database: 0, keyPrefix: 'down:' } },
		]);
		n8n.importWorkflows([incident, pgDown, redisDown, signed, deadline, readWorkflow('agent-metrics-endpoint.json')]);
		await n8n.start();
		await Promise.all(['incident-alert', 'incident-alert-pgdown', 'incident-alert-redisdown', 'incident-alert-signed', 'incident-alert-deadline'].map((p) => n8n.waitForWebhook(p)));
	}, 900_000);

	afterAll(async () => {
		await n8n.stop();
		await Promise.all([sim.stop(), slack.stop(), events.stop(), pdRest.stop(), logHost.stop(), internal.stop(), target.stop(), prom?.stop()]);
		await new Promise((r) => (bigServer ? bigServer.close(r) : r(undefined)));
		await db.query(`DROP TABLE IF EXISTS ${TABLE}`);
		await db.end();
		n8n.remove();
		tls.remove();
	});

	it('refuses a request without the webhook header', async () => {
		expect((await post(sampleIncident('INC-NOAUTH'), '?wait=true', '')).status).toBe(403);
		expect(modelCalls()).toBe(0);
	});

	it('?wait=true answers with the full report; Slack, PagerDuty (critical) and Postgres get it, and the report says so', async () => {
		sim.script({ match: { contains: 'incident commander' }, times: 1, behaviour: { content: decision('critical') } });
		const body = { ...sampleIncident('INC-CRIT'), logs: undefined, logs_url: `http://127.0.0.1:${logHost.port}/app.log`, metrics: undefined, metrics_url: 'http://evil.example.net/metrics' };
		const started = Date.now();
		const res = await post(body, '?wait=true');
		console.log(`[figure] incident response (?wait=true, 5 specialists + commander, ${LATENCY} ms per model call): ${Date.now() - started} ms from request to full report`);
		expect(res.status).toBe(200);
		const report = (await res.json()) as Record<string, any>;
		expect(report).toMatchObject({ incident_id: 'INC-CRIT', source: 'json', status: 'success', severity: 'critical', mttr_minutes: 20, report_id: expect.stringMatching(/^RPT-/) });
		expect(report.fetched_sources).toContain('logs');
		expect(report.refused_sources).toEqual([expect.objectContaining({ field: 'metrics', rule: 'host', reason: 'host evil.example.net is not on the allow-list' })]);
		expect(report.delivery).toMatchObject({ stored: true, slack: 'posted', pagerduty: 'paged' });
		const specialists = sim.messageRequests().filter((r) => !JSON.stringify(r.system).includes('incident commander'));
		expect(specialists).toHaveLength(5);
		const firstEnd = Math.min(...specialists.map((c) => c.endedAt!));
		expect(specialists.every((c) => c.startedAt < firstEnd)).toBe(true);
		expect(JSON.stringify(specialists.find((r) => JSON.stringify(r.system).includes('Logs Analyst'))!.messages)).toContain('Log digest: 30 lines');
		const [slackPost] = await slack.waitFor(1);
		expect(slackPost.path).toBe('/services/T000/B000/XXX');
		expect((slackPost.json as { text: string }).text).toMatch(/INC-CRIT[\s\S]*CRITICAL[\s\S]*Roll back a1b2c3d[\s\S]*based on 5 of 5 specialists[\s\S]*Refused sources: metrics/);
		const [page] = await events.waitFor(1);
		expect(page.json).toMatchObject({ routing_key: ROUTING_KEY, event_action: 'trigger', dedup_key: 'agent-swarm-INC-CRIT', payload: { severity: 'critical', source: 'checkout' } });
		const rows = await db.query(`SELECT status, severity, report FROM ${TABLE} WHERE incident_id = 'INC-CRIT'`);
		expect(rows.rows).toHaveLength(1);
		expect(rows.rows[0]).toMatchObject({ status: 'success', severity: 'critical', report: { root_cause: { summary: expect.stringContaining('DB pool') } } });
	});

	it('answers 202 at once by default; a failed specialist leaves a report based on 4 of 5 and no page when not critical', async () => {
		sim.reset();
		slack.reset();
		events.reset();
		sim.script({ match: { contains: 'Metrics Analyst' }, behaviour: { kind: 'error', status: 400, message: 'bad' } });
		sim.script({ match: { contains: 'incident commander' }, times: 1, behaviour: { content: decision('high') } });
		const res = await post(sampleIncident('INC-HIGH'));
		const answeredAt = Date.now();
		expect(res.status).toBe(202);
		expect(await res.json()).toMatchObject({ incident_id: 'INC-HIGH', status: 'accepted', report_id: expect.stringMatching(/^RPT-/) });
		const [slackPost] = await slack.waitFor(1);
		expect(answeredAt).toBeLessThan(Math.min(...sim.messageRequests().map((r) => r.endedAt!)));
		expect((slackPost.json as { text: string }).text).toMatch(/INC-HIGH[\s\S]*HIGH[\s\S]*based on 4 of 5 specialists; metrics unavailable: bad_request/);
		await new Promise((r) => setTimeout(r, 1000));
		expect(events.received).toHaveLength(0);
	});

	it('GET /webhook/agent-metrics answers the Prometheus exposition of the runs', async () => {
		const res = await fetch(`${n8n.url}/webhook/agent-metrics`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
		const f = parseExposition(await res.text());
		expect(total(f, 'agent_tasks_total')).toBe(12);
		expect(total(f, 'agent_tasks_total', { agent_id: 'coordinator' })).toBe(2);
		expect(total(f, 'agent_failures_total', { agent_id: 'metrics', error_type: 'bad_request' })).toBe(1);
		expect(total(f, 'active_agents')).toBe(0);
	});

	describe.skipIf(!PROMETHEUS)('the metrics endpoint scraped by a real Prometheus (Debian package)', () => {
		const scraper = PROMETHEUS ? new PrometheusServer(PROMETHEUS) : undefined;
		const scrapes = async () => Number((await scraper!.query('count_over_time(up{job="n8n-agent-swarm"}[10m])'))[0]?.value[1] ?? 0);

		beforeAll(async () => {
			await scraper!.start('n8n-agent-swarm', [`127.0.0.1:${n8n.port}`], 1, '/webhook/agent-metrics');
			while ((await scrapes()) < 3) await new Promise((r) => setTimeout(r, 250));
		}, 90_000);
		afterAll(() => scraper?.stop());

		it('every PromQL expression of the Grafana dashboard returns series after another run', async () => {
			sim.reset();
			// One more incident while Prometheus watches: a retry, a schema repair and a failure.
			sim.script({ match: { contains: 'Logs Analyst' }, times: 1, behaviour: { kind: 'error', status: 529, errorType: 'overloaded_error' } });
			sim.script({ match: { contains: 'Infrastructure Analyst' }, times: 1, behaviour: { kind: 'schema_invalid' } });
			sim.script({ match: { contains: 'Metrics Analyst' }, behaviour: { kind: 'error', status: 400, message: 'bad' } });
			sim.script({ match: { contains: 'incident commander' }, times: 1, behaviour: { content: decision('high') } });
			expect((await post(sampleIncident('INC-PROM'), '?wait=true')).status).toBe(200);
			const seen = await scrapes();
			while ((await scrapes()) < seen + 4) await new Promise((r) => setTimeout(r, 250));
			const dashboard = JSON.parse(readFileSync(join(ROOT, 'grafana/agent-swarm-dashboard.json'), 'utf8')) as { panels: Array<{ title: string; targets?: Array<{ expr: string }> }> };
			const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ title: p.title, expr: t.expr.replaceAll('$__rate_interval', '1m') })));
			expect(exprs.length).toBeGreaterThanOrEqual(8);
			for (const { title, expr } of exprs) expect((await scraper!.query(expr)).length, `${title}: ${expr}`).toBeGreaterThan(0);
			const value = async (expr: string) => Number((await scraper!.query(expr))[0].value[1]);
			expect(await value('sum(increase(agent_tokens_used_total[1m]))')).toBeGreaterThan(0);
			expect(await value('sum(agent_retries_total)')).toBe(1);
			expect(await value('sum(agent_repairs_total)')).toBe(1);
			expect(await value('sum(agent_failures_total{error_type="bad_request"})')).toBe(2);
		}, 120_000);
	});

	const SENDERS = [
		{ name: 'alertmanager', firing: 'alertmanager-firing', end: 'alertmanager-resolved', ended: 'resolved' },
		{ name: 'grafana', firing: 'grafana-firing', end: 'grafana-resolved', ended: 'resolved' },
		{ name: 'pagerduty', firing: 'pagerduty-triggered', end: 'pagerduty-resolved', ended: 'resolved' },
		{ name: 'datadog', firing: 'datadog-default-triggered', end: 'datadog-default-recovered', ended: 'resolved' },
		{ name: 'opsgenie', firing: 'opsgenie-create', end: 'opsgenie-close', ended: 'resolved' },
	];

	for (const sender of SENDERS) {
		it(`${sender.name}: firing → report, repeat → the earlier report id and no agent, resolved → no agent and "resolved after N min" in Slack`, async () => {
			sim.reset();
			slack.reset();
			events.reset();
			pdRest.reset();
			const critical = sender.name === 'pagerduty';
			sim.script({ match: { contains: 'incident commander' }, times: 1, behaviour: { content: decision(critical ? 'critical' : 'high') } });
			const first = await post(alertFixture(sender.firing), '?wait=true');
			expect(first.status).toBe(200);
			const report = (await first.json()) as Record<string, any>;
			expect(report).toMatchObject({ source: sender.name, status: 'success', report_id: expect.stringMatching(/^RPT-/) });
			expect(modelCalls()).toBe(6);

			const repeat = await post(alertFixture(sender.firing));
			expect(repeat.status).toBe(200);
			expect(await repeat.json()).toMatchObject({ incident_id: report.incident_id, status: 'duplicate', report_id: report.report_id, state: 'success' });

			const resolved = await post(alertFixture(sender.end));
			expect(resolved.status).toBe(200);
			const answer = (await resolved.json()) as Record<string, any>;
			expect(answer).toMatchObject({ incident_id: report.incident_id, status: 'resolved', report_id: report.report_id });
			expect(modelCalls()).toBe(6);
			const texts = slackTexts();
			await slack.waitFor(2);
			expect(slackTexts().at(-1)).toMatch(new RegExp(`${report.incident_id}\\* resolved( after \\d+ min)?`));
			expect(texts.length).toBeGreaterThanOrEqual(1);
			if (critical) {
				// The report goes back to the PagerDuty incident as a note; no second incident is paged.
				const [note] = await pdRest.waitFor(1);
				expect(note).toMatchObject({ path: `/incidents/${PD_INCIDENT}/notes`, headers: expect.objectContaining({ from: FROM }) });
				expect((note.json as { note: { content: string } }).note.content).toContain('Roll back a1b2c3d');
				expect(report.delivery).toMatchObject({ pagerduty: 'note added' });
				expect(events.received).toHaveLength(0);
				const annotated = await post(alertFixture('pagerduty-annotated'));
				expect(await annotated.json()).toMatchObject({ status: 'ignored', event: 'incident.annotated' });
				expect(modelCalls()).toBe(6);
			}
		}, 120_000);
	}

	it('a body in no known format, and each bad body, is answered 400 with the field and the fix; no agent runs', async () => {
		sim.reset();
		const cases: Array<[string, unknown, string]> = [
			['unknown format', { hello: 'world' }, 'body'],
			['empty body', '', 'body'],
			['array', [{ incident_id: 'INC-1' }], 'body'],
			['null', 'null', 'body'],
			['missing incident_id', { logs: 'x' }, 'body'],
			['zero incident_id', { incident_id: 0 }, 'incident_id'],
			['Slack mention in incident_id', { incident_id: '<!channel> INC-1' }, 'incident_id'],
		];
		for (const [name, body, field] of cases) {
			const res = await post(body);
			expect(res.status, name).toBe(400);
			const answer = (await res.json()) as { status: string; error: { field: string; message: string; fix: string }; accepted_formats: Array<{ name: string; documentation: string }> };
			expect(answer.status, name).toBe('rejected');
			expect(answer.error.field, name).toBe(field);
			expect(answer.error.fix.length, name).toBeGreaterThan(10);
			expect(answer.accepted_formats.map((f) => f.name), name).toEqual(['alertmanager', 'grafana', 'pagerduty', 'datadog', 'opsgenie', 'json']);
		}
		// Malformed JSON never reaches the workflow: n8n's own body parser answers it (a 4xx, not a 5xx).
		const malformed = await post('{incident_id: INC-1');
		console.log(`[figure] malformed JSON: n8n answers ${malformed.status} ${(await malformed.text()).slice(0, 120)}`);
		expect(malformed.status).toBeGreaterThanOrEqual(400);
		expect(malformed.status).toBeLessThan(500);
		expect(modelCalls()).toBe(0);
	});

	it('alert text is escaped for Slack: no <!channel>, no @here reaches the channel', async () => {
		sim.reset();
		slack.reset();
		sim.script({ match: { contains: 'incident commander' }, times: 1, behaviour: { content: { ...decision('high'), business_impact: 'ping <!here> & @channel' } } });
		const body = alertFixture('alertmanager-firing');
		body.groupKey = '{}:{alertname="Escaping"}';
		body.commonAnnotations.summary = '<!channel> checkout down @here & <https://evil.example|click>';
		const res = await post(body, '?wait=true');
		expect(res.status).toBe(200);
		const [message] = await slack.waitFor(1);
		const text = (message.json as { text: string }).text;
		expect(text).toContain('&lt;!channel&gt; checkout down @\u200bhere &amp; &lt;https://evil.example|click&gt;');
		expect(text).toContain('ping &lt;!here&gt; &amp; @\u200bchannel');
		expect(text).not.toMatch(/<!|<https|(^|[^\u200b])@(here|channel)/);
	});

	it('URL tricks are refused by rule and the report still comes: the backslash URL, a redirect to an internal host, another port', async () => {
		sim.reset();
		internal.received.length = 0;
		const body = {
			incident_id: 'INC-URLS',
			logs_url: `http://127.0.0.1:${internal.port}\\@127.0.0.1:${logHost.port}/app.log`,
			metrics_url: `http://127.0.0.1:${logHost.port}/redirect`,
			commits_url: `http://127.0.0.1:${internal.port}/commits`,
		};
		const res = await post(body, '?wait=true');
		expect(res.status).toBe(200);
		const report = (await res.json()) as Record<string, any>;
		const rules = Object.fromEntries((report.refused_sources as Array<{ field: string; rule: string; reason: string }>).map((r) => [r.field, r.rule]));
		expect(rules).toEqual({ logs: 'port', metrics: 'port', recent_commits: 'port' });
		expect(JSON.stringify(report.refused_sources)).not.toMatch(/ECONNREFUSED|socket|connect/i);
		expect(internal.received).toHaveLength(0);
		expect(report.status).toBe('success');
	});

	it('a 200 MB log is cut at the size cap while it streams; the report still comes and n8n does not balloon', async () => {
		sim.reset();
		const pid = (n8n as unknown as { process: { pid: number } }).process.pid;
		const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
		const before = rss();
		let peak = before;
		const sampler = setInterval(() => (peak = Math.max(peak, rss())), 50);
		const res = await post({ incident_id: 'INC-BIG', logs_url: `http://127.0.0.1:${bigPort}/huge.log` }, '?wait=true');
		clearInterval(sampler);
		expect(res.status).toBe(200);
		const report = (await res.json()) as Record<string, any>;
		expect(report.refused_sources).toEqual([expect.objectContaining({ field: 'logs', rule: 'size' })]);
		console.log(`[figure] 200 MB fetch through the incident workflow: refused at the ${MAX_FETCH_MB} MB cap after ${(bigServed / 1024 / 1024).toFixed(1)} MB were sent; n8n RSS ${(before / 1048576).toFixed(0)} MB before, peak ${(peak / 1048576).toFixed(0)} MB`);
		expect(peak - before).toBeLessThan(150 * 1024 * 1024);
	});

	it('Postgres down: the caller still gets the report with delivery.stored false, Slack still gets it, and the execution fails', async () => {
		sim.reset();
		slack.reset();
		const res = await post(sampleIncident('INC-PGDOWN'), '?wait=true', TOKEN, 'incident-alert-pgdown');
		expect(res.status).toBe(200);
		const report = (await res.json()) as Record<string, any>;
		expect(report.delivery).toMatchObject({ stored: false, error: expect.any(String), slack: 'posted' });
		const [message] = await slack.waitFor(1);
		expect((message.json as { text: string }).text).toMatch(/INC-PGDOWN[\s\S]*could not be stored/);
		expect(await lastExecutionStatus('agentSwarmIncidentResponsepgdown')).toBe('error');
		expect((await db.query(`SELECT 1 FROM ${TABLE} WHERE incident_id = 'INC-PGDOWN'`)).rows).toHaveLength(0);
	});

	it('Redis (the incident state store) down: 503 with a clear reason before anything is accepted; no agent runs; the execution fails', async () => {
		sim.reset();
		const res = await post(sampleIncident('INC-REDISDOWN'), '', TOKEN, 'incident-alert-redisdown');
		expect(res.status).toBe(503);
		expect(await res.json()).toMatchObject({ status: 'unavailable', error: { message: expect.stringMatching(/state store .* could not be reached/) } });
		expect(modelCalls()).toBe(0);
		expect(await lastExecutionStatus('agentSwarmIncidentResponseredisdown')).toBe('error');
	});

	it('a hanging Claude API is bounded by the run deadline: the waiting caller is answered and no call outlives it', async () => {
		sim.reset();
		sim.script({ behaviour: { kind: 'hang' } });
		const started = Date.now();
		const res = await post(sampleIncident('INC-HANG'), '?wait=true', TOKEN, 'incident-alert-deadline');
		const wall = Date.now() - started;
		console.log(`[figure] hanging API: the ?wait=true caller was answered ${res.status} after ${wall} ms (run deadline ${DEADLINE_S} s; before: 120 s × 4 attempts)`);
		expect(wall).toBeLessThan((DEADLINE_S + 30) * 1000);
		expect(res.status).not.toBe(200);
		// Every call the run made was started before the deadline; none was retried past it.
		expect(sim.messageRequests().every((r) => r.startedAt - started < DEADLINE_S * 1000)).toBe(true);
		sim.reset();
	}, 120_000);

	it('PagerDuty signatures (X-PagerDuty-Signature, v1 HMAC-SHA256 of the raw body) are checked when verification is on: unsigned or wrong → 401, right → accepted', async () => {
		sim.reset();
		const raw = JSON.stringify(alertFixture('pagerduty-annotated'));
		const send = (signature?: string) =>
			fetch(`${n8n.url}/webhook/incident-alert-signed`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-incident-token': TOKEN, ...(signature ? { 'x-pagerduty-signature': signature } : {}) },
				body: raw,
			});
		const { createHmac } = await import('node:crypto');
		const sign = (secret: string) => `v1=${createHmac('sha256', secret).update(raw).digest('hex')}`;
		const unsigned = await send();
		expect(unsigned.status).toBe(401);
		expect(await unsigned.json()).toMatchObject({ status: 'rejected', error: { field: 'signature', message: expect.stringMatching(/missing/) } });
		expect((await send(sign('someone-else'))).status).toBe(401);
		const good = await send(`${sign('rotated-away')},${sign(PD_SECRET)}`);
		expect(good.status).toBe(200);
		expect(await good.json()).toMatchObject({ status: 'ignored', event: 'incident.annotated' });
		expect(modelCalls()).toBe(0);
	});

	it.skipIf(!PROMETHEUS)('live evidence: the metrics specialist reads the alert series\' baseline, peak and onset from a real Prometheus', async () => {
		sim.reset();
		// 20 s of normal first, then the error ratio goes up; the alert fires 3 s later.
		await new Promise((r) => setTimeout(r, Math.max(0, promStartedAt + 20_000 - Date.now()) + Math.random() * 1000));
		errorsAt = Date.now();
		await new Promise((r) => setTimeout(r, 8_000));
		const body = alertFixture('alertmanager-firing');
		body.groupKey = '{}:{alertname="LiveEvidence"}';
		body.alerts = [{ ...body.alerts[0], startsAt: new Date(errorsAt + 3000).toISOString(), generatorURL: `${prom!.url}/graph?g0.expr=${encodeURIComponent('checkout_error_ratio > 0.05')}&g0.tab=1` }];
		body.commonLabels.job = 'checkout-api';
		const res = await post(body, '?wait=true');
		expect(res.status).toBe(200);
		const metricsCall = sim.messageRequests().find((r) => JSON.stringify(r.system).includes('Metrics Analyst'))!;
		const prompt = JSON.stringify(metricsCall.messages);
		const onset = /alert expression: baseline 0\.002, peak 0\.3 at [^;]+; deviation began (\S+);/.exec(prompt.replace(/\\n/g, '\n'));
		expect(onset, prompt.slice(0, 2000)).not.toBeNull();
		const error = Date.parse(onset![1]) - errorsAt;
		console.log(`[figure] live evidence through the workflow: onset in the metrics specialist's prompt ${error} ms after the true change (scrape 1 s, step 0.1 s)`);
		expect(error).toBeGreaterThanOrEqual(-100);
		expect(error).toBeLessThanOrEqual(1100);
	}, 120_000);
});
