/**
 * What a call costs. Prices come from the model catalog (dated, with sources) with the user's
 * "Price Overrides" laid over it. Each call is priced on its own usage, because a prompt's size
 * decides its price tier (Claude Haiku 5.5 bills prompts over 100K tokens at higher rates).
 */
import { BATCH_DISCOUNT, MODEL_CATALOG, type ModelPrices } from './catalog.data.ts';
import { parseJson } from '../json.ts';
import { ParameterError } from '../parameter-error.ts';

export type { ModelPrices } from './catalog.data.ts';

/** Token counts as the API reports them; 1-hour cache writes are a part of `cache_creation_input_tokens`. */
export interface Usage {
	input_tokens: number;
	output_tokens: number;
	cache_creation_input_tokens: number;
	cache_read_input_tokens: number;
	/** The share of `cache_creation_input_tokens` written with the 1-hour TTL. */
	cache_creation_1h_input_tokens: number;
	/** The share of `output_tokens` spent thinking (billed as output). */
	thinking_tokens: number;
}

/** A model's prices, and the prompt size above which its long-context prices apply. */
export interface PriceEntry extends ModelPrices {
	longContext?: { aboveTokens: number; prices: ModelPrices };
}

export type PriceTable = Record<string, PriceEntry>;

export const ZERO_USAGE: Usage = Object.freeze({
	input_tokens: 0,
	output_tokens: 0,
	cache_creation_input_tokens: 0,
	cache_read_input_tokens: 0,
	cache_creation_1h_input_tokens: 0,
	thinking_tokens: 0,
});

export function addUsage(a: Usage, b: Partial<Usage> | null | undefined): Usage {
	return {
		input_tokens: a.input_tokens + (b?.input_tokens ?? 0),
		output_tokens: a.output_tokens + (b?.output_tokens ?? 0),
		cache_creation_input_tokens: a.cache_creation_input_tokens + (b?.cache_creation_input_tokens ?? 0),
		cache_read_input_tokens: a.cache_read_input_tokens + (b?.cache_read_input_tokens ?? 0),
		cache_creation_1h_input_tokens: (a.cache_creation_1h_input_tokens ?? 0) + (b?.cache_creation_1h_input_tokens ?? 0),
		thinking_tokens: (a.thinking_tokens ?? 0) + (b?.thinking_tokens ?? 0),
	};
}

/** The catalog's prices by model id. */
export const CATALOG_PRICES: PriceTable = Object.fromEntries(
	MODEL_CATALOG.map((m) => [m.id, { ...m.prices, ...(m.longContext ? { longContext: m.longContext } : {}) }]),
);

/** The built-in table with the user's overrides laid over it, model by model. */
export function priceTable(overrides: PriceTable = {}): PriceTable {
	return { ...CATALOG_PRICES, ...overrides };
}

/**
 * Parses the "Price Overrides" option: `{ "<model>": { "input": n, "output": n, "cacheWrite"?: n,
 * "cacheWrite1h"?: n, "cacheRead"?: n } }`. Missing cache prices follow the documented ratios
 * (5-minute write 1.25x, 1-hour write 2x, read 0.1x input).
 */
export function parsePriceOverrides(text: string | undefined): PriceTable {
	if (!text || !text.trim()) return {};
	const parsed = parseJson(text);
	if (!parsed.ok) throw new ParameterError('Price Overrides is not valid JSON. Fix: use {"model-id": {"input": 2, "output": 10}}');
	const raw = parsed.value;
	if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
		throw new ParameterError('Price Overrides must be a JSON object keyed by model id');
	}
	const table: PriceTable = {};
	for (const [model, value] of Object.entries(raw as Record<string, Record<string, unknown>>)) {
		const input = Number(value?.input);
		const output = Number(value?.output);
		if (!Number.isFinite(input) || !Number.isFinite(output) || input < 0 || output < 0) {
			throw new ParameterError(
				`Price Overrides: "${model}" needs non-negative numbers "input" and "output" (USD per million tokens)`,
			);
		}
		const given = (key: string, ratio: number) => (value[key] === undefined ? input * ratio : Number(value[key]));
		table[model] = { input, output, cacheWrite: given('cacheWrite', 1.25), cacheWrite1h: given('cacheWrite1h', 2), cacheRead: given('cacheRead', 0.1) };
	}
	return table;
}

/** Tokens the prompt consisted of: what decides a long-context price tier. */
export function promptTokens(usage: Usage): number {
	return usage.input_tokens + usage.cache_creation_input_tokens + usage.cache_read_input_tokens;
}

/** The same table at the Message Batches price: every price of every model, long-context ones included, times BATCH_DISCOUNT. */
export function batchPrices(table: PriceTable): PriceTable {
	const half = (p: ModelPrices): ModelPrices => ({
		input: p.input * BATCH_DISCOUNT,
		output: p.output * BATCH_DISCOUNT,
		cacheWrite: p.cacheWrite * BATCH_DISCOUNT,
		cacheWrite1h: p.cacheWrite1h * BATCH_DISCOUNT,
		cacheRead: p.cacheRead * BATCH_DISCOUNT,
	});
	return Object.fromEntries(
		Object.entries(table).map(([model, entry]) => [
			model,
			{ ...half(entry), ...(entry.longContext ? { longContext: { aboveTokens: entry.longContext.aboveTokens, prices: half(entry.longContext.prices) } } : {}) },
		]),
	);
}

/**
 * Cost of ONE call in USD, or null when the model has no price in the table. `batch` prices it
 * at the Message Batches price (batchPrices).
 */
export function costOf(usage: Usage, model: string, table: PriceTable, options: { batch?: boolean } = {}): number | null {
	const entry = (options.batch ? batchPrices(table) : table)[model];
	if (!entry) return null;
	const price = entry.longContext && promptTokens(usage) > entry.longContext.aboveTokens ? entry.longContext.prices : entry;
	const written1h = Math.min(usage.cache_creation_1h_input_tokens ?? 0, usage.cache_creation_input_tokens);
	const micro =
		usage.input_tokens * price.input +
		usage.output_tokens * price.output +
		(usage.cache_creation_input_tokens - written1h) * price.cacheWrite +
		written1h * price.cacheWrite1h +
		usage.cache_read_input_tokens * price.cacheRead;
	return roundUsd(micro / 1_000_000);
}

export function roundUsd(value: number): number {
	return Math.round(value * 1e8) / 1e8;
}
