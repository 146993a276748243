/**
 * Queue mode: a real n8n 2.40.7 main process and two workers sharing Redis (Bull queue) and
 * PostgreSQL (n8n's database), running workflows/incident-response-swarm.json with every budget
 * and metric in Redis. 20 deliveries of one firing alert group at once (exactly one analysis),
 * then 50 incidents fired at once with 20% of Claude requests failing.
 */
import Redis from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketFor, fromMicroUsd } from '../../nodes/shared/budget/budget.ts';
import { RedisLedger } from '../../nodes/shared/budget/redis-ledger.ts';
import { costOf, priceTable } from '../../nodes/shared/models/prices.ts';
import { N8nInstance, packPackage } from '../../scripts/lib/n8n-instance.ts';
import { configure, nodeNamed, readWorkflow } from '../../scripts/lib/workflows.ts';
import { ClaudeSimulator } from '../../simulator/server.ts';
import { alertFixture } from '../helpers/alert-fixtures.ts';
import { sampleIncident } from '../helpers/incident.ts';
import { billedUsage } from '../helpers/simulator.ts';
import { parseExposition, total } from '../helpers/prometheus.ts';
import { TEST_KEY } from '../helpers/simulator.ts';
import { StandIn } from '../helpers/stand-in.ts';

const RUN = `${process.pid}_${Date.now() % 100000}`;
const DATABASE = `agent_swarm_queue_${RUN}`;
const PREFIX = `agent-swarm-queue-${RUN}`;
const TABLE = 'incident_reports';
const TOKEN = 'queue-webhook-test-token';
const INCIDENTS = 50;
/** The shared daily budget: about half of what 50 incidents would spend. */
const BUDGET_USD = 0.2;
const LATENCY_MS = 300;

const REDIS_CREDENTIAL = { agentSwarmRedisApi: { id: 'agentSwarmRedis', name: 'Agent Swarm Redis' } };

describe('real n8n in queue mode: main + 2 workers, Redis, Postgres', () => {
	const sim = new ClaudeSimulator({ requiredApiKey: TEST_KEY, defaultLatencyMs: LATENCY_MS });
	const slack = new StandIn();
	const pagerDuty = new StandIn(() => ({ status: 202, type: 'application/json', body: '{"status":"success"}' }));
	const admin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
	const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
	const n8n = new N8nInstance({
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: '6379',
		QUEUE_BULL_PREFIX: PREFIX,
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: '5432',
		DB_POSTGRESDB_DATABASE: DATABASE,
		DB_POSTGRESDB_USER: 'postgres',
		DB_POSTGRESDB_PASSWORD: '',
		N8N_LOG_LEVEL: 'info',
	});
	const results: Array<{ status: number; body: Record<string, unknown> }> = [];
	let wallMs = 0;
	/** The 20 deliveries of one alert group, and the model calls made before the 50 incidents. */
	const group: Array<{ status: number; body: Record<string, unknown> }> = [];
	let groupCalls = 0;
	let callsBefore50 = 0;

	beforeAll(async () => {
		const simUrl = await sim.start();
		const slackUrl = await slack.start();
		const pdUrl = await pagerDuty.start();
		await admin.connect();
		await admin.query(`CREATE DATABASE ${DATABASE}`);
		const db = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: DATABASE });
		await db.connect();
		await db.query(`CREATE TABLE ${TABLE} (id BIGSERIAL PRIMARY KEY, incident_id TEXT NOT NULL, status TEXT NOT NULL, severity TEXT, report JSONB NOT NULL, cost_usd NUMERIC, created_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
		await db.end();
		await redis.connect();

		// What an operator does for queue mode: every budget and metric store on Redis.
		const incident = configure(readWorkflow('incident-response-swarm.json'), {
			slackWebhookUrl: `${slackUrl}/services/T000/B000/XXX`,
			pagerDutyEventsUrl: `${pdUrl}/v2/enqueue`,
			pagerDutyRoutingKey: 'test-routing-key',
			reportsTable: TABLE,
			dailyBudgetUsd: BUDGET_USD,
			alertAboveUsd: BUDGET_USD / 2,
			service: `queue-${RUN}`,
		});
		const node = (name: string) => nodeNamed(incident, name);
		for (const name of ['Check Daily Budget', 'Incident Specialists', 'Incident Commander']) {
			node(name).parameters.budgetStore = 'redis';
			node(name).credentials = { ...node(name).credentials, ...REDIS_CREDENTIAL };
		}
		// A reservation is the worst case: the prompt plus Max Tokens of output. The default Max
		// Tokens leave room for thinking (16,000 at medium effort: $0.32 for one Opus call), more
		// than this small test budget; 4,000 still leaves the simulated thinking room.
		for (const name of ['Incident Specialists', 'Incident Commander']) node(name).parameters.options = { ...node(name).parameters.options, maxTokens: 4000 };
		// One incident's worth, so the gate lets runs through while about one more fits.
		node('Check Daily Budget').parameters.estimateUsd = 0.02;
		// Once per incident across workers: the intake's state in Redis too.
		for (const name of ['Alert Intake', 'Record Outcome']) {
			node(name).parameters.store = 'redis';
			node(name).credentials = REDIS_CREDENTIAL;
		}
		node('Record Metrics').parameters.store = 'redis';
		node('Record Metrics').credentials = REDIS_CREDENTIAL;
		const endpoint = readWorkflow('agent-metrics-endpoint.json');
		const exporter = nodeNamed(endpoint, 'Export Metrics');
		exporter.parameters.store = 'redis';
		exporter.credentials = REDIS_CREDENTIAL;

		n8n.installPackage(packPackage());
		n8n.importCredentials([
			{ id: 'agentSwarmAnthropic', name: 'Agent Swarm Anthropic', type: 'agentSwarmAnthropicApi', data: { apiKey: TEST_KEY, baseUrl: simUrl } },
			{ id: 'agentSwarmRedis', name: 'Agent Swarm Redis', type: 'agentSwarmRedisApi', data: { host: '127.0.0.1', port: 6379, database: 0, keyPrefix: `${PREFIX}:` } },
			{ id: 'incidentWebhookAuth', name: 'Incident Webhook Auth', type: 'httpHeaderAuth', data: { name: 'X-Incident-Token', value: TOKEN } },
			{ id: 'incidentReportsDb', name: 'Incident Reports DB', type: 'postgres', data: { host: '127.0.0.1', port: 5432, database: DATABASE, user: 'postgres', password: '', ssl: 'disable' } },
			{ id: 'pagerDutyApiToken', name: 'PagerDuty API Token', type: 'httpHeaderAuth', data: { name: 'Authorization', value: 'Token token=unused' } },
			{ id: 'agentSwarmGitHub', name: 'GitHub Token', type: 'agentSwarmGitHubApi', data: { token: 'unused', apiUrl: 'https://api.github.com' } },
		]);
		n8n.importWorkflows([incident, endpoint]);
		await n8n.start(240_000);
		await Promise.all([n8n.startWorker(10), n8n.startWorker(10)]);
		await n8n.waitForWebhook('incident-alert');

		// One alert group delivered 20 times at once (Alertmanager retrying, several replicas).
		const alert = alertFixture('alertmanager-firing');
		alert.groupKey = `{}:{alertname="QueueGroup${RUN}"}`;
		const deliveries = await Promise.all(
			Array.from({ length: 20 }, () =>
				fetch(`${n8n.url}/webhook/incident-alert`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-incident-token': TOKEN }, body: JSON.stringify(alert) }),
			),
		);
		for (const res of deliveries) group.push({ status: res.status, body: (await res.json()) as Record<string, unknown> });
		const groupId = String(group.find((g) => g.status === 202)?.body.incident_id ?? '');
		const deadline = Date.now() + 120_000;
		while (!slack.received.some((r) => r.body.includes(groupId)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
		groupCalls = sim.messageRequests().filter((r) => JSON.stringify(r.messages).includes(groupId) || JSON.stringify(r.system).includes(groupId)).length;
		callsBefore50 = sim.messageRequests().length;
		slack.received.length = 0;

		// 20% of all Claude requests fail with 529 overloaded (every 5th, deterministic).
		sim.script({ every: 5, behaviour: { kind: 'error', status: 529, errorType: 'overloaded_error' } });
		const began = Date.now();
		const responses = await Promise.all(
			Array.from({ length: INCIDENTS }, (_, i) =>
				fetch(`${n8n.url}/webhook/incident-alert?wait=true`, {
					method: 'POST',
					headers: { 'content-type': 'application/json', 'x-incident-token': TOKEN },
					body: JSON.stringify(sampleIncident(`INC-Q-${i + 1}`)),
					signal: AbortSignal.timeout(600_000),
				}),
			),
		);
		for (const res of responses) results.push({ status: res.status, body: (await res.json()) as Record<string, unknown> });
		wallMs = Date.now() - began;
	}, 900_000);

	afterAll(async () => {
		await n8n.stop();
		await Promise.all([sim.stop(), slack.stop(), pagerDuty.stop()]);
		const keys = await redis.keys(`${PREFIX}*`);
		if (keys.length) await redis.del(...keys);
		redis.disconnect();
		await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
		await admin.end();
		n8n.remove();
	});

	it('20 deliveries of the same firing alert group at once on two workers: one 202, 19 answered with its report id, exactly one analysis', async () => {
		const accepted = group.filter((g) => g.status === 202);
		expect(accepted).toHaveLength(1);
		const reportId = accepted[0].body.report_id;
		const repeats = group.filter((g) => g.status === 200);
		expect(repeats).toHaveLength(19);
		for (const r of repeats) expect(r.body).toMatchObject({ status: 'duplicate', report_id: reportId, incident_id: accepted[0].body.incident_id });
		console.log(`[figure] queue mode: 20 deliveries of one alert group at once → ${accepted.length} analysis, ${groupCalls} model calls`);
		// Five specialists and the commander, once.
		expect(groupCalls).toBe(6);
		expect(await redis.exists(`${PREFIX}:once:incident:${accepted[0].body.incident_id}`)).toBe(1);
		const db = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: DATABASE });
		await db.connect();
		const rows = await db.query(`SELECT count(*)::int AS n FROM ${TABLE} WHERE incident_id = $1`, [accepted[0].body.incident_id]);
		await db.end();
		expect(rows.rows[0].n).toBe(1);
	});

	it('answers all 50 incidents with a report; none lost, each stored once in Postgres', async () => {
		const byStatus = results.reduce<Record<string, number>>((n, r) => ({ ...n, [String(r.body.status)]: (n[String(r.body.status)] ?? 0) + 1 }), {});
		const requests = sim.messageRequests().slice(callsBefore50);
		const faults = requests.filter((r) => r.status === 529).length;
		console.log(
			`[figure] queue mode: ${INCIDENTS} incidents at once, main + 2 workers (concurrency 10), ${LATENCY_MS} ms per model call, every 5th request 529: ` +
				`${wallMs} ms wall; reports by status ${JSON.stringify(byStatus)}; ${requests.length} Claude requests, ${faults} faults injected`,
		);
		expect(results.map((r) => r.status)).toEqual(Array(INCIDENTS).fill(200));
		const ids = results.map((r) => r.body.incident_id).sort();
		expect(new Set(ids).size).toBe(INCIDENTS);
		expect(ids).toEqual(Array.from({ length: INCIDENTS }, (_, i) => `INC-Q-${i + 1}`).sort());
		const db = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: DATABASE });
		await db.connect();
		const rows = await db.query(`SELECT incident_id, count(*)::int AS n FROM ${TABLE} WHERE incident_id LIKE 'INC-Q-%' GROUP BY incident_id`);
		await db.end();
		expect(rows.rows).toHaveLength(INCIDENTS);
		expect(rows.rows.every((r: { n: number }) => r.n === 1)).toBe(true);
		expect(slack.received).toHaveLength(INCIDENTS);
		// Faults were injected and absorbed by retries: most analysed runs are complete.
		expect(faults).toBe(Math.floor(requests.length / 5));
		expect(byStatus.success ?? 0).toBeGreaterThan(0);
	});

	it('holds the shared daily budget across both workers', async () => {
		const prices = priceTable();
		const spent = sim.messageRequests().reduce((n, r) => n + (r.usage && r.model ? (costOf(billedUsage(r), r.model, prices) ?? 0) : 0), 0);
		const ledger = new RedisLedger(redis, `${PREFIX}:`);
		const bucket = bucketFor({ scope: `service:queue-${RUN}`, window: 'day', maxUsd: BUDGET_USD }, new Date(), 'x');
		const usage = (await ledger.usage([bucket.id]))[bucket.id];
		console.log(`[figure] queue mode budget: limit $${BUDGET_USD}, settled $${fromMicroUsd(usage.usedMicroUsd).toFixed(6)}, billed by the server $${spent.toFixed(6)}, still reserved $${fromMicroUsd(usage.reservedMicroUsd)}`);
		// Every call was charged to the one shared ledger, and the total stayed within the limit.
		expect(fromMicroUsd(usage.usedMicroUsd)).toBeCloseTo(spent, 4);
		expect(spent).toBeLessThanOrEqual(BUDGET_USD);
		expect(usage.reservedMicroUsd).toBe(0);
		// The budget was binding: at the cost of a complete run, 50 incidents would have spent more.
		const complete = results.filter((r) => r.body.status === 'success' && String(r.body.based_on).startsWith('based on 5 of 5'));
		const perRun = complete.reduce((n, r) => n + Number(r.body.cost_usd), 0) / complete.length;
		const errors = results.flatMap((r) => [r.body.status === 'success' ? '' : `${r.body.status}:${(r.body.error as { type?: string } | null)?.type ?? ''}`, ...String(r.body.based_on ?? '').split('; ').slice(1)]).filter(Boolean);
		console.log(`[figure] queue mode budget: a complete run costs $${perRun.toFixed(6)}, so ${INCIDENTS} would cost $${(perRun * INCIDENTS).toFixed(4)}; not complete: ${JSON.stringify(errors.reduce<Record<string, number>>((n, e) => ({ ...n, [e]: (n[e] ?? 0) + 1 }), {}))}`);
		expect(perRun * INCIDENTS).toBeGreaterThan(BUDGET_USD);
		expect(errors.some((e) => /budget/.test(e))).toBe(true);
	});

	it('metrics from both workers, summed in Redis, equal the calls the server saw', async () => {
		const res = await fetch(`${n8n.url}/webhook/agent-metrics`);
		expect(res.status).toBe(200);
		const text = await res.text();
		const f = parseExposition(text);
		const requests = sim.messageRequests();
		expect(total(f, 'agent_api_requests_total')).toBe(requests.length);
		const tokens = requests.reduce((n, r) => n + (r.usage?.input_tokens ?? 0), 0);
		expect(total(f, 'agent_tokens_used_total', { type: 'input' })).toBe(tokens);
		expect(total(f, 'agent_tokens_used_total', { type: 'output' })).toBe(requests.reduce((n, r) => n + (r.usage?.output_tokens ?? 0), 0));
		expect(total(f, 'active_agents')).toBe(0);
		// Both workers ran agents: each published its own snapshot.
		expect(await redis.hlen(`${PREFIX}:metrics`)).toBeGreaterThanOrEqual(2);
	});
});
