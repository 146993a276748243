/**
 * Screen Delivery: reads a GitHub webhook delivery (JSON or form-encoded), decides whether it
 * runs a review, and refuses replays: the same delivery id, or a head commit already reviewed
 * or being reviewed. Routes to "Review" or "No Review"; each item says what to answer GitHub.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { toOutput } from '../../shared/n8n/item-runner.ts';
import { DeliveryRefused, tryReadDelivery } from '../../shared/review/delivery.ts';
import { deliveryKey, headKey, parseState, stateKey, WINDOWS } from '../../shared/review/keys.ts';
import { ASSOCIATIONS, DEFAULT_POLICY, screen, type AuthorMode, type ReviewPolicy } from '../../shared/review/screening.ts';
import type { OnceStore } from '../../shared/stores/once-store.ts';
import type { ReviewOperation } from './operation.ts';
import { openReviewStore, reviewStoreFields } from './store.ts';

const MODES = [
	{ name: 'Review', value: 'review' },
	{ name: 'Review When a Maintainer Comments the Command', value: 'command' },
	{ name: 'Skip', value: 'skip' },
];
const associationOptions = ASSOCIATIONS.map((a) => ({ name: a, value: a }));

const properties: INodeProperties[] = [
	{ displayName: 'Headers', name: 'headers', type: 'json', default: '={{ $json.headers }}', description: 'The delivery\'s HTTP headers (the Webhook node\'s "headers")' },
	{ displayName: 'Body', name: 'body', type: 'json', default: '={{ $json.body }}', description: 'The delivery\'s body: JSON, or the form with its "payload" field' },
	{
		displayName: 'Trusted Author Associations',
		name: 'trusted',
		type: 'multiOptions',
		default: ['OWNER', 'MEMBER', 'COLLABORATOR', 'CONTRIBUTOR'],
		options: associationOptions,
		description: 'Pull requests from these authors are reviewed automatically',
	},
	{ displayName: 'Other Authors', name: 'others', type: 'options', default: 'command', options: MODES, description: 'E.g. NONE and FIRST_TIME_CONTRIBUTOR: anyone can open a pull request on a public repository.' },
	{ displayName: 'Bots', name: 'bots', type: 'options', default: 'skip', options: MODES, description: 'Accounts of type Bot, e.g. dependabot[bot]' },
	{
		displayName: 'Forks',
		name: 'forks',
		type: 'options',
		default: 'author',
		options: [{ name: 'Same as the Author', value: 'author' }, ...MODES],
		description: 'Pull requests from a fork are treated at least this strictly',
	},
	{ displayName: 'Command', name: 'command', type: 'string', default: '/review', description: 'A comment starting with this asks for a review' },
	{
		displayName: 'Who May Ask',
		name: 'commanders',
		type: 'multiOptions',
		default: ['OWNER', 'MEMBER', 'COLLABORATOR'],
		options: associationOptions,
		description: 'Commenters whose command starts a review',
	},
	{ displayName: 'Review Drafts', name: 'reviewDrafts', type: 'boolean', default: false, description: 'Whether drafts are reviewed on every push (otherwise when marked ready for review)' },
	...reviewStoreFields,
];

export const screenOperation: ReviewOperation = {
	value: 'screen',
	name: 'Screen Delivery',
	action: 'Screen a GitHub delivery',
	description: 'Decide whether a webhook delivery runs a review; refuse replays and unreadable deliveries',
	outputs: ['Review', 'No Review'],
	properties,
	async execute(ctx, itemIndex) {
		const headers = (ctx.getNodeParameter('headers', itemIndex, {}) as IDataObject) ?? {};
		const body = ctx.getNodeParameter('body', itemIndex, null) as unknown;
		const delivery = tryReadDelivery(typeof headers === 'object' ? headers : {}, body);
		if (delivery instanceof DeliveryRefused) {
			return toOutput(1, { outcome: 'refused', reason: delivery.message, response: { status: delivery.status, body: { error: delivery.message, field: delivery.field, fix: delivery.fix } } });
		}
		const policy = readPolicy(ctx.getNodeParameter.bind(ctx), itemIndex);
		const screening = screen(delivery.event, delivery.payload, policy);
		const about = { event: delivery.event, delivery: delivery.id, contentType: delivery.contentType };
		const ignore = (code: string, reason: string, pr?: unknown) =>
			toOutput(1, { ...about, outcome: 'ignored', code, reason, ...(pr ? { pr: pr as IDataObject } : {}), response: { status: 202, body: { status: 'ignored', code, reason } } });
		if (screening.outcome === 'malformed') {
			const fix = 'Send the event as GitHub does (https://docs.github.com/en/webhooks/webhook-events-and-payloads)';
			return toOutput(1, { ...about, outcome: 'refused', reason: screening.reason, response: { status: 400, body: { error: screening.reason, field: screening.field, fix } } });
		}
		if (screening.outcome === 'ignore') return ignore(screening.code, screening.reason, screening.pr);

		const store = await openReviewStore(ctx, itemIndex);
		const { pr, trigger } = screening;
		// Held only while the review runs; Record Review keeps it for the delivery window once the review ends,
		// so a run that crashed does not refuse GitHub's redelivery for days.
		const claim = await store.claim(deliveryKey(delivery.id), WINDOWS.running, 'running');
		if (!claim.first) return ignore('replay', `Delivery ${delivery.id} was already received (${claim.value})`, pr);
		if (pr.headSha && trigger !== 'base_changed') {
			const head = await store.claim(headKey(pr.repo, pr.number, pr.headSha), WINDOWS.running, 'running');
			if (!head.first) {
				await store.release(deliveryKey(delivery.id));
				return ignore('duplicate', `Commit ${pr.headSha.slice(0, 7)} of ${pr.repo}#${pr.number} is ${head.value === 'running' ? 'being reviewed' : 'already reviewed'}`, pr);
			}
		}
		const previous = parseState(await store.get(stateKey(pr.repo, pr.number)));
		if (previous && pr.headSha && previous.sha === pr.headSha && trigger !== 'base_changed') {
			await releaseClaims(store, delivery.id, pr.repo, pr.number, pr.headSha);
			return ignore('duplicate', `Commit ${pr.headSha.slice(0, 7)} was already reviewed`, pr);
		}
		const incremental = trigger === 'synchronize' || trigger === 'reopened' || trigger === 'ready_for_review';
		return toOutput(0, {
			...about,
			outcome: 'review',
			trigger,
			pr: pr as unknown as IDataObject,
			...(screening.requestedBy ? { requestedBy: screening.requestedBy } : {}),
			previous: previous as unknown as IDataObject,
			compareFrom: previous && incremental ? previous.sha : null,
			response: { status: 202, body: { status: 'accepted', event: delivery.event, delivery: delivery.id, trigger } },
		});
	},
};

async function releaseClaims(store: OnceStore, delivery: string, repo: string, number: number, sha: string | null): Promise<void> {
	await store.release(deliveryKey(delivery));
	if (sha) await store.release(headKey(repo, number, sha));
}

function readPolicy(get: (name: string, index: number, fallback: unknown) => unknown, i: number): ReviewPolicy {
	const list = (name: string, fallback: string[]) => (Array.isArray(get(name, i, fallback)) ? (get(name, i, fallback) as string[]) : fallback);
	return {
		trusted: list('trusted', DEFAULT_POLICY.trusted),
		others: get('others', i, DEFAULT_POLICY.others) as AuthorMode,
		bots: get('bots', i, DEFAULT_POLICY.bots) as AuthorMode,
		forks: get('forks', i, DEFAULT_POLICY.forks) as AuthorMode | 'author',
		command: String(get('command', i, DEFAULT_POLICY.command)).trim() || DEFAULT_POLICY.command,
		commanders: list('commanders', DEFAULT_POLICY.commanders),
		reviewDrafts: get('reviewDrafts', i, false) === true,
	};
}
