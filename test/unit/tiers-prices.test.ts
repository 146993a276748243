import { describe, expect, it } from 'vitest';
import { CATALOG_AS_OF, MODEL_CATALOG } from '../../nodes/shared/models/catalog.data.ts';
import { DEFAULT_MAX_TOKENS, maxTokensFor, resolveEffort } from '../../nodes/shared/models/effort.ts';
import { batchPrices, addUsage, costOf, parsePriceOverrides, priceTable, ZERO_USAGE } from '../../nodes/shared/models/prices.ts';
import { autoTier, chooseModel, DEFAULT_TIER_MODELS, estimateTokens, LARGE_INPUT_TOKENS } from '../../nodes/shared/models/tiers.ts';
import { ROLE_PRESETS } from '../../nodes/shared/roles/index.ts';

const role = { defaultTier: 'fast' as const, complexity: 'low' as const };

describe('model tiers', () => {
	it('maps tiers to the documented models, from the one catalog', () => {
		expect(DEFAULT_TIER_MODELS).toEqual({ fast: 'claude-haiku-5-5', balanced: 'claude-sonnet-5-5', deep: 'claude-opus-5-5' });
		expect(Object.values(DEFAULT_TIER_MODELS).sort()).toEqual(MODEL_CATALOG.map((m) => m.id).sort());
	});
	it("uses the role's tier, an explicit tier, a per-tier override or a typed model id", () => {
		expect(chooseModel({ tier: 'role' }, role, 10)).toEqual({ tier: 'fast', model: 'claude-haiku-5-5' });
		expect(chooseModel({ tier: 'deep' }, role, 10)).toEqual({ tier: 'deep', model: 'claude-opus-5-5' });
		expect(chooseModel({ tier: 'fast', tierModels: { fast: 'claude-haiku-4-5' } }, role, 10).model).toBe('claude-haiku-4-5');
		expect(chooseModel({ tier: 'deep', customModel: ' my-model ' }, role, 10)).toEqual({ tier: 'custom', model: 'my-model' });
	});
	it('auto picks the cheapest tier for the complexity and lifts fast tasks with very large input', () => {
		expect(autoTier('low', 1000)).toBe('fast');
		expect(autoTier('low', LARGE_INPUT_TOKENS + 1)).toBe('balanced');
		expect(autoTier('medium', 1000)).toBe('balanced');
		expect(autoTier('high', 10)).toBe('deep');
	});
	it('rejects an unknown tier with the fix', () => {
		expect(() => chooseModel({ tier: 'huge' as never }, role, 1)).toThrow(/auto, fast, balanced or deep/);
	});
});

describe('prices from the model pages', () => {
	const usage = { ...ZERO_USAGE, input_tokens: 1_000_000, output_tokens: 100_000, cache_creation_input_tokens: 200_000, cache_read_input_tokens: 500_000 };
	it('is dated and names its sources', () => {
		expect(CATALOG_AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		for (const m of MODEL_CATALOG) expect(m.sources.every((u) => u.startsWith('https://platform.claude.com/docs/en/'))).toBe(true);
	});
	it('prices Sonnet 5.5: $2 in, $10 out, $2.50 5-minute write, $0.10 cache read (https://platform.claude.com/docs/en/models/sonnet-5-5/migration-guide)', () => {
		expect(costOf(usage, 'claude-sonnet-5-5', priceTable())).toBeCloseTo(2 + 1 + 0.5 + 0.05, 8);
	});
	it('prices Opus 5.5: $4 in, $20 out, $5 write, $0.20 read, $8 1-hour write (https://platform.claude.com/docs/en/models/opus-5-5/overview)', () => {
		expect(costOf(usage, 'claude-opus-5-5', priceTable())).toBeCloseTo(4 + 2 + 1 + 0.1, 8);
		const hour = { ...usage, cache_creation_1h_input_tokens: 200_000 };
		expect(costOf(hour, 'claude-opus-5-5', priceTable())).toBeCloseTo(4 + 2 + 1.6 + 0.1, 8);
	});
	it('prices Haiku 5.5 prompts over 100K tokens at the long-context tier (https://platform.claude.com/docs/en/models/haiku-5-5/overview)', () => {
		const small = { ...ZERO_USAGE, input_tokens: 60_000, cache_read_input_tokens: 40_000, output_tokens: 10_000 };
		// Exactly 100K prompt tokens: $0.10 in, $0.01 read, $0.50 out.
		expect(costOf(small, 'claude-haiku-5-5', priceTable())).toBeCloseTo(0.006 + 0.0004 + 0.005, 8);
		const large = { ...small, input_tokens: 60_001 };
		// Over 100K (cache reads count): $0.50 in, $0.05 read, $2.50 out, for the whole call.
		expect(costOf(large, 'claude-haiku-5-5', priceTable())).toBeCloseTo(0.0300005 + 0.002 + 0.025, 8);
		const writes = { ...ZERO_USAGE, input_tokens: 150_000, cache_creation_input_tokens: 10_000, cache_creation_1h_input_tokens: 4_000 };
		expect(costOf(writes, 'claude-haiku-5-5', priceTable())).toBeCloseTo(0.075 + 6_000 * 0.625e-6 + 4_000 * 1e-6, 8);
	});
	it('charges all usage at 50% in Message Batches, cache writes, reads and long context included (https://platform.claude.com/docs/en/build-with-claude/batch-processing#pricing, https://platform.claude.com/docs/en/about-claude/pricing)', () => {
		const plain = { ...ZERO_USAGE, input_tokens: 1_000_000, output_tokens: 100_000 };
		expect(costOf(plain, 'claude-sonnet-5-5', priceTable(), { batch: true })).toBeCloseTo(1 + 0.5, 8);
		const cached = { ...ZERO_USAGE, input_tokens: 1_000, cache_creation_input_tokens: 300_000, cache_creation_1h_input_tokens: 100_000, cache_read_input_tokens: 500_000, output_tokens: 2_000 };
		for (const model of ['claude-haiku-5-5', 'claude-sonnet-5-5', 'claude-opus-5-5']) {
			const standard = costOf(cached, model, priceTable())!;
			expect(costOf(cached, model, priceTable(), { batch: true })).toBeCloseTo(standard / 2, 8);
			expect(costOf(cached, model, batchPrices(priceTable()))).toBeCloseTo(standard / 2, 8);
		}
		// Haiku 5.5 over 100K prompt tokens: the long-context prices, halved ($0.25 in, $1.25 out).
		expect(costOf({ ...ZERO_USAGE, input_tokens: 200_000, output_tokens: 10_000 }, 'claude-haiku-5-5', batchPrices(priceTable()))).toBeCloseTo(0.05 + 0.0125, 8);
	});
	it('returns null for a model without a price, and takes overrides with the documented cache ratios', () => {
		expect(costOf(usage, 'unknown-model', priceTable())).toBeNull();
		const table = priceTable(parsePriceOverrides('{"unknown-model": {"input": 1, "output": 2}}'));
		expect(table['unknown-model']).toEqual({ input: 1, output: 2, cacheWrite: 1.25, cacheWrite1h: 2, cacheRead: 0.1 });
		expect(costOf(usage, 'unknown-model', table)).toBeCloseTo(1 + 0.2 + 0.25 + 0.05, 8);
	});
	it('names the fix for bad overrides', () => {
		expect(() => parsePriceOverrides('{oops')).toThrow(/Price Overrides is not valid JSON/);
		expect(() => parsePriceOverrides('{"m": {"input": -1, "output": 1}}')).toThrow(/"m" needs non-negative numbers/);
	});
	it('adds usage field by field', () => {
		expect(addUsage(addUsage(ZERO_USAGE, usage), { output_tokens: 5 }).output_tokens).toBe(100_005);
	});
	it('estimates about 3 characters a token (https://platform.claude.com/docs/en/models/haiku-5-5/whats-new-haiku-5-5)', () => {
		expect(estimateTokens('x'.repeat(3000))).toBe(1000);
	});
});

describe('effort', () => {
	it('defaults: fast roles low, the other roles medium', () => {
		for (const role of ROLE_PRESETS) expect(role.defaultEffort, role.id).toBe(role.defaultTier === 'fast' ? 'low' : 'medium');
	});
	it("sends the role's effort, a chosen one, or none for the model's default", () => {
		expect(resolveEffort('role', 'low', 'claude-haiku-5-5')).toBe('low');
		expect(resolveEffort('high', 'low', 'claude-haiku-5-5')).toBe('high');
		expect(resolveEffort('model', 'low', 'claude-haiku-5-5')).toBeUndefined();
		// A model outside the catalog gets an effort only when one is chosen explicitly.
		expect(resolveEffort('role', 'low', 'claude-haiku-4-5')).toBeUndefined();
		expect(resolveEffort('medium', 'low', 'claude-haiku-4-5')).toBe('medium');
	});
	it('leaves room for thinking by default, capped at the model output limit', () => {
		expect(maxTokensFor(undefined, 'low', 'claude-haiku-5-5')).toBe(DEFAULT_MAX_TOKENS.low);
		expect(maxTokensFor(undefined, 'max', 'claude-opus-5-5')).toBe(128_000);
		expect(maxTokensFor(500_000, 'low', 'claude-opus-5-5')).toBe(128_000);
		expect(maxTokensFor(2048, 'high', 'claude-opus-5-5')).toBe(2048);
		expect(maxTokensFor(undefined, undefined, 'claude-sonnet-5-5')).toBe(DEFAULT_MAX_TOKENS.high);
	});
});
