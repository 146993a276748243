/**
 * Which deliveries run a review. Pure: the payload and the policy in, a decision out, with the
 * reason said in words (it is answered to GitHub and shown in the execution).
 *
 * pull_request actions: https://docs.github.com/en/webhooks/webhook-events-and-payloads#pull_request
 * issue_comment: https://docs.github.com/en/webhooks/webhook-events-and-payloads#issue_comment
 * author_association values: https://docs.github.com/en/graphql/reference/enums#commentauthorassociation
 */

export const ASSOCIATIONS = ['OWNER', 'MEMBER', 'COLLABORATOR', 'CONTRIBUTOR', 'FIRST_TIME_CONTRIBUTOR', 'FIRST_TIMER', 'MANNEQUIN', 'NONE'] as const;

/** What happens to a pull request from a kind of author: reviewed, ignored, or reviewed when a maintainer asks. */
export type AuthorMode = 'review' | 'skip' | 'command';

export interface ReviewPolicy {
	/** Associations whose pull requests are reviewed automatically. */
	trusted: string[];
	/** Everyone else (e.g. NONE, FIRST_TIME_CONTRIBUTOR). */
	others: AuthorMode;
	/** Accounts of type Bot (dependabot[bot], renovate[bot], ...). */
	bots: AuthorMode;
	/** Pull requests from a fork: at least this strict, whoever the author is ('author': no extra rule). */
	forks: AuthorMode | 'author';
	/** The comment that asks for a review, e.g. "/review". */
	command: string;
	/** Associations allowed to ask for a review by comment. */
	commanders: string[];
	reviewDrafts: boolean;
}

export const DEFAULT_POLICY: ReviewPolicy = {
	trusted: ['OWNER', 'MEMBER', 'COLLABORATOR', 'CONTRIBUTOR'],
	others: 'command',
	bots: 'skip',
	forks: 'author',
	command: '/review',
	commanders: ['OWNER', 'MEMBER', 'COLLABORATOR'],
	reviewDrafts: false,
};

/** Why a review runs: the action that asked for it. */
export type Trigger = 'opened' | 'reopened' | 'synchronize' | 'ready_for_review' | 'base_changed' | 'command';

export interface PullRequestRef {
	/** "owner/name" of the base repository: where statuses and comments go. */
	repo: string;
	owner: string;
	name: string;
	number: number;
	/** Unknown for a comment command until the pull request is fetched. */
	headSha: string | null;
	author: string;
	authorType: string;
	association: string;
	fork: boolean;
	draft: boolean;
}

export type Screening =
	| { outcome: 'review'; trigger: Trigger; pr: PullRequestRef; requestedBy?: string }
	| { outcome: 'ignore'; code: string; reason: string; pr?: PullRequestRef }
	/** The event lacks what GitHub always sends: answered 400 naming the field. */
	| { outcome: 'malformed'; field: string; reason: string };

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const malformed = (field: string, reason: string): Screening => ({ outcome: 'malformed', field, reason });

/** What every pull request GitHub names has: a repository and a positive number. */
function refProblem(pr: PullRequestRef, numberField: string): Screening | undefined {
	if (!/^[^/\s]+\/[^/\s]+$/.test(pr.repo)) return malformed('repository.full_name', 'The event names no repository as "owner/name" (repository.full_name)');
	if (!Number.isInteger(pr.number) || pr.number <= 0) return malformed(numberField, `The event names no pull request number (${numberField})`);
	return undefined;
}

const STRICTNESS: AuthorMode[] = ['review', 'command', 'skip'];
const stricter = (a: AuthorMode, b: AuthorMode): AuthorMode => (STRICTNESS.indexOf(a) >= STRICTNESS.indexOf(b) ? a : b);

/** The mode that applies to this pull request's author. */
export function authorMode(pr: PullRequestRef, policy: ReviewPolicy): AuthorMode {
	const byAuthor: AuthorMode = pr.authorType === 'Bot' ? policy.bots : policy.trusted.includes(pr.association) ? 'review' : policy.others;
	return pr.fork && policy.forks !== 'author' ? stricter(byAuthor, policy.forks) : byAuthor;
}

export function pullRequestRef(payload: Json, pull: Json): PullRequestRef {
	const repository = obj(payload.repository);
	const repo = str(repository.full_name) || str(obj(obj(pull.base).repo).full_name);
	const [owner = '', name = ''] = repo.split('/');
	const head = obj(pull.head);
	const headRepo = obj(head.repo);
	const user = obj(pull.user);
	return {
		repo,
		owner,
		name,
		number: Number(pull.number ?? payload.number),
		headSha: str(head.sha) || null,
		author: str(user.login),
		authorType: str(user.type),
		association: str(pull.author_association) || 'NONE',
		// A deleted fork has no head repository; treat it as a fork (the stricter reading).
		fork: str(headRepo.full_name) !== repo,
		draft: pull.draft === true,
	};
}

const REVIEW_ACTIONS: Record<string, Trigger> = {
	opened: 'opened',
	reopened: 'reopened',
	synchronize: 'synchronize',
	ready_for_review: 'ready_for_review',
};

export function screen(event: string, payload: Json, policy: ReviewPolicy = DEFAULT_POLICY): Screening {
	if (event === 'ping') return { outcome: 'ignore', code: 'ping', reason: 'Webhook is set up (ping)' };
	if (event === 'pull_request') return screenPullRequest(payload, policy);
	if (event === 'issue_comment') return screenComment(payload, policy);
	return { outcome: 'ignore', code: 'event', reason: `Event "${event}" does not start a review; subscribe to Pull requests and Issue comments only` };
}

function screenPullRequest(payload: Json, policy: ReviewPolicy): Screening {
	const action = str(payload.action);
	const pull = obj(payload.pull_request);
	if (!payload.pull_request || typeof payload.pull_request !== 'object') return malformed('pull_request', 'The pull_request event has no pull_request object');
	const pr = pullRequestRef(payload, pull);
	const problem = refProblem(pr, 'pull_request.number');
	if (problem) return problem;
	const ignore = (code: string, reason: string): Screening => ({ outcome: 'ignore', code, reason, pr });
	let trigger = REVIEW_ACTIONS[action];
	// A new base branch changes the diff under review (edited with changes.base).
	if (action === 'edited' && obj(payload.changes).base) trigger = 'base_changed';
	if (!trigger) {
		if (action === 'converted_to_draft') return ignore('draft', 'Converted to draft: reviews pause until it is ready for review');
		return ignore('action', `Action "${action}" does not change the code under review`);
	}
	if (str(pull.state) === 'closed') return ignore('closed', 'The pull request is closed');
	if (pr.draft && !policy.reviewDrafts) return ignore('draft', 'Draft pull request: reviewed when it is marked ready for review');
	if (!pr.headSha) return malformed('pull_request.head.sha', 'The pull_request event has no head commit (pull_request.head.sha)');
	const mode = authorMode(pr, policy);
	if (mode === 'skip') return ignore('author', `Pull requests from ${describeAuthor(pr)} are not reviewed`);
	if (mode === 'command') {
		return ignore('awaiting_command', `Pull requests from ${describeAuthor(pr)} are reviewed when a maintainer comments "${policy.command}"`);
	}
	return { outcome: 'review', trigger, pr };
}

function screenComment(payload: Json, policy: ReviewPolicy): Screening {
	const issue = obj(payload.issue);
	const comment = obj(payload.comment);
	if (str(payload.action) !== 'created') return { outcome: 'ignore', code: 'action', reason: 'Only new comments can ask for a review' };
	if (!issue.pull_request) return { outcome: 'ignore', code: 'not_pull_request', reason: 'Comment on an issue, not a pull request' };
	if (!isCommand(str(comment.body), policy.command)) return { outcome: 'ignore', code: 'no_command', reason: `Comment does not start with ${policy.command}` };
	const commenter = obj(comment.user);
	if (str(commenter.type) === 'Bot') return { outcome: 'ignore', code: 'bot_command', reason: 'Bots cannot ask for a review' };
	const association = str(comment.author_association) || 'NONE';
	if (!policy.commanders.includes(association)) {
		return { outcome: 'ignore', code: 'not_allowed', reason: `${policy.command} from ${association.toLowerCase()} ${str(commenter.login)} is not allowed; allowed: ${policy.commanders.join(', ')}` };
	}
	if (str(issue.state) === 'closed') return { outcome: 'ignore', code: 'closed', reason: 'The pull request is closed' };
	// The issue payload has no head or base: the pull request is fetched before the review.
	const pr = pullRequestRef(payload, { ...issue, head: {}, author_association: issue.author_association });
	const problem = refProblem(pr, 'issue.number');
	if (problem) return problem;
	return { outcome: 'review', trigger: 'command', pr: { ...pr, headSha: null, fork: false }, requestedBy: str(commenter.login) };
}

/** The command alone on the first line, e.g. "/review" or "/review please". */
export function isCommand(body: string, command: string): boolean {
	const first = body.trimStart().split('\n', 1)[0].trim();
	return first === command || first.startsWith(`${command} `);
}

function describeAuthor(pr: PullRequestRef): string {
	if (pr.authorType === 'Bot') return `bots (${pr.author})`;
	const who = `authors with association ${pr.association}`;
	return pr.fork ? `forks / ${who}` : who;
}
