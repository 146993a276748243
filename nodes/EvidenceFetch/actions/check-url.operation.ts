/**
 * Check a URL against the allow-list without fetching it: the same parse and scheme, host, port
 * and credentials rules as every fetch (nodes/shared/net/url-guard.ts), so a webhook can refuse a
 * URL it was given (400, naming the rule) before it answers and before any heavy work. The
 * addresses the host resolves to, redirects and the size are still checked when it is fetched.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { checkUrl, FetchRefused, parseAllowList } from '../../shared/net/url-guard.ts';
import { ParameterError } from '../../shared/parameter-error.ts';
import { allowListField } from './guard-fields.ts';
import type { NodeOperation } from '../../shared/n8n/operations.ts';

const properties: INodeProperties[] = [
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		default: '',
		placeholder: '={{ $json.body.focus_url }}',
		description: 'The URL to check; nothing is fetched',
	},
	allowListField,
	{
		displayName: 'Output Field',
		name: 'outputField',
		type: 'string',
		default: 'urlCheck',
		description: 'Field the verdict goes into: whether the address is allowed, and if not the rule that refused it and why',
	},
];

export const checkUrlOperation: NodeOperation = {
	value: 'checkUrl',
	name: 'Check URL',
	action: 'Check a URL against the allow list',
	description: 'Check a URL against the allow-list (scheme, host, port) without fetching it',
	properties,
	async execute(ctx, itemIndex, item) {
		const allow = parseAllowList(ctx.getNodeParameter('allowedHosts', itemIndex, '') as string);
		if (allow.length === 0) throw new ParameterError('Allowed Hosts is empty. Fix: list the origins that may be fetched, e.g. https://billing.example.com');
		const outputField = String(ctx.getNodeParameter('outputField', itemIndex, 'urlCheck') || 'urlCheck').trim();
		const url = String(ctx.getNodeParameter('url', itemIndex, '') ?? '').trim();
		return { ...item.json, [outputField]: verdict(url, allow) } as IDataObject;
	},
};

function verdict(url: string, allow: ReturnType<typeof parseAllowList>): IDataObject {
	if (!url) return { allowed: false, url, rule: 'invalid_url', reason: 'the URL is empty' };
	try {
		return { allowed: true, url: checkUrl(url, allow).href };
	} catch (error) {
		// checkUrl refuses with FetchRefused only; its message names the rule, never a network error.
		const refused = error as FetchRefused;
		return { allowed: false, url, rule: refused.rule ?? 'invalid_url', reason: refused.message };
	}
}
