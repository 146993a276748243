import { describe, expect, it } from 'vitest';
import { addUsage, costOf, parsePriceOverrides, priceTable, ZERO_USAGE } from '../../nodes/shared/models/prices.ts';
import { PRICE_TABLE } from '../../nodes/shared/models/prices.data.ts';
import { autoTier, chooseModel, DEFAULT_TIER_MODELS, LARGE_INPUT_TOKENS } from '../../nodes/shared/models/tiers.ts';

const role = { defaultTier: 'fast' as const, complexity: 'low' as const };

describe('model tiers', () => {
	it('maps tiers to the documented models', () => {
		expect(DEFAULT_TIER_MODELS).toEqual({ fast: 'claude-haiku-5-5', balanced: 'claude-sonnet-5-5', deep: 'claude-opus-5-5' });
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

describe('prices', () => {
	const usage = { input_tokens: 1_000_000, output_tokens: 100_000, cache_creation_input_tokens: 200_000, cache_read_input_tokens: 500_000 };
	it('prices every usage component from the dated table', () => {
		expect(PRICE_TABLE.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		// Sonnet 5.5: $2 in, $10 out, $2.5 cache write, $0.2 cache read per MTok.
		expect(costOf(usage, 'claude-sonnet-5-5', priceTable())).toBeCloseTo(2 + 1 + 0.5 + 0.1, 8);
		expect(costOf(usage, 'claude-haiku-5-5', priceTable())).toBeCloseTo(0.1 + 0.05 + 0.025 + 0.005, 8);
	});
	it('returns null for a model without a price, and takes overrides', () => {
		expect(costOf(usage, 'unknown-model', priceTable())).toBeNull();
		const table = priceTable(parsePriceOverrides('{"unknown-model": {"input": 1, "output": 2}}'));
		expect(costOf(usage, 'unknown-model', table)).toBeCloseTo(1 + 0.2 + 0.25 + 0.05, 8);
	});
	it('names the fix for bad overrides', () => {
		expect(() => parsePriceOverrides('{oops')).toThrow(/Price Overrides is not valid JSON/);
		expect(() => parsePriceOverrides('{"m": {"input": -1, "output": 1}}')).toThrow(/"m" needs non-negative numbers/);
	});
	it('adds usage field by field', () => {
		expect(addUsage(addUsage(ZERO_USAGE, usage), { output_tokens: 5 }).output_tokens).toBe(100_005);
	});
});
