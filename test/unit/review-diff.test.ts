/**
 * Patch parsing and line mapping, checked against patches generated from random edits of random
 * files (the expected answer computed independently from the edit itself).
 */
import { describe, expect, it } from 'vitest';
import { addedLines, mapOldLine, parsePatch, rightSideLines } from '../../nodes/shared/review/diff.ts';

/** A deterministic PRNG so failures reproduce. */
function rng(seed: number) {
	return () => {
		seed = (seed * 1103515245 + 12345) % 2 ** 31;
		return seed / 2 ** 31;
	};
}

interface Edit {
	/** 1-based old line where the edit starts. */
	at: number;
	remove: number;
	add: string[];
}

/** Applies non-overlapping edits and writes the unified patch (3 lines of context) with the old→new map. */
function makePatch(old: string[], edits: Edit[]) {
	const next: string[] = [];
	const map = new Map<number, number | null>();
	let i = 1;
	for (const e of edits) {
		while (i < e.at) {
			next.push(old[i - 1]);
			map.set(i, next.length);
			i++;
		}
		for (let r = 0; r < e.remove; r++) map.set(i++, null);
		next.push(...e.add);
	}
	while (i <= old.length) {
		next.push(old[i - 1]);
		map.set(i, next.length);
		i++;
	}
	// Hunks: each edit with 3 lines of context, merged when they touch.
	const ctx = 3;
	type H = { oStart: number; oEnd: number };
	const spans: H[] = [];
	for (const e of edits) {
		const s = { oStart: Math.max(1, e.at - ctx), oEnd: Math.min(old.length, e.at + e.remove - 1 + ctx) };
		const last = spans.at(-1);
		if (last && s.oStart <= last.oEnd + 1) last.oEnd = Math.max(last.oEnd, s.oEnd);
		else spans.push(s);
	}
	const lines: string[] = [];
	for (const span of spans) {
		const body: string[] = [];
		let o = span.oStart;
		let oCount = 0;
		let nCount = 0;
		// New start: after the new lines of everything before the span (unified diff counts an empty side from the line before).
		let nStart = span.oStart === 1 ? 1 : map.get(span.oStart - 1)! + 1;
		for (const e of edits.filter((x) => x.at >= span.oStart && x.at <= span.oEnd + 1)) {
			while (o < e.at) {
				body.push(` ${old[o - 1]}`);
				o++;
				oCount++;
				nCount++;
			}
			for (let r = 0; r < e.remove; r++, o++, oCount++) body.push(`-${old[o - 1]}`);
			for (const a of e.add) {
				body.push(`+${a}`);
				nCount++;
			}
		}
		while (o <= span.oEnd) {
			body.push(` ${old[o - 1]}`);
			o++;
			oCount++;
			nCount++;
		}
		if (nCount === 0) nStart -= 1;
		lines.push(`@@ -${span.oStart},${oCount} +${nStart},${nCount} @@`, ...body);
	}
	return { patch: lines.join('\n'), next, map };
}

describe('unified patches', () => {
	it('numbers added, deleted and context lines and skips "no newline" markers', () => {
		const hunks = parsePatch('@@ -1,3 +1,4 @@\n a\n-b\n+B\n+C\n c\n\\ No newline at end of file');
		expect(hunks).toHaveLength(1);
		expect(hunks[0].lines.map((l) => [l.kind, l.old ?? null, l.new ?? null])).toEqual([
			[' ', 1, 1],
			['-', 2, null],
			['+', null, 2],
			['+', null, 3],
			[' ', 3, 4],
		]);
		expect([...addedLines(hunks)]).toEqual([2, 3]);
		expect([...rightSideLines(hunks).keys()]).toEqual([1, 2, 3, 4]);
	});

	it('maps every old line to its new line, or null when the edit replaced it (200 random edits)', () => {
		const random = rng(7);
		for (let round = 0; round < 200; round++) {
			const old = Array.from({ length: 20 + Math.floor(random() * 80) }, (_, i) => `line ${i + 1} ${Math.floor(random() * 1e6)}`);
			const edits: Edit[] = [];
			let at = 1 + Math.floor(random() * 10);
			while (at <= old.length) {
				const remove = Math.min(Math.floor(random() * 3), old.length - at + 1);
				const add = Array.from({ length: Math.floor(random() * 4) }, (_, k) => `new ${round}.${at}.${k}`);
				if (remove || add.length) edits.push({ at, remove, add });
				at += remove + 1 + Math.floor(random() * 15);
			}
			const { patch, next, map } = makePatch(old, edits);
			const hunks = parsePatch(patch);
			for (const [oldLine, expected] of map) {
				const got = mapOldLine(hunks, oldLine);
				expect(got, `round ${round}, old line ${oldLine}\n${patch}`).toBe(expected);
				if (got !== null) expect(next[got - 1]).toBe(old[oldLine - 1]);
			}
			// Every added line is commentable on the RIGHT side.
			const right = rightSideLines(hunks);
			for (const n of addedLines(hunks)) expect(right.has(n)).toBe(true);
		}
	});
});
