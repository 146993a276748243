/**
 * The one list of Claude models this package is written for: tier, limits, thinking, effort
 * and prices, as the model pages state them. Data, not logic. Tier defaults, the editor's
 * options, the price table, the budget's step-down order and the simulator's model list are
 * all derived from it; adding a model is adding an entry here (plus its tests).
 *
 * Prices are USD per million tokens. Stored copies of the pages were read for API version
 * 2026-10-21 (Claude Haiku 5.5 released 2026-10-07; the Sonnet 5.5 cache-read cut took effect
 * the same day). Update `asOf` and the sources when a page changes.
 */
export const CATALOG_AS_OF = '2026-10-21';

export const EFFORT_LEVELS = ['low', 'medium', 'high', 'xhigh', 'max'] as const;
export type Effort = (typeof EFFORT_LEVELS)[number];

export interface ModelPrices {
	input: number;
	output: number;
	/** 5-minute cache write (the default TTL). */
	cacheWrite: number;
	/** 1-hour cache write (`cache_control.ttl: "1h"`). */
	cacheWrite1h: number;
	cacheRead: number;
}

export interface ModelEntry {
	id: string;
	name: string;
	/** The capability level this model serves by default; one model per tier. */
	tier: 'fast' | 'balanced' | 'deep';
	contextWindow: number;
	maxOutputTokens: number;
	/** `always`: thinking cannot be turned off (thinking.type disabled/enabled are refused). */
	thinking: 'adaptive' | 'always';
	/** The effort the API applies when the request names none. */
	defaultEffort: Effort;
	efforts: readonly Effort[];
	/** Shortest prefix (tokens) the API caches; shorter prefixes are billed as plain input. */
	minCacheTokens: number;
	/** Whether `tool_choice` of type `tool` or `any` is refused. */
	refusesForcedToolChoice: boolean;
	prices: ModelPrices;
	/** Prompts (input + cache write + cache read) above `aboveTokens` are billed at these prices, output included. */
	longContext?: { aboveTokens: number; prices: ModelPrices };
	sources: readonly string[];
}

/**
 * Message Batches: "All usage is charged at 50% of the standard API prices" (batch processing
 * page, Pricing); the prompt-caching multipliers stack with this discount (pricing page), so cache
 * writes and reads are halved too, and so are long-context prices.
 */
export const BATCH_DISCOUNT = 0.5;
export const BATCH_PRICE_SOURCES = [
	'https://platform.claude.com/docs/en/build-with-claude/batch-processing#pricing',
	'https://platform.claude.com/docs/en/about-claude/pricing',
] as const;

const DOCS = 'https://platform.claude.com/docs/en';

export const MODEL_CATALOG: readonly ModelEntry[] = [
	{
		id: 'claude-haiku-5-5',
		name: 'Claude Haiku 5.5',
		tier: 'fast',
		contextWindow: 1_000_000,
		maxOutputTokens: 128_000,
		thinking: 'adaptive',
		defaultEffort: 'medium',
		efforts: EFFORT_LEVELS,
		minCacheTokens: 512,
		refusesForcedToolChoice: false,
		prices: { input: 0.1, output: 0.5, cacheWrite: 0.125, cacheWrite1h: 0.2, cacheRead: 0.01 },
		longContext: { aboveTokens: 100_000, prices: { input: 0.5, output: 2.5, cacheWrite: 0.625, cacheWrite1h: 1, cacheRead: 0.05 } },
		sources: [`${DOCS}/models/haiku-5-5/overview`, `${DOCS}/models/haiku-5-5/migration-guide`, `${DOCS}/about-claude/pricing#long-context-pricing`],
	},
	{
		id: 'claude-sonnet-5-5',
		name: 'Claude Sonnet 5.5',
		tier: 'balanced',
		contextWindow: 1_000_000,
		maxOutputTokens: 128_000,
		thinking: 'adaptive',
		defaultEffort: 'high',
		efforts: EFFORT_LEVELS,
		minCacheTokens: 512,
		refusesForcedToolChoice: true,
		prices: { input: 2, output: 10, cacheWrite: 2.5, cacheWrite1h: 4, cacheRead: 0.1 },
		sources: [`${DOCS}/models/sonnet-5-5/overview`, `${DOCS}/models/sonnet-5-5/migration-guide`, `${DOCS}/models/sonnet-5-5/whats-new-sonnet-5-5`],
	},
	{
		id: 'claude-opus-5-5',
		name: 'Claude Opus 5.5',
		tier: 'deep',
		contextWindow: 1_000_000,
		maxOutputTokens: 128_000,
		thinking: 'always',
		defaultEffort: 'medium',
		efforts: EFFORT_LEVELS,
		minCacheTokens: 512,
		refusesForcedToolChoice: true,
		prices: { input: 4, output: 20, cacheWrite: 5, cacheWrite1h: 8, cacheRead: 0.2 },
		sources: [`${DOCS}/models/opus-5-5/overview`, `${DOCS}/models/opus-5-5/migration-guide`, `${DOCS}/models/opus-5-5/whats-new-opus-5-5`],
	},
];

const BY_ID = new Map(MODEL_CATALOG.map((m) => [m.id, m]));

export function findModel(id: string): ModelEntry | undefined {
	return BY_ID.get(id);
}
