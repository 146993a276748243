/** Reads LogHub-format datasets: a folder with <Name>_2k.log and <Name>_2k.log_structured.csv. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'csv-parse/sync';

export interface Dataset {
	name: string;
	lines: string[];
	truth: string[];
}

function findFile(dir: string, suffix: string): string | undefined {
	const name = readdirSync(dir).find((f) => f.endsWith(suffix));
	return name ? join(dir, name) : undefined;
}

export function readDataset(dir: string): Dataset | undefined {
	const structured = findFile(dir, '.log_structured.csv');
	const log = structured?.replace(/_structured\.csv$/, '');
	if (!structured || !log || !existsSync(log)) return undefined;
	const rows = parse(readFileSync(structured), { columns: true }) as Array<Record<string, string>>;
	const lines = readFileSync(log, 'utf8').split('\n').filter((l) => l.length > 0);
	if (lines.length !== rows.length) throw new Error(`${dir}: ${lines.length} log lines but ${rows.length} ground-truth rows`);
	return { name: basename(dir), lines, truth: rows.map((r) => r.EventId) };
}

/** A dataset folder, or a folder of dataset folders. */
export function readDatasets(path: string): Dataset[] {
	const own = readDataset(path);
	if (own) return [own];
	return readdirSync(path)
		.map((entry) => join(path, entry))
		.filter((p) => statSync(p).isDirectory())
		.sort()
		.map(readDataset)
		.filter((d): d is Dataset => Boolean(d));
}
