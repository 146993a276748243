/**
 * Effort: how much a 5.5 model thinks before it answers (`output_config.effort`). Thinking is
 * adaptive and on by default, billed as output, and counts toward Max Tokens, so the default
 * Max Tokens grows with the effort to leave room for it.
 * https://platform.claude.com/docs/en/build-with-claude/effort
 */
import { ParameterError } from '../parameter-error.ts';
import { EFFORT_LEVELS, findModel, type Effort } from './catalog.data.ts';

export { EFFORT_LEVELS, type Effort } from './catalog.data.ts';

/** What the user chose: a level, the role's default, or the model's own default (nothing sent). */
export type EffortChoice = Effort | 'role' | 'model';

/** Max Tokens when the user sets none: room for thinking at that effort plus the JSON answer. */
export const DEFAULT_MAX_TOKENS: Record<Effort, number> = {
	low: 8_000,
	medium: 16_000,
	high: 32_000,
	xhigh: 64_000,
	max: 128_000,
};

export function isEffort(value: unknown): value is Effort {
	return typeof value === 'string' && (EFFORT_LEVELS as readonly string[]).includes(value);
}

export function parseEffortChoice(value: unknown, where = 'Effort'): EffortChoice {
	if (value === undefined || value === null || value === '') return 'role';
	if (value === 'role' || value === 'model' || isEffort(value)) return value;
	throw new ParameterError(`${where}: unknown effort "${String(value)}". Fix: use low, medium, high, xhigh or max (or the role's default)`);
}

/**
 * The effort to send for one call, or undefined to send none. A model outside the catalog gets
 * an effort only when the user named one: it may not accept the parameter at all.
 */
export function resolveEffort(choice: EffortChoice, roleDefault: Effort, model: string): Effort | undefined {
	const known = findModel(model);
	if (choice === 'model') return undefined;
	const wanted = choice === 'role' ? roleDefault : choice;
	if (!known) return choice === 'role' ? undefined : wanted;
	if (!known.efforts.includes(wanted)) {
		throw new ParameterError(`Effort "${wanted}" is not available on ${known.name}. Fix: choose one of ${known.efforts.join(', ')}`);
	}
	return wanted;
}

/** The Max Tokens for a call: the user's, or the default for the effort, never above the model's limit. */
export function maxTokensFor(userMaxTokens: number | undefined, effort: Effort | undefined, model: string): number {
	const known = findModel(model);
	const fallback = DEFAULT_MAX_TOKENS[effort ?? known?.defaultEffort ?? 'medium'];
	const wanted = userMaxTokens ?? fallback;
	return known ? Math.min(wanted, known.maxOutputTokens) : wanted;
}
