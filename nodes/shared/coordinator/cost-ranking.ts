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
	/** The billing currency most rows are in; figures here are in it alone. */
	currency: string;
	/** Spend per cloud a specialist read, exact from the billing rows. */
	byCloud: Array<{ cloud: string; spend: number; monthlyRunRate: number; changePct: number | null }>;
	analysedSpend: number;
	/** The whole export: every provider, including ones no specialist covered. */
	exportSpend: number;
	notAnalysed: Array<{ provider: string; spend: number }>;
	weekOverWeek: WeekOverWeek | null;
	/** Spend billed in other currencies: reported beside, never added (FOCUS keeps one total per BillingCurrency). */
	otherCurrencies: Array<{ currency: string; byCloud: Array<{ cloud: string; spend: number }>; analysedSpend: number; exportSpend: number }>;
}

/** Totals from the specialists' billing facts (computed in code), never from model text. */
export function spendOverview(outcomes: SpecialistOutcome[]): SpendOverview | null {
	const facts = outcomes.map((o) => o.input?.billing).filter((b): b is BillingFacts => Boolean(b));
	if (facts.length === 0) return null;
	const main = facts.reduce((a, b) => (b.rows > a.rows ? b : a));
	const currency = main.currency;
	const whole = main.export;
	const others = new Map<string, SpendOverview['otherCurrencies'][number]>();
	const other = (code: string) => {
		let o = others.get(code);
		if (!o) others.set(code, (o = { currency: code, byCloud: [], analysedSpend: 0, exportSpend: whole.otherCurrencies?.find((x) => x.currency === code)?.spend ?? 0 }));
		return o;
	};
	const byCloud: SpendOverview['byCloud'] = [];
	for (const f of facts) {
		const spends = [{ currency: f.currency, spend: f.spend }, ...(f.otherCurrencies ?? [])];
		for (const s of spends.filter((x) => x.currency !== currency)) {
			const o = other(s.currency);
			o.byCloud.push({ cloud: f.cloud, spend: s.spend });
			o.analysedSpend = round2(o.analysedSpend + s.spend);
		}
		const own = spends.find((x) => x.currency === currency);
		if (own || f.rows === 0) {
			const primary = f.currency === currency;
			byCloud.push({ cloud: f.cloud, spend: own?.spend ?? 0, monthlyRunRate: primary ? f.monthlyRunRate : 0, changePct: primary ? (f.weekOverWeek?.changePct ?? null) : null });
		}
	}
	for (const o of whole.otherCurrencies ?? []) other(o.currency);
	const covered = facts.map((f) => f.cloud);
	return {
		currency,
		byCloud,
		analysedSpend: round2(byCloud.reduce((n, c) => n + c.spend, 0)),
		exportSpend: round2(whole.spend),
		notAnalysed: whole.byProvider
			.filter((p) => !covered.some((cloud) => PROVIDERS[cloud]?.test(p.provider)))
			.map((p) => ({ provider: p.provider, spend: p.spend })),
		weekOverWeek: whole.weekOverWeek,
		otherCurrencies: [...others.values()],
	};
}
