/**
 * Fetch URLs into fields: each source URL (typically from the incoming request) is fetched
 * through the guard into a field of the item. A refused or failed source is listed, not fatal:
 * only the specialist that needed it goes without.
 */
import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { guardedFetch, readBody, type GuardedFetchOptions } from '../../shared/net/guarded-fetch.ts';
import { FetchRefused } from '../../shared/net/url-guard.ts';
import { ParameterError } from '../../shared/parameter-error.ts';
import { allowListField, limitOptions, readGuard } from './guard-fields.ts';
import type { NodeOperation } from '../../shared/n8n/operations.ts';

const LIMITS = { maxSizeMb: 10, timeoutSeconds: 15 };

const properties: INodeProperties[] = [
	{
		displayName: 'Sources',
		name: 'sources',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		default: {},
		placeholder: 'Add Source',
		options: [
			{
				displayName: 'Source',
				name: 'source',
				values: [
					{ displayName: 'Field', name: 'field', type: 'string', default: '', placeholder: 'logs', description: 'Item field the fetched text goes into' },
					{ displayName: 'URL', name: 'url', type: 'string', default: '', placeholder: '={{ $json.body.logs_url }}', description: 'Empty: nothing is fetched for this field' },
				],
			},
		],
	},
	allowListField,
	{
		displayName: 'Keep Values Already Present',
		name: 'keepPresent',
		type: 'boolean',
		default: true,
		description: 'Whether a field that already holds data is left as it is instead of being fetched',
	},
	{ displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', default: {}, options: limitOptions },
];

interface Source {
	field: string;
	url: string;
}

export const urlsOperation: NodeOperation = {
	value: 'urls',
	name: 'Fetch URLs Into Fields',
	action: 'Fetch URLs into fields',
	description: 'Fetch allow-listed URLs as text into item fields',
	properties,
	async execute(ctx, itemIndex, item, signal) {
		const sources = (((ctx.getNodeParameter('sources', itemIndex, {}) as IDataObject).source as Source[] | undefined) ?? []).map((s, n) => {
			const field = String(s.field ?? '').trim();
			if (!field) throw new ParameterError(`Sources: source ${n + 1} has no "Field". Fix: name the item field the text goes into`);
			return { field, url: String(s.url ?? '').trim() };
		});
		const guard = readGuard(ctx, itemIndex, ctx.getNodeParameter('options', itemIndex, {}) as IDataObject, LIMITS, signal);
		const keepPresent = ctx.getNodeParameter('keepPresent', itemIndex, true) as boolean;
		const json: IDataObject = { ...item.json };
		const fetched: string[] = [];
		const refused: IDataObject[] = [];
		await Promise.all(
			sources.map(async ({ field, url }) => {
				if (!url || (keepPresent && hasData(json[field]))) return;
				const text = await fetchText(url, guard).catch((error: unknown) => error);
				if (text instanceof FetchRefused) refused.push({ field, url, rule: text.rule, reason: text.message });
				else if (typeof text !== 'string') throw text;
				else {
					json[field] = text;
					fetched.push(field);
				}
			}),
		);
		return { ...json, evidence: { fetched: fetched.sort(), refused } };
	},
};

async function fetchText(url: string, guard: GuardedFetchOptions): Promise<string> {
	const res = await guardedFetch(url, guard);
	const body = await readBody(res);
	if (res.status < 200 || res.status >= 300) throw new FetchRefused('status', `${new URL(res.url).host} answered HTTP ${res.status}`);
	return body.toString('utf8');
}

function hasData(value: unknown): boolean {
	if (value === undefined || value === null) return false;
	if (typeof value === 'string') return value.trim() !== '';
	if (Array.isArray(value)) return value.length > 0;
	if (typeof value === 'object') return Object.keys(value).length > 0;
	return true;
}
