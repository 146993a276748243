/**
 * Which changed files each reviewer reads. Ignored files never count. The rest are ordered
 * source, then tests, then docs, and packed into each reviewer's token budget; every file a
 * reviewer did not read is named with the reason, so no diff content is dropped silently.
 */
import picomatch from 'picomatch';
import { fileSection } from './diff.ts';

/** A changed file as GitHub lists it (pull request files, or the files of a comparison). */
export interface ChangedFile {
	filename: string;
	status?: string;
	additions?: number;
	deletions?: number;
	changes?: number;
	patch?: string;
	previous_filename?: string;
}

export type FileKind = 'source' | 'test' | 'docs';
export const KIND_ORDER: FileKind[] = ['source', 'test', 'docs'];

const TEST = [/(^|\/)(__tests__|tests?|specs?|testdata|fixtures)\//i, /\.(test|spec)\.[^/]+$/i, /_test\.(go|py|rb|exs?)$/i, /(^|\/)test_[^/]+\.py$/i, /Tests?\.(java|kt|cs|swift)$/];
const DOCS = [/\.(md|mdx|markdown|rst|adoc|txt)$/i, /(^|\/)(docs?|documentation)\//i, /(^|\/)(LICENSE|CHANGELOG|AUTHORS|NOTICE)(\.[^/]*)?$/i];

export function fileKind(path: string): FileKind {
	if (TEST.some((r) => r.test(path))) return 'test';
	if (DOCS.some((r) => r.test(path))) return 'docs';
	return 'source';
}

/** Characters per token when estimating a diff's size (the usual ~4 for code and English). */
export const CHARS_PER_TOKEN = 4;
export const tokensOf = (text: string) => Math.ceil(text.length / CHARS_PER_TOKEN);

export type SkipReason = 'no_patch' | 'too_large' | 'over_budget';

export interface Unreviewed {
	file: string;
	reason: SkipReason;
	/** Reviewers that did not read it (all planned reviewers for no_patch). */
	reviewers: string[];
	tokens?: number;
}

export interface ReviewerInput {
	agent: string;
	files: string[];
	/** The diff text for this reviewer: whole files, in priority order. */
	diff: string;
	tokens: number;
}

export interface FileSelection {
	ignored: string[];
	/** Files with a patch, in review order. */
	reviewable: ChangedFile[];
	noPatch: string[];
}

export function matcher(globs: string[]): (path: string) => boolean {
	if (globs.length === 0) return () => false;
	return picomatch(globs, { dot: true });
}

/** Ignored files out, the rest ordered by kind (source, test, docs) then path. */
export function selectFiles(files: ChangedFile[], ignore: string[]): FileSelection {
	const ignored = matcher(ignore);
	const out: FileSelection = { ignored: [], reviewable: [], noPatch: [] };
	for (const f of files) {
		if (ignored(f.filename)) out.ignored.push(f.filename);
		else if (typeof f.patch !== 'string' || f.patch === '') out.noPatch.push(f.filename);
		else out.reviewable.push(f);
	}
	const rank = (f: ChangedFile) => KIND_ORDER.indexOf(fileKind(f.filename));
	out.reviewable.sort((a, b) => rank(a) - rank(b) || a.filename.localeCompare(b.filename));
	return out;
}

/**
 * Packs files into one reviewer's budget in priority order; a file that does not fit is skipped
 * (named) and smaller later files may still fit. A file larger than the whole budget is `too_large`.
 */
export function packForReviewer(agent: string, files: ChangedFile[], budgetTokens: number): { input: ReviewerInput; skipped: Unreviewed[] } {
	const parts: string[] = [];
	const taken: string[] = [];
	const skipped: Unreviewed[] = [];
	let used = 0;
	for (const f of files) {
		const section = fileSection(f);
		const tokens = tokensOf(section);
		if (tokens > budgetTokens) skipped.push({ file: f.filename, reason: 'too_large', reviewers: [agent], tokens });
		else if (used + tokens > budgetTokens) skipped.push({ file: f.filename, reason: 'over_budget', reviewers: [agent], tokens });
		else {
			parts.push(section);
			taken.push(f.filename);
			used += tokens;
		}
	}
	return { input: { agent, files: taken, diff: parts.join('\n'), tokens: used }, skipped };
}

/** One line per file not read by some reviewer, naming which reviewers and why. */
export function mergeUnreviewed(lists: Unreviewed[]): Unreviewed[] {
	const byKey = new Map<string, Unreviewed>();
	for (const u of lists) {
		const key = `${u.file}\u0000${u.reason}`;
		const seen = byKey.get(key);
		if (seen) seen.reviewers = [...new Set([...seen.reviewers, ...u.reviewers])];
		else byKey.set(key, { ...u, reviewers: [...u.reviewers] });
	}
	return [...byKey.values()];
}
