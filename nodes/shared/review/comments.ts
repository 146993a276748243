/**
 * Findings as GitHub review comments: on the line when the line is in the pull request's diff
 * (RIGHT side; a range only within one hunk), with a committable ```suggestion block when the
 * reviewer proposed a small exact replacement. Everything else goes to the summary comment.
 * https://docs.github.com/en/rest/pulls/reviews#create-a-review-for-a-pull-request
 * Suggestions: https://docs.github.com/en/pull-requests/collaborating-with-pull-requests/reviewing-changes-in-pull-requests/commenting-on-a-pull-request
 */
import type { Severity } from '../coordinator/review-verdict.ts';
import { parsePatch, rightSideLines } from './diff.ts';
import type { Finding } from './findings.ts';

export interface ReviewComment {
	path: string;
	body: string;
	line: number;
	side: 'RIGHT';
	start_line?: number;
	start_side?: 'RIGHT';
}

export const ICON: Record<Severity, string> = { critical: '🛑', high: '🔴', medium: '🟠', low: '🟡', info: '🔵' };

/** Model-written text shown on GitHub must not notify anyone: "@name" loses its link. */
export function quiet(text: string): string {
	return text.replace(/@(?=[A-Za-z0-9_-])/g, '@\u200b');
}

export interface Placement {
	inline: Array<{ finding: Finding; comment: ReviewComment }>;
	outside: Finding[];
}

export function placeFindings(findings: Finding[], files: Array<{ filename: string; patch: string }>, suggestionMaxLines: number): Placement {
	const linesByFile = new Map(files.map((f) => [f.filename, rightSideLines(parsePatch(f.patch))]));
	const out: Placement = { inline: [], outside: [] };
	for (const f of findings) {
		const lines = linesByFile.get(f.file);
		const hunk = lines?.get(f.line);
		if (!lines || !f.line || hunk === undefined) {
			out.outside.push(f);
			continue;
		}
		// A range only when its last line is in the same hunk (GitHub: start_line in the line's hunk).
		const range = f.endLine > f.line && lines.get(f.endLine) === hunk;
		const comment: ReviewComment = range
			? { path: f.file, start_line: f.line, start_side: 'RIGHT', line: f.endLine, side: 'RIGHT', body: '' }
			: { path: f.file, line: f.line, side: 'RIGHT', body: '' };
		const suggestion = suggestionFor(f, range || f.endLine === f.line, suggestionMaxLines);
		comment.body = commentBody(f, suggestion);
		out.inline.push({ finding: f, comment });
	}
	return out;
}

/** The replacement as a suggestion block, when it replaces exactly the commented lines and is small. */
function suggestionFor(f: Finding, coversRange: boolean, maxLines: number): string | null {
	if (!f.replacement || !coversRange || maxLines <= 0) return null;
	const replaced = f.endLine - f.line + 1;
	const lines = f.replacement.replace(/\n$/, '').split('\n');
	if (replaced > maxLines || lines.length > maxLines || f.replacement.includes('```')) return null;
	return ['```suggestion', ...lines, '```'].join('\n');
}

function commentBody(f: Finding, suggestion: string | null): string {
	const parts = [`${ICON[f.severity]} **${f.severity.toUpperCase()}**: ${quiet(f.title)}`, '', quiet(f.detail.trim())];
	if (suggestion) parts.push('', suggestion);
	else if (f.suggestion.trim()) parts.push('', `**Suggestion:** ${quiet(f.suggestion.trim())}`);
	parts.push('', `<sub>${f.reviewers.join(', ')} · confidence ${f.confidence}</sub>`);
	return parts.join('\n');
}
