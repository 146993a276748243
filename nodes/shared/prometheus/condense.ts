/**
 * Turns Prometheus range-query series into the few facts the metrics specialist needs, in
 * code: each series' baseline (median before the incident), its peak and when, when the
 * deviation began, its direction and latest value, and which series moved first. The model
 * reads a short table instead of thousands of samples, and the numbers are exact.
 */

export interface Series {
	metric: Record<string, string>;
	/** [unix seconds, value as text], as query_range returns them. */
	values: Array<[number, string]>;
}

export interface Condensed {
	query: string;
	label: string;
	labels: Record<string, string>;
	points: number;
	baseline: number | null;
	peak: number | null;
	peak_at: string | null;
	/** First sample of the excursion that contains the peak; null when nothing deviates. */
	onset_at: string | null;
	direction: 'up' | 'down' | 'flat';
	last: number | null;
	last_at: string | null;
	/** Peak over baseline (absent when the baseline is 0). */
	ratio: number | null;
}

export interface CondenseOptions {
	/** The alert's start: the baseline is read from samples before `start - baselineGapMs`. */
	startsAt?: number;
	baselineGapMs?: number;
	/** A change smaller than this share of the baseline is not a deviation (default 0.2 = 20%). */
	minRelativeChange?: number;
	/** Spread multiplier on the baseline's median absolute deviation (default 4). */
	madFactor?: number;
}

export function condenseSeries(query: string, label: string, series: Series, options: CondenseOptions = {}): Condensed {
	const samples = series.values.map(([t, v]) => [Number(t) * 1000, Number(v)] as const).filter(([t, v]) => Number.isFinite(t) && Number.isFinite(v));
	const base = { query, label, labels: series.metric, points: samples.length };
	if (samples.length === 0) return { ...base, baseline: null, peak: null, peak_at: null, onset_at: null, direction: 'flat', last: null, last_at: null, ratio: null };
	const before = options.startsAt !== undefined ? samples.filter(([t]) => t < options.startsAt! - (options.baselineGapMs ?? 5 * 60_000)) : [];
	// Without enough history before the alert, the first third of the window stands for normal.
	const reference = before.length >= 3 ? before : samples.slice(0, Math.max(1, Math.floor(samples.length / 3)));
	const values = reference.map(([, v]) => v);
	const baseline = median(values);
	const spread = median(values.map((v) => Math.abs(v - baseline)));
	const band = Math.max((options.madFactor ?? 4) * spread, (options.minRelativeChange ?? 0.2) * Math.abs(baseline), 1e-9);
	const upIndex = argBest(samples, (v) => v - baseline);
	const downIndex = argBest(samples, (v) => baseline - v);
	const up = samples[upIndex][1] - baseline;
	const down = baseline - samples[downIndex][1];
	const direction = Math.max(up, down) <= band ? 'flat' : up >= down ? 'up' : 'down';
	const peakIndex = direction === 'down' ? downIndex : upIndex;
	const [peakT, peakV] = samples[peakIndex];
	let onset: number | null = null;
	if (direction !== 'flat') {
		const deviates = (v: number) => (direction === 'up' ? v - baseline : baseline - v) > band;
		let i = peakIndex;
		while (i > 0 && deviates(samples[i - 1][1])) i--;
		onset = samples[i][0];
	}
	const [lastT, lastV] = samples[samples.length - 1];
	return {
		...base,
		baseline: round(baseline),
		peak: round(peakV),
		peak_at: iso(peakT),
		onset_at: onset === null ? null : iso(onset),
		direction,
		last: round(lastV),
		last_at: iso(lastT),
		ratio: baseline !== 0 ? round(peakV / baseline) : null,
	};
}

/** Series that deviated, earliest onset first: the first is the leading signal. */
export function leadingSignals(all: Condensed[]): Condensed[] {
	return all.filter((c) => c.onset_at !== null).sort((a, b) => a.onset_at!.localeCompare(b.onset_at!));
}

/** The prompt text: one line per series, deviating series first, then a line naming the leader. */
export function renderCondensed(all: Condensed[], header: string[]): string {
	const moved = leadingSignals(all);
	const flat = all.filter((c) => c.onset_at === null);
	const lines = [...header];
	if (moved.length) lines.push(`Moved first: ${moved[0].label} (${moved[0].direction} from ${moved[0].onset_at})`);
	for (const c of [...moved, ...flat]) lines.push(`- ${describe(c)}`);
	return lines.join('\n');
}

function describe(c: Condensed): string {
	if (c.points === 0) return `${c.label}: no samples in the window`;
	if (c.onset_at === null) return `${c.label}: steady around ${fmt(c.baseline)} (${c.points} samples; latest ${fmt(c.last)} at ${c.last_at})`;
	const ratio = c.ratio !== null ? `, ${fmt(c.ratio)}x baseline` : '';
	return `${c.label}: baseline ${fmt(c.baseline)}, ${c.direction === 'up' ? 'peak' : 'low'} ${fmt(c.peak)} at ${c.peak_at}${ratio}; deviation began ${c.onset_at}; latest ${fmt(c.last)} at ${c.last_at}`;
}

/** A label for a series: the query's name plus the labels that tell its series apart. */
export function seriesLabel(name: string, metric: Record<string, string>, distinguishing: string[]): string {
	const parts = distinguishing.filter((k) => metric[k] !== undefined).map((k) => `${k}="${metric[k]}"`);
	return parts.length ? `${name}{${parts.join(',')}}` : name;
}

/** Label names whose values differ between the series of one query. */
export function distinguishingLabels(series: Series[]): string[] {
	const keys = new Set(series.flatMap((s) => Object.keys(s.metric)));
	return [...keys].filter((k) => new Set(series.map((s) => s.metric[k])).size > 1).sort();
}

function median(values: number[]): number {
	if (values.length === 0) return 0;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function argBest(samples: ReadonlyArray<readonly [number, number]>, score: (v: number) => number): number {
	let best = 0;
	for (let i = 1; i < samples.length; i++) if (score(samples[i][1]) > score(samples[best][1])) best = i;
	return best;
}

function round(value: number): number {
	return Number.isInteger(value) ? value : Number(value.toPrecision(6));
}

function fmt(value: number | null): string {
	if (value === null) return 'n/a';
	return Math.abs(value) >= 1e6 || (Math.abs(value) < 1e-3 && value !== 0) ? value.toExponential(3) : String(Number(value.toPrecision(4)));
}

function iso(ms: number): string {
	return new Date(ms).toISOString().replace('.000Z', 'Z');
}
