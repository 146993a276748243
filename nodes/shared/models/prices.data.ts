/**
 * List prices in USD per million tokens. Data, not logic: update the date and source when
 * prices change. Cache write is the 5-minute TTL price (1.25 x input), cache read 0.1 x input.
 * Users can override or extend this table with the node option "Price Overrides".
 */
export const PRICE_TABLE = {
	asOf: '2026-10-01',
	source: 'https://docs.anthropic.com/en/docs/about-claude/pricing (stored copy, October 2026)',
	currency: 'USD',
	unit: 'per million tokens',
	models: {
		'claude-haiku-5-5': { input: 0.1, output: 0.5, cacheWrite: 0.125, cacheRead: 0.01 },
		'claude-sonnet-5-5': { input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.2 },
		'claude-opus-5-5': { input: 4, output: 20, cacheWrite: 5, cacheRead: 0.4 },
	},
	notes: ['Haiku 5.5 list price applies to prompts of up to 100K tokens.'],
} as const;
