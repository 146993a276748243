/**
 * FOCUS aggregation at real size: 1,000,000 full-width rows of CSV (time and peak RSS) and
 * 10,000,000 rows streamed from a gzip file (memory stays flat), each beside DuckDB computing
 * the same totals per currency and charge category, with a check that both are identical.
 * Inputs come from the seeded generator and are cached between runs (not committed).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { writeFocusCsv } from './focus-generator.ts';

interface ChildResult {
	engine: string;
	ms: number;
	cpuMs: number;
	peakRssMb: number;
	rssSamplesMb: number[];
	rows: number;
	totals: Record<string, { rows: number; billed: string; effective: string }>;
}

export interface FocusBenchOptions {
	dir: string;
	rows: number;
	gzipRows: number;
	seed: number;
}

/** Distinct resources per provider in the generated exports (memory grows with these, not rows). */
const RESOURCES_PER_PROVIDER = 25_000;

async function input(options: FocusBenchOptions, rows: number, gzip: boolean): Promise<string> {
	mkdirSync(options.dir, { recursive: true });
	const path = join(options.dir, `focus-${rows}-seed${options.seed}-r${RESOURCES_PER_PROVIDER}.csv${gzip ? '.gz' : ''}`);
	if (!existsSync(path)) {
		const started = performance.now();
		console.log(`generating ${path} ...`);
		await writeFocusCsv(`${path}.partial`, { rows, seed: options.seed, gzip, resourcesPerProvider: RESOURCES_PER_PROVIDER, eurShare: 0.3 });
		execFileSync('mv', [`${path}.partial`, path]);
		console.log(`  done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
	}
	return path;
}

function run(file: string, engine: 'ours' | 'duckdb'): ChildResult {
	const out = execFileSync(process.execPath, ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', join(import.meta.dirname, 'focus-aggregate-child.ts'), file, engine], {
		encoding: 'utf8',
		maxBuffer: 64 * 1024 * 1024,
	});
	return JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
}

function compare(ours: ChildResult, duck: ChildResult): string {
	const keys = [...new Set([...Object.keys(ours.totals), ...Object.keys(duck.totals)])].sort();
	const diff = keys.filter((k) => JSON.stringify(ours.totals[k]) !== JSON.stringify(duck.totals[k]));
	if (diff.length === 0 && ours.rows === duck.rows) return `identical (${keys.length} currency x category totals, billed and effective, ${ours.rows} rows)`;
	return `DIFFERENT: ${diff.map((k) => `${k}: ours ${JSON.stringify(ours.totals[k])} duckdb ${JSON.stringify(duck.totals[k])}`).join('; ')}`;
}

/** Wall time, with CPU time beside it (on a shared machine the wall time depends on the neighbours too). */
const secs = (r: ChildResult) => `${(r.ms / 1000).toFixed(1)} s wall (${(r.cpuMs / 1000).toFixed(1)} s CPU)`;
const mb = (path: string) => (statSync(path).size / 1048576).toFixed(0);

export async function focusBenchmark(options: FocusBenchOptions): Promise<void> {
	const [load] = loadavg();
	console.log(`\n(d) FOCUS aggregation at real size, load average ${load.toFixed(1)} on ${availableParallelism()} cores when starting`);
	console.log(`   seeded generator, ${RESOURCES_PER_PROVIDER * 4} distinct resources, inputs cached in ${options.dir}`);
	const csv = await input(options, options.rows, false);
	const ours = run(csv, 'ours');
	const duck = run(csv, 'duckdb');
	console.log(`${options.rows} rows, ${mb(csv)} MB CSV:`);
	console.log(`  ours:   ${secs(ours)}, peak RSS ${ours.peakRssMb} MB   (target <= 20 s, <= 500 MB: ${ours.ms <= 20_000 && ours.peakRssMb <= 500 ? 'PASS' : 'FAIL'})`);
	console.log(`  duckdb: ${secs(duck)}, peak RSS ${duck.peakRssMb} MB   (same totals with DECIMAL(38,10) casts; time ratio ours/duckdb ${(ours.ms / duck.ms).toFixed(2)})`);
	console.log(`  totals: ${compare(ours, duck)}`);

	if (options.gzipRows <= 0) return;
	const gz = await input(options, options.gzipRows, true);
	const oursGz = run(gz, 'ours');
	const duckGz = run(gz, 'duckdb');
	const samples = oursGz.rssSamplesMb;
	console.log(`${options.gzipRows} rows streamed from ${mb(gz)} MB gzip CSV:`);
	console.log(
		`  ours:   ${secs(oursGz)}, peak RSS ${oursGz.peakRssMb} MB, RSS over the run ${Math.min(...samples)}-${Math.max(...samples)} MB ` +
			`(first/middle/last sample ${samples[0]}/${samples[Math.floor(samples.length / 2)]}/${samples[samples.length - 1]} MB)   (target <= 500 MB: ${oursGz.peakRssMb <= 500 ? 'PASS' : 'FAIL'})`,
	);
	console.log(`  duckdb: ${secs(duckGz)}, peak RSS ${duckGz.peakRssMb} MB   (time ratio ours/duckdb ${(oursGz.ms / duckGz.ms).toFixed(2)})`);
	console.log(`  totals: ${compare(oursGz, duckGz)}`);
}
