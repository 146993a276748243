/**
 * What a Claude call does with a budget: reserve an estimate before it starts (stepping down a
 * tier if that is allowed and needed), settle the real cost after it ends.
 */
import { AgentError } from '../claude/errors.ts';
import type { SpendGate, SpendHold, SpendRequest } from '../claude/spend-gate.ts';
import { costOf, ZERO_USAGE, type PriceTable, type Usage } from '../models/prices.ts';
import { DEFAULT_TIER_MODELS, estimateTokens, TIERS, type Tier } from '../models/tiers.ts';
import { fromMicroUsd, toMicroUsd, type Amount, type Bucket, type Ledger } from './budget.ts';

export interface BudgetGuardOptions {
	ledger: Ledger;
	buckets: Bucket[];
	prices: PriceTable;
	onExceeded: 'refuse' | 'stepDown';
	tierModels?: Partial<Record<Tier, string>>;
	/** Ask the API's count_tokens for the prompt size instead of estimating from its length. */
	countTokens?: boolean;
}

/** Counts a prompt's input tokens for a model (the API's count_tokens). */
export type TokenCounter = (model: string) => Promise<number>;

export type Hold = SpendHold;

/** Waits before retrying settlements the store refused: the store may be back by then. */
const SETTLE_RETRY_MS = [2_000, 10_000, 60_000];

export class BudgetGuard implements SpendGate {
	private readonly options: BudgetGuardOptions;
	/** Settlements the store refused (it was down); retried before each later use and on a timer. */
	private readonly pending: Array<{ hold: Hold; actual: Amount }> = [];

	constructor(options: BudgetGuardOptions) {
		this.options = options;
	}

	/** The worst case of one call: its prompt, and a reply as long as Max Tokens. */
	estimate(model: string, inputTokens: number, maxTokens: number): Amount {
		const usage: Usage = { ...ZERO_USAGE, input_tokens: inputTokens, output_tokens: maxTokens };
		const usd = costOf(usage, model, this.options.prices);
		if (usd === null && this.options.buckets.some((b) => b.maxMicroUsd !== undefined)) {
			throw new AgentError('budget_exceeded', `No price for model "${model}", so a USD budget cannot be checked. Fix: add it under "Price Overrides"`);
		}
		return { tokens: usage.input_tokens + usage.output_tokens, microUsd: toMicroUsd(usd ?? 0) };
	}

	async reserve(request: SpendRequest): Promise<Hold> {
		await this.retryPending();
		const { promptChars, maxTokens, countTokens: count } = request;
		let candidate: string | undefined = request.model;
		let refusal = '';
		while (candidate) {
			const inputTokens = await this.inputTokens(candidate, promptChars, count);
			const result = await this.options.ledger.reserve(this.options.buckets, this.estimate(candidate, inputTokens, maxTokens));
			if (result.ok) return { id: result.id, model: candidate };
			const u = result.usage;
			refusal = `budget "${result.bucket}" has $${fromMicroUsd(u.usedMicroUsd).toFixed(4)} spent and $${fromMicroUsd(u.reservedMicroUsd).toFixed(4)} reserved (${u.usedTokens + u.reservedTokens} tokens)`;
			candidate = this.options.onExceeded === 'stepDown' ? this.cheaper(candidate) : undefined;
		}
		throw new AgentError('budget_exceeded', `Not enough budget left for this call: ${refusal}. Fix: raise the budget, wait for the next window, or allow stepping down a tier`);
	}

	/**
	 * Settles a hold. When the store refuses (it went down mid-call), the settlement is kept and
	 * retried later, and the error is re-thrown so the caller can record it; the reply it paid
	 * for is never discarded.
	 */
	async settle(hold: Hold, usage: Usage | undefined): Promise<void> {
		const actual: Amount = usage
			? {
					tokens: usage.input_tokens + usage.output_tokens + usage.cache_creation_input_tokens + usage.cache_read_input_tokens,
					microUsd: toMicroUsd(costOf(usage, hold.model, this.options.prices) ?? 0),
				}
			: { tokens: 0, microUsd: 0 };
		const failure = await this.options.ledger.settle(hold.id, this.options.buckets, actual).then(
			() => undefined,
			(error: unknown) => error as Error,
		);
		if (!failure) return;
		this.pending.push({ hold, actual });
		this.scheduleRetry(0);
		throw failure;
	}

	/** Settlements still owed to the store (for tests and diagnostics). */
	get pendingSettlements(): number {
		return this.pending.length;
	}

	async retryPending(): Promise<void> {
		while (this.pending.length) {
			const next = this.pending[0];
			try {
				await this.options.ledger.settle(next.hold.id, this.options.buckets, next.actual);
			} catch {
				return;
			}
			this.pending.shift();
		}
	}

	private scheduleRetry(step: number): void {
		if (step >= SETTLE_RETRY_MS.length) return;
		const timer = setTimeout(() => {
			void this.retryPending().then(() => {
				if (this.pending.length) this.scheduleRetry(step + 1);
			});
		}, SETTLE_RETRY_MS[step]);
		timer.unref?.();
	}

	private async inputTokens(model: string, promptChars: number, count?: TokenCounter): Promise<number> {
		const bySize = estimateTokens(promptChars);
		if (!this.options.countTokens || !count) return bySize;
		try {
			return await count(model);
		} catch {
			return bySize; // count_tokens unavailable (a gateway without it): fall back to the size.
		}
	}

	/** The next cheaper tier's model, when `model` is a tier model. */
	private cheaper(model: string): string | undefined {
		const models = TIERS.map((t) => this.options.tierModels?.[t]?.trim() || DEFAULT_TIER_MODELS[t]);
		const index = models.indexOf(model);
		return index > 0 ? models[index - 1] : undefined;
	}
}
