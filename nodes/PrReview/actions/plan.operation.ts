/**
 * Plan Review: from the pull request, the base branch's `.github/agent-swarm.yml`, the changed
 * files and (after a push) the comparison with the last reviewed commit, decide full or
 * incremental and what each reviewer reads. Routes to "Review" or "Nothing to Review".
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { toOutput } from '../../shared/n8n/item-runner.ts';
import { ParameterError } from '../../shared/parameter-error.ts';
import { SEVERITIES, type Severity } from '../../shared/coordinator/review-verdict.ts';
import { DEFAULT_CONFIG, DEFAULT_IGNORE, type RepoConfig } from '../../shared/review/config.ts';
import type { ChangedFile } from '../../shared/review/files.ts';
import { parseState } from '../../shared/review/keys.ts';
import { planReview } from '../../shared/review/plan.ts';
import type { PullRequestRef, Trigger } from '../../shared/review/screening.ts';
import { REVIEWER_NAMES, REVIEW_VARIANTS } from '../../shared/review/variants.ts';
import { listParameter, objectParameter, type ReviewOperation } from './operation.ts';

const properties: INodeProperties[] = [
	{ displayName: 'Screened Delivery', name: 'screened', type: 'json', default: "={{ $('Screen Delivery').first().json }}", description: 'The Screen Delivery output for this review' },
	{ displayName: 'Pull Request', name: 'pullRequest', type: 'json', default: "={{ $('Fetch Pull Request').first().json }}", description: 'GET /repos/{owner}/{repo}/pulls/{number}' },
	{
		displayName: 'Config File Response',
		name: 'configFile',
		type: 'json',
		default: "={{ $('Read Config').first().json }}",
		description: 'GET /repos/{owner}/{repo}/contents/.github/agent-swarm.yml?ref={base sha}, with the full response (a 404 means no file: defaults apply)',
	},
	{ displayName: 'Changed Files', name: 'files', type: 'json', default: "={{ $('List Files').all().map(i => i.json) }}", description: 'All pages of GET /repos/{owner}/{repo}/pulls/{number}/files' },
	{
		displayName: 'Comparison Response',
		name: 'compare',
		type: 'json',
		default: "={{ $('Compare Since Last Review').isExecuted ? $('Compare Since Last Review').first().json : null }}",
		description: 'GET /repos/{owner}/{repo}/compare/{last reviewed}...{head} with the full response; empty for a full review',
	},
	{
		displayName: 'Reviewers',
		name: 'variant',
		type: 'options',
		default: 'standard',
		options: [
			{ name: 'Budget (Security + Style, Balanced Tier)', value: 'budget' },
			{ name: 'Standard (5 Reviewers)', value: 'standard' },
			{ name: 'Comprehensive (7 Incl. Accessibility and I18n)', value: 'comprehensive' },
			{ name: 'High Security (4 Security Specialists, Deep Tier)', value: 'high-security' },
		],
		description: 'The reviewers that run unless the repository config switches some on or off',
	},
	{
		displayName: 'Defaults',
		name: 'defaults',
		type: 'collection',
		placeholder: 'Add Default',
		default: {},
		description: 'Used where the repository config does not say otherwise',
		options: [
			{
				displayName: 'Blocking Severity',
				name: 'blockingSeverity',
				type: 'options',
				default: 'critical',
				options: SEVERITIES.map((s) => ({ name: s[0].toUpperCase() + s.slice(1), value: s })),
				description: 'Findings at or above this fail the status',
			},
			{ displayName: 'Comment When Clean', name: 'commentWhenClean', type: 'boolean', default: true, description: 'Whether to post the summary comment when nothing was found' },
			{ displayName: 'Extra Ignore Globs', name: 'ignore', type: 'string', default: '', placeholder: 'dist/**, **/*.snap', description: 'Besides lockfiles, minified files and source maps' },
			{ displayName: 'Max Tokens per Reviewer', name: 'maxTokensPerReviewer', type: 'number', default: 30000, typeOptions: { minValue: 1000 } },
			{ displayName: 'Min Confidence', name: 'minConfidence', type: 'number', default: 70, typeOptions: { minValue: 0, maxValue: 100 }, description: 'Findings below this confidence (0-100) are not posted' },
			{ displayName: 'Required Reviewers', name: 'required', type: 'string', default: 'security', description: 'Comma-separated; if one of these fails the status is error. "security" covers security_*.' },
			{ displayName: 'Suggestion Max Lines', name: 'suggestionMaxLines', type: 'number', default: 10, typeOptions: { minValue: 0 } },
		],
	},
];

export const planOperation: ReviewOperation = {
	value: 'plan',
	name: 'Plan Review',
	action: 'Plan a pull request review',
	description: 'Choose full or incremental review, the files each reviewer reads within its budget, and what is carried over',
	outputs: ['Review', 'Nothing to Review'],
	properties,
	async execute(ctx, itemIndex) {
		const screened = objectParameter(ctx, 'screened', itemIndex, 'Screened Delivery')!;
		const pr = screened.pr as unknown as PullRequestRef | undefined;
		if (!pr?.repo || !pr.number) throw new ParameterError('Screened Delivery has no "pr". Fix: connect Plan Review after Screen Delivery\'s "Review" output');
		const variant = REVIEW_VARIANTS[ctx.getNodeParameter('variant', itemIndex, 'standard') as string];
		if (!variant) throw new ParameterError(`Reviewers: unknown set. Fix: choose one of ${Object.keys(REVIEW_VARIANTS).join(', ')}`);
		const config = readConfigResponse(objectParameter(ctx, 'configFile', itemIndex, 'Config File Response', true));
		const result = planReview(
			{
				trigger: screened.trigger as Trigger,
				pr,
				previous: parseState(screened.previous ? JSON.stringify(screened.previous) : null),
				pull: objectParameter(ctx, 'pullRequest', itemIndex, 'Pull Request')!,
				configAnswer: config.answer,
				files: listParameter(ctx, 'files', itemIndex, 'Changed Files') as unknown as ChangedFile[],
				compare: comparison(objectParameter(ctx, 'compare', itemIndex, 'Comparison Response', true)),
				variant,
				defaults: readDefaults(ctx.getNodeParameter('defaults', itemIndex, {}) as IDataObject),
			},
			REVIEWER_NAMES,
		);
		if (result.outcome === 'skip') return toOutput(1, { outcome: 'skip', code: result.code, reason: result.reason, status: (result.status ?? null) as IDataObject | null, pr: pr as unknown as IDataObject });
		const plan = result.plan;
		if (config.problem) plan.configProblems.unshift({ line: null, key: '', message: config.problem });
		return toOutput(0, { outcome: 'review', review: plan as unknown as IDataObject });
	},
};

/** The contents API answer: a file, none (404), or a failure that is reported and leaves the defaults. */
function readConfigResponse(response: IDataObject | null): { answer: unknown; problem?: string } {
	if (!response) return { answer: null };
	if (typeof response.statusCode !== 'number') return { answer: response };
	if (response.statusCode === 200) return { answer: response.body };
	if (response.statusCode === 404) return { answer: null };
	return { answer: null, problem: `Could not read the file from the base branch (HTTP ${response.statusCode}); the defaults apply` };
}

/** The comparison, or null when GitHub could not compare (e.g. the old commit is gone after a force-push). */
function comparison(response: IDataObject | null): Record<string, unknown> | null {
	if (!response) return null;
	if (typeof response.statusCode !== 'number') return response;
	return response.statusCode === 200 && response.body && typeof response.body === 'object' ? (response.body as Record<string, unknown>) : null;
}

function readDefaults(d: IDataObject): RepoConfig {
	const num = (v: unknown, fallback: number) => (v === undefined || v === '' ? fallback : Number(v));
	const list = (v: unknown) =>
		String(v ?? '')
			.split(',')
			.map((s) => s.trim())
			.filter(Boolean);
	const severity = (d.blockingSeverity as Severity | undefined) ?? DEFAULT_CONFIG.blockingSeverity;
	if (!SEVERITIES.includes(severity)) throw new ParameterError(`Defaults: Blocking Severity "${severity}" is not one of ${SEVERITIES.join(', ')}`);
	const minConfidence = num(d.minConfidence, DEFAULT_CONFIG.minConfidence);
	if (!(minConfidence >= 0 && minConfidence <= 100)) throw new ParameterError('Defaults: Min Confidence must be from 0 to 100');
	return {
		...DEFAULT_CONFIG,
		required: d.required === undefined ? DEFAULT_CONFIG.required : list(d.required),
		ignore: [...DEFAULT_IGNORE, ...list(d.ignore)],
		minConfidence,
		blockingSeverity: severity,
		maxTokensPerReviewer: num(d.maxTokensPerReviewer, DEFAULT_CONFIG.maxTokensPerReviewer),
		suggestionMaxLines: num(d.suggestionMaxLines, DEFAULT_CONFIG.suggestionMaxLines),
		commentWhenClean: d.commentWhenClean === undefined ? true : d.commentWhenClean === true,
	};
}
