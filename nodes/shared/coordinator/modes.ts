/**
 * Coordinator modes as data: the brief, the model's output schema, and the code that turns
 * the model's synthesis into the decision (verdicts, ROI, confidence are computed, not asked).
 */
import { z } from 'zod/v4';
import { severity } from '../roles/common.ts';
import { costRecommendationsSchema } from '../roles/cost.ts';
import { reviewFindingsSchema } from '../roles/review.ts';
import { adjustConfidence, type QuorumResult } from './quorum.ts';
import { rankByRoi, spendOverview, type CostRecommendation } from './cost-ranking.ts';
import {
	countByReviewer,
	countBySeverity,
	decideVerdict,
	mergeFindings,
	renderReviewComment,
	type ReviewFinding,
	type Severity,
} from './review-verdict.ts';
import type { SpecialistOutcome } from './specialist-items.ts';

export interface FinalizeContext {
	quorum: QuorumResult;
	blockingSeverity: Severity;
	topN: number;
}

export interface CoordinatorMode {
	id: 'incident' | 'review' | 'cost';
	name: string;
	/** The editor's option: its label and what the mode produces. */
	label: string;
	description: string;
	brief: string[];
	schema: z.ZodType;
	/** Whether the decision can be made in code alone from the specialists' findings. */
	rulesOnly?: (survivors: SpecialistOutcome[]) => unknown;
	finalize(value: unknown, ctx: FinalizeContext): Record<string, unknown>;
}

const incidentSchema = z.object({
	severity,
	root_cause: z.object({ summary: z.string(), confidence: z.number().int().min(0).max(100) }),
	contributing_factors: z.array(z.string()),
	evidence: z.array(z.object({ agent: z.string(), finding: z.string() })),
	remediation: z.array(z.object({ priority: z.number().int().min(1), action: z.string(), rationale: z.string() })),
	prevention: z.array(z.string()),
	mttr_minutes: z.number().min(0),
	business_impact: z.string(),
	conflicts: z.array(z.object({ topic: z.string(), positions: z.string(), resolution: z.string() })),
});

const reviewSchema = z.object({
	summary: z.string(),
	findings: z.array(
		reviewFindingsSchema.shape.findings.element.extend({ reviewers: z.array(z.string()).describe('Agents that reported it') }),
	),
});

const costSchema = z.object({
	summary: z.string(),
	recommendations: z.array(costRecommendationsSchema.shape.recommendations.element.extend({ cloud: z.string() })),
	implementation_plan: z.array(z.object({ phase: z.string(), actions: z.array(z.string()) })),
});

function reviewFromSpecialists(survivors: SpecialistOutcome[]) {
	const findings = survivors.flatMap((s) =>
		((s.findings as { findings?: Omit<ReviewFinding, 'reviewers'>[] })?.findings ?? []).map((f) => ({ ...f, reviewers: [s.agent] })),
	);
	const summaries = survivors.map((s) => `${s.agent}: ${(s.findings as { summary?: string })?.summary ?? ''}`);
	return { summary: summaries.join('\n'), findings };
}

function costFromSpecialists(survivors: SpecialistOutcome[]) {
	const recommendations = survivors.flatMap((s) =>
		((s.findings as { recommendations?: CostRecommendation[] })?.recommendations ?? []).map((r) => ({
			...r,
			cloud: r.cloud ?? s.role.replace(/^cost\./, ''),
		})),
	);
	return { summary: survivors.map((s) => `${s.agent}: ${(s.findings as { summary?: string })?.summary ?? ''}`).join('\n'), recommendations, implementation_plan: [] };
}

/** Security reviewers are required: one that did not finish leaves the review without a verdict. */
function requiredMissing(quorum: QuorumResult): string[] {
	return quorum.missing.filter((m) => /(^|\.)security/.test(m.role ?? m.agent) || /^security/.test(m.agent)).map((m) => `${m.agent} (${m.reason})`);
}

export const COORDINATOR_MODES: Record<CoordinatorMode['id'], CoordinatorMode> = {
	incident: {
		id: 'incident',
		name: 'Incident Commander',
		label: 'Incident',
		description: 'Root cause with confidence, remediation, prevention, MTTR, business impact',
		brief: [
			'You are the incident commander. Specialists analysed one incident in parallel; decide what happened and what to do.',
			'Be decisive: name one root cause with a confidence 0-100. Where specialists disagree, state the conflict and how you resolved it.',
			'Cite which specialist reported each piece of evidence. Order remediation by priority (1 = do first); prefer fast, reversible mitigations first.',
			'Estimate MTTR in minutes and the business impact in plain words. If specialists are missing, say what that leaves uncertain.',
		],
		schema: incidentSchema,
		finalize(value, ctx) {
			const v = value as z.infer<typeof incidentSchema>;
			return {
				...v,
				root_cause: {
					...v.root_cause,
					model_confidence: v.root_cause.confidence,
					confidence: adjustConfidence(v.root_cause.confidence, ctx.quorum),
				},
				remediation: [...v.remediation].sort((a, b) => a.priority - b.priority),
			};
		},
	},
	review: {
		id: 'review',
		name: 'Review Lead',
		label: 'PR Review',
		description: 'Merged findings, counts, a Markdown comment and a merge verdict decided in code',
		brief: [
			'You lead a pull request review. Merge the reviewers\' findings: one entry per distinct problem, listing every reviewer that reported it.',
			'Keep file and line. Keep the most severe rating when reviewers disagree unless the evidence shows it is overstated. Drop findings that are not problems.',
			'Write a short summary for the PR author.',
		],
		schema: reviewSchema,
		rulesOnly: reviewFromSpecialists,
		finalize(value, ctx) {
			const v = value as z.infer<typeof reviewSchema>;
			// The lead's list is merged with every reviewer's own findings: it can add and merge,
			// never remove or downgrade (mergeFindings keeps the worst severity of each).
			const own = reviewFromSpecialists(ctx.quorum.survivors).findings as ReviewFinding[];
			const findings = mergeFindings([...(v.findings as ReviewFinding[]), ...own]);
			const verdict = decideVerdict(findings, ctx.blockingSeverity, requiredMissing(ctx.quorum));
			return {
				summary: v.summary,
				findings,
				counts: { bySeverity: countBySeverity(findings), byReviewer: countByReviewer(findings), total: findings.length },
				verdict,
				comment: renderReviewComment(v.summary, findings, verdict, ctx.quorum.note),
			};
		},
	},
	cost: {
		id: 'cost',
		name: 'FinOps Lead',
		label: 'Cost',
		description: 'Rank all cloud savings by ROI (savings ÷ effort), totals, quick wins, a plan',
		brief: [
			'You lead a multi-cloud cost review. Normalise every recommendation from the cloud specialists: cloud, resource, action, category, monthly savings in USD, effort in hours.',
			'Merge duplicates, drop recommendations without evidence, keep the specialists\' numbers unless they are inconsistent with the data. ROI and ranking are computed for you.',
			'Write an implementation plan in phases (quick wins first).',
		],
		schema: costSchema,
		rulesOnly: costFromSpecialists,
		finalize(value, ctx) {
			const v = value as z.infer<typeof costSchema>;
			return {
				summary: v.summary,
				...rankByRoi(v.recommendations, ctx.topN),
				implementation_plan: v.implementation_plan,
				spend: spendOverview(ctx.quorum.survivors),
			};
		},
	},
};

export function findMode(id: string): CoordinatorMode | undefined {
	return Object.prototype.hasOwnProperty.call(COORDINATOR_MODES, id) ? COORDINATOR_MODES[id as CoordinatorMode['id']] : undefined;
}
