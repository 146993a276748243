/**
 * The GitHub stand-in refuses what GitHub refuses. Each rule is checked over real HTTP and
 * names the documentation it comes from.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCS, GitHubStandIn } from '../helpers/github-stand-in.ts';
import { pullRequest } from '../fixtures/github/webhooks.ts';

const HEAD = 'a'.repeat(40);
const gh = new GitHubStandIn();
let base = '';
const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
	fetch(`${base}/repos/acme/shop${path}`, {
		method,
		headers: { 'user-agent': 'test', authorization: 'token t', accept: 'application/vnd.github+json', ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
	});

beforeAll(async () => {
	base = await gh.start();
	gh.setPull(pullRequest({ headSha: HEAD }) as unknown as Record<string, unknown>, [
		{ filename: 'src/a.ts', status: 'modified', patch: '@@ -10,4 +10,5 @@\n ctx1\n-old\n+new1\n+new2\n ctx2\n ctx3' },
		...Array.from({ length: 250 }, (_, i) => ({ filename: `gen/f${i}.ts`, status: 'added' as const, patch: '@@ -0,0 +1 @@\n+x' })),
	]);
});
afterAll(() => gh.stop());

describe(`GitHub stand-in rules`, () => {
	it(`refuses a request without User-Agent (403): ${DOCS.userAgent}`, async () => {
		const res = await fetch(`${base}/repos/acme/shop/pulls/7`, { headers: { authorization: 'token t' } });
		// fetch sends its own User-Agent unless told not to; send an empty one explicitly.
		const bare = await fetch(`${base}/repos/acme/shop/pulls/7`, { headers: { authorization: 'token t', 'user-agent': '' } });
		expect(res.status).toBe(200);
		expect(bare.status).toBe(403);
	});

	it(`answers 404 without a token (private repository): ${DOCS.auth}`, async () => {
		expect((await call('GET', '/pulls/7', undefined, { authorization: '' })).status).toBe(404);
		expect((await call('GET', '/pulls/7')).status).toBe(200);
	});

	it(`pages files 30 by default and at most 100 per page: ${DOCS.pullFiles} ${DOCS.pagination}`, async () => {
		expect(((await (await call('GET', '/pulls/7/files')).json()) as unknown[]).length).toBe(30);
		expect(((await (await call('GET', '/pulls/7/files?per_page=500')).json()) as unknown[]).length).toBe(100);
		expect(((await (await call('GET', '/pulls/7/files?per_page=100&page=3')).json()) as unknown[]).length).toBe(51);
	});

	it(`refuses a status description over 140 characters and an unknown state (422): ${DOCS.status}`, async () => {
		const long = await call('POST', `/statuses/${HEAD}`, { state: 'success', description: 'x'.repeat(141), context: 'c' });
		expect(long.status).toBe(422);
		expect(JSON.stringify(await long.json())).toContain('description is too long (maximum is 140 characters)');
		expect((await call('POST', `/statuses/${HEAD}`, { state: 'approved' })).status).toBe(422);
		expect((await call('POST', `/statuses/${HEAD}`, { state: 'success', description: 'x'.repeat(140) })).status).toBe(201);
	});

	it(`refuses a review comment on a line that is not part of the diff, or a range across hunks (422): ${DOCS.review}`, async () => {
		const review = (comments: unknown[]) => call('POST', '/pulls/7/reviews', { commit_id: HEAD, event: 'COMMENT', body: 'b', comments });
		expect((await review([{ path: 'src/a.ts', line: 99, side: 'RIGHT', body: 'x' }])).status).toBe(422);
		// Line 11 on the RIGHT is an added line; line 11 on the LEFT is the deleted one.
		expect((await review([{ path: 'src/a.ts', line: 11, side: 'RIGHT', body: 'x' }])).status).toBe(200);
		expect((await review([{ path: 'src/a.ts', line: 11, side: 'LEFT', body: 'x' }])).status).toBe(200);
		expect((await review([{ path: 'src/a.ts', line: 5, side: 'LEFT', body: 'x' }])).status).toBe(422);
		expect((await review([{ path: 'src/a.ts', start_line: 12, line: 11, side: 'RIGHT', body: 'x' }])).status).toBe(422);
		expect((await review([{ path: 'src/other.ts', line: 1, side: 'RIGHT', body: 'x' }])).status).toBe(422);
		expect((await call('POST', '/pulls/7/reviews', { event: 'LGTM', body: 'b' })).status).toBe(422);
		// All or nothing: one bad comment refuses the whole review.
		const before = gh.reviews.length;
		expect((await review([{ path: 'src/a.ts', line: 11, body: 'ok' }, { path: 'src/a.ts', line: 99, body: 'bad' }])).status).toBe(422);
		expect(gh.reviews.length).toBe(before);
	});

	it(`refuses an issue comment over 65,536 characters (422): ${DOCS.issueComment}`, async () => {
		expect((await call('POST', '/issues/7/comments', { body: 'x'.repeat(65537) })).status).toBe(422);
		expect((await call('POST', '/issues/7/comments', { body: 'ok' })).status).toBe(201);
	});

	it(`answers 404 for a comparison with an unknown commit, and for a file missing at a ref: ${DOCS.compare} ${DOCS.contents}`, async () => {
		expect((await call('GET', `/compare/${'0'.repeat(40)}...${HEAD}`)).status).toBe(404);
		expect((await call('GET', '/contents/.github/agent-swarm.yml?ref=main')).status).toBe(404);
		gh.contents.set('.github/agent-swarm.yml@main', 'min_confidence: 50\n');
		const file = (await (await call('GET', '/contents/.github/agent-swarm.yml?ref=main')).json()) as { encoding: string; content: string };
		expect(Buffer.from(file.content, 'base64').toString()).toBe('min_confidence: 50\n');
	});
});
