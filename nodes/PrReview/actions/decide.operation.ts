/**
 * Decide Review: the commit status from the reviewers' own findings (the lead's summary is only
 * shown), the GitHub review with inline comments, the summary comment, and what to record.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { ParameterError } from '../../shared/parameter-error.ts';
import { COMMENT_MARKER, decideReview, type LeadSummary } from '../../shared/review/decide.ts';
import type { ReviewerOutcome } from '../../shared/review/gate.ts';
import type { ReviewPlan } from '../../shared/review/plan.ts';
import { listParameter, objectParameter, type ReviewOperation } from './operation.ts';

const properties: INodeProperties[] = [
	{ displayName: 'Plan', name: 'plan', type: 'json', default: "={{ $('Plan Review').first().json.review }}", description: 'The "review" field of Plan Review\'s output' },
	{
		displayName: 'Reviewer Results',
		name: 'reviewers',
		type: 'json',
		default: "={{ $('Reviewers').all().map(i => i.json) }}",
		description: "The Specialist Agent's items: each reviewer's own findings decide the status",
	},
	{
		displayName: 'Lead Result',
		name: 'lead',
		type: 'json',
		default: "={{ $('Review Lead').first().json }}",
		description: "The Coordinator's item; only its summary text is used",
	},
];

export const decideOperation: ReviewOperation = {
	value: 'decide',
	name: 'Decide Review',
	action: 'Decide the review status and comments',
	description: "Set the merge gate from the reviewers' own severities; build the inline review and the summary comment",
	outputs: [],
	properties,
	async execute(ctx, itemIndex) {
		const plan = objectParameter(ctx, 'plan', itemIndex, 'Plan') as unknown as ReviewPlan;
		if (!Array.isArray(plan.reviewers) || !plan.pr?.headSha) throw new ParameterError('Plan is not a Plan Review output. Fix: {{ $(\'Plan Review\').first().json.review }}');
		const outcomes = listParameter(ctx, 'reviewers', itemIndex, 'Reviewer Results') as unknown as ReviewerOutcome[];
		const leadItem = objectParameter(ctx, 'lead', itemIndex, 'Lead Result', true);
		const decision = (leadItem?.decision ?? null) as IDataObject | null;
		const lead: LeadSummary | null = leadItem ? { status: String(leadItem.status ?? ''), summary: typeof decision?.summary === 'string' ? decision.summary : undefined } : null;
		const cost = (leadItem?.cost as { total?: { costUsd?: number } } | undefined)?.total?.costUsd;
		const d = decideReview(plan, outcomes, lead, typeof cost === 'number' ? cost : null);
		return {
			state: d.state,
			description: d.description,
			review: d.review as unknown as IDataObject,
			comment: d.comment,
			marker: COMMENT_MARKER,
			counts: d.gate.counts,
			missing: d.gate.missing as unknown as IDataObject[],
			newFindings: d.newFindings as unknown as IDataObject[],
			carried: d.carried as unknown as IDataObject[],
			belowThreshold: d.belowThreshold.length,
			record: d.record as unknown as IDataObject,
			pr: plan.pr as unknown as IDataObject,
		};
	},
};
