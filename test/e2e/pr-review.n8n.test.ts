/**
 * workflows/pr-review-pipeline.json in a real n8n 2.40.7 against a loopback stand-in for the
 * GitHub API: signed webhook deliveries (HMAC checked in the workflow), the diff, commit
 * statuses, one updated comment, and the budget / high-security variants.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { N8nInstance, packPackage } from '../../scripts/lib/n8n-instance.ts';
import { configure, nodeNamed, readWorkflow, type Workflow } from '../../scripts/lib/workflows.ts';
import { ClaudeSimulator } from '../../simulator/server.ts';
import { TEST_KEY } from '../helpers/simulator.ts';
import { StandIn, type Received } from '../helpers/stand-in.ts';

const SECRET = 'webhook-secret-for-tests';
const file = (name: string, lines: number) =>
	[`diff --git a/${name} b/${name}`, `--- a/${name}`, `+++ b/${name}`, '@@ -1,1 +1,40 @@', ...Array.from({ length: lines }, (_, i) => `+const v${i} = query(\`SELECT * FROM t WHERE id=\${id${i}}\`);`)].join('\n');
const DIFF = [file('src/db.ts', 20), file('src/api.ts', 20), file('src/ui.ts', 20)].join('\n');
const finding = (severity: string, title: string) => ({ severity, title, file: 'src/db.ts', line: 3, detail: 'd', suggestion: 's' });
/** A pull request too large for GitHub's diff: 119 files with patches and a binary one. */
const BIG_PR_FILES = [
	...Array.from({ length: 119 }, (_, i) => ({ filename: `src/gen/file${i}.ts`, status: 'added', patch: `@@ -0,0 +1,2 @@\n+export const v${i} = ${i};\n+export const w${i} = ${i} * 2;` })),
	{ filename: 'assets/logo.png', status: 'modified' },
];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class GitHubStandIn extends StandIn {
	comments: Array<{ id: number; issue: number; body: string }> = [];
	constructor() {
		super((req) => this.route(req));
	}
	private route(req: Received) {
		const json = (status: number, value: unknown) => ({ status, type: 'application/json', body: JSON.stringify(value) });
		// PR 13's diff is too large for GitHub's diff media type; its files come in pages. PR 14: nothing works.
		if (req.method === 'GET' && /\/pulls\/1[34]$/.test(req.path)) return json(406, { message: 'Sorry, the diff exceeded the maximum number of files (300).' });
		const files = /\/pulls\/(1[34])\/files\?(.*)$/.exec(req.path);
		if (req.method === 'GET' && files) {
			if (files[1] === '14') return json(500, { message: 'Server Error' });
			const page = Number(new URLSearchParams(files[2]).get('page') ?? 1);
			return json(200, BIG_PR_FILES.slice((page - 1) * 100, page * 100));
		}
		if (req.method === 'GET' && /\/pulls\/\d+$/.test(req.path)) return { status: 200, type: 'text/plain', body: DIFF };
		if (req.method === 'POST' && /\/statuses\//.test(req.path)) return json(201, { state: (req.json as { state: string }).state });
		const issue = Number(/\/issues\/(\d+)\/comments/.exec(req.path)?.[1]);
		if (req.method === 'GET' && issue) {
			// GitHub pages comments: per_page (max 100), page from 1.
			const query = new URLSearchParams(req.path.split('?')[1] ?? '');
			const perPage = Math.min(100, Number(query.get('per_page') ?? 30));
			const page = Number(query.get('page') ?? 1);
			return json(200, this.comments.filter((c) => c.issue === issue).slice((page - 1) * perPage, page * perPage));
		}
		if (req.method === 'POST' && issue) {
			const c = { id: 1000 + this.comments.length, issue, body: (req.json as { body: string }).body };
			this.comments.push(c);
			return json(201, c);
		}
		const patch = /\/issues\/comments\/(\d+)$/.exec(req.path);
		if (req.method === 'PATCH' && patch) {
			const c = this.comments.find((x) => x.id === Number(patch[1]))!;
			c.body = (req.json as { body: string }).body;
			return json(200, c);
		}
		return json(404, { message: `no route ${req.method} ${req.path}` });
	}
	statuses(): Array<Record<string, string>> {
		return this.received.filter((r) => r.method === 'POST' && r.path.includes('/statuses/')).map((r) => ({ sha: r.path.split('/').pop()!, ...(r.json as Record<string, string>) }));
	}
}

describe('real n8n: PR review pipeline', () => {
	// Fixed fake latency per model call, so the wall time printed below means something.
	const LATENCY_MS = 300;
	const sim = new ClaudeSimulator({ requiredApiKey: TEST_KEY, defaultLatencyMs: LATENCY_MS });
	const github = new GitHubStandIn();
	const n8n = new N8nInstance();
	const deliver = (payload: unknown, { secret = SECRET, path = 'github-pull-request', event = 'pull_request' } = {}) => {
		const body = JSON.stringify(payload);
		const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
		return fetch(`${n8n.url}/webhook/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-hub-signature-256': signature }, body });
	};
	const event = (action: string, sha: string, number = 7) => ({ action, number, repository: { full_name: 'acme/shop' }, pull_request: { number, title: 'Add search', head: { sha } } });
	const settle = async (sha: string) => {
		const deadline = Date.now() + 60_000;
		const done = () => github.statuses().some((s) => s.sha === sha && s.state !== 'pending') && github.comments.some((c) => c.body.includes(sha));
		while (!done() && Date.now() < deadline) await sleep(50);
		await sleep(300);
	};
	const variant = (wf: Workflow, id: string, name: string, path: string) => {
		const copy = JSON.parse(JSON.stringify(wf)) as Workflow;
		copy.id = id;
		copy.name = `${copy.name} (${name})`;
		const hook = nodeNamed(copy, 'GitHub Pull Request');
		hook.parameters.path = path;
		hook.webhookId = `${hook.webhookId!.slice(0, -8)}${id.slice(-8).padStart(8, '0')}`;
		return configure(copy, { variant: name });
	};

	beforeAll(async () => {
		const simUrl = await sim.start();
		const githubUrl = await github.start();
		const wf = configure(readWorkflow('pr-review-pipeline.json'), { githubApiUrl: githubUrl, chunkChars: 3000 });
		n8n.installPackage(packPackage());
		n8n.importCredentials([
			{ id: 'agentSwarmAnthropic', name: 'Agent Swarm Anthropic', type: 'agentSwarmAnthropicApi', data: { apiKey: TEST_KEY, baseUrl: simUrl } },
			{ id: 'githubReviewBot', name: 'GitHub Review Bot', type: 'githubApi', data: { server: githubUrl, user: 'review-bot', accessToken: 'ghp_test_token' } },
			{ id: 'githubWebhookSecret', name: 'GitHub Webhook Secret', type: 'crypto', data: { hmacSecret: SECRET } },
		]);
		n8n.importWorkflows([wf, variant(wf, 'agentSwarmPrReviewBudget', 'budget', 'github-pr-budget'), variant(wf, 'agentSwarmPrReviewSecure', 'high-security', 'github-pr-secure'), variant(wf, 'agentSwarmPrReviewWide', 'comprehensive', 'github-pr-wide')]);
		await n8n.start();
		for (const path of ['github-pull-request', 'github-pr-budget', 'github-pr-secure', 'github-pr-wide']) await n8n.waitForWebhook(path);
	});

	afterAll(async () => {
		await n8n.stop();
		await Promise.all([sim.stop(), github.stop()]);
		n8n.remove();
	});

	it('refuses a delivery with a bad or missing signature with 401, and nothing runs', async () => {
		const bad = await deliver(event('opened', 'aaa'), { secret: 'wrong-secret' });
		expect(bad.status).toBe(401);
		expect(await bad.json()).toMatchObject({ error: 'invalid signature' });
		const unsigned = await fetch(`${n8n.url}/webhook/github-pull-request`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request' }, body: JSON.stringify(event('opened', 'aaa')) });
		expect(unsigned.status).toBe(401);
		// A valid signature over a different body (a replayed header) is refused too.
		const body = JSON.stringify(event('opened', 'aaa'));
		const forged = await fetch(`${n8n.url}/webhook/github-pull-request`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body + ' ').digest('hex')}` },
			body,
		});
		expect(forged.status).toBe(401);
		await sleep(1000);
		expect(sim.messageRequests()).toHaveLength(0);
		expect(github.received).toHaveLength(0);
	});

	it('a critical finding sets a failure status and posts one summary comment; large diffs are reviewed file by file', async () => {
		sim.script({ match: { contains: 'Security Reviewer' }, behaviour: { content: { summary: 'injection', findings: [finding('critical', 'SQL injection')] } } });
		sim.script({ match: { contains: 'lead a pull request review' }, times: 1, behaviour: { content: { summary: 'Blocking: SQL injection', findings: [{ ...finding('critical', 'SQL injection'), reviewers: ['security'] }] } } });
		const started = Date.now();
		const res = await deliver(event('opened', 'sha-one'));
		expect(res.status).toBe(202);
		expect(await res.json()).toMatchObject({ status: 'accepted', event: 'pull_request' });
		await settle('sha-one');
		console.log(`[figure] PR review (standard, 5 reviewers, 3-file diff in parts, ${LATENCY_MS} ms per model call): ${Date.now() - started} ms from delivery to comment`);
		expect(github.statuses()).toEqual([
			expect.objectContaining({ sha: 'sha-one', state: 'pending', context: 'agent-swarm/review' }),
			expect.objectContaining({ sha: 'sha-one', state: 'failure', description: '1 critical issue found', context: 'agent-swarm/review' }),
		]);
		expect(github.comments).toHaveLength(1);
		expect(github.comments[0].body).toMatch(/<!-- agent-swarm-review -->[\s\S]*❌ changes required[\s\S]*SQL injection/);
		// The GitHub token went to GitHub only, as a header.
		expect(github.received.every((r) => r.headers.authorization === 'token ghp_test_token')).toBe(true);
		// Five reviewers, concurrently; the diff (3 files, over the 3,000-character chunk size) went in whole files.
		const reviewers = new Set(sim.messageRequests().map((r) => /You are the (\w[\w ]*Reviewer)/.exec(JSON.stringify(r.system))?.[1]).filter(Boolean));
		expect([...reviewers].sort()).toEqual(['Documentation Reviewer', 'Performance Reviewer', 'Security Reviewer', 'Style Reviewer', 'Test Reviewer']);
		const parts = sim.messageRequests().filter((r) => /part \d+ of \d+/.test(JSON.stringify(r.messages)));
		expect(parts.length).toBeGreaterThanOrEqual(10);
		for (const p of parts) expect(JSON.stringify(p.messages)).toMatch(/source=\\"diff\\">\\ndiff --git a\/src\/\w+\.ts/);
	});

	it('a new push updates the same comment and the status follows the new verdict', async () => {
		sim.reset();
		sim.script({ match: { contains: 'lead a pull request review' }, times: 1, behaviour: { content: { summary: 'Only a naming nit', findings: [{ ...finding('low', 'Unclear name'), reviewers: ['style'] }] } } });
		expect((await deliver(event('synchronize', 'sha-two'))).status).toBe(202);
		await settle('sha-two');
		const latest = github.statuses().filter((s) => s.sha === 'sha-two');
		expect(latest.at(-1)).toMatchObject({ state: 'success', description: 'No critical-or-worse issues (1 low)' });
		expect(github.comments).toHaveLength(1);
		expect(github.comments[0]).toMatchObject({ issue: 7 });
		expect(github.comments[0].body).toMatch(/✅ no blocking issues[\s\S]*Unclear name/);
		expect(github.comments[0].body).not.toContain('SQL injection');
		expect(github.received.filter((r) => r.method === 'PATCH')).toHaveLength(1);
	});

	it('ignores pull request actions and events that need no review', async () => {
		sim.reset();
		const before = github.received.length;
		expect((await deliver(event('labeled', 'sha-three'))).status).toBe(202);
		expect((await deliver({ zen: 'Keep it logically awesome.', hook_id: 1 }, { event: 'ping' })).status).toBe(202);
		await sleep(1500);
		expect(github.received).toHaveLength(before);
		expect(sim.messageRequests()).toHaveLength(0);
	});

	it('budget variant: security and style reviewers on the balanced tier, a balanced lead', async () => {
		sim.reset();
		expect((await deliver(event('opened', 'sha-budget', 8), { path: 'github-pr-budget' })).status).toBe(202);
		await settle('sha-budget');
		const calls = sim.messageRequests();
		const roles = new Set(calls.map((r) => /You are the (\w[\w ]*Reviewer)/.exec(JSON.stringify(r.system))?.[1]).filter(Boolean));
		expect([...roles].sort()).toEqual(['Security Reviewer', 'Style Reviewer']);
		expect(new Set(calls.map((r) => r.model))).toEqual(new Set(['claude-sonnet-5-5']));
		// PR 8 gets its own comment; PR 7's is untouched.
		expect(github.comments.map((c) => c.issue)).toEqual([7, 8]);
		expect(github.comments[1].body).toMatch(/<!-- agent-swarm-review -->[\s\S]*sha-budget/);
	});

	it('high-security variant: four security specialists on the deep tier', async () => {
		sim.reset();
		expect((await deliver(event('opened', 'sha-secure', 9), { path: 'github-pr-secure' })).status).toBe(202);
		await settle('sha-secure');
		const specialists = sim.messageRequests().filter((r) => !JSON.stringify(r.system).includes('lead a pull request review'));
		const roles = new Set(specialists.map((r) => /You are the (\w[\w ]*Reviewer)/.exec(JSON.stringify(r.system))?.[1]));
		expect([...roles].sort()).toEqual(['Access Control Reviewer', 'Injection Reviewer', 'Secrets and Crypto Reviewer', 'Supply Chain Reviewer']);
		expect(new Set(specialists.map((r) => r.model))).toEqual(new Set(['claude-opus-5-5']));
		expect(github.statuses().filter((s) => s.sha === 'sha-secure').at(-1)).toMatchObject({ context: 'agent-swarm/review' });
	});

	it('comprehensive variant: seven reviewers including accessibility and i18n', async () => {
		sim.reset();
		expect((await deliver(event('opened', 'sha-wide', 10), { path: 'github-pr-wide' })).status).toBe(202);
		await settle('sha-wide');
		const roles = new Set(sim.messageRequests().map((r) => /You are the (\w[\w ]*Reviewer)/.exec(JSON.stringify(r.system))?.[1]).filter(Boolean));
		expect(roles.size).toBe(7);
		expect(roles).toContain('Accessibility Reviewer');
		expect(roles).toContain('Internationalisation Reviewer');
		expect(new Set(sim.messageRequests().filter((r) => JSON.stringify(r.system).includes('lead a pull request review')).map((r) => r.model))).toEqual(new Set(['claude-opus-5-5']));
	});

	it('finds its comment on a busy pull request (comments paged) and updates it instead of adding another', async () => {
		sim.reset();
		for (let i = 0; i < 150; i++) github.comments.push({ id: 5000 + i, issue: 11, body: `LGTM ${i}` });
		expect((await deliver(event('opened', 'sha-busy-1', 11))).status).toBe(202);
		await settle('sha-busy-1');
		expect((await deliver(event('synchronize', 'sha-busy-2', 11))).status).toBe(202);
		await settle('sha-busy-2');
		const ours = github.comments.filter((c) => c.issue === 11 && c.body.includes('<!-- agent-swarm-review -->'));
		expect(ours).toHaveLength(1);
		expect(ours[0].body).toContain('sha-busy-2');
		expect(github.received.some((r) => r.method === 'GET' && r.path.includes('/issues/11/comments') && r.path.includes('page=2'))).toBe(true);
	});

	it('when the review cannot finish, the status is error with the reason and the comment says so', async () => {
		sim.reset();
		// A 400 "prompt is too long" is the API's input_too_large (https://platform.claude.com/docs/en/api/errors).
		sim.script({ match: { contains: 'lead a pull request review' }, behaviour: { kind: 'error', status: 400, message: 'prompt is too long: 1000201 tokens > 1000000 maximum' } });
		expect((await deliver(event('opened', 'sha-broken', 12))).status).toBe(202);
		await settle('sha-broken');
		expect(github.statuses().filter((s) => s.sha === 'sha-broken').at(-1)).toMatchObject({ state: 'error', description: expect.stringMatching(/^Review could not finish: failed \(input_too_large\)/) });
		expect(github.comments.find((c) => c.issue === 12)!.body).toMatch(/Agent Swarm review: no result/);
	});

	it('a pull request too large for the diff API is reviewed from its per-file patches; files without a patch are named', async () => {
		sim.reset();
		expect((await deliver(event('opened', 'sha-huge', 13))).status).toBe(202);
		await settle('sha-huge');
		const pages = github.received.filter((r) => r.path.includes('/pulls/13/files'));
		expect(pages.map((r) => new URLSearchParams(r.path.split('?')[1]).get('page'))).toEqual(['1', '2']);
		const prompts = JSON.stringify(sim.messageRequests().map((r) => r.messages));
		expect(prompts).toContain('diff --git a/src/gen/file0.ts b/src/gen/file0.ts');
		expect(prompts).toContain('src/gen/file118.ts');
		const comment = github.comments.find((c) => c.issue === 13)!.body;
		expect(comment).toMatch(/\*\*Not reviewed\*\* \(GitHub sent no diff for them\): `assets\/logo\.png`/);
		expect(github.statuses().filter((s) => s.sha === 'sha-huge').at(-1)!.state).not.toBe('pending');
	});

	it('when neither the diff nor the file list can be fetched, the status says so instead of staying pending', async () => {
		sim.reset();
		expect((await deliver(event('opened', 'sha-nodiff', 14))).status).toBe(202);
		const deadline = Date.now() + 30_000;
		while (!github.statuses().some((s) => s.sha === 'sha-nodiff' && s.state !== 'pending') && Date.now() < deadline) await sleep(50);
		expect(github.statuses().filter((s) => s.sha === 'sha-nodiff').at(-1)).toMatchObject({ state: 'error', description: expect.stringMatching(/^Could not fetch the diff/) });
		expect(sim.messageRequests()).toHaveLength(0);
	});
});
