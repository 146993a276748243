/**
 * One FOCUS aggregation in a fresh process, so its time and peak RSS are its own:
 *   node bench/focus-aggregate-child.ts <file> [ours|duckdb]
 * Prints one JSON line: milliseconds, peak RSS, RSS samples while running, and the totals per
 * (currency, charge category) as exact decimal text for the comparison.
 */
import { aggregateFocusFile } from '../nodes/shared/finops/focus.ts';

const [file, engine = 'ours'] = process.argv.slice(2);
const samples: number[] = [];
const timer = setInterval(() => samples.push(Math.round(process.memoryUsage().rss / 1048576)), 1000);
const started = performance.now();
const cpuStart = process.cpuUsage();

type Totals = Record<string, { rows: number; billed: string; effective: string }>;
const normalise = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s).replace(/^-0$/, '0');

async function ours(): Promise<{ rows: number; totals: Totals; resources?: number }> {
	const a = await aggregateFocusFile(file);
	const totals: Totals = {};
	for (const t of a.totals) for (const c of t.byCategory) totals[`${t.currency} ${c.category}`] = { rows: c.rows, billed: c.billed, effective: c.effective ?? '' };
	return { rows: a.rows.accepted, totals };
}

async function duckdb(): Promise<{ rows: number; totals: Totals }> {
	const { DuckDBInstance } = await import('@duckdb/node-api');
	const db = await DuckDBInstance.create(':memory:');
	const conn = await db.connect();
	// Every column as text, then an exact DECIMAL cast: no float inference, no float sums.
	const reader = `read_csv('${file.replace(/'/g, "''")}', header = true, all_varchar = true)`;
	const result = await conn.runAndReadAll(
		`SELECT BillingCurrency AS currency, ChargeCategory AS category, count(*) AS n,
		        sum(CAST(BilledCost AS DECIMAL(38, 10)))::VARCHAR AS billed,
		        sum(CAST(EffectiveCost AS DECIMAL(38, 10)))::VARCHAR AS effective
		 FROM ${reader} GROUP BY ALL`,
	);
	const totals: Totals = {};
	let rows = 0;
	for (const r of result.getRowObjects()) {
		rows += Number(r.n);
		totals[`${r.currency} ${r.category}`] = { rows: Number(r.n), billed: normalise(String(r.billed)), effective: normalise(String(r.effective)) };
	}
	conn.closeSync();
	return { rows, totals };
}

const out = engine === 'duckdb' ? await duckdb() : await ours();
clearInterval(timer);
const ms = Math.round(performance.now() - started);
const cpu = process.cpuUsage(cpuStart);
// CPU time too: on a shared machine wall time says as much about the neighbours as about the code.
const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(JSON.stringify({ engine, ms, cpuMs, peakRssMb, rssSamplesMb: samples, ...out }));
