/**
 * The fields every fetching operation shares: the allow-list and the limits. All fetches go
 * through the package's URL guard (nodes/shared/net), never n8n's generic HTTP helper.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { GuardedFetchOptions } from '../../shared/net/guarded-fetch.ts';
import { parseAllowList } from '../../shared/net/url-guard.ts';
import { ParameterError } from '../../shared/parameter-error.ts';

export const allowListField: INodeProperties = {
	displayName: 'Allowed Hosts',
	name: 'allowedHosts',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'https://logs.example.com, http://10.0.0.5:9090, https://*.corp.example',
	description:
		'Origins that may be fetched, separated by commas. A bare host means https on port 443. Redirects and DNS answers are checked against this list; internal addresses only when listed themselves.',
};

/** Limits for text evidence (logs, JSON); an operation reading larger files defines its own size field. */
export const limitOptions: INodeProperties[] = [
	{ displayName: 'Max Redirects', name: 'maxRedirects', type: 'number', default: 5, typeOptions: { minValue: 0, maxValue: 20 } },
	{
		displayName: 'Max Size (MB)',
		name: 'maxSizeMb',
		type: 'number',
		default: 10,
		typeOptions: { minValue: 0.001, numberPrecision: 3 },
		description: 'Largest response read; a larger one is refused while it streams',
	},
	{ displayName: 'Timeout (Seconds)', name: 'timeoutSeconds', type: 'number', default: 15, typeOptions: { minValue: 1 } },
];

/** The guard settings for one item. */
export function readGuard(
	ctx: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
	defaults: { maxSizeMb: number; timeoutSeconds: number },
	signal: AbortSignal,
): GuardedFetchOptions {
	const allow = parseAllowList(ctx.getNodeParameter('allowedHosts', itemIndex, '') as string);
	if (allow.length === 0) throw new ParameterError('Allowed Hosts is empty. Fix: list the origins this node may fetch, e.g. https://logs.example.com');
	const number = (name: string, fallback: number) => {
		const value = options[name] === undefined || options[name] === '' ? fallback : Number(options[name]);
		if (!(value >= 0)) throw new ParameterError(`Option "${name}" must be a positive number, got "${String(options[name])}"`);
		return value;
	};
	return {
		allow,
		maxBytes: Math.round(number('maxSizeMb', defaults.maxSizeMb) * 1024 * 1024),
		timeoutMs: number('timeoutSeconds', defaults.timeoutSeconds) * 1000,
		maxRedirects: number('maxRedirects', 5),
		signal,
	};
}
