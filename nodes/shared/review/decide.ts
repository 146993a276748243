/**
 * The end of a review: the reviewers' own findings (confidence-filtered, de-duplicated, with the
 * carried ones) decide the status; they become one GitHub review with inline comments and one
 * summary comment; what is left for the next push's incremental review is returned to record.
 */
import { CONFIG_PATH } from './config.ts';
import { ICON, placeFindings, quiet, type ReviewComment } from './comments.ts';
import { dedupeFindings, reviewerFindings, sameIssue, splitByConfidence, type Finding, type StoredFinding } from './findings.ts';
import { decideGate, missingReviewers, type Gate, type ReviewerOutcome } from './gate.ts';
import type { ReviewState } from './keys.ts';
import { short, type ReviewPlan } from './plan.ts';
import { SEVERITIES } from '../coordinator/review-verdict.ts';

export const COMMENT_MARKER = '<!-- agent-swarm-review -->';
/** GitHub's limit on a comment body is 65,536 characters; the summary stays under it. */
const COMMENT_MAX = 60_000;

export interface LeadSummary {
	status?: string;
	summary?: string;
}

export interface ReviewDecision {
	gate: Gate;
	state: Gate['state'];
	description: string;
	/** The body for "create a review", or null when no finding is on a line of the diff. */
	review: { commit_id: string; event: 'COMMENT'; body: string; comments: ReviewComment[] } | null;
	/** The summary comment, or null when the review is clean and the repository asked for silence. */
	comment: string | null;
	newFindings: Finding[];
	carried: StoredFinding[];
	belowThreshold: Finding[];
	record: ReviewState;
}

export function decideReview(plan: ReviewPlan, outcomes: ReviewerOutcome[], lead: LeadSummary | null, costUsd: number | null = null): ReviewDecision {
	const planned = new Set(plan.reviewers.map((r) => r.agent));
	const own = outcomes.filter((o) => planned.has(o.agent) && o.status === 'success').flatMap((o) => reviewerFindings(o.agent, o.findings));
	const { kept, below } = splitByConfidence(own, plan.config.minConfidence);
	const carried = plan.carried.map((c) => ({ ...c, reviewers: [...c.reviewers] }));
	// A new finding that repeats a carried one stays the carried one (it was posted before).
	const fresh = dedupeFindings(kept).filter((f) => {
		const earlier = carried.find((c) => sameIssue(c, f));
		if (earlier) earlier.reviewers = [...new Set([...earlier.reviewers, ...f.reviewers])];
		return !earlier;
	});
	const gate = decideGate([...fresh, ...carried], missingReviewers(plan.reviewers, outcomes), plan.config.blockingSeverity);
	const placement = placeFindings(fresh, plan.files, plan.config.suggestionMaxLines);
	const review = placement.inline.length
		? {
				commit_id: plan.pr.headSha,
				event: 'COMMENT' as const,
				body: `Agent Swarm review: ${placement.inline.length} finding${placement.inline.length === 1 ? '' : 's'} on the lines below. The status \`${gate.state}\` and the summary are in the pull request's comment.`,
				comments: placement.inline.map((p) => p.comment),
			}
		: null;
	const clean = fresh.length === 0 && carried.length === 0 && gate.state === 'success' && plan.configProblems.length === 0 && plan.notReviewed.length === 0;
	const comment = clean && !plan.config.commentWhenClean ? null : summaryComment(plan, gate, { fresh, carried, outside: placement.outside, below }, lead, costUsd);
	return {
		gate,
		state: gate.state,
		description: gate.description,
		review,
		comment,
		newFindings: fresh,
		carried,
		belowThreshold: below,
		record: { sha: plan.pr.headSha, at: new Date().toISOString(), findings: [...fresh.map((f) => ({ ...f, since: plan.pr.headSha })), ...carried] },
	};
}

interface Sections {
	fresh: Finding[];
	carried: StoredFinding[];
	outside: Finding[];
	below: Finding[];
}

const HEADLINE = { success: '✅ no blocking issues', failure: '❌ changes required', error: '⚠️ no verdict' } as const;

function summaryComment(plan: ReviewPlan, gate: Gate, s: Sections, lead: LeadSummary | null, costUsd: number | null): string {
	const out: string[] = [COMMENT_MARKER, `## Agent Swarm review: ${HEADLINE[gate.state]}`, '', `**${gate.description}** · _${plan.modeNote}_`, ''];
	if (lead?.status === 'success' && lead.summary?.trim()) out.push(...lead.summary.trim().split('\n').map((l) => `> ${quiet(l)}`), '');
	out.push(`| ${SEVERITIES.join(' | ')} |`, `|${SEVERITIES.map(() => '---').join('|')}|`, `| ${SEVERITIES.map((x) => gate.counts[x]).join(' | ')} |`, '');

	const outside = new Set(s.outside);
	const newTitle = plan.mode === 'incremental' ? `New since ${short(plan.since!)}` : 'Findings';
	if (s.fresh.length) {
		out.push(`### ${newTitle} (${s.fresh.length})`, '');
		for (const f of s.fresh) out.push(findingLine(f, outside.has(f) ? 'not on a line of the diff' : 'inline'), ...(outside.has(f) ? details(f) : []));
		out.push('');
	} else if (plan.mode === 'incremental') out.push(`### ${newTitle}: nothing`, '');
	if (s.carried.length) {
		out.push(`### Still open from earlier reviews (${s.carried.length})`, '');
		for (const f of s.carried) out.push(findingLine(f, `since ${short(f.since)}`));
		out.push('');
	}
	if (s.below.length) out.push(`<sub>${s.below.length} finding${s.below.length === 1 ? '' : 's'} below the confidence threshold ${plan.config.minConfidence} not posted.</sub>`, '');
	for (const m of gate.missing) out.push(`⚠️ Reviewer **${m.agent}** ${m.required ? '(required) ' : ''}did not finish: ${m.reason}.`);
	if (gate.missing.length) out.push('');
	out.push(...coverage(plan));
	out.push(...configNotes(plan));
	out.push(`<sub>Commit ${plan.pr.headSha} · reviewers: ${plan.reviewers.map((r) => r.agent).join(', ')}${costUsd === null ? '' : ` · $${costUsd.toFixed(4)}`}</sub>`);
	return cap(out.join('\n'));
}

function findingLine(f: Finding, where: string): string {
	const at = f.file ? ` \`${f.file}${f.line ? `:${f.line}` : ''}\`` : '';
	return `- ${ICON[f.severity]} **${f.severity}**${at} ${quiet(f.title)} — ${f.reviewers.join(', ')} · ${f.confidence} · ${where}`;
}

function details(f: Finding): string[] {
	const lines = [f.detail.trim(), f.suggestion.trim() && `Suggestion: ${f.suggestion.trim()}`].filter(Boolean).map((l) => `  ${quiet(l as string).replace(/\n/g, '\n  ')}`);
	return lines;
}

const REASON = {
	no_patch: 'GitHub sent no diff (binary or too large for the API)',
	too_large: "larger than a reviewer's whole token budget",
	over_budget: "did not fit the reviewer's token budget",
} as const;

function coverage(plan: ReviewPlan): string[] {
	const out: string[] = [];
	if (plan.notReviewed.length || plan.beyondListing) {
		out.push(`### Not reviewed (${plan.notReviewed.length} file${plan.notReviewed.length === 1 ? '' : 's'}${plan.beyondListing ? `, and ${plan.beyondListing} more that GitHub did not list` : ''})`, '');
		out.push('| file | why | by |', '|---|---|---|');
		for (const u of plan.notReviewed) out.push(`| \`${u.file}\` | ${REASON[u.reason]}${u.tokens ? ` (~${u.tokens} tokens)` : ''} | ${u.reviewers.join(', ')} |`);
		if (plan.beyondListing) out.push(`| ${plan.beyondListing} file(s) | past GitHub's 3,000-file listing limit | all |`);
		out.push('');
	}
	if (plan.unchanged.length) out.push(`<details><summary>Unchanged since the last review (${plan.unchanged.length})</summary>\n\n${plan.unchanged.map((f) => `\`${f}\``).join(', ')}\n</details>`, '');
	if (plan.ignored.length) out.push(`<details><summary>Ignored by configuration (${plan.ignored.length})</summary>\n\n${plan.ignored.map((f) => `\`${f}\``).join(', ')}\n</details>`, '');
	return out;
}

function configNotes(plan: ReviewPlan): string[] {
	const out: string[] = [];
	for (const p of plan.configProblems) out.push(`⚠️ \`${CONFIG_PATH}\`${p.line ? ` line ${p.line}` : ''}: ${p.message}`);
	if (plan.configChangedInPr) out.push(`ℹ️ This pull request changes \`${CONFIG_PATH}\`; the change applies after it is merged. This review used the base branch's configuration.`);
	if (out.length) out.push('');
	return out;
}

function cap(body: string): string {
	if (body.length <= COMMENT_MAX) return body;
	return `${body.slice(0, COMMENT_MAX)}\n\n… (cut at GitHub's comment size; the full list is in the n8n execution's Decide Review output)`;
}
