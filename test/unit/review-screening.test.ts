/** Which deliveries run a review, read from GitHub's documented payloads. */
import { describe, expect, it } from 'vitest';
import { DeliveryRefused, readDelivery } from '../../nodes/shared/review/delivery.ts';
import { DEFAULT_POLICY, isCommand, screen, type ReviewPolicy } from '../../nodes/shared/review/screening.ts';
import { commentEvent, pingEvent, pullRequestEvent, signedDelivery } from '../fixtures/github/webhooks.ts';

const SHA = 'c'.repeat(40);
const headersOf = (d: { headers: Record<string, string> }) => d.headers;

describe('reading a delivery', () => {
	it('reads a JSON delivery and a form-encoded one (payload=<json>) to the same payload', () => {
		const event = pullRequestEvent('opened', { headSha: SHA });
		const json = signedDelivery('pull_request', event, 's');
		const form = signedDelivery('pull_request', event, 's', { form: true });
		expect(form.body.startsWith('payload=%7B')).toBe(true);
		const a = readDelivery(headersOf(json), JSON.parse(json.body));
		// n8n parses a form body into an object; the raw text works too.
		const b = readDelivery(headersOf(form), Object.fromEntries(new URLSearchParams(form.body)));
		const c = readDelivery(headersOf(form), form.body);
		expect(a).toMatchObject({ event: 'pull_request', contentType: 'json' });
		expect(b).toMatchObject({ event: 'pull_request', contentType: 'form' });
		expect(b.payload).toEqual(a.payload);
		expect(c.payload).toEqual(a.payload);
	});

	it.each([
		['no event header', { 'x-github-delivery': 'x', 'content-type': 'application/json' }, {}, 'X-GitHub-Event'],
		['no delivery id', { 'x-github-event': 'ping', 'content-type': 'application/json' }, {}, 'X-GitHub-Delivery'],
		['form without payload', { 'x-github-event': 'ping', 'x-github-delivery': 'x', 'content-type': 'application/x-www-form-urlencoded' }, { other: '1' }, 'payload'],
		['form with broken JSON', { 'x-github-event': 'ping', 'x-github-delivery': 'x', 'content-type': 'application/x-www-form-urlencoded' }, 'payload=%7Bnot', 'payload'],
		['an array body', { 'x-github-event': 'ping', 'x-github-delivery': 'x', 'content-type': 'application/json' }, [1], 'body'],
		['another content type', { 'x-github-event': 'ping', 'x-github-delivery': 'x', 'content-type': 'text/plain' }, 'hi', 'Content-Type'],
	])('refuses %s with a 4xx naming the field and the fix', (_name, headers, body, field) => {
		let error: unknown;
		try {
			readDelivery(headers, body);
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(DeliveryRefused);
		const refused = error as DeliveryRefused;
		expect(refused.field).toBe(field);
		expect(refused.status).toBeGreaterThanOrEqual(400);
		expect(refused.status).toBeLessThan(500);
		expect(refused.fix.length).toBeGreaterThan(10);
	});
});

describe('which deliveries run a review', () => {
	const run = (action: Parameters<typeof pullRequestEvent>[0], o: Partial<Parameters<typeof pullRequestEvent>[1]> = {}, policy: ReviewPolicy = DEFAULT_POLICY) =>
		screen('pull_request', pullRequestEvent(action, { headSha: SHA, ...o }) as Record<string, unknown>, policy);

	it('reviews opened, reopened, synchronize and ready_for_review from a member', () => {
		for (const action of ['opened', 'reopened', 'synchronize', 'ready_for_review'] as const) {
			expect(run(action)).toMatchObject({ outcome: 'review', trigger: action, pr: { repo: 'acme/shop', number: 7, headSha: SHA, fork: false } });
		}
	});

	it('skips drafts until ready_for_review, and says so', () => {
		expect(run('opened', { draft: true })).toMatchObject({ outcome: 'ignore', code: 'draft' });
		expect(run('synchronize', { draft: true })).toMatchObject({ outcome: 'ignore', code: 'draft' });
		expect(run('converted_to_draft', { draft: true })).toMatchObject({ outcome: 'ignore', code: 'draft' });
		expect(run('ready_for_review')).toMatchObject({ outcome: 'review', trigger: 'ready_for_review' });
		expect(run('opened', { draft: true }, { ...DEFAULT_POLICY, reviewDrafts: true })).toMatchObject({ outcome: 'review' });
	});

	it('edited re-reviews only when the base branch changed; closed and labeled never review', () => {
		expect(run('edited')).toMatchObject({ outcome: 'ignore', code: 'action' });
		expect(run('edited', { changes: { base: { ref: { from: 'develop' }, sha: { from: 'd'.repeat(40) } } } })).toMatchObject({ outcome: 'review', trigger: 'base_changed' });
		expect(run('closed')).toMatchObject({ outcome: 'ignore' });
		expect(run('labeled')).toMatchObject({ outcome: 'ignore', code: 'action' });
	});

	it('bots are skipped and newcomers wait for a maintainer by default; both configurable', () => {
		expect(run('opened', { author: 'dependabot[bot]', authorType: 'Bot', association: 'NONE' })).toMatchObject({ outcome: 'ignore', code: 'author' });
		for (const association of ['NONE', 'FIRST_TIME_CONTRIBUTOR', 'FIRST_TIMER', 'MANNEQUIN'] as const) {
			expect(run('opened', { association, forkRepo: 'mallory/shop' })).toMatchObject({ outcome: 'ignore', code: 'awaiting_command', reason: expect.stringContaining('/review') });
		}
		expect(run('opened', { association: 'CONTRIBUTOR', forkRepo: 'alice/shop' })).toMatchObject({ outcome: 'review', pr: { fork: true } });
		const open: ReviewPolicy = { ...DEFAULT_POLICY, others: 'review', bots: 'review' };
		expect(run('opened', { association: 'NONE' }, open)).toMatchObject({ outcome: 'review' });
		expect(run('opened', { author: 'renovate[bot]', authorType: 'Bot' }, open)).toMatchObject({ outcome: 'review' });
		// A fork policy is at least as strict as the author's.
		const forks: ReviewPolicy = { ...DEFAULT_POLICY, forks: 'skip' };
		expect(run('opened', { association: 'CONTRIBUTOR', forkRepo: 'alice/shop' }, forks)).toMatchObject({ outcome: 'ignore', code: 'author' });
		expect(run('opened', { association: 'CONTRIBUTOR' }, forks)).toMatchObject({ outcome: 'review' });
	});

	it('a maintainer\'s /review comment starts a review; anyone else\'s, a bot\'s or an issue\'s does not', () => {
		const ask = (o: Partial<Parameters<typeof commentEvent>[0]>) => screen('issue_comment', commentEvent({ body: '/review', commenter: 'maint', association: 'MEMBER', ...o }) as Record<string, unknown>);
		expect(ask({})).toMatchObject({ outcome: 'review', trigger: 'command', requestedBy: 'maint', pr: { number: 7, headSha: null } });
		expect(ask({ association: 'NONE', commenter: 'mallory' })).toMatchObject({ outcome: 'ignore', code: 'not_allowed' });
		expect(ask({ commenterType: 'Bot', commenter: 'ci[bot]', association: 'MEMBER' })).toMatchObject({ outcome: 'ignore', code: 'bot_command' });
		expect(ask({ body: 'LGTM, but /review later' })).toMatchObject({ outcome: 'ignore', code: 'no_command' });
		const onIssue = commentEvent({ body: '/review', commenter: 'maint', association: 'MEMBER' }) as Record<string, unknown>;
		delete (onIssue.issue as Record<string, unknown>).pull_request;
		expect(screen('issue_comment', onIssue)).toMatchObject({ outcome: 'ignore', code: 'not_pull_request' });
		expect(isCommand('  /review please\nthanks', '/review')).toBe(true);
		expect(isCommand('/reviewer', '/review')).toBe(false);
	});

	it('ping and other events are acknowledged without a review', () => {
		expect(screen('ping', pingEvent())).toMatchObject({ outcome: 'ignore', code: 'ping' });
		expect(screen('push', { ref: 'refs/heads/main' })).toMatchObject({ outcome: 'ignore', code: 'event' });
	});

	it('an event lacking what GitHub always sends is malformed, naming the field (answered 400, never a review)', () => {
		const good = pullRequestEvent('opened', { headSha: SHA }) as Record<string, any>;
		const without = (change: (e: Record<string, any>) => void) => {
			const e = structuredClone(good);
			change(e);
			return e;
		};
		const cases: Array<[string, Record<string, unknown>, string]> = [
			['no pull_request', without((e) => delete e.pull_request), 'pull_request'],
			['pull_request not an object', without((e) => (e.pull_request = 'x')), 'pull_request'],
			['no repository', without((e) => { delete e.repository; delete e.pull_request.base.repo; }), 'repository.full_name'],
			['number zero', without((e) => { e.number = 0; e.pull_request.number = 0; }), 'pull_request.number'],
			['number a string', without((e) => { e.number = 'seven'; e.pull_request.number = 'seven'; }), 'pull_request.number'],
			['no head sha', without((e) => delete e.pull_request.head.sha), 'pull_request.head.sha'],
		];
		for (const [name, event, field] of cases) expect(screen('pull_request', event), name).toMatchObject({ outcome: 'malformed', field, reason: expect.any(String) });
		expect(screen('pull_request', good)).toMatchObject({ outcome: 'review' });
		const command = commentEvent({ body: '/review', commenter: 'lead', association: 'MEMBER' }) as Record<string, any>;
		delete command.issue.number;
		expect(screen('issue_comment', command)).toMatchObject({ outcome: 'malformed', field: 'issue.number' });
	});
});
