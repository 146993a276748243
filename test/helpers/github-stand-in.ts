/**
 * A loopback stand-in for the parts of GitHub's REST API the PR review uses. It keeps a small
 * model of one repository (pull requests with their files, comparisons, file contents per ref)
 * and refuses what GitHub refuses; each rule names its documentation in DOCS and has a test in
 * test/integration/github-stand-in.test.ts.
 */
import { parsePatch } from '../../nodes/shared/review/diff.ts';
import { StandIn, type Received } from './stand-in.ts';

export const DOCS = {
	userAgent: 'https://docs.github.com/en/rest/using-the-rest-api/getting-started-with-the-rest-api#user-agent',
	auth: 'https://docs.github.com/en/rest/authentication/authenticating-to-the-rest-api',
	pagination: 'https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api',
	pullFiles: 'https://docs.github.com/en/rest/pulls/pulls#list-pull-requests-files',
	compare: 'https://docs.github.com/en/rest/commits/commits#compare-two-commits',
	contents: 'https://docs.github.com/en/rest/repos/contents#get-repository-content',
	status: 'https://docs.github.com/en/rest/commits/statuses#create-a-commit-status',
	review: 'https://docs.github.com/en/rest/pulls/reviews#create-a-review-for-a-pull-request',
	issueComment: 'https://docs.github.com/en/rest/issues/comments#create-an-issue-comment',
} as const;

export interface StandInFile {
	filename: string;
	status: 'added' | 'modified' | 'removed' | 'renamed';
	patch?: string;
	previous_filename?: string;
}

export interface Comparison {
	status: 'ahead' | 'behind' | 'diverged' | 'identical';
	files: StandInFile[];
	commits?: Array<{ sha: string; message: string }>;
}

export interface PostedReview {
	number: number;
	commit_id: string;
	event: string;
	body: string;
	comments: Array<{ path: string; line: number; side?: string; start_line?: number; start_side?: string; body: string }>;
}

type Reply = { status: number; type: string; body: string };
const json = (status: number, value: unknown): Reply => ({ status, type: 'application/json; charset=utf-8', body: JSON.stringify(value) });
const validation = (message: string, docs: string, errors: unknown[] = []) => json(422, { message, errors, documentation_url: docs });

export class GitHubStandIn extends StandIn {
	readonly repo: string;
	pulls = new Map<number, { pull: Record<string, unknown>; files: StandInFile[] }>();
	compares = new Map<string, Comparison>();
	/** `${path}@${ref}` → text. */
	contents = new Map<string, string>();
	statusesPosted: Array<{ sha: string; state: string; description?: string; context?: string }> = [];
	reviews: PostedReview[] = [];
	comments: Array<{ id: number; issue: number; body: string }> = [];
	refused: Array<{ path: string; status: number; message: string }> = [];

	constructor(repo = 'acme/shop') {
		super((req) => this.reply(req));
		this.repo = repo;
	}

	setPull(pull: Record<string, unknown>, files: StandInFile[]): void {
		this.pulls.set(Number(pull.number), { pull, files });
	}

	statuses(sha?: string) {
		return this.statusesPosted.filter((s) => !sha || s.sha === sha);
	}

	private reply(req: Received): Reply {
		const reply = this.route(req);
		if (reply.status >= 400) this.refused.push({ path: `${req.method} ${req.path}`, status: reply.status, message: reply.body.slice(0, 300) });
		return reply;
	}

	private route(req: Received): Reply {
		// "Requests with no User-Agent header will be rejected."
		if (!req.headers['user-agent']) return json(403, { message: 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header', documentation_url: DOCS.userAgent });
		// A private repository without a token: 404, as GitHub hides what it will not show.
		if (!/^(token|Bearer) \S+/.test(String(req.headers.authorization ?? ''))) return json(404, { message: 'Not Found', documentation_url: DOCS.auth });
		const url = new URL(req.path, 'http://stand-in');
		const prefix = `/repos/${this.repo}`;
		if (!url.pathname.startsWith(`${prefix}/`)) return json(404, { message: 'Not Found' });
		const path = url.pathname.slice(prefix.length);
		const q = url.searchParams;
		let m: RegExpExecArray | null;
		if (req.method === 'GET' && (m = /^\/pulls\/(\d+)$/.exec(path))) {
			const pr = this.pulls.get(Number(m[1]));
			return pr ? json(200, pr.pull) : json(404, { message: 'Not Found' });
		}
		if (req.method === 'GET' && (m = /^\/pulls\/(\d+)\/files$/.exec(path))) {
			const pr = this.pulls.get(Number(m[1]));
			if (!pr) return json(404, { message: 'Not Found' });
			// per_page defaults to 30 and is capped at 100; at most 3000 files are listed.
			const perPage = Math.min(100, Math.max(1, Number(q.get('per_page') ?? 30)));
			const page = Math.max(1, Number(q.get('page') ?? 1));
			const listed = pr.files.slice(0, 3000).map(toDiffEntry);
			return json(200, listed.slice((page - 1) * perPage, page * perPage));
		}
		if (req.method === 'GET' && (m = /^\/compare\/([^/]+)\.\.\.([^/]+)$/.exec(path))) {
			const c = this.compares.get(`${m[1]}...${m[2]}`);
			if (!c) return json(404, { message: 'Not Found', documentation_url: DOCS.compare });
			return json(200, {
				status: c.status,
				ahead_by: c.commits?.length ?? 1,
				behind_by: c.status === 'diverged' || c.status === 'behind' ? 1 : 0,
				total_commits: c.commits?.length ?? 1,
				commits: (c.commits ?? []).map((x) => ({ sha: x.sha, commit: { message: x.message } })),
				// The comparison lists at most 300 files.
				files: c.files.slice(0, 300).map(toDiffEntry),
			});
		}
		if (req.method === 'GET' && (m = /^\/contents\/(.+)$/.exec(path))) {
			const ref = q.get('ref') ?? 'main';
			const text = this.contents.get(`${decodeURIComponent(m[1])}@${ref}`);
			if (text === undefined) return json(404, { message: 'Not Found', documentation_url: DOCS.contents });
			return json(200, { type: 'file', encoding: 'base64', size: text.length, name: m[1].split('/').pop(), path: m[1], content: Buffer.from(text).toString('base64').replace(/(.{60})/g, '$1\n'), sha: 'blob' });
		}
		if (req.method === 'POST' && (m = /^\/statuses\/([0-9a-f]{40})$/.exec(path))) return this.postStatus(m[1], req.json as Record<string, unknown>);
		if (req.method === 'POST' && (m = /^\/pulls\/(\d+)\/reviews$/.exec(path))) return this.postReview(Number(m[1]), req.json as Record<string, unknown>);
		if ((m = /^\/issues\/(\d+)\/comments$/.exec(path))) {
			const issue = Number(m[1]);
			if (req.method === 'GET') {
				const perPage = Math.min(100, Math.max(1, Number(q.get('per_page') ?? 30)));
				const page = Math.max(1, Number(q.get('page') ?? 1));
				return json(200, this.comments.filter((c) => c.issue === issue).slice((page - 1) * perPage, page * perPage));
			}
			if (req.method === 'POST') {
				const body = (req.json as { body?: unknown })?.body;
				const problem = commentBodyProblem(body);
				if (problem) return problem;
				const c = { id: 1000 + this.comments.length, issue, body: body as string };
				this.comments.push(c);
				return json(201, c);
			}
		}
		if (req.method === 'PATCH' && (m = /^\/issues\/comments\/(\d+)$/.exec(path))) {
			const c = this.comments.find((x) => x.id === Number(m![1]));
			if (!c) return json(404, { message: 'Not Found' });
			const body = (req.json as { body?: unknown })?.body;
			const problem = commentBodyProblem(body);
			if (problem) return problem;
			c.body = body as string;
			return json(200, c);
		}
		return json(404, { message: `Not Found (stand-in has no route ${req.method} ${path})` });
	}

	private postStatus(sha: string, body: Record<string, unknown>): Reply {
		const state = body?.state;
		if (!['error', 'failure', 'pending', 'success'].includes(String(state))) {
			return validation('Validation Failed', DOCS.status, [{ resource: 'Status', code: 'custom', field: 'state', message: 'state is not included in the list' }]);
		}
		if (typeof body.description === 'string' && body.description.length > 140) {
			return validation('Validation Failed', DOCS.status, [{ resource: 'Status', code: 'custom', field: 'description', message: 'description is too long (maximum is 140 characters)' }]);
		}
		this.statusesPosted.push({ sha, state: String(state), description: body.description as string | undefined, context: (body.context as string | undefined) ?? 'default' });
		return json(201, { state, description: body.description, context: body.context ?? 'default' });
	}

	private postReview(number: number, body: Record<string, unknown>): Reply {
		const pr = this.pulls.get(number);
		if (!pr) return json(404, { message: 'Not Found' });
		const event = body?.event;
		if (event !== undefined && !['APPROVE', 'REQUEST_CHANGES', 'COMMENT'].includes(String(event))) {
			return validation('Unprocessable Entity', DOCS.review, ['event is not one of APPROVE, REQUEST_CHANGES, COMMENT']);
		}
		const head = String((pr.pull.head as { sha?: string })?.sha ?? '');
		if (body.commit_id !== undefined && body.commit_id !== head) return validation('Unprocessable Entity', DOCS.review, ['commit_id is not part of the pull request']);
		const comments = (Array.isArray(body.comments) ? body.comments : []) as PostedReview['comments'];
		for (const c of comments) {
			const problem = this.commentProblem(pr.files, c);
			// The review is created all or nothing.
			if (problem) return validation('Unprocessable Entity', DOCS.review, [problem]);
		}
		const review = { number, commit_id: head, event: String(event ?? 'PENDING'), body: String(body.body ?? ''), comments };
		this.reviews.push(review);
		return json(200, { id: 5000 + this.reviews.length, state: event === 'COMMENT' ? 'COMMENTED' : String(event ?? 'PENDING'), body: review.body, commit_id: head });
	}

	/** GitHub's rules for one comment of a review: path in the PR, line part of the diff on its side, range within one hunk. */
	private commentProblem(files: StandInFile[], c: PostedReview['comments'][number]): string | null {
		if (typeof c?.path !== 'string' || typeof c.body !== 'string') return 'comments need a path and a body';
		const file = files.find((f) => f.filename === c.path);
		if (!file) return 'Path could not be resolved';
		const side = c.side ?? 'RIGHT';
		if (side !== 'RIGHT' && side !== 'LEFT') return 'side must be LEFT or RIGHT';
		const hunks = parsePatch(file.patch);
		const hunkOf = (line: number, s: string) => hunks.findIndex((h) => h.lines.some((l) => (s === 'RIGHT' ? l.new === line && l.kind !== '-' : l.old === line && l.kind !== '+')));
		if (!Number.isInteger(c.line)) return 'Pull request review thread line must be part of the diff';
		const hunk = hunkOf(c.line, side);
		if (hunk < 0) return 'Pull request review thread line must be part of the diff';
		if (c.start_line !== undefined) {
			if (!(c.start_line < c.line)) return 'Pull request review thread start line must precede the end line.';
			if (hunkOf(c.start_line, c.start_side ?? side) !== hunk) return 'Pull request review thread start line must be part of the same hunk as the line.';
		}
		return null;
	}
}

function toDiffEntry(f: StandInFile) {
	const hunks = parsePatch(f.patch);
	const additions = hunks.reduce((n, h) => n + h.lines.filter((l) => l.kind === '+').length, 0);
	const deletions = hunks.reduce((n, h) => n + h.lines.filter((l) => l.kind === '-').length, 0);
	return { sha: 'blob', filename: f.filename, status: f.status, additions, deletions, changes: additions + deletions, ...(f.patch !== undefined ? { patch: f.patch } : {}), ...(f.previous_filename ? { previous_filename: f.previous_filename } : {}) };
}

function commentBodyProblem(body: unknown): Reply | null {
	if (typeof body !== 'string' || body === '') return validation('Validation Failed', DOCS.issueComment, [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }]);
	if (body.length > 65536) return validation('Validation Failed', DOCS.issueComment, [{ resource: 'IssueComment', code: 'custom', field: 'body', message: 'body is too long (maximum is 65536 characters)' }]);
	return null;
}
