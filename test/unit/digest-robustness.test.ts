/**
 * The digest on log formats it has never seen: seeded logs from our own templates (hosts,
 * users, processes, paths, ids, quoted text, key=value, JSON, stack traces) in invented header
 * formats, including formats composed at random from a seed. Grouping must recover the
 * generated templates; counts, line totals and first/last seen must be exact.
 */
import { describe, expect, it } from 'vitest';
import { groupingAccuracy } from '../../bench/grouping-accuracy.ts';
import { buildDigest } from '../../nodes/shared/digest/log-digest.ts';
import { mineLog, type MineOptions } from '../../nodes/shared/digest/log-miner.ts';
import { composedHeader, FAMILIES, syntheticLog, type SyntheticLog } from '../helpers/synthetic-logs.ts';

/** Grouping accuracy over records (a message with its stack trace is one record). */
function recordAccuracy(log: SyntheticLog, options: MineOptions = {}) {
	const mined = mineLog(log.text, { year: log.year, ...options });
	const truth = log.records.map((r) => r.truth);
	expect(mined.recordStart.length, `${log.family}: records`).toBe(truth.length);
	return { ga: groupingAccuracy(mined.recordTemplate, truth), templates: mined.templates.length, truthTemplates: new Set(truth).size };
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString().replace('.000Z', 'Z'));

describe('grouping on invented header formats', () => {
	// Six seeds per family: each seed picks other templates, frequencies and values.
	for (const family of Object.keys(FAMILIES)) {
		it(`recovers the templates of "${family}" logs`, () => {
			const results = [1, 2, 3, 4, 5, 6].map((seed) => recordAccuracy(syntheticLog(family, seed)));
			for (const r of results) expect(r.ga).toBeGreaterThanOrEqual(0.99);
			// Exact on at least five of six; the bar allows one log where a variable of few values
			// shows too few of them to be told from constants.
			expect(results.filter((r) => r.ga === 1 && r.templates === r.truthTemplates).length).toBeGreaterThanOrEqual(5);
		});
	}

	it('recovers the templates of 40 header formats composed at random', () => {
		const results = Array.from({ length: 40 }, (_, k) => {
			const seed = 1000 + k;
			return recordAccuracy(syntheticLog(composedHeader(seed), seed));
		});
		const mean = results.reduce((n, r) => n + r.ga, 0) / results.length;
		for (const r of results) expect(r.ga).toBeGreaterThanOrEqual(0.98);
		expect(mean).toBeGreaterThanOrEqual(0.998);
		expect(results.filter((r) => r.ga === 1).length).toBeGreaterThanOrEqual(36);
	});

	it('gives the same grouping when most messages are matched to templates learned from the first ones', () => {
		for (const family of ['syslog-hosts', 'json', 'bare-names']) {
			const log = syntheticLog(family, 7, 3000);
			const whole = recordAccuracy(log);
			const batched = recordAccuracy(log, { batch: 300 });
			expect(whole.ga).toBe(1);
			expect(batched.ga).toBeGreaterThanOrEqual(0.99);
		}
	});
});

describe('counts, lines, levels and first/last seen on invented formats', () => {
	for (const family of Object.keys(FAMILIES)) {
		it(`are exact for "${family}"`, () => {
			const log = syntheticLog(family, 7);
			const digest = buildDigest(log.text, { year: log.year, samplesPerTemplate: 1 });
			const totalLines = log.records.reduce((n, r) => n + r.lines.length, 0);
			expect(digest.lines).toBe(totalLines);
			expect(digest.records).toBe(log.records.length);
			expect(digest.templates.reduce((n, t) => n + t.lines, 0)).toBe(totalLines);
			expect(digest.templates.reduce((n, t) => n + t.count, 0)).toBe(log.records.length);

			const truthOf = new Map(log.records.map((r) => [r.lines[0], r.truth]));
			const expected = new Map<string, { count: number; lines: number; first?: number; last?: number; level: string }>();
			for (const r of log.records) {
				const e = expected.get(r.truth) ?? { count: 0, lines: 0, level: r.level };
				e.count++;
				e.lines += r.lines.length;
				if (r.time !== undefined) {
					e.first = Math.min(e.first ?? Infinity, r.time);
					e.last = Math.max(e.last ?? -Infinity, r.time);
				}
				expected.set(r.truth, e);
			}
			expect(digest.templates).toHaveLength(expected.size);
			for (const t of digest.templates) {
				const truth = truthOf.get(t.samples[0].split('\n')[0])!;
				const e = expected.get(truth)!;
				expect({ truth, count: t.count, lines: t.lines, first: t.firstSeen, last: t.lastSeen }).toEqual({
					truth,
					count: e.count,
					lines: e.lines,
					first: iso(e.first),
					last: iso(e.last),
				});
				if (log.levelWords) expect(t.level).toBe(e.level);
			}
			const times = log.records.map((r) => r.time).filter((t): t is number => t !== undefined);
			expect(digest.start).toBe(iso(times.length ? Math.min(...times) : undefined));
			expect(digest.end).toBe(iso(times.length ? Math.max(...times) : undefined));
		});
	}

	it('keeps stack traces with their message and tells failures apart by their exception', () => {
		const log = syntheticLog('iso-logger', 2);
		const digest = buildDigest(log.text, { year: log.year });
		const traced = digest.templates.filter((t) => t.lines > t.count);
		expect(traced.length).toBeGreaterThan(0);
		for (const t of traced) {
			expect(t.template).toContain(' ⏎ ');
			expect(t.samples[0].split('\n').length).toBeGreaterThan(1);
		}
		const failures = new Set(log.records.filter((r) => r.truth.startsWith('job-failed+')).map((r) => r.truth));
		expect(digest.templates.filter((t) => t.template.startsWith('Job <*> failed')).length).toBe(failures.size);
	});

	it('is deterministic', () => {
		const log = syntheticLog('logfmt', 3);
		expect(JSON.stringify(buildDigest(log.text, { year: 2026 }))).toBe(JSON.stringify(buildDigest(log.text, { year: 2026 })));
	});
});

describe('format hint', () => {
	it('splits the header as told and groups as well as without it', () => {
		const cases: Array<[string, string]> = [
			['bare-names', '<Time> <Date> <Host> <Program> <Level> <Content>'],
			['pipes', '<Date> <Time>|<Level>|<Service>|<Content>'],
			['syslog-hosts', '<Month> <Day> <Time> <Host> <Program>: <Content>'],
		];
		for (const [family, format] of cases) {
			const log = syntheticLog(family, 4);
			expect(recordAccuracy(log, { format }).ga).toBe(1);
			const digest = buildDigest(log.text, { year: 2026, format });
			expect(digest.templates.every((t) => !/^\S*\d/.test(t.template))).toBe(true);
		}
	});

	it('falls back to the learned header where the hint does not fit, losing no line', () => {
		const log = syntheticLog('iso-logger', 5);
		const format = 'nothing like these lines <Content>';
		expect(recordAccuracy(log, { format }).ga).toBe(recordAccuracy(log).ga);
		const digest = buildDigest(log.text, { format });
		expect(digest.templates.reduce((n, t) => n + t.lines, 0)).toBe(digest.lines);
	});

	it('rejects a hint without <Content>, naming the fix', () => {
		expect(() => buildDigest('x', { format: '<Date> <Time> <Message>' })).toThrow(/Log Format: .* has no <Content> field\. Fix: /);
	});
});
