/**
 * Recent commits from the GitHub REST API for configured repositories: `GET
 * /repos/{owner}/{repo}/commits?since&until&per_page=100`, following the `Link: rel="next"`
 * header, in the hours before the incident's start, as text for the code-change specialist.
 * https://docs.github.com/en/rest/commits/commits#list-commits
 * https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { guardedFetch, readBody, type GuardedFetchOptions } from '../../shared/net/guarded-fetch.ts';
import { credentialSlot } from '../../shared/n8n/credential-slot.ts';
import { FetchRefused } from '../../shared/net/url-guard.ts';
import { ParameterError } from '../../shared/parameter-error.ts';
import { allowListField, limitOptions, readGuard } from './guard-fields.ts';
import type { NodeOperation } from '../../shared/n8n/operations.ts';

const properties: INodeProperties[] = [
	{ displayName: 'GitHub API URL', name: 'githubApiUrl', type: 'string', default: 'https://api.github.com', description: 'Or GitHub Enterprise: https://ghe.example.com/api/v3' },
	{ displayName: 'Repositories', name: 'repositories', type: 'string', default: '', placeholder: 'acme/checkout-api, acme/payments', description: 'Owner/name of each repository, separated by commas' },
	allowListField,
	{ displayName: 'Incident Start', name: 'startsAt', type: 'string', default: '={{ $json.starts_at }}', description: 'Commits up to this time (empty: now)' },
	{ displayName: 'Hours Before', name: 'hoursBefore', type: 'number', default: 6, typeOptions: { minValue: 0.1 } },
	{ displayName: 'Into Field', name: 'field', type: 'string', default: 'recent_commits', description: 'Item field the commit list goes into (after any pasted commits)' },
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [{ displayName: 'Max Commits per Repository', name: 'maxCommits', type: 'number', default: 300, typeOptions: { minValue: 1 } }, ...limitOptions],
	},
];

interface Commit {
	sha: string;
	commit?: { message?: string; author?: { name?: string; date?: string }; committer?: { date?: string } };
	author?: { login?: string } | null;
}

export const githubCommitsOperation: NodeOperation = {
	value: 'githubCommits',
	name: 'Recent GitHub Commits',
	action: 'Get recent GitHub commits',
	description: 'Commits in the hours before the incident from the GitHub REST API',
	properties,
	async execute(ctx, itemIndex, item, signal) {
		const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
		const guard = readGuard(ctx, itemIndex, options, { maxSizeMb: 10, timeoutSeconds: 15 }, signal);
		const repos = String(ctx.getNodeParameter('repositories', itemIndex, '') ?? '')
			.split(/[\s,]+/)
			.filter(Boolean);
		const bad = repos.find((r) => !/^[\w.-]+\/[\w.-]+$/.test(r));
		if (bad) throw new ParameterError(`Repositories: "${bad}" is not owner/name. Fix: write e.g. acme/checkout-api`);
		const api = String(ctx.getNodeParameter('githubApiUrl', itemIndex, 'https://api.github.com') || 'https://api.github.com').replace(/\/+$/, '');
		const startText = String(ctx.getNodeParameter('startsAt', itemIndex, '') ?? '').trim();
		const until = Number.isFinite(Date.parse(startText)) ? new Date(Date.parse(startText)) : new Date();
		const since = new Date(until.getTime() - Number(ctx.getNodeParameter('hoursBefore', itemIndex, 6)) * 3_600_000);
		const field = String(ctx.getNodeParameter('field', itemIndex, 'recent_commits') || 'recent_commits');
		const headers = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'user-agent': 'n8n-nodes-agent-swarm', ...(await auth(ctx, itemIndex)) };
		const max = Number(options.maxCommits ?? 300);
		const refused: IDataObject[] = [];
		const sections = await Promise.all(
			repos.map(async (repo) => {
				const first = `${api}/repos/${repo}/commits?since=${since.toISOString()}&until=${until.toISOString()}&per_page=100`;
				const commits = await listAll(first, { ...guard, headers }, max).catch((error: unknown) => error);
				if (commits instanceof FetchRefused) {
					refused.push({ field, source: `github: ${repo}`, rule: commits.rule, reason: commits.message });
					return `${repo}: not available (${commits.message})`;
				}
				if (!Array.isArray(commits)) throw new NodeOperationError(ctx.getNode(), commits as Error, { itemIndex });
				const lines = commits.map((c) => `- ${c.commit?.committer?.date ?? c.commit?.author?.date ?? '?'} ${c.sha.slice(0, 7)} ${c.author?.login ?? c.commit?.author?.name ?? '?'}: ${(c.commit?.message ?? '').split('\n')[0]}`);
				return `${repo}: ${commits.length} commit${commits.length === 1 ? '' : 's'}${commits.length >= max ? ` (the latest ${max})` : ''}\n${lines.join('\n')}`;
			}),
		);
		const text = [`Commits from ${since.toISOString()} to ${until.toISOString()} (GitHub):`, ...sections].join('\n');
		const json: IDataObject = { ...item.json };
		const pasted = item.json[field];
		json[field] = typeof pasted === 'string' && pasted.trim() ? `${pasted}\n\n${text}` : pasted && typeof pasted === 'object' ? `${JSON.stringify(pasted)}\n\n${text}` : text;
		const evidence = (item.json.evidence as IDataObject | undefined) ?? {};
		json.evidence = {
			...evidence,
			fetched: [...new Set([...((evidence.fetched as string[]) ?? []), ...(sections.length > refused.length ? [field] : [])])].sort(),
			refused: [...((evidence.refused as IDataObject[]) ?? []), ...refused],
		};
		return json;
	},
};

async function listAll(url: string, guard: GuardedFetchOptions, max: number): Promise<Commit[]> {
	const all: Commit[] = [];
	let next: string | undefined = url;
	while (next && all.length < max) {
		const res = await guardedFetch(next, guard);
		const body = (await readBody(res)).toString('utf8');
		if (res.status === 409) return all; // an empty repository
		if (res.status < 200 || res.status >= 300) throw new FetchRefused('status', `${new URL(res.url).host} answered HTTP ${res.status}${res.status === 401 || res.status === 404 ? ' (check the token and its access to the repository)' : ''}`);
		const page = JSON.parse(body) as Commit[];
		all.push(...page);
		next = nextLink(res.headers.link);
	}
	return all.slice(0, max);
}

/** The rel="next" URL of a Link header. */
export function nextLink(link: string | string[] | undefined): string | undefined {
	const text = Array.isArray(link) ? link.join(',') : link;
	return text ? /<([^>]+)>;\s*rel="next"/.exec(text)?.[1] : undefined;
}

async function auth(ctx: IExecuteFunctions, itemIndex: number): Promise<Record<string, string>> {
	if (ctx.getNodeParameter('githubAuth', itemIndex, 'credential') !== 'credential') return {};
	const c = await ctx.getCredentials('agentSwarmGitHubApi', itemIndex);
	return { authorization: `Bearer ${String(c.token ?? '')}` };
}

properties.splice(
	1,
	0,
	{
		displayName: 'Authentication',
		name: 'githubAuth',
		type: 'options',
		default: 'credential',
		options: [
			{ name: 'Agent Swarm GitHub Credential', value: 'credential' },
			{ name: 'None (Public Repositories)', value: 'none' },
		],
	},
	credentialSlot('githubCredential', { githubAuth: ['credential'] }),
);
