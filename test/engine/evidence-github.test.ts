/**
 * Evidence Fetch "Recent GitHub Commits" in n8n's engine against a loopback stand-in of the
 * GitHub REST API that enforces what the docs require: a bearer token, per_page at most 100,
 * ISO 8601 since/until, pages linked with `Link: rel="next"`.
 * https://docs.github.com/en/rest/commits/commits#list-commits
 * https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextLink } from '../../nodes/EvidenceFetch/actions/github-commits.operation.ts';
import { runChain } from '../helpers/engine.ts';

const START = Date.parse('2026-11-25T02:10:00Z');
// 230 commits, one every 2 minutes back from 30 min after the start: the 6 h window holds 180.
const COMMITS = Array.from({ length: 230 }, (_, i) => ({
	sha: `${(i + 1).toString(16).padStart(7, '0')}${'0'.repeat(33)}`,
	commit: { message: `change ${i}\n\nbody`, author: { name: 'Dev', date: new Date(START + 30 * 60_000 - i * 120_000).toISOString() }, committer: { date: new Date(START + 30 * 60_000 - i * 120_000).toISOString() } },
	author: { login: `dev${i % 3}` },
}));

let server: Server;
let base = '';
const seen: string[] = [];

beforeAll(async () => {
	server = createServer((req, res) => {
		const url = new URL(req.url!, 'http://x');
		seen.push(req.url!);
		const send = (status: number, body: unknown, headers: Record<string, string> = {}) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
		if (req.headers.authorization !== 'Bearer ghp_test') return send(401, { message: 'Bad credentials' });
		const m = /^\/repos\/([\w.-]+)\/([\w.-]+)\/commits$/.exec(url.pathname);
		if (!m) return send(404, { message: 'Not Found' });
		const perPage = Number(url.searchParams.get('per_page') ?? 30);
		if (perPage > 100) return send(422, { message: 'per_page must be at most 100' });
		const since = url.searchParams.get('since');
		const until = url.searchParams.get('until');
		if ((since && !Number.isFinite(Date.parse(since))) || (until && !Number.isFinite(Date.parse(until)))) return send(422, { message: 'Invalid timestamp' });
		const inWindow = COMMITS.filter((c) => (!since || c.commit.committer.date >= since) && (!until || c.commit.committer.date <= until));
		const page = Number(url.searchParams.get('page') ?? 1);
		const slice = inWindow.slice((page - 1) * perPage, page * perPage);
		const last = Math.ceil(inWindow.length / perPage);
		const link = (p: number) => { const u = new URL(req.url!, base); u.searchParams.set('page', String(p)); return u.href; };
		send(200, slice, page < last ? { link: `<${link(page + 1)}>; rel="next", <${link(last)}>; rel="last"` } : {});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(() => new Promise((r) => server.close(r)));

const step = (parameters: Record<string, unknown>) => ({
	name: 'Evidence Fetch',
	type: 'evidenceFetch' as const,
	parameters: { operation: 'githubCommits', githubApiUrl: base, repositories: 'acme/checkout-api', allowedHosts: base, githubAuth: 'credential', ...parameters },
});

describe('Evidence Fetch: recent GitHub commits', () => {
	it('lists every commit in the 6 h before the start, across pages, newest first', async () => {
		const { items, error } = await runChain({ chain: [step({})], items: [{ incident_id: 'AM-1', starts_at: new Date(START).toISOString() }], credentials: {}, extraCredentials: { agentSwarmGitHubApi: { token: 'ghp_test' } } });
		expect(error).toBeUndefined();
		const text = items![0].json.recent_commits as string;
		const listed = text.split('\n').filter((l) => l.startsWith('- '));
		const expected = COMMITS.filter((c) => c.commit.committer.date <= new Date(START).toISOString() && c.commit.committer.date >= new Date(START - 6 * 3_600_000).toISOString());
		expect(listed).toHaveLength(expected.length);
		expect(listed[0]).toBe(`- ${expected[0].commit.committer.date} ${expected[0].sha.slice(0, 7)} ${expected[0].author.login}: change ${COMMITS.indexOf(expected[0])}`);
		expect(text).toContain(`acme/checkout-api: ${expected.length} commits`);
		expect(seen.filter((u) => u.includes('/commits')).length).toBe(Math.ceil(expected.length / 100));
		expect(seen.every((u) => !u.includes('/commits') || u.includes('per_page=100'))).toBe(true);
	});

	it('a refused token is listed as a refused source, not a failed run', async () => {
		const { items, error } = await runChain({ chain: [step({})], items: [{ incident_id: 'AM-2' }], credentials: {}, extraCredentials: { agentSwarmGitHubApi: { token: 'wrong' } } });
		expect(error).toBeUndefined();
		expect(items![0].json.evidence).toMatchObject({ refused: [expect.objectContaining({ field: 'recent_commits', rule: 'status', reason: expect.stringMatching(/HTTP 401/) })] });
	});

	it('reads the next page from the Link header', () => {
		expect(nextLink('<https://api.github.com/repositories/1/commits?page=2>; rel="next", <https://api.github.com/repositories/1/commits?page=5>; rel="last"')).toBe('https://api.github.com/repositories/1/commits?page=2');
		expect(nextLink('<https://api.github.com/x?page=4>; rel="prev"')).toBeUndefined();
	});
});
