/**
 * The condenser on series generated to vary on purpose: baselines from 0 to thousands, noise,
 * spikes up and drops down, onsets anywhere in the window, missing history before the alert.
 */
import { describe, expect, it } from 'vitest';
import { condenseSeries, distinguishingLabels, leadingSignals, renderCondensed, seriesLabel, type Series } from '../../nodes/shared/prometheus/condense.ts';
import { fillTemplate, splitThreshold } from '../../nodes/shared/prometheus/promql.ts';
import { stepFor } from '../../nodes/shared/prometheus/query-range.ts';

/** A deterministic pseudo-random generator, so failures reproduce. */
function rng(seed: number) {
	let s = seed >>> 0;
	return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function series(opts: { from: number; step: number; n: number; baseline: number; noise: number; onsetIndex: number; level: number; seed: number }): Series {
	const r = rng(opts.seed);
	const values: Array<[number, string]> = [];
	for (let i = 0; i < opts.n; i++) {
		const v = (i >= opts.onsetIndex ? opts.level : opts.baseline) + (r() - 0.5) * 2 * opts.noise;
		values.push([opts.from + i * opts.step, String(v)]);
	}
	return { metric: { job: 'x' }, values };
}

describe('condenseSeries', () => {
	it('finds baseline, peak and the onset sample across 200 generated series (up and down, any scale)', () => {
		const r = rng(7);
		for (let k = 0; k < 200; k++) {
			const baseline = [0.001, 0.2, 5, 300, 12000][k % 5] * (0.5 + r());
			const up = k % 3 !== 0;
			const level = up ? baseline * (3 + r() * 20) + 0.01 : baseline * (0.05 + r() * 0.3);
			const n = 120 + Math.floor(r() * 200);
			const onsetIndex = Math.floor(n * (0.5 + r() * 0.4));
			const step = [1, 15, 30][k % 3];
			const from = 1_790_000_000;
			const s = series({ from, step, n, baseline, noise: baseline * 0.05, onsetIndex, level, seed: k });
			const startsAt = (from + (onsetIndex + 3) * step) * 1000;
			const c = condenseSeries('q', 'q', s, { startsAt, baselineGapMs: 10 * step * 1000 });
			expect(c.direction, `series ${k}`).toBe(up ? 'up' : 'down');
			expect(c.onset_at, `series ${k}`).toBe(new Date((from + onsetIndex * step) * 1000).toISOString().replace('.000Z', 'Z'));
			expect(Math.abs(c.baseline! - baseline) / baseline, `series ${k}`).toBeLessThan(0.06);
			expect(Math.abs(c.peak! - level) / level, `series ${k}`).toBeLessThan(up ? 0.06 : 1.2);
		}
	});

	it('a steady series is flat with no onset; an empty one says so', () => {
		const s = series({ from: 0, step: 15, n: 100, baseline: 42, noise: 1, onsetIndex: 1000, level: 0, seed: 3 });
		expect(condenseSeries('q', 'q', s)).toMatchObject({ direction: 'flat', onset_at: null });
		expect(condenseSeries('q', 'q', { metric: {}, values: [] })).toMatchObject({ points: 0, baseline: null });
	});

	it('without history before the alert the first third stands for normal', () => {
		const s = series({ from: 1_790_000_000, step: 15, n: 90, baseline: 0.01, noise: 0.001, onsetIndex: 60, level: 0.4, seed: 9 });
		const c = condenseSeries('q', 'q', s, { startsAt: 1_790_000_000 * 1000 });
		expect(c.onset_at).toBe(new Date((1_790_000_000 + 60 * 15) * 1000).toISOString().replace('.000Z', 'Z'));
	});

	it('leading signal: the series whose deviation began first; the text names baseline, peak and onset', () => {
		const a = condenseSeries('q1', 'error rate', series({ from: 1_790_000_000, step: 15, n: 120, baseline: 0.002, noise: 0.0002, onsetIndex: 80, level: 0.3, seed: 1 }), { startsAt: (1_790_000_000 + 85 * 15) * 1000 });
		const b = condenseSeries('q2', 'db connections', series({ from: 1_790_000_000, step: 15, n: 120, baseline: 20, noise: 1, onsetIndex: 70, level: 50, seed: 2 }), { startsAt: (1_790_000_000 + 85 * 15) * 1000 });
		expect(leadingSignals([a, b]).map((c) => c.label)).toEqual(['db connections', 'error rate']);
		const text = renderCondensed([a, b], ['header']);
		expect(text).toMatch(/Moved first: db connections \(up from /);
		expect(text).toContain(`baseline ${Number(a.baseline!.toPrecision(4))}`);
		expect(text).toContain(`deviation began ${a.onset_at}`);
	});

	it('labels: only those that tell series apart', () => {
		const all: Series[] = [
			{ metric: { job: 'api', instance: 'a' }, values: [] },
			{ metric: { job: 'api', instance: 'b' }, values: [] },
		];
		expect(distinguishingLabels(all)).toEqual(['instance']);
		expect(seriesLabel('error rate', all[0].metric, ['instance'])).toBe('error rate{instance="a"}');
	});
});

describe('PromQL helpers', () => {
	it('drops a top-level threshold, keeps comparisons inside functions', () => {
		expect(splitThreshold('sum(rate(x{code=~"5.."}[5m])) / sum(rate(x[5m])) > 0.05')).toEqual({ series: 'sum(rate(x{code=~"5.."}[5m])) / sum(rate(x[5m]))', threshold: '> 0.05' });
		expect(splitThreshold('up == 0')).toEqual({ series: 'up', threshold: '== 0' });
		expect(splitThreshold('x > bool 1e3')).toEqual({ series: 'x', threshold: '> 1e3' });
		expect(splitThreshold('count(up > 0)')).toEqual({ series: 'count(up > 0)', threshold: null });
		expect(splitThreshold('rate(x[5m])')).toEqual({ series: 'rate(x[5m])', threshold: null });
	});

	it('fills $label placeholders with escaped values; a missing label is named', () => {
		expect(fillTemplate('x{job="$job",svc="${service}"}', { job: 'a"b', service: 's' })).toEqual({ query: 'x{job="a\\"b",svc="s"}' });
		expect(fillTemplate('x{job="$job"}', {})).toEqual({ missing: 'job' });
	});

	it('the step is raised to keep within 11,000 points per series', () => {
		expect(stepFor(0, 3600, 15)).toBe(15);
		expect(stepFor(0, 30 * 86400, 15)).toBe(Math.ceil(((30 * 86400) / 10999) * 1000) / 1000);
		expect(stepFor(0, 120, 0.1)).toBe(0.1);
	});
});
