/**
 * PR review synthesis in code: merging duplicate findings, counting, the merge verdict and the
 * Markdown comment. The verdict is decided here, never by the model.
 */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface ReviewFinding {
	severity: Severity;
	title: string;
	file: string;
	line: number;
	detail: string;
	suggestion: string;
	reviewers: string[];
}

const rank = (s: Severity) => SEVERITIES.indexOf(s);

/** One finding per (file, line, title): reviewers united, the highest severity kept. */
export function mergeFindings(findings: ReviewFinding[]): ReviewFinding[] {
	const byKey = new Map<string, ReviewFinding>();
	for (const f of findings) {
		const key = `${f.file}\u0000${f.line}\u0000${f.title.trim().toLowerCase()}`;
		const seen = byKey.get(key);
		if (!seen) {
			byKey.set(key, { ...f, reviewers: [...new Set(f.reviewers)] });
			continue;
		}
		seen.reviewers = [...new Set([...seen.reviewers, ...f.reviewers])];
		if (rank(f.severity) < rank(seen.severity)) Object.assign(seen, { severity: f.severity, detail: f.detail, suggestion: f.suggestion });
	}
	return [...byKey.values()].sort((a, b) => rank(a.severity) - rank(b.severity) || a.file.localeCompare(b.file) || a.line - b.line);
}

export function countBySeverity(findings: ReviewFinding[]): Record<Severity, number> {
	const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
	for (const f of findings) counts[f.severity]++;
	return counts;
}

export function countByReviewer(findings: ReviewFinding[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const f of findings) for (const r of f.reviewers) counts[r] = (counts[r] ?? 0) + 1;
	return counts;
}

export interface Verdict {
	state: 'success' | 'failure' | 'error';
	description: string;
	blockingSeverity: Severity;
	blocking: number;
}

/** `requiredMissing`: required reviewers that did not finish; without blocking findings that is `error`, never `success`. */
export function decideVerdict(findings: ReviewFinding[], blockingSeverity: Severity = 'critical', requiredMissing: string[] = []): Verdict {
	const counts = countBySeverity(findings);
	const blockingLevels = SEVERITIES.filter((s) => rank(s) <= rank(blockingSeverity));
	const blocking = blockingLevels.reduce((n, s) => n + counts[s], 0);
	const parts = SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
	if (blocking > 0) {
		const what = blockingLevels.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`).join(', ');
		return { state: 'failure', description: truncate(`${what} issue${blocking === 1 ? '' : 's'} found`), blockingSeverity, blocking };
	}
	if (requiredMissing.length) {
		return { state: 'error', description: truncate(`Required reviewer failed: ${requiredMissing.join(', ')}; no verdict`), blockingSeverity, blocking: 0 };
	}
	return {
		state: 'success',
		description: truncate(parts.length ? `No ${blockingSeverity}-or-worse issues (${parts.join(', ')})` : 'No issues found'),
		blockingSeverity,
		blocking: 0,
	};
}

/** GitHub commit status descriptions are limited to 140 characters. */
function truncate(text: string): string {
	return text.length <= 140 ? text : `${text.slice(0, 139)}…`;
}

const ICON: Record<Severity, string> = { critical: '🛑', high: '🔴', medium: '🟠', low: '🟡', info: '🔵' };

export function renderReviewComment(summary: string, findings: ReviewFinding[], verdict: Verdict, basedOn: string): string {
	const counts = countBySeverity(findings);
	const lines = [
		`## Agent Swarm review: ${verdict.state === 'failure' ? '❌ changes required' : verdict.state === 'error' ? '⚠️ no verdict' : '✅ no blocking issues'}`,
		'',
		summary.trim(),
		'',
		`| ${SEVERITIES.join(' | ')} |`,
		`|${SEVERITIES.map(() => '---').join('|')}|`,
		`| ${SEVERITIES.map((s) => counts[s]).join(' | ')} |`,
		'',
	];
	for (const f of findings) {
		const where = f.file ? ` — \`${f.file}${f.line ? `:${f.line}` : ''}\`` : '';
		lines.push(`### ${ICON[f.severity]} ${f.severity.toUpperCase()}: ${f.title}${where}`);
		lines.push('', f.detail.trim());
		if (f.suggestion.trim()) lines.push('', `**Suggestion:** ${f.suggestion.trim()}`);
		lines.push('', `<sub>Reported by: ${f.reviewers.join(', ')}</sub>`, '');
	}
	lines.push(`<sub>${verdict.description}. ${basedOn[0].toUpperCase()}${basedOn.slice(1)}.</sub>`);
	return lines.join('\n');
}
