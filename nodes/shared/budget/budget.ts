/**
 * Budgets: limits in tokens and/or USD over a window (one execution, a UTC day, a UTC month)
 * for a scope (everything, or a key such as an agent, workflow or team). Money is kept in
 * integer micro-dollars so concurrent additions never drift.
 */
import { ParameterError } from '../parameter-error.ts';

export type BudgetWindow = 'execution' | 'day' | 'month';

export interface BudgetRule {
	/** "" for one budget over everything; otherwise a key such as "team:sre" or "agent:logs". */
	scope: string;
	window: BudgetWindow;
	maxTokens?: number;
	maxUsd?: number;
	/** Raise the alert flag once spend in the window passes this many USD. */
	alertUsd?: number;
}

export interface Amount {
	tokens: number;
	microUsd: number;
}

/** A rule resolved for now: the ledger bucket it counts in, with its limits. */
export interface Bucket {
	id: string;
	maxTokens?: number;
	maxMicroUsd?: number;
	/** When the bucket can be forgotten (epoch ms). */
	expiresAt: number;
}

export interface BucketUsage {
	usedTokens: number;
	usedMicroUsd: number;
	reservedTokens: number;
	reservedMicroUsd: number;
}

export const EMPTY_USAGE: BucketUsage = { usedTokens: 0, usedMicroUsd: 0, reservedTokens: 0, reservedMicroUsd: 0 };

export function toMicroUsd(usd: number): number {
	return Math.round(usd * 1_000_000);
}

export function fromMicroUsd(micro: number): number {
	return micro / 1_000_000;
}

const DAY = 86_400_000;

/** The window's key and expiry at `now` (UTC). Executions are kept a day. */
export function windowOf(window: BudgetWindow, now: Date, executionId: string): { key: string; expiresAt: number } {
	const iso = now.toISOString();
	if (window === 'day') {
		const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
		return { key: `day:${iso.slice(0, 10)}`, expiresAt: start + 40 * DAY };
	}
	if (window === 'month') {
		const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
		return { key: `month:${iso.slice(0, 7)}`, expiresAt: start + 400 * DAY };
	}
	return { key: `execution:${executionId}`, expiresAt: now.getTime() + DAY };
}

export function bucketFor(rule: BudgetRule, now: Date, executionId: string): Bucket {
	if (rule.maxTokens === undefined && rule.maxUsd === undefined) {
		throw new ParameterError(`Budget "${rule.scope || 'all'}" (${rule.window}) has no limit. Fix: set "Max USD" and/or "Max Tokens"`);
	}
	for (const [name, value] of [['Max USD', rule.maxUsd], ['Max Tokens', rule.maxTokens]] as const) {
		if (value !== undefined && !(value >= 0)) throw new ParameterError(`Budget "${rule.scope || 'all'}": "${name}" must be a number of at least 0`);
	}
	const { key, expiresAt } = windowOf(rule.window, now, executionId);
	return {
		id: `${rule.scope || '*'}|${key}`,
		maxTokens: rule.maxTokens,
		maxMicroUsd: rule.maxUsd === undefined ? undefined : toMicroUsd(rule.maxUsd),
		expiresAt,
	};
}

/** Whether `amount` more fits in the bucket, counting what is reserved by calls in flight. */
export function fits(bucket: Bucket, usage: BucketUsage, amount: Amount): boolean {
	if (bucket.maxTokens !== undefined && usage.usedTokens + usage.reservedTokens + amount.tokens > bucket.maxTokens) return false;
	if (bucket.maxMicroUsd !== undefined && usage.usedMicroUsd + usage.reservedMicroUsd + amount.microUsd > bucket.maxMicroUsd) return false;
	return true;
}

export type Reservation = { ok: true; id: string } | { ok: false; bucket: string; usage: BucketUsage };

/** Two stores implement this: an embedded SQLite file and Redis (queue mode). */
export interface Ledger {
	/** Atomically: if the amount fits every bucket, hold it in all of them. */
	reserve(buckets: Bucket[], amount: Amount): Promise<Reservation>;
	/** Replaces a reservation by the real amount spent (0 when the call was never made). */
	settle(id: string, buckets: Bucket[], actual: Amount): Promise<void>;
	usage(bucketIds: string[]): Promise<Record<string, BucketUsage>>;
	reset(bucketIds: string[]): Promise<void>;
}
