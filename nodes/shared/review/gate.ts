/**
 * The merge gate, decided in code from the reviewers' own findings and severities. The lead
 * only summarises: nothing it says can remove or downgrade a finding here. A required reviewer
 * (security by default) that did not finish makes the status `error`, never `success`.
 *
 * Commit status states: error, failure, pending, success; description at most 140 characters
 * (GitHub answers 422 "description is too long (maximum is 140 characters)").
 * https://docs.github.com/en/rest/commits/statuses#create-a-commit-status
 */
import { SEVERITIES, type Severity } from '../coordinator/review-verdict.ts';
import { rank, type Finding } from './findings.ts';

export const STATUS_DESCRIPTION_MAX = 140;

export interface PlannedReviewer {
	agent: string;
	role: string;
	required: boolean;
}

/** A reviewer's result as the Specialist Agent reports it. */
export interface ReviewerOutcome {
	agent: string;
	status: string;
	findings: unknown;
	error?: { type?: string; message?: string };
}

export interface MissingReviewer {
	agent: string;
	required: boolean;
	reason: string;
}

export interface Gate {
	state: 'success' | 'failure' | 'error';
	description: string;
	blocking: number;
	counts: Record<Severity, number>;
	missing: MissingReviewer[];
}

/** Planned reviewers that produced no successful result, with the reason. */
export function missingReviewers(planned: PlannedReviewer[], outcomes: ReviewerOutcome[]): MissingReviewer[] {
	return planned.flatMap((p) => {
		const out = outcomes.find((o) => o.agent === p.agent);
		if (out?.status === 'success') return [];
		const reason = out ? (out.error?.type ?? out.status ?? 'failed') : 'no result';
		return [{ agent: p.agent, required: p.required, reason }];
	});
}

export function countSeverities(findings: Finding[]): Record<Severity, number> {
	const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
	for (const f of findings) counts[f.severity]++;
	return counts;
}

export function decideGate(findings: Finding[], missing: MissingReviewer[], blockingSeverity: Severity): Gate {
	const counts = countSeverities(findings);
	const levels = SEVERITIES.filter((s) => rank(s) <= rank(blockingSeverity));
	const blocking = levels.reduce((n, s) => n + counts[s], 0);
	const failedRequired = missing.filter((m) => m.required);
	const optional = missing.filter((m) => !m.required);
	const unavailable = optional.length ? `; ${optional.map((m) => m.agent).join(', ')} unavailable` : '';
	if (blocking > 0) {
		const what = levels.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`).join(', ');
		return { state: 'failure', description: limit(`${what} issue${blocking === 1 ? '' : 's'} found${unavailable}`), blocking, counts, missing };
	}
	if (failedRequired.length) {
		const who = failedRequired.map((m) => `${m.agent} (${m.reason})`).join(', ');
		return { state: 'error', description: limit(`Required reviewer${failedRequired.length > 1 ? 's' : ''} failed: ${who}; no verdict`), blocking, counts, missing };
	}
	const parts = SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
	const found = parts.length ? `No ${blockingSeverity}-or-worse issues (${parts.join(', ')})` : 'No issues found';
	return { state: 'success', description: limit(`${found}${unavailable}`), blocking, counts, missing };
}

export function limit(text: string, max = STATUS_DESCRIPTION_MAX): string {
	return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
