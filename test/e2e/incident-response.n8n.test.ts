/**
 * workflows/incident-response-swarm.json and workflows/agent-metrics-endpoint.json in a real
 * n8n 2.40.7, driven over HTTP, with the Claude simulator, loopback stand-ins for Slack,
 * PagerDuty and a log host, and real PostgreSQL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, N8nInstance, packPackage, ROOT } from '../../scripts/lib/n8n-instance.ts';
import { configure, readWorkflow } from '../../scripts/lib/workflows.ts';
import { ClaudeSimulator } from '../../simulator/server.ts';
import { sampleIncident } from '../helpers/incident.ts';
import { parseExposition, total } from '../helpers/prometheus.ts';
import { TEST_KEY } from '../helpers/simulator.ts';
import { StandIn } from '../helpers/stand-in.ts';
import { systemTool } from '../helpers/system-tools.ts';

const PROMETHEUS = systemTool('prometheus', ['/usr/bin/prometheus']);

const TOKEN = 'incident-webhook-test-token';
const TABLE = `incident_reports_test_${process.pid}`;
const LATENCY = 500;

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

describe('real n8n: incident response swarm and metrics endpoint', () => {
	const sim = new ClaudeSimulator({ defaultLatencyMs: LATENCY, requiredApiKey: TEST_KEY });
	const slack = new StandIn();
	const pagerDuty = new StandIn(() => ({ status: 202, type: 'application/json', body: '{"status":"success"}' }));
	const logHost = new StandIn(() => ({ body: '2026-11-25T02:10:00Z ERROR [api] POST /checkout failed: connection pool exhausted\n'.repeat(30) }));
	const n8n = new N8nInstance();
	const db = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
	const post = (body: unknown, query = '', token = TOKEN) =>
		fetch(`${n8n.url}/webhook/incident-alert${query}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...(token ? { 'x-incident-token': token } : {}) },
			body: JSON.stringify(body),
		});

	beforeAll(async () => {
		const simUrl = await sim.start();
		const slackUrl = await slack.start();
		const pdUrl = await pagerDuty.start();
		await logHost.start();
		await db.connect();
		await db.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (id BIGSERIAL PRIMARY KEY, incident_id TEXT NOT NULL, status TEXT NOT NULL, severity TEXT, report JSONB NOT NULL, cost_usd NUMERIC, created_at TIMESTAMPTZ NOT NULL DEFAULT now())`);

		const incident = readWorkflow('incident-response-swarm.json');
		// What an operator does: fill in the Configuration node.
		configure(incident, {
			slackWebhookUrl: `${slackUrl}/services/T000/B000/XXX`,
			pagerDutyEventsUrl: `${pdUrl}/v2/enqueue`,
			pagerDutyRoutingKey: 'test-routing-key',
			allowedHosts: 'localhost',
			reportsTable: TABLE,
		});
		n8n.installPackage(packPackage());
		n8n.importCredentials([
			{ id: 'agentSwarmAnthropic', name: 'Agent Swarm Anthropic', type: 'agentSwarmAnthropicApi', data: { apiKey: TEST_KEY, baseUrl: simUrl } },
			{ id: 'incidentWebhookAuth', name: 'Incident Webhook Auth', type: 'httpHeaderAuth', data: { name: 'X-Incident-Token', value: TOKEN } },
			{ id: 'incidentReportsDb', name: 'Incident Reports DB', type: 'postgres', data: { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', password: '', ssl: 'disable' } },
		]);
		n8n.importWorkflows([incident, readWorkflow('agent-metrics-endpoint.json')]);
		await n8n.start();
		await n8n.waitForWebhook('incident-alert');
	});

	afterAll(async () => {
		await n8n.stop();
		await Promise.all([sim.stop(), slack.stop(), pagerDuty.stop(), logHost.stop()]);
		await db.query(`DROP TABLE IF EXISTS ${TABLE}`);
		await db.end();
		n8n.remove();
	});

	it('refuses a request without the webhook header', async () => {
		expect((await post(sampleIncident('INC-NOAUTH'), '?wait=true', '')).status).toBe(403);
		expect(sim.messageRequests()).toHaveLength(0);
	});

	it('?wait=true answers with the full report; Slack, PagerDuty (critical) and Postgres get it', async () => {
		sim.script({ match: { contains: 'incident commander' }, times: 1, behaviour: { content: decision('critical') } });
		const body = { ...sampleIncident('INC-CRIT'), logs: undefined, logs_url: `http://localhost:${logHost.port}/app.log`, metrics: undefined, metrics_url: 'http://evil.example.net/metrics' };
		const started = Date.now();
		const res = await post(body, '?wait=true');
		const wall = Date.now() - started;
		console.log(`[figure] incident response (?wait=true, 5 specialists + commander, ${LATENCY} ms per model call): ${wall} ms from request to full report`);
		expect(res.status).toBe(200);
		const report = (await res.json()) as Record<string, any>;
		expect(report).toMatchObject({ incident_id: 'INC-CRIT', status: 'success', severity: 'critical', mttr_minutes: 20 });
		expect(report.fetched_sources).toEqual(['logs']);
		expect(report.refused_sources).toEqual([expect.objectContaining({ field: 'metrics', reason: 'host evil.example.net is not on the allow-list' })]);
		expect(logHost.received).toHaveLength(1);
		// Five specialists overlapped, then the coordinator: about two latencies, not six.
		const specialists = sim.messageRequests().filter((r) => !JSON.stringify(r.system).includes('incident commander'));
		expect(specialists).toHaveLength(5);
		const firstEnd = Math.min(...specialists.map((c) => c.endedAt!));
		expect(specialists.every((c) => c.startedAt < firstEnd)).toBe(true);
		expect(JSON.stringify(specialists.find((r) => JSON.stringify(r.system).includes('Logs Analyst'))!.messages)).toContain('Log digest: 30 lines');

		const [slackPost] = await slack.waitFor(1);
		expect(slackPost.path).toBe('/services/T000/B000/XXX');
		expect((slackPost.json as { text: string }).text).toMatch(/INC-CRIT.*CRITICAL[\s\S]*Roll back a1b2c3d[\s\S]*based on 5 of 5 specialists[\s\S]*Refused sources: metrics/);
		const [page] = await pagerDuty.waitFor(1);
		expect(page.json).toMatchObject({ routing_key: 'test-routing-key', event_action: 'trigger', dedup_key: 'incident-INC-CRIT', payload: { severity: 'critical', source: 'checkout' } });
		const rows = await db.query(`SELECT incident_id, status, severity, report FROM ${TABLE} WHERE incident_id = 'INC-CRIT'`);
		expect(rows.rows).toHaveLength(1);
		expect(rows.rows[0]).toMatchObject({ status: 'success', severity: 'critical', report: { root_cause: { summary: expect.stringContaining('DB pool') } } });
	});

	it('answers 202 at once by default; a failed specialist leaves a report based on 4 of 5 and no page when not critical', async () => {
		sim.reset();
		slack.received.length = 0;
		pagerDuty.received.length = 0;
		sim.script({ match: { contains: 'Metrics Analyst' }, behaviour: { kind: 'error', status: 400, message: 'bad' } });
		sim.script({ match: { contains: 'incident commander' }, times: 1, behaviour: { content: decision('high') } });
		const res = await post(sampleIncident('INC-HIGH'));
		const answeredAt = Date.now();
		expect(res.status).toBe(202);
		expect(await res.json()).toMatchObject({ incident_id: 'INC-HIGH', status: 'accepted' });
		const [slackPost] = await slack.waitFor(1);
		// "At once": the answer came before any model call had finished (order, not a time limit).
		expect(answeredAt).toBeLessThan(Math.min(...sim.messageRequests().map((r) => r.endedAt!)));
		expect((slackPost.json as { text: string }).text).toMatch(/INC-HIGH.*HIGH[\s\S]*based on 4 of 5 specialists; metrics unavailable: bad_request/);
		await new Promise((r) => setTimeout(r, 1000));
		expect(pagerDuty.received).toHaveLength(0);
		const rows = await db.query(`SELECT severity, report FROM ${TABLE} WHERE incident_id = 'INC-HIGH'`);
		expect(rows.rows[0]).toMatchObject({ severity: 'high', report: { based_on: 'based on 4 of 5 specialists; metrics unavailable: bad_request' } });
	});

	it('GET /webhook/agent-metrics answers the Prometheus exposition of the runs', async () => {
		const res = await fetch(`${n8n.url}/webhook/agent-metrics`);
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
		const f = parseExposition(await res.text());
		// Two incidents: 10 specialist tasks and 2 coordinator tasks; one specialist failed.
		expect(total(f, 'agent_tasks_total')).toBe(12);
		expect(total(f, 'agent_tasks_total', { agent_id: 'coordinator' })).toBe(2);
		expect(total(f, 'agent_failures_total', { agent_id: 'metrics', error_type: 'bad_request' })).toBe(1);
		expect(total(f, 'active_agents')).toBe(0);
	});

	describe.skipIf(!PROMETHEUS)('scraped by a real Prometheus (Debian package)', () => {
		let prometheus: ChildProcess | undefined;
		let promUrl = '';
		let promLog = '';
		const dir = mkdtempSync(join(tmpdir(), 'agent-swarm-prometheus-'));
		const query = async (expr: string) => {
			const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
			const body = (await res.json()) as { status: string; error?: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
			if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
			return body.data.result;
		};
		/** Scrapes of the endpoint so far (samples of `up`). */
		const scrapes = async () => Number((await query('count_over_time(up{job="n8n-agent-swarm"}[10m])'))[0]?.value[1] ?? 0);

		beforeAll(async () => {
			const port = await freePort();
			promUrl = `http://127.0.0.1:${port}`;
			writeFileSync(
				join(dir, 'prometheus.yml'),
				[
					'global:',
					'  scrape_interval: 1s',
					'  evaluation_interval: 1s',
					'scrape_configs:',
					'  - job_name: n8n-agent-swarm',
					'    metrics_path: /webhook/agent-metrics',
					'    static_configs:',
					`      - targets: ['127.0.0.1:${n8n.port}']`,
				].join('\n'),
			);
			prometheus = spawn(PROMETHEUS!, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
			prometheus.stderr!.on('data', (c: Buffer) => (promLog += c.toString()));
			const deadline = Date.now() + 60_000;
			while (Date.now() < deadline) {
				try {
					if ((await query('up{job="n8n-agent-swarm"} == 1')).length === 1 && (await scrapes()) >= 3) return;
				} catch {
					// not up yet
				}
				await new Promise((r) => setTimeout(r, 250));
			}
			throw new Error(`Prometheus never scraped the metrics endpoint:\n${promLog.slice(-2000)}`);
		}, 90_000);

		afterAll(async () => {
			if (prometheus && prometheus.exitCode === null) {
				const exited = new Promise((r) => prometheus!.once('exit', r));
				prometheus.kill('SIGTERM');
				await exited;
			}
			rmSync(dir, { recursive: true, force: true });
		});

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
			for (const { title, expr } of exprs) {
				const result = await query(expr);
				expect(result.length, `${title}: ${expr}`).toBeGreaterThan(0);
			}
			const value = async (expr: string) => Number((await query(expr))[0].value[1]);
			expect(await value('sum(increase(agent_tokens_used_total[1m]))')).toBeGreaterThan(0);
			expect(await value('sum(increase(agent_cost_dollars_total[1m]))')).toBeGreaterThan(0);
			expect(await value('sum(agent_retries_total)')).toBe(1);
			expect(await value('sum(agent_repairs_total)')).toBe(1);
			expect(await value('sum(agent_failures_total{error_type="bad_request"})')).toBe(2);
			const success = await value(exprs[0].expr);
			expect(success).toBeGreaterThan(0);
			expect(success).toBeLessThan(1);
		}, 120_000);
	});
});
