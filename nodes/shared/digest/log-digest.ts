/**
 * The log digest: every line of a log, represented within a bounded prompt. Lines are grouped
 * into templates; each template keeps its count, first/last seen, peak rate per minute and a
 * few sample lines. Deterministic and model-free, so the same log always gives the same digest.
 */
import { TemplateMiner, type Cluster, type MinerOptions } from './template-miner.ts';
import { parseTimestampPrefix } from './timestamps.ts';

export interface TemplateStats {
	template: string;
	count: number;
	level?: string;
	firstSeen?: string;
	lastSeen?: string;
	/** Highest number of lines in one minute, and that minute. */
	peakPerMinute?: number;
	peakMinute?: string;
	samples: string[];
}

export interface LogDigest {
	lines: number;
	bytes: number;
	templates: TemplateStats[];
	start?: string;
	end?: string;
}

export interface DigestOptions {
	samplesPerTemplate: number;
	miner?: Partial<MinerOptions>;
	/** Year assumed for timestamps that carry none (syslog). */
	year?: number;
}

interface Accumulator {
	cluster: Cluster;
	level?: string;
	first?: number;
	last?: number;
	perMinute: Map<number, number>;
	samples: string[];
}

const SEVERE = /^(?:error|err|crit|critical|alert|emerg|fatal|severe|warn|warning)$/i;

export function buildDigest(text: string, options: Partial<DigestOptions> = {}): LogDigest {
	const samplesPerTemplate = options.samplesPerTemplate ?? 3;
	const all = text.split('\n');
	const lines = all.some(isBlank) ? all.filter((line) => !isBlank(line)) : all;
	const miner = new TemplateMiner(options.miner).learn(lines);
	const stats = new Map<Cluster, Accumulator>();
	let start: number | undefined;
	let end: number | undefined;
	let second = { prefix: '\u0000', time: undefined as number | undefined };

	for (const raw of lines) {
		const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
		// Consecutive lines usually share their second: parse the timestamp once per second.
		if (!line.startsWith(second.prefix)) {
			const parsed = parseTimestampPrefix(line, options.year);
			second = { prefix: parsed?.secondPrefix || '\u0000', time: parsed?.ms };
		}
		const time = second.time;
		if (time !== undefined) {
			if (start === undefined || time < start) start = time;
			if (end === undefined || time > end) end = time;
		}
		const { cluster, level } = miner.add(line);
		let acc = stats.get(cluster);
		if (!acc) stats.set(cluster, (acc = { cluster, perMinute: new Map(), samples: [] }));
		if (level && (!acc.level || SEVERE.test(level))) acc.level = level;
		if (acc.samples.length < samplesPerTemplate) acc.samples.push(line.length > 500 ? `${line.slice(0, 500)}…` : line);
		if (time !== undefined) {
			if (acc.first === undefined || time < acc.first) acc.first = time;
			if (acc.last === undefined || time > acc.last) acc.last = time;
			const minute = Math.floor(time / 60_000);
			acc.perMinute.set(minute, (acc.perMinute.get(minute) ?? 0) + 1);
		}
	}

	const templates = [...stats.values()]
		.map((acc) => toStats(acc, miner))
		.sort((a, b) => b.count - a.count || a.template.localeCompare(b.template));
	return { lines: lines.length, bytes: Buffer.byteLength(text), templates, start: iso(start), end: iso(end) };
}

function isBlank(line: string): boolean {
	return line.length === 0 || line.trim().length === 0;
}

function toStats(acc: Accumulator, miner: TemplateMiner): TemplateStats {
	let peak = 0;
	let peakMinute: number | undefined;
	for (const [minute, n] of acc.perMinute) {
		if (n > peak) {
			peak = n;
			peakMinute = minute;
		}
	}
	return {
		template: miner.template(acc.cluster),
		count: acc.cluster.count,
		level: acc.level,
		firstSeen: iso(acc.first),
		lastSeen: iso(acc.last),
		peakPerMinute: peakMinute === undefined ? undefined : peak,
		peakMinute: peakMinute === undefined ? undefined : iso(peakMinute * 60_000),
		samples: acc.samples,
	};
}

function iso(ms: number | undefined): string | undefined {
	return ms === undefined ? undefined : new Date(ms).toISOString().replace('.000Z', 'Z');
}

/**
 * Renders the digest for a prompt within `maxChars`. Severe templates come first, then by
 * count; templates that do not fit are still counted in a closing line, so no line is unseen.
 */
export function renderDigest(digest: LogDigest, maxChars = 60_000): string {
	const header =
		`Log digest: ${digest.lines} lines, ${digest.templates.length} templates` +
		(digest.start ? `, ${digest.start} to ${digest.end}` : '') +
		'. Each template: count, level, first/last seen, peak lines per minute, samples. <*> marks a variable part.\n';
	const ordered = [...digest.templates].sort(
		(a, b) => Number(SEVERE.test(b.level ?? '')) - Number(SEVERE.test(a.level ?? '')) || b.count - a.count,
	);
	const parts = [header];
	let used = header.length;
	let shown = 0;
	let shownLines = 0;
	for (const t of ordered) {
		const block = renderTemplate(t, shown + 1);
		if (used + block.length > maxChars - 200) break;
		parts.push(block);
		used += block.length;
		shown++;
		shownLines += t.count;
	}
	if (shown < ordered.length) {
		parts.push(
			`[${ordered.length - shown} more templates covering ${digest.lines - shownLines} lines are not shown in full: ` +
				`${ordered.slice(shown, shown + 20).map((t) => `${t.count}x "${t.template.slice(0, 80)}"`).join('; ')}]\n`,
		);
	}
	return parts.join('');
}

function renderTemplate(t: TemplateStats, n: number): string {
	const when = t.firstSeen ? ` first=${t.firstSeen} last=${t.lastSeen} peak=${t.peakPerMinute}/min at ${t.peakMinute}` : '';
	const samples = t.samples.map((s) => `    | ${s}\n`).join('');
	return `T${n} count=${t.count}${t.level ? ` level=${t.level}` : ''}${when}\n  ${t.template}\n${samples}`;
}
