import { PRICE_TABLE } from './prices.data.ts';
import { parseJson } from '../json.ts';
import { ParameterError } from '../parameter-error.ts';

export interface ModelPrice {
	input: number;
	output: number;
	cacheWrite: number;
	cacheRead: number;
}

export interface Usage {
	input_tokens: number;
	output_tokens: number;
	cache_creation_input_tokens: number;
	cache_read_input_tokens: number;
}

export type PriceTable = Record<string, ModelPrice>;

export const ZERO_USAGE: Usage = Object.freeze({
	input_tokens: 0,
	output_tokens: 0,
	cache_creation_input_tokens: 0,
	cache_read_input_tokens: 0,
});

export function addUsage(a: Usage, b: Partial<Usage> | null | undefined): Usage {
	return {
		input_tokens: a.input_tokens + (b?.input_tokens ?? 0),
		output_tokens: a.output_tokens + (b?.output_tokens ?? 0),
		cache_creation_input_tokens: a.cache_creation_input_tokens + (b?.cache_creation_input_tokens ?? 0),
		cache_read_input_tokens: a.cache_read_input_tokens + (b?.cache_read_input_tokens ?? 0),
	};
}

/** The built-in table with the user's overrides laid over it, model by model. */
export function priceTable(overrides: PriceTable = {}): PriceTable {
	return { ...PRICE_TABLE.models, ...overrides };
}

/**
 * Parses the "Price Overrides" option: `{ "<model>": { "input": n, "output": n, "cacheWrite"?: n,
 * "cacheRead"?: n } }`. Missing cache prices follow Anthropic's ratios (1.25x, 0.1x input).
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
		table[model] = {
			input,
			output,
			cacheWrite: value.cacheWrite === undefined ? input * 1.25 : Number(value.cacheWrite),
			cacheRead: value.cacheRead === undefined ? input * 0.1 : Number(value.cacheRead),
		};
	}
	return table;
}

/** Cost of one call in USD, or null when the model has no price in the table. */
export function costOf(usage: Usage, model: string, table: PriceTable): number | null {
	const price = table[model];
	if (!price) return null;
	const micro =
		usage.input_tokens * price.input +
		usage.output_tokens * price.output +
		usage.cache_creation_input_tokens * price.cacheWrite +
		usage.cache_read_input_tokens * price.cacheRead;
	return roundUsd(micro / 1_000_000);
}

export function roundUsd(value: number): number {
	return Math.round(value * 1e8) / 1e8;
}
