/**
 * Editor fields and readers shared by every node that calls Claude: the credential, the
 * tier/model choice, effort and the call settings (timeout, deadline, retries, caching,
 * prices). Model ids come from the catalog or, in the editor, from the key's GET /v1/models.
 */
import type {
	ICredentialDataDecryptedObject,
	INodeCredentialDescription,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { DEFAULT_CHUNK_CHARS, DEFAULT_DIGEST_CHARS, type AgentSettings } from '../agent-settings.ts';
import { createClaudeClient, listModels, type ClaudeCredentials } from '../claude/client.ts';
import { DEFAULT_RETRY } from '../claude/retry.ts';
import { MODEL_CATALOG } from '../models/catalog.data.ts';
import { DEFAULT_MAX_TOKENS, EFFORT_LEVELS, parseEffortChoice, type Effort } from '../models/effort.ts';
import { parsePriceOverrides, priceTable } from '../models/prices.ts';
import { DEFAULT_TIER_MODELS, TIERS, type ModelSelection, type Tier, type TierChoice } from '../models/tiers.ts';
import { ParameterError } from '../parameter-error.ts';
import { redisCredential } from './store-fields.ts';

/** The two credential types a node accepts: ours, or n8n's own Anthropic credential. */
export const ANTHROPIC_CREDENTIALS = { agentSwarm: 'agentSwarmAnthropicApi', n8n: 'anthropicApi' } as const;

export const authenticationProperty: INodeProperties = {
	displayName: 'Credential Type',
	name: 'authentication',
	type: 'options',
	noDataExpression: true,
	default: 'agentSwarmAnthropicApi',
	options: [
		{ name: 'Agent Swarm Anthropic API', value: 'agentSwarmAnthropicApi', description: "This package's credential (key, base URL, extra header)" },
		// "n8n" is a name and keeps its lower case (the title-case rule would write "N8n").
		// eslint-disable-next-line n8n-nodes-base/node-param-display-name-miscased
		{ name: 'Anthropic (n8n Built-In)', value: 'anthropicApi', description: 'The Anthropic credential that ships with n8n, if you already have one' },
	],
};

/** The credentials of a node that calls Claude: the chosen Anthropic credential, and Redis for a Redis budget. */
export const agentCredentials: INodeCredentialDescription[] = [
	{ name: ANTHROPIC_CREDENTIALS.agentSwarm, required: true, displayOptions: { show: { authentication: [ANTHROPIC_CREDENTIALS.agentSwarm] } } },
	// The user's own n8n Anthropic credential, chosen explicitly under "Credential Type", so nobody
	// stores the key twice (issue 13); only the key and base URL are read.
	{ name: ANTHROPIC_CREDENTIALS.n8n, required: true, displayOptions: { show: { authentication: [ANTHROPIC_CREDENTIALS.n8n] } } },
	redisCredential('budgetStore'),
];

const TIER_LABEL: Record<Tier, string> = { fast: 'Fast', balanced: 'Balanced', deep: 'Deep' };

/** Auto and the catalog's tiers, in the order they cost. */
export const tierLevelOptions: INodePropertyOptions[] = [
	{ name: 'Auto', value: 'auto', description: 'Cheapest tier that fits the task and input size' },
	...TIERS.map((tier) => ({ name: TIER_LABEL[tier], value: tier, description: `Default ${DEFAULT_TIER_MODELS[tier]}` })),
];

export const tierProperty = (defaultTier: 'role' | TierChoice): INodeProperties => ({
	displayName: 'Model Tier',
	name: 'tier',
	type: 'options',
	default: defaultTier,
	options: [
		...(defaultTier === 'role'
			? [{ name: "Role's Default", value: 'role', description: 'Each role uses the tier it was designed for' }]
			: []),
		...tierLevelOptions,
	],
});

const EFFORT_LABEL: Record<Effort, string> = { low: 'Low', medium: 'Medium', high: 'High', xhigh: 'Extra High', max: 'Max' };
const EFFORT_HINT: Record<Effort, string> = {
	low: 'Least thinking: fastest and cheapest, for extraction and triage',
	medium: 'Balanced thinking for analysis that weighs evidence',
	high: 'Deep thinking for hard problems; more output tokens',
	xhigh: 'Extended thinking for long, difficult work',
	max: 'The most thinking the model can do; slowest and most expensive',
};

export const effortLevelOptions: INodePropertyOptions[] = EFFORT_LEVELS.map((level) => ({
	name: EFFORT_LABEL[level],
	value: level,
	description: `${EFFORT_HINT[level]} (default Max Tokens ${DEFAULT_MAX_TOKENS[level].toLocaleString('en-US')})`,
}));

/** How hard the model thinks (`output_config.effort`); placed beside the tier. */
export const effortProperty = (defaultLabel: string, defaultHint: string): INodeProperties => ({
	displayName: 'Effort',
	name: 'effort',
	type: 'options',
	// The options are built from the effort list; 'role' is the first of them.
	// eslint-disable-next-line n8n-nodes-base/node-param-default-wrong-for-options
	default: 'role',
	description: 'How much the model thinks before answering. Thinking is billed as output and counts toward Max Tokens.',
	options: [
		{ name: defaultLabel, value: 'role', description: defaultHint },
		...effortLevelOptions,
		{ name: "Model's Default", value: 'model', description: 'Send no effort: the model decides (Haiku and Opus 5.5: medium, Sonnet 5.5: high)' },
	],
});


export const modelOptionFields: INodeProperties[] = [
	{
		displayName: 'Model Name or ID',
		name: 'model',
		type: 'options',
		default: '',
		typeOptions: { loadOptionsMethod: 'listModels' },
		description: 'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint: 'Any model your key can use; when set it wins over the tier',
	},
	...TIERS.map(
		// The default is the catalog's model for the tier (one list for every model id).
		// eslint-disable-next-line n8n-nodes-base/node-param-default-missing
		(tier): INodeProperties => ({
			displayName: `${TIER_LABEL[tier]} Tier Model Name or ID`,
			name: `${tier}Model`,
			type: 'options',
			default: DEFAULT_TIER_MODELS[tier],
			typeOptions: { loadOptionsMethod: 'listModels' },
			description: 'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
			hint: `The model that serves the ${tier} tier`,
		}),
	),
	{
		displayName: 'Max Tokens',
		name: 'maxTokens',
		type: 'number',
		default: 0,
		description: 'Longest reply per call, thinking included; 0 = by effort (low 8,000, medium 16,000, high 32,000, extra high 64,000, max 128,000)',
		typeOptions: { minValue: 0 },
	},
	{
		displayName: 'Deadline',
		name: 'deadline',
		type: 'dateTime',
		default: '',
		description: "The run's absolute end. Past it no call starts and no retry waits; empty = none. E.g. a time computed when the alert came in.",
	},
	{ displayName: 'Timeout (Seconds)', name: 'timeoutSeconds', type: 'number', default: 120, description: 'Per call, each attempt (never past the Deadline)', typeOptions: { minValue: 1 } },
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
		displayName: 'Prompt Cache TTL',
		name: 'cacheTtl',
		type: 'options',
		default: '5m',
		options: [
			{ name: '5 Minutes', value: '5m', description: 'Cache writes cost 1.25x input' },
			{ name: '1 Hour', value: '1h', description: 'Cache writes cost 2x input; pays off for runs more than 5 minutes apart' },
		],
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

type Options = Record<string, unknown>;

/**
 * Reads the settings for one item. `options` is the node's Options collection; `tier` and
 * `effort` the node-level fields. A saved "Temperature" option is ignored: the 5.5 models refuse
 * sampling parameters.
 */
export function readAgentSettings(input: { tier: string; effort: unknown; options: Options; secrets: string[] }): AgentSettings {
	// A "Temperature" saved before the 5.5 models is still in `options`; it is never read or sent.
	const { options } = input;
	const tierModels: Partial<Record<Tier, string>> = Object.fromEntries(TIERS.map((t) => [t, options[`${t}Model`] as string | undefined]));
	const maxTokens = numberOption(options, 'maxTokens', 0);
	return {
		selection: { tier: input.tier as ModelSelection['tier'], customModel: options.model as string | undefined, tierModels },
		effort: parseEffortChoice(input.effort),
		maxTokens: maxTokens > 0 ? Math.floor(maxTokens) : undefined,
		timeoutMs: numberOption(options, 'timeoutSeconds', 120) * 1000,
		deadline: readDeadline(options.deadline),
		retry: { ...DEFAULT_RETRY, maxAttempts: numberOption(options, 'maxAttempts', DEFAULT_RETRY.maxAttempts) },
		cache: options.promptCaching === false ? undefined : options.cacheTtl === '1h' ? '1h' : '5m',
		prices: priceTable(parsePriceOverrides(options.priceOverrides as string | undefined)),
		secrets: input.secrets,
		chunkChars: numberOption(options, 'chunkChars', DEFAULT_CHUNK_CHARS),
		digestChars: numberOption(options, 'digestChars', DEFAULT_DIGEST_CHARS),
		logFormat: typeof options.logFormat === 'string' && options.logFormat.trim() ? options.logFormat : undefined,
		chunkConcurrency: 4,
	};
}

/** A date-time, an ISO string or epoch milliseconds; empty = no deadline. */
export function readDeadline(value: unknown): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const text = typeof value === 'object' && 'toISO' in (value as object) ? String((value as { toISO(): string }).toISO()) : value;
	const ms = typeof text === 'number' ? text : /^\d+$/.test(String(text)) ? Number(text) : Date.parse(String(text));
	if (!Number.isFinite(ms)) {
		throw new ParameterError(`Option "Deadline" is not a date-time: "${String(value)}". Fix: give an ISO time such as 2026-11-25T02:35:00Z, or leave it empty`);
	}
	return ms;
}

function numberOption(options: Options, name: string, fallback: number): number {
	const value = options[name];
	if (value === undefined || value === '') return fallback;
	const n = Number(value);
	if (!Number.isFinite(n) || n < 0) throw new ParameterError(`Option "${name}" must be a non-negative number, got "${String(value)}"`);
	return n;
}

/** The credential fields of either credential type, in one shape. */
export function credentialsFrom(type: string, c: ICredentialDataDecryptedObject): ClaudeCredentials {
	if (type === ANTHROPIC_CREDENTIALS.n8n) {
		return {
			apiKey: String(c.apiKey ?? ''),
			baseUrl: c.url ? String(c.url) : undefined,
			headerName: c.header && c.headerName ? String(c.headerName) : undefined,
			headerValue: c.header && c.headerValue ? String(c.headerValue) : undefined,
		};
	}
	return {
		apiKey: String(c.apiKey ?? ''),
		baseUrl: c.baseUrl ? String(c.baseUrl) : undefined,
		headerName: c.headerName ? String(c.headerName) : undefined,
		headerValue: c.headerSecret ? String(c.headerSecret) : undefined,
	};
}

export async function readCredentials(ctx: IExecuteFunctions | ILoadOptionsFunctions): Promise<ClaudeCredentials> {
	const type = readAuthentication(ctx);
	return credentialsFrom(type, await ctx.getCredentials(type));
}

function readAuthentication(ctx: IExecuteFunctions | ILoadOptionsFunctions): string {
	try {
		const value = (ctx as IExecuteFunctions).getNodeParameter('authentication', 0, ANTHROPIC_CREDENTIALS.agentSwarm);
		return value === ANTHROPIC_CREDENTIALS.n8n ? ANTHROPIC_CREDENTIALS.n8n : ANTHROPIC_CREDENTIALS.agentSwarm;
	} catch {
		return ANTHROPIC_CREDENTIALS.agentSwarm;
	}
}

/**
 * loadOptions: the models the credential's key can use (GET /v1/models), the catalog's tier
 * models marked. Without a reachable API the catalog's models are offered instead.
 */
export async function listModelOptions(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const tierOf = new Map(MODEL_CATALOG.map((m) => [m.id, m.tier]));
	let models: Array<{ id: string; name: string }>;
	try {
		models = await listModels(createClaudeClient(await readCredentials(this)), { timeoutMs: 15_000, retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 } });
	} catch {
		models = MODEL_CATALOG.map((m) => ({ id: m.id, name: m.name }));
	}
	const withTier = models.map((m) => {
		const tier = tierOf.get(m.id);
		return { name: tier ? `${m.name} (${TIER_LABEL[tier]} tier default)` : m.name, value: m.id, description: m.id };
	});
	return [{ name: 'Use the Tier', value: '', description: 'No fixed model: the tier decides' }, ...withTier];
}
