/**
 * One file's unified-diff patch (the `patch` field of GitHub's pull request files and compare
 * answers): its hunks, the lines a review comment may point at, and where an old line went.
 *
 * A review comment's `line` must be "part of the diff" (GitHub answers 422 otherwise): on the
 * RIGHT side an added or context line of a hunk, on the LEFT a deleted or context line; a
 * multi-line comment's start_line must be in the same hunk.
 * https://docs.github.com/en/rest/pulls/reviews#create-a-review-for-a-pull-request
 */

export interface DiffLine {
	kind: '+' | '-' | ' ';
	/** Line number in the old file (context and deleted lines). */
	old?: number;
	/** Line number in the new file (context and added lines). */
	new?: number;
	text: string;
}

export interface Hunk {
	oldStart: number;
	oldLines: number;
	newStart: number;
	newLines: number;
	lines: DiffLine[];
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

export function parsePatch(patch: string | undefined | null): Hunk[] {
	const hunks: Hunk[] = [];
	if (!patch) return hunks;
	let current: Hunk | null = null;
	let oldLine = 0;
	let newLine = 0;
	for (const raw of patch.split('\n')) {
		const head = HUNK.exec(raw);
		if (head) {
			current = { oldStart: +head[1], oldLines: head[2] === undefined ? 1 : +head[2], newStart: +head[3], newLines: head[4] === undefined ? 1 : +head[4], lines: [] };
			hunks.push(current);
			oldLine = current.oldStart;
			newLine = current.newStart;
			continue;
		}
		if (!current || raw.startsWith('\\')) continue; // "\ No newline at end of file"
		const kind = raw[0];
		if (kind === '+') current.lines.push({ kind: '+', new: newLine++, text: raw.slice(1) });
		else if (kind === '-') current.lines.push({ kind: '-', old: oldLine++, text: raw.slice(1) });
		else if (kind === ' ' || raw === '') current.lines.push({ kind: ' ', old: oldLine++, new: newLine++, text: raw.slice(1) });
	}
	return hunks;
}

/** The new-file lines a RIGHT-side comment may point at, each with its hunk's index. */
export function rightSideLines(hunks: Hunk[]): Map<number, number> {
	const lines = new Map<number, number>();
	hunks.forEach((hunk, index) => {
		for (const line of hunk.lines) if (line.new !== undefined) lines.set(line.new, index);
	});
	return lines;
}

/** The new-file lines the patch added. */
export function addedLines(hunks: Hunk[]): Set<number> {
	const added = new Set<number>();
	for (const hunk of hunks) for (const line of hunk.lines) if (line.kind === '+') added.add(line.new!);
	return added;
}

/**
 * Where line `oldLine` of the old file is in the new file, or null when the patch deleted or
 * replaced it (the code changed: a finding on it is no longer known to hold).
 */
export function mapOldLine(hunks: Hunk[], oldLine: number): number | null {
	let shift = 0;
	for (const hunk of hunks) {
		const end = hunk.oldStart + Math.max(hunk.oldLines, 1) - 1;
		if (oldLine < hunk.oldStart || (hunk.oldLines === 0 && oldLine <= hunk.oldStart)) break;
		if (oldLine <= end && hunk.oldLines > 0) {
			const line = hunk.lines.find((l) => l.old === oldLine);
			return line && line.kind === ' ' ? line.new! : null;
		}
		shift += hunk.newLines - hunk.oldLines;
	}
	return oldLine + shift;
}

/** The lines of a patch as a reviewer reads them: the file header and the hunks. */
export function fileSection(file: { filename: string; previous_filename?: string; status?: string; patch?: string }): string {
	const from = file.previous_filename ?? file.filename;
	return [
		`diff --git a/${from} b/${file.filename}`,
		`--- ${file.status === 'added' ? '/dev/null' : `a/${from}`}`,
		`+++ ${file.status === 'removed' ? '/dev/null' : `b/${file.filename}`}`,
		file.patch ?? '',
	].join('\n');
}
