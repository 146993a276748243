/**
 * Editor fields and readers shared by every node that calls Claude: the tier/model choice and
 * the call settings (temperature, timeout, retries, caching, prices).
 */
import { ParameterError } from '../parameter-error.ts';
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { DEFAULT_TIER_MODELS, type ModelSelection, type Tier, type TierChoice } from '../models/tiers.ts';
import { parsePriceOverrides, priceTable, type PriceTable } from '../models/prices.ts';
import type { RetryPolicy } from '../claude/retry.ts';
import { DEFAULT_RETRY } from '../claude/retry.ts';

export const tierProperty = (defaultTier: 'role' | TierChoice): INodeProperties => ({
	displayName: 'Model Tier',
	name: 'tier',
	type: 'options',
	default: defaultTier,
	options: [
		...(defaultTier === 'role'
			? [{ name: "Role's Default", value: 'role', description: 'Each role uses the tier it was designed for' }]
			: []),
		{ name: 'Auto', value: 'auto', description: 'Cheapest tier that fits the task and input size' },
		{ name: 'Fast', value: 'fast', description: `Default ${DEFAULT_TIER_MODELS.fast}` },
		{ name: 'Balanced', value: 'balanced', description: `Default ${DEFAULT_TIER_MODELS.balanced}` },
		{ name: 'Deep', value: 'deep', description: `Default ${DEFAULT_TIER_MODELS.deep}` },
	],
});

export const modelOptionFields: INodeProperties[] = [
	{
		displayName: 'Model ID',
		name: 'model',
		type: 'string',
		default: '',
		placeholder: 'claude-sonnet-5-5',
		description: 'Any model ID; when set it wins over the tier',
	},
	{ displayName: 'Fast Tier Model', name: 'fastModel', type: 'string', default: 'claude-haiku-5-5' },
	{ displayName: 'Balanced Tier Model', name: 'balancedModel', type: 'string', default: 'claude-sonnet-5-5' },
	{ displayName: 'Deep Tier Model', name: 'deepModel', type: 'string', default: 'claude-opus-5-5' },
	{ displayName: 'Temperature', name: 'temperature', type: 'number', default: 0, typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 } },
	{ displayName: 'Max Tokens', name: 'maxTokens', type: 'number', default: 4096, description: 'Longest reply allowed per call', typeOptions: { minValue: 1 } },
	{ displayName: 'Timeout (Seconds)', name: 'timeoutSeconds', type: 'number', default: 120, description: 'Per call, each attempt', typeOptions: { minValue: 1 } },
	{
		displayName: 'Max Attempts',
		name: 'maxAttempts',
		type: 'number',
		default: 4,
		description: 'Attempts per call, counting the first; rate limits, overload, server and connection errors are retried with backoff',
		typeOptions: { minValue: 1, maxValue: 10 },
	},
	{
		displayName: 'Prompt Caching',
		name: 'promptCaching',
		type: 'boolean',
		default: true,
		description: 'Whether to mark role instructions for caching so repeated runs pay the cache-read price',
	},
	{
		displayName: 'Price Overrides (JSON)',
		name: 'priceOverrides',
		type: 'string',
		default: '',
		placeholder: '{"claude-sonnet-5-5": {"input": 2, "output": 10}}',
		description: 'USD per million tokens, by model ID; replaces or extends the built-in price table',
	},
];

export interface CallSettings {
	selection: ModelSelection;
	temperature: number;
	maxTokens: number;
	timeoutMs: number;
	retry: RetryPolicy;
	cache: boolean;
	prices: PriceTable;
}

type Options = Record<string, unknown>;

/** Reads the shared settings; `options` is the node's Options collection for this item. */
export function readCallSettings(tier: string, options: Options): CallSettings {
	const tierModels: Partial<Record<Tier, string>> = {
		fast: options.fastModel as string | undefined,
		balanced: options.balancedModel as string | undefined,
		deep: options.deepModel as string | undefined,
	};
	return {
		selection: { tier: tier as ModelSelection['tier'], customModel: options.model as string | undefined, tierModels },
		temperature: numberOption(options, 'temperature', 0),
		maxTokens: numberOption(options, 'maxTokens', 4096),
		timeoutMs: numberOption(options, 'timeoutSeconds', 120) * 1000,
		retry: { ...DEFAULT_RETRY, maxAttempts: numberOption(options, 'maxAttempts', DEFAULT_RETRY.maxAttempts) },
		cache: options.promptCaching !== false,
		prices: priceTable(parsePriceOverrides(options.priceOverrides as string | undefined)),
	};
}

function numberOption(options: Options, name: string, fallback: number): number {
	const value = options[name];
	if (value === undefined || value === '') return fallback;
	const n = Number(value);
	if (!Number.isFinite(n) || n < 0) throw new ParameterError(`Option "${name}" must be a non-negative number, got "${String(value)}"`);
	return n;
}

export async function readCredentials(ctx: IExecuteFunctions) {
	const c = await ctx.getCredentials('agentSwarmAnthropicApi');
	return {
		apiKey: String(c.apiKey ?? ''),
		baseUrl: c.baseUrl ? String(c.baseUrl) : undefined,
		headerName: c.headerName ? String(c.headerName) : undefined,
		headerValue: c.headerSecret ? String(c.headerSecret) : undefined,
	};
}
