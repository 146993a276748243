/** Model tiers: a role asks for a capability level; the user decides which model serves it. */
import { ParameterError } from '../parameter-error.ts';
import { MODEL_CATALOG } from './catalog.data.ts';

export const TIERS = ['fast', 'balanced', 'deep'] as const;
export type Tier = (typeof TIERS)[number];
export type TierChoice = Tier | 'auto';
export type Complexity = 'low' | 'medium' | 'high';

/** Each tier's model, as the catalog says. */
export const DEFAULT_TIER_MODELS: Record<Tier, string> = Object.fromEntries(
	TIERS.map((tier) => {
		const model = MODEL_CATALOG.find((m) => m.tier === tier);
		if (!model) throw new Error(`The model catalog has no model for the ${tier} tier`);
		return [tier, model.id];
	}),
) as Record<Tier, string>;

/** Above this many estimated input tokens the fast tier is not trusted with the whole prompt. */
export const LARGE_INPUT_TOKENS = 60_000;

const BY_COMPLEXITY: Record<Complexity, Tier> = { low: 'fast', medium: 'balanced', high: 'deep' };

export function isTier(value: unknown): value is Tier {
	return typeof value === 'string' && (TIERS as readonly string[]).includes(value);
}

/**
 * `auto`: the cheapest tier that can do the task. The role's complexity sets the floor; very
 * large inputs lift a fast task to balanced, since long-context recall is where small models slip.
 */
export function autoTier(complexity: Complexity, inputTokens: number): Tier {
	const tier = BY_COMPLEXITY[complexity];
	if (tier === 'fast' && inputTokens > LARGE_INPUT_TOKENS) return 'balanced';
	return tier;
}

export interface ModelChoice {
	tier: Tier | 'custom';
	model: string;
}

export interface ModelSelection {
	/** The tier asked for: a tier, `auto`, or `role` (the role's default tier). */
	tier: TierChoice | 'role';
	/** A typed model id; wins over any tier. */
	customModel?: string;
	/** Per-tier model overrides, e.g. `{ fast: 'claude-haiku-4-5' }`. */
	tierModels?: Partial<Record<Tier, string>>;
}

export function chooseModel(
	selection: ModelSelection,
	role: { defaultTier: Tier; complexity: Complexity },
	inputTokens: number,
): ModelChoice {
	const custom = selection.customModel?.trim();
	if (custom) return { tier: 'custom', model: custom };
	let tier: Tier;
	if (selection.tier === 'role') tier = role.defaultTier;
	else if (selection.tier === 'auto') tier = autoTier(role.complexity, inputTokens);
	else if (isTier(selection.tier)) tier = selection.tier;
	else throw new ParameterError(`Unknown tier "${String(selection.tier)}". Fix: use auto, fast, balanced or deep`);
	const override = selection.tierModels?.[tier]?.trim();
	return { tier, model: override || DEFAULT_TIER_MODELS[tier] };
}

/**
 * Characters per token assumed for sizing and budget estimates. The 5.5 models' tokenizer
 * counts about 30% more tokens than older ones for the same text (models/haiku-5-5/whats-new),
 * about 3 characters a token for English and logs; when exactness matters, count_tokens is used.
 */
export const CHARS_PER_TOKEN = 3;

export function estimateTokens(text: string | number): number {
	return Math.ceil((typeof text === 'number' ? text : text.length) / CHARS_PER_TOKEN);
}
