/**
 * What calls spent, as a value: every structured call returns one, whether it succeeded or
 * failed, so a failed run still reports the tokens and dollars it used.
 */
import { addUsage, costOf, roundUsd, ZERO_USAGE, type PriceTable, type Usage } from '../models/prices.ts';

export interface Spend {
	/** The model that answered last (a cheaper one after a budget step-down). */
	model: string;
	usage: Usage;
	/** USD, priced call by call; null when a model that answered has no price. */
	costUsd: number | null;
	/** HTTP attempts, retries and repair rounds included. */
	attempts: number;
	/** Replies that needed the schema repair round. */
	repairs: number;
	/** Things that went wrong around a billed reply without losing it (e.g. the budget could not be settled). */
	warnings: string[];
}

/** The spend fields of an agent's item that never reached the API: nothing used, nothing paid. */
export function noSpend(): { usage: Usage; costUsd: number } {
	return { usage: ZERO_USAGE, costUsd: 0 };
}

export function emptySpend(model: string): Spend {
	return { model, usage: ZERO_USAGE, costUsd: 0, attempts: 0, repairs: 0, warnings: [] };
}

/** Adds one billed reply, priced on its own usage (a prompt's size decides its price tier). */
export function addReply(spend: Spend, model: string, usage: Usage, prices: PriceTable): Spend {
	const cost = costOf(usage, model, prices);
	return {
		...spend,
		model,
		usage: addUsage(spend.usage, usage),
		costUsd: spend.costUsd === null || cost === null ? null : roundUsd(spend.costUsd + cost),
	};
}

export function addSpend(a: Spend, b: Spend): Spend {
	return {
		model: b.model || a.model,
		usage: addUsage(a.usage, b.usage),
		costUsd: a.costUsd === null || b.costUsd === null ? null : roundUsd(a.costUsd + b.costUsd),
		attempts: a.attempts + b.attempts,
		repairs: a.repairs + b.repairs,
		warnings: [...a.warnings, ...b.warnings],
	};
}
