/**
 * The log digest: every line of a log, represented within a bounded prompt. Lines are read into
 * records (a message with its stack trace) and grouped into templates; each template keeps its
 * record and line counts, first/last seen, peak rate per minute and a few sample records.
 * Deterministic and model-free, so the same log always gives the same digest.
 */
import { mineLog, SEVERE, type MineOptions } from './log-miner.ts';

export interface TemplateStats {
	template: string;
	/** Records (a message with its continuation lines). */
	count: number;
	/** Physical lines, continuation lines included: the templates' lines add up to the log's. */
	lines: number;
	level?: string;
	firstSeen?: string;
	lastSeen?: string;
	/** Highest number of records in one minute, and that minute. */
	peakPerMinute?: number;
	peakMinute?: string;
	samples: string[];
}

export interface LogDigest {
	lines: number;
	records: number;
	bytes: number;
	templates: TemplateStats[];
	start?: string;
	end?: string;
}

export interface DigestOptions extends MineOptions {
	samplesPerTemplate: number;
}

const SAMPLE_CHARS = 500;
const SAMPLE_LINES = 6;

export function buildDigest(text: string, options: Partial<DigestOptions> = {}): LogDigest {
	const samplesPerTemplate = options.samplesPerTemplate ?? 3;
	const mined = mineLog(text, options);
	const n = mined.templates.length;
	const count = new Array<number>(n).fill(0);
	const lines = new Array<number>(n).fill(0);
	const first = new Array<number>(n).fill(NaN);
	const last = new Array<number>(n).fill(NaN);
	const perMinute = Array.from({ length: n }, () => new Map<number, number>());
	const samples = Array.from({ length: n }, () => [] as string[]);
	let start = NaN;
	let end = NaN;
	for (let r = 0; r < mined.recordStart.length; r++) {
		const t = mined.recordTemplate[r];
		count[t]++;
		lines[t] += mined.recordLines[r];
		if (samples[t].length < samplesPerTemplate) samples[t].push(sampleOf(mined.lines, mined.recordStart[r], mined.recordLines[r]));
		const time = mined.recordTime[r];
		if (Number.isNaN(time)) continue;
		if (!(time >= start)) start = time;
		if (!(time <= end)) end = time;
		if (!(time >= first[t])) first[t] = time;
		if (!(time <= last[t])) last[t] = time;
		const minute = Math.floor(time / 60_000);
		perMinute[t].set(minute, (perMinute[t].get(minute) ?? 0) + 1);
	}
	const templates: TemplateStats[] = mined.templates.map((template, t) => {
		let peak = 0;
		let peakMinute: number | undefined;
		for (const [minute, k] of perMinute[t]) {
			if (k > peak || (k === peak && peakMinute !== undefined && minute < peakMinute)) {
				peak = k;
				peakMinute = minute;
			}
		}
		return {
			template: template.text,
			count: count[t],
			lines: lines[t],
			level: template.level,
			firstSeen: iso(first[t]),
			lastSeen: iso(last[t]),
			peakPerMinute: peakMinute === undefined ? undefined : peak,
			peakMinute: peakMinute === undefined ? undefined : iso(peakMinute * 60_000),
			samples: samples[t],
		};
	});
	templates.sort((a, b) => b.count - a.count || b.lines - a.lines || a.template.localeCompare(b.template));
	return {
		lines: mined.lines.length,
		records: mined.recordStart.length,
		bytes: Buffer.byteLength(text),
		templates,
		start: iso(start),
		end: iso(end),
	};
}

/** A record as a sample: its first lines, within SAMPLE_CHARS. */
function sampleOf(all: readonly string[], from: number, count: number): string {
	const shown = all.slice(from, from + Math.min(count, SAMPLE_LINES)).join('\n');
	const more = count > SAMPLE_LINES ? `\n… ${count - SAMPLE_LINES} more lines` : '';
	return (shown.length > SAMPLE_CHARS ? `${shown.slice(0, SAMPLE_CHARS)}…` : shown) + more;
}

function iso(ms: number | undefined): string | undefined {
	return ms === undefined || Number.isNaN(ms) ? undefined : new Date(ms).toISOString().replace('.000Z', 'Z');
}

/**
 * Renders the digest for a prompt within `maxChars`. Severe templates come first, then by
 * count; templates that do not fit are still counted in a closing line, so no line is unseen.
 */
export function renderDigest(digest: LogDigest, maxChars = 60_000): string {
	const header =
		`Log digest: ${digest.lines} lines, ${digest.templates.length} templates` +
		(digest.records !== digest.lines ? ` (${digest.records} records: continuation lines such as stack traces stay with their message)` : '') +
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
		shownLines += t.lines;
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
	const samples = t.samples.map((s) => `    | ${s.replace(/\n/g, '\n    : ')}\n`).join('');
	const lines = t.lines !== t.count ? ` lines=${t.lines}` : '';
	return `T${n} count=${t.count}${lines}${t.level ? ` level=${t.level}` : ''}${when}\n  ${t.template}\n${samples}`;
}
