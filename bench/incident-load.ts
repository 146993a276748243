/**
 * 100 concurrent incidents against workflows/incident-response-swarm.json in a real n8n:
 * time to the 202 and time to the report (the Slack post) at p50/p95, and n8n's peak RSS.
 * Figures, not a pass/fail: the machine is shared. Run: npm run bench:incidents [-- --count 100]
 * [--workflow <file>] (another version of the workflow, e.g. the one before Alert Intake, to compare).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { N8nInstance, packPackage } from '../scripts/lib/n8n-instance.ts';
import { configure, readWorkflow } from '../scripts/lib/workflows.ts';
import { ClaudeSimulator } from '../simulator/server.ts';
import { sampleIncident } from '../test/helpers/incident.ts';
import { StandIn } from '../test/helpers/stand-in.ts';

const { values } = parseArgs({ options: { count: { type: 'string', default: '100' }, latency: { type: 'string', default: '300' }, workflow: { type: 'string' }, warmup: { type: 'string', default: '2' } } });
// A timeout or Ctrl-C still stops n8n (the harness kills its processes on exit).
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => process.exit(130));
const COUNT = Number(values.count);
const LATENCY = Number(values.latency);
const KEY = 'bench-key-not-secret';
const TABLE = `incident_reports_bench_${process.pid}`;
const TOKEN = 'bench-token';
/**
 * n8n's SQLite connection pool (DB_SQLITE_POOL_SIZE, default 3 in 2.40.7). n8n 2.x always opens
 * SQLite in WAL mode with this many read-only connections; every write still goes through one
 * write connection behind a mutex that gives up after 60 s ("Timeout waiting for lock
 * SqliteWriteConnectionMutex"), which no setting changes (@n8n/db getSqliteConnectionOptions,
 * @n8n/typeorm sqlite-pooled driver). A larger pool helps readers only; for load, PostgreSQL.
 */
const SQLITE_POOL_SIZE = process.env.DB_SQLITE_POOL_SIZE ?? '10';
const load = () => loadavg().map((x) => x.toFixed(1)).join(' / ');

const pct = (xs: number[], p: number) => {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

async function main(): Promise<void> {
	const sim = new ClaudeSimulator({ defaultLatencyMs: LATENCY, requiredApiKey: KEY });
	const slack = new StandIn();
	const n8n = new N8nInstance({ DB_SQLITE_POOL_SIZE: SQLITE_POOL_SIZE });
	const db = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
	try {
		const simUrl = await sim.start();
		const slackUrl = await slack.start();
		await db.connect();
		await db.query(`CREATE TABLE ${TABLE} (id BIGSERIAL PRIMARY KEY, incident_id TEXT NOT NULL, status TEXT NOT NULL, severity TEXT, report JSONB NOT NULL, cost_usd NUMERIC, created_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
		const base = values.workflow ? (JSON.parse(readFileSync(values.workflow, 'utf8')) as ReturnType<typeof readWorkflow>) : readWorkflow('incident-response-swarm.json');
		const wf = configure(base, {
			slackWebhookUrl: `${slackUrl}/services/T000/B000/XXX`,
			reportsTable: TABLE,
			dailyBudgetUsd: 100_000,
			alertAboveUsd: 100_000,
		});
		n8n.installPackage(packPackage());
		n8n.importCredentials([
			{ id: 'agentSwarmAnthropic', name: 'Agent Swarm Anthropic', type: 'agentSwarmAnthropicApi', data: { apiKey: KEY, baseUrl: simUrl } },
			{ id: 'incidentWebhookAuth', name: 'Incident Webhook Auth', type: 'httpHeaderAuth', data: { name: 'X-Incident-Token', value: TOKEN } },
			{ id: 'incidentReportsDb', name: 'Incident Reports DB', type: 'postgres', data: { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', password: '', ssl: 'disable' } },
		]);
		n8n.importWorkflows([wf]);
		await n8n.start();
		await n8n.waitForWebhook('incident-alert');
		// Warm-up: the first executions load the nodes and the task runner; not what is measured.
		for (let i = 0; i < Number(values.warmup); i++) {
			await fetch(`${n8n.url}/webhook/incident-alert?wait=true`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-incident-token': TOKEN }, body: JSON.stringify(sampleIncident(`INC-WARMUP-${i}`)) });
		}
		slack.received.length = 0;
		const pid = (n8n as unknown as { process: { pid: number } }).process.pid;
		const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
		const idleRss = rss();
		let peak = idleRss;
		const sampler = setInterval(() => (peak = Math.max(peak, rss())), 100);

		console.log(`${COUNT} incidents at once (${values.workflow ?? 'workflows/incident-response-swarm.json'}), ${LATENCY} ms per model call, n8n ${idleRss.toFixed(0)} MB RSS idle, DB_SQLITE_POOL_SIZE=${SQLITE_POOL_SIZE}; load average (1/5/15 min) ${load()}`);
		const started = Date.now();
		const accepted = await Promise.all(
			Array.from({ length: COUNT }, async (_, i) => {
				const body = sampleIncident(`INC-BENCH-${i + 1}`);
				const t0 = Date.now();
				const res = await fetch(`${n8n.url}/webhook/incident-alert`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-incident-token': TOKEN }, body: JSON.stringify(body), signal: AbortSignal.timeout(600_000) }).catch((error: Error) => error);
				if (res instanceof Error) return { status: 0, id: body.incident_id, t0, ms: Date.now() - t0 };
				await res.text();
				return { status: res.status, id: body.incident_id, t0, ms: Date.now() - t0 };
			}),
		);
		console.log(`all ${COUNT} answered after ${((Date.now() - started) / 1000).toFixed(1)} s`);
		const deadline = Date.now() + 10 * 60_000;
		while (slack.received.length < COUNT && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
		clearInterval(sampler);
		const reportMs = accepted.map((a) => {
			const post = slack.received.find((r) => r.body.includes(`*${a.id}*`));
			return post ? post.at - a.t0 : NaN;
		});
		const done = reportMs.filter(Number.isFinite);
		const statuses = accepted.reduce<Record<number, number>>((n, a) => ({ ...n, [a.status]: (n[a.status] ?? 0) + 1 }), {});
		console.log(`answers by status: ${JSON.stringify(statuses)}; reports: ${done.length}/${COUNT} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
		console.log(`time_to_202_ms p50=${pct(accepted.map((a) => a.ms), 50)} p95=${pct(accepted.map((a) => a.ms), 95)}`);
		console.log(`time_to_report_ms p50=${pct(done, 50)} p95=${pct(done, 95)}`);
		console.log(`n8n_peak_rss_mb=${peak.toFixed(0)} (idle ${idleRss.toFixed(0)}); load average (1/5/15 min) at the end ${load()}`);
		const failed = accepted.filter((a) => a.status !== 202);
		if (failed.length) {
			const errors = [...n8n.log.matchAll(/(?:error|Error)[^\n]{0,200}/g)].map((m) => m[0]);
			const counts = errors.reduce<Record<string, number>>((n, e) => ({ ...n, [e.slice(0, 120)]: (n[e.slice(0, 120)] ?? 0) + 1 }), {});
			console.log(`not accepted: ${failed.length}; n8n log errors (first 120 chars, counted): ${JSON.stringify(counts, null, 1).slice(0, 3000)}`);
		}
	} finally {
		await n8n.stop();
		await Promise.all([sim.stop(), slack.stop()]);
		await db.query(`DROP TABLE IF EXISTS ${TABLE}`).catch(() => undefined);
		await db.end().catch(() => undefined);
		n8n.remove();
	}
}

await main();
