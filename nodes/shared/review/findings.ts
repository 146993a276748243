/**
 * The reviewers' own findings: read from their results (never from the lead's merged list),
 * filtered by confidence, de-duplicated across reviewers (naming each), and carried over from
 * the previous review when the code they point at did not change.
 */
import { SEVERITIES, type Severity } from '../coordinator/review-verdict.ts';
import { mapOldLine, type Hunk } from './diff.ts';

export interface Finding {
	severity: Severity;
	title: string;
	file: string;
	line: number;
	/** Last line of the range (= line for one line). */
	endLine: number;
	detail: string;
	suggestion: string;
	/** Exact code replacing lines line..endLine, or "" (posted as a ```suggestion when small). */
	replacement: string;
	confidence: number;
	reviewers: string[];
}

/** A finding kept between reviews: where it was first reported. */
export interface StoredFinding extends Finding {
	since: string;
}

export const rank = (s: Severity) => SEVERITIES.indexOf(s);

type Json = Record<string, unknown>;
const text = (v: unknown) => (typeof v === 'string' ? v : '');
const whole = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Math.max(0, Math.trunc(v)) : 0);

/**
 * One reviewer's findings from its result. Odd entries are repaired, not dropped: an unknown
 * severity counts as critical and a missing confidence as 100, so a malformed reply can only
 * make the gate stricter.
 */
export function reviewerFindings(agent: string, result: unknown): Finding[] {
	const list = (result as { findings?: unknown })?.findings;
	if (!Array.isArray(list)) return [];
	return list.filter((f): f is Json => Boolean(f) && typeof f === 'object').map((f) => {
		const severity = (SEVERITIES as readonly string[]).includes(text(f.severity)) ? (f.severity as Severity) : 'critical';
		const line = whole(f.line);
		const end = whole(f.end_line ?? f.endLine);
		const confidence = typeof f.confidence === 'number' && Number.isFinite(f.confidence) ? Math.min(100, Math.max(0, f.confidence)) : 100;
		return {
			severity,
			title: text(f.title).trim() || '(untitled finding)',
			file: text(f.file).trim().replace(/^[ab]\//, ''),
			line,
			endLine: end >= line ? end : line,
			detail: text(f.detail),
			suggestion: text(f.suggestion),
			replacement: text(f.replacement),
			confidence,
			reviewers: [agent],
		};
	});
}

export function splitByConfidence<T extends Finding>(findings: T[], minConfidence: number): { kept: T[]; below: T[] } {
	const kept: T[] = [];
	const below: T[] = [];
	for (const f of findings) (f.confidence >= minConfidence ? kept : below).push(f);
	return { kept, below };
}

/** Lines apart within which two findings on one file can be the same issue. */
const NEAR_LINES = 3;

const WORD = /[a-z0-9]+/g;
const STOP = new Set(['a', 'an', 'the', 'of', 'in', 'on', 'to', 'for', 'is', 'and', 'or', 'with', 'not', 'no', 'be', 'by', 'at', 'from', 'this', 'that']);
function words(title: string): Set<string> {
	return new Set((title.toLowerCase().match(WORD) ?? []).filter((w) => !STOP.has(w)).map((w) => w.replace(/(ing|ed|es|s)$/, '')));
}

/** Share of words two titles have in common (Jaccard), 0..1. */
export function titleSimilarity(a: string, b: string): number {
	const x = words(a);
	const y = words(b);
	if (x.size === 0 || y.size === 0) return 0;
	let common = 0;
	for (const w of x) if (y.has(w)) common++;
	return common / (x.size + y.size - common);
}

export function sameIssue(a: Finding, b: Finding): boolean {
	if (a.file !== b.file) return false;
	if (!a.file) return titleSimilarity(a.title, b.title) >= 0.6;
	const near = Math.abs(a.line - b.line) <= NEAR_LINES || (a.line <= b.endLine && b.line <= a.endLine);
	return near && (titleSimilarity(a.title, b.title) >= 0.34 || (a.line === b.line && a.severity === b.severity));
}

/**
 * Findings of several reviewers, one per issue: the most severe rating and its text, the highest
 * confidence, every reviewer named. Order: severity, file, line.
 */
export function dedupeFindings<T extends Finding>(findings: T[]): T[] {
	const merged: T[] = [];
	for (const f of [...findings].sort((a, b) => rank(a.severity) - rank(b.severity) || b.confidence - a.confidence)) {
		const same = merged.find((m) => sameIssue(m, f));
		if (!same) merged.push({ ...f, reviewers: [...new Set(f.reviewers)] });
		else {
			same.reviewers = [...new Set([...same.reviewers, ...f.reviewers])];
			same.confidence = Math.max(same.confidence, f.confidence);
			if (!same.replacement && f.replacement) Object.assign(same, { replacement: f.replacement, line: f.line, endLine: f.endLine });
		}
	}
	return merged.sort((a, b) => rank(a.severity) - rank(b.severity) || a.file.localeCompare(b.file) || a.line - b.line);
}

export interface FileChange {
	status?: string;
	previous_filename?: string;
	hunks: Hunk[];
}

/**
 * Findings of the previous review that still hold: their file did not change since (same line),
 * or changed elsewhere (line moved). Findings on changed or deleted lines, or removed files, are
 * dropped: the reviewers read that new code now.
 */
export function carryOver(previous: StoredFinding[], changes: Map<string, FileChange>): StoredFinding[] {
	const renamedFrom = new Map<string, string>();
	for (const [file, change] of changes) if (change.previous_filename) renamedFrom.set(change.previous_filename, file);
	const carried: StoredFinding[] = [];
	for (const f of previous) {
		const file = renamedFrom.get(f.file) ?? f.file;
		const change = changes.get(file);
		if (!change) {
			carried.push(f);
			continue;
		}
		if (change.status === 'removed') continue;
		if (!f.line) {
			carried.push({ ...f, file });
			continue;
		}
		const line = mapOldLine(change.hunks, f.line);
		const end = mapOldLine(change.hunks, f.endLine);
		if (line === null || end === null) continue;
		carried.push({ ...f, file, line, endLine: end });
	}
	return carried;
}
