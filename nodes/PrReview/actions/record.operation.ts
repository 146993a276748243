/**
 * Record Review: after the status and comments are posted, remember the reviewed head commit
 * and what was found (for the next push's incremental review). A review that ended in `error`
 * gives its claims back, so a redelivery (same delivery id) or a new push can run it again.
 */
import type { INodeProperties } from 'n8n-workflow';
import { ParameterError } from '../../shared/parameter-error.ts';
import { deliveryKey, headKey, stateKey, WINDOWS } from '../../shared/review/keys.ts';
import { objectParameter, type ReviewOperation } from './operation.ts';
import { openReviewStore, reviewStoreFields } from './store.ts';

const properties: INodeProperties[] = [
	{ displayName: 'Screened Delivery', name: 'screened', type: 'json', default: "={{ $('Screen Delivery').first().json }}" },
	{
		displayName: 'Outcome',
		name: 'state',
		type: 'string',
		default: "={{ $('Decide Review').isExecuted ? $('Decide Review').first().json.state : 'error' }}",
		description: 'Success or failure: recorded as reviewed; anything else: the claims are released',
	},
	{
		displayName: 'Head Commit',
		name: 'headSha',
		type: 'string',
		default: "={{ $('Decide Review').isExecuted ? $('Decide Review').first().json.pr.headSha : ($('Screen Delivery').first().json.pr.headSha ?? '') }}",
	},
	{ displayName: 'Record', name: 'record', type: 'json', default: "={{ $('Decide Review').isExecuted ? $('Decide Review').first().json.record : null }}", description: "Decide Review's record of the findings" },
	...reviewStoreFields,
];

export const recordOperation: ReviewOperation = {
	value: 'record',
	name: 'Record Review',
	action: 'Record a finished review',
	description: 'Remember the reviewed commit and its findings for incremental reviews, or release the claims of a failed one',
	outputs: [],
	properties,
	async execute(ctx, itemIndex) {
		const screened = objectParameter(ctx, 'screened', itemIndex, 'Screened Delivery')!;
		const pr = screened.pr as { repo?: string; number?: number; headSha?: string | null } | undefined;
		const delivery = String(screened.delivery ?? '');
		if (!pr?.repo || !pr.number || !delivery) throw new ParameterError('Screened Delivery has no "pr" or "delivery". Fix: {{ $(\'Screen Delivery\').first().json }}');
		const state = String(ctx.getNodeParameter('state', itemIndex, 'error'));
		const headSha = String(ctx.getNodeParameter('headSha', itemIndex, '') || pr.headSha || '');
		const store = await openReviewStore(ctx, itemIndex);
		// The claim made at screening was on the delivery's head; a comment command claims none.
		const claimedHead = pr.headSha ? headKey(pr.repo, pr.number, pr.headSha) : null;
		if (state !== 'success' && state !== 'failure') {
			await store.release(deliveryKey(delivery));
			if (claimedHead) await store.release(claimedHead);
			return { recorded: false, released: true, state, pr: pr as never };
		}
		const record = objectParameter(ctx, 'record', itemIndex, 'Record');
		await store.set(deliveryKey(delivery), `reviewed ${headSha.slice(0, 7)}`, WINDOWS.delivery);
		if (headSha) await store.set(headKey(pr.repo, pr.number, headSha), 'reviewed', WINDOWS.reviewed);
		await store.set(stateKey(pr.repo, pr.number), JSON.stringify(record), WINDOWS.state);
		return { recorded: true, released: false, state, headSha, pr: pr as never };
	},
};
