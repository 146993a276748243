import { PROVIDERS, type BillingFacts, type WeekOverWeek } from '../finops/focus.ts';
import type { SpecialistOutcome } from './specialist-items.ts';

/** Cost synthesis in code: ROI = monthly savings ÷ effort, ranking, totals, quick wins, tiers. */
export interface CostRecommendation {
	cloud: string;
	resource: string;
	action: string;
	category: string;
	monthly_savings_usd: number;
	effort_hours: number;
	risk?: string;
}

export type CostTier = 'quick' | 'medium' | 'strategic';

export interface RankedRecommendation extends CostRecommendation {
	rank: number;
	roi: number;
	quick_win: boolean;
	tier: CostTier;
}

/** Effort below this many hours is a quick win. */
export const QUICK_WIN_HOURS = 1;
/** Above this, a strategic project rather than a task. */
export const STRATEGIC_HOURS = 16;
/** Effort is never taken as less than this, so a "0 hours" estimate cannot make ROI infinite. */
export const MIN_EFFORT_HOURS = 0.25;

export function roiOf(r: Pick<CostRecommendation, 'monthly_savings_usd' | 'effort_hours'>): number {
	return Math.max(0, r.monthly_savings_usd) / Math.max(MIN_EFFORT_HOURS, r.effort_hours);
}

export function tierOf(effortHours: number): CostTier {
	if (effortHours < QUICK_WIN_HOURS) return 'quick';
	return effortHours <= STRATEGIC_HOURS ? 'medium' : 'strategic';
}

export interface CostRanking {
	top: RankedRecommendation[];
	totalMonthlySavingsUsd: number;
	totalAnnualSavingsUsd: number;
	quickWins: number;
	byTier: Record<CostTier, number>;
	considered: number;
}

export function rankByRoi(recommendations: CostRecommendation[], topN = 10): CostRanking {
	const ranked = recommendations
		.filter((r) => r.monthly_savings_usd > 0)
		.map((r) => ({ ...r, roi: round2(roiOf(r)), quick_win: r.effort_hours < QUICK_WIN_HOURS, tier: tierOf(r.effort_hours), rank: 0 }))
		.sort((a, b) => b.roi - a.roi || b.monthly_savings_usd - a.monthly_savings_usd)
		.map((r, i) => ({ ...r, rank: i + 1 }));
	const monthly = round2(ranked.reduce((n, r) => n + r.monthly_savings_usd, 0));
	const byTier: Record<CostTier, number> = { quick: 0, medium: 0, strategic: 0 };
	for (const r of ranked) byTier[r.tier]++;
	return {
		top: ranked.slice(0, topN),
		totalMonthlySavingsUsd: monthly,
		totalAnnualSavingsUsd: round2(monthly * 12),
		quickWins: ranked.filter((r) => r.quick_win).length,
		byTier,
		considered: ranked.length,
	};
}

function round2(x: number): number {
	return Math.round(x * 100) / 100;
}

export interface SpendOverview {
	currency: string;
	/** Spend per cloud a specialist read, exact from the billing rows. */
	byCloud: Array<{ cloud: string; spend: number; monthlyRunRate: number; changePct: number | null }>;
	analysedSpend: number;
	/** The whole export: every provider, including ones no specialist covered. */
	exportSpend: number;
	notAnalysed: Array<{ provider: string; spend: number }>;
	weekOverWeek: WeekOverWeek | null;
}

/** Totals from the specialists' billing facts (computed in code), never from model text. */
export function spendOverview(outcomes: SpecialistOutcome[]): SpendOverview | null {
	const facts = outcomes.map((o) => o.input?.billing).filter((b): b is BillingFacts => Boolean(b));
	if (facts.length === 0) return null;
	const whole = facts[0].export;
	const covered = facts.map((f) => f.cloud);
	return {
		currency: facts[0].currency,
		byCloud: facts.map((f) => ({ cloud: f.cloud, spend: f.spend, monthlyRunRate: f.monthlyRunRate, changePct: f.weekOverWeek?.changePct ?? null })),
		analysedSpend: round2(facts.reduce((n, f) => n + f.spend, 0)),
		exportSpend: round2(whole.spend),
		notAnalysed: whole.byProvider
			.filter((p) => !covered.some((cloud) => PROVIDERS[cloud]?.test(p.provider)))
			.map((p) => ({ provider: p.provider, spend: p.spend })),
		weekOverWeek: whole.weekOverWeek,
	};
}
