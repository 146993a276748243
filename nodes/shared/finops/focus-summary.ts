/**
 * The aggregate every cost specialist shares, built once from the streamed sums: exact totals
 * per BillingCurrency (billed, effective, list and contracted cost, split by ChargeCategory),
 * the rows rejected and why, and per cloud and currency the figures a specialist reasons
 * about (top services and resources, week over week, savings candidates).
 *
 * Currencies are never added together. With exchange rates the user gave, amounts are
 * converted exactly (decimal multiplication) into one report currency; without, each currency
 * gets its own summaries.
 */
import { ParameterError } from '../parameter-error.ts';
import { DecimalSum, newAmount, parseDecimal, unitsOf, type Amount } from './decimal.ts';
import { DAY_MS, normaliseCurrency, type FocusAggregator, type RejectReason, type SpendGroup } from './focus-aggregator.ts';
import type { Field } from './focus-columns.ts';
import { findCandidates, type ResourceStats, type SavingsCandidate } from './savings-rules.ts';

/** Which FOCUS provider names belong to a cloud (ServiceProviderName, or ProviderName before 1.3). */
export const PROVIDERS: Record<string, RegExp> = {
	aws: /^(aws|amazon)/i,
	gcp: /^(google|gcp)/i,
	azure: /^(microsoft|azure)/i,
};

export interface Period {
	from: string;
	to: string;
	days: number;
}

export interface WeekOverWeek {
	thisWeek: { from: string; to: string; spend: number };
	lastWeek: { from: string; to: string; spend: number };
	/** Percent change of this week over last week; null when last week had no spend. */
	changePct: number | null;
}

/** One cloud (or the whole export) in one currency. Amounts are numbers for reading; exact totals are in `totals`. */
export interface SpendSummary {
	scope: string;
	currency: string;
	/** Currencies converted into `currency` with the user's rates; null when nothing was converted. */
	convertedFrom: string[] | null;
	rows: number;
	period: Period | null;
	billed: number;
	effective: number | null;
	/** Billed cost scaled to 30 days from the period covered. */
	monthlyRunRate: number;
	byCategory: Array<{ category: string; rows: number; billed: number; effective: number | null }>;
	byProvider: Array<{ provider: string; rows: number; billed: number; effective: number | null; share: number }>;
	topServices: Array<{ provider: string; service: string; billed: number; effective: number | null }>;
	topResources: Array<{ provider: string; service: string; resourceId: string; resourceType: string; billed: number }>;
	weekOverWeek: WeekOverWeek | null;
	candidates: SavingsCandidate[];
}

export interface CurrencyTotals {
	currency: string;
	rows: number;
	/** Exact decimal text. */
	billed: string;
	effective: string | null;
	list: { total: string; rows: number } | null;
	contracted: { total: string; rows: number } | null;
	byCategory: Array<{ category: string; rows: number; billed: string; effective: string | null }>;
}

export interface FocusSourceInfo {
	name?: string;
	format: 'csv' | 'parquet' | 'json' | 'ndjson' | 'rows';
	compression: 'gzip' | 'none';
	/** Bytes read from the source (compressed size for gzip). */
	bytes: number;
	/** Bytes after decompression, for gzip. */
	decodedBytes?: number;
	/** The newest FOCUS version whose column names the export uses. */
	focusVersion: string | null;
	/** The header name each field was read from. */
	columns: Partial<Record<Field, string>>;
}

export interface FocusAggregate {
	kind: 'focus-aggregate';
	version: 1;
	source: FocusSourceInfo;
	rows: { read: number; accepted: number; rejected: number; rejectedShare: number; maxRejectedShare: number; reasons: RejectReason[] };
	period: Period | null;
	totals: CurrencyTotals[];
	conversion: { currency: string; rates: Record<string, string>; billed: string; effective: string | null } | null;
	summaries: SpendSummary[];
	warnings: string[];
}

/** Too many rows could not be read: the run stops rather than report on part of the bill. */
export class FocusRejectedError extends ParameterError {
	readonly rows: FocusAggregate['rows'];

	constructor(message: string, rows: FocusAggregate['rows']) {
		super(message);
		this.rows = rows;
	}
}

const iso = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export function checkRejected(agg: FocusAggregator, maxShare: number): FocusAggregate['rows'] {
	const rejected = agg.rowsRead - agg.rowsAccepted;
	const rows = {
		read: agg.rowsRead,
		accepted: agg.rowsAccepted,
		rejected,
		rejectedShare: agg.rowsRead ? rejected / agg.rowsRead : 0,
		maxRejectedShare: maxShare,
		reasons: [...agg.rejects.values()].sort((a, b) => b.rows - a.rows),
	};
	if (rejected > 0 && rows.rejectedShare > maxShare) {
		const pct = (x: number) => `${round(x * 100, 2)}%`;
		const reasons = rows.reasons
			.slice(0, 4)
			.map((r) => `${r.column} ${r.problem} (${r.rows} row${r.rows === 1 ? '' : 's'}, e.g. row ${r.examples[0].row}: ${r.examples[0].value})`)
			.join('; ');
		throw new FocusRejectedError(
			`${rejected} of ${rows.read} rows of the FOCUS export (${pct(rows.rejectedShare)}) could not be read, more than the ${pct(maxShare)} allowed: ${reasons}. ` +
				'No totals are reported from part of a bill. Fix: repair or re-export the data, or raise "Max Rejected Rows (%)" to report on the rows that can be read (rejected rows are listed, never counted as 0)',
			rows,
		);
	}
	return rows;
}

/** A currency view: the report currency (converted) or one billing currency as it is. */
interface View {
	currency: string;
	convertedFrom: string[] | null;
	includes(currency: string): boolean;
	/** The sum in the view's currency, exact. */
	convert(sum: DecimalSum, currency: string): DecimalSum;
}

export function buildAggregate(agg: FocusAggregator, source: FocusSourceInfo, rows: FocusAggregate['rows']): FocusAggregate {
	const options = agg.options;
	const groups = agg.groups;
	const totals = currencyTotals(agg, groups);
	const conversion = readConversion(options.rates, options.reportCurrency, totals.map((t) => t.currency));
	const views: View[] = conversion
		? [
				{
					currency: conversion.currency,
					convertedFrom: totals.map((t) => t.currency).filter((c) => c !== conversion.currency),
					includes: () => true,
					convert: (sum, currency) => (currency === conversion.currency ? sum : sum.times(conversion.rates.get(currency)!)),
				},
			]
		: totals.map((t) => ({ currency: t.currency, convertedFrom: null, includes: (c: string) => c === t.currency, convert: (sum: DecimalSum) => sum }));
	const top = options.top ?? 25;
	const summaries: SpendSummary[] = [];
	for (const view of views) {
		const inView = groups.filter((g) => view.includes(g.currency));
		const resources = viewResources(agg, view);
		for (const scope of ['all', ...Object.keys(PROVIDERS)]) {
			const summary = summarise(agg, view, scope, inView, resources, top);
			if (summary) summaries.push(summary);
		}
	}
	const warnings: string[] = [];
	if (agg.unknownCategories.size > 0) {
		const list = [...agg.unknownCategories].map(([c, n]) => `${c} (${n} rows)`).join(', ');
		warnings.push(`ChargeCategory values outside FOCUS (Usage, Purchase, Tax, Credit, Adjustment): ${list}; their cost is reported under those names`);
	}
	return {
		kind: 'focus-aggregate',
		version: 1,
		source,
		rows,
		period: agg.maxDay >= agg.minDay ? period(agg.minDay, agg.maxDay) : null,
		totals,
		conversion: conversion && convertedTotals(conversion, views[0], groups),
		summaries,
		warnings,
	};
}

function period(minDay: number, maxDay: number): Period {
	return { from: iso(minDay), to: iso(maxDay), days: maxDay - minDay + 1 };
}

function currencyTotals(agg: FocusAggregator, groups: SpendGroup[]): CurrencyTotals[] {
	const byCurrency = new Map<string, Map<string, { rows: number; billed: DecimalSum; effective: DecimalSum | null }>>();
	for (const g of groups) {
		let cats = byCurrency.get(g.currency);
		if (!cats) byCurrency.set(g.currency, (cats = new Map()));
		let cat = cats.get(g.category);
		if (!cat) cats.set(g.category, (cat = { rows: 0, billed: new DecimalSum(), effective: g.effective ? new DecimalSum() : null }));
		cat.rows += g.rows;
		cat.billed.addSum(g.billed);
		if (g.effective) cat.effective?.addSum(g.effective);
	}
	const out: CurrencyTotals[] = [];
	for (const [currency, cats] of byCurrency) {
		const billed = new DecimalSum();
		const effective = new DecimalSum();
		let rows = 0;
		let hasEffective = false;
		const byCategory = [...cats].map(([category, c]) => {
			rows += c.rows;
			billed.addSum(c.billed);
			if (c.effective) {
				hasEffective = true;
				effective.addSum(c.effective);
			}
			return { category, rows: c.rows, billed: c.billed.toString(), effective: c.effective?.toString() ?? null };
		});
		byCategory.sort((a, b) => Number(b.billed) - Number(a.billed));
		const optional = (m: Map<string, { total: DecimalSum; rows: number }>) => {
			const cost = m.get(currency);
			return cost ? { total: cost.total.toString(), rows: cost.rows } : null;
		};
		out.push({
			currency,
			rows,
			billed: billed.toString(),
			effective: hasEffective ? effective.toString() : null,
			list: optional(agg.listCost),
			contracted: optional(agg.contractedCost),
			byCategory,
		});
	}
	return out.sort((a, b) => b.rows - a.rows);
}

interface Conversion {
	currency: string;
	rates: Map<string, Amount>;
	given: Record<string, string>;
}

function readConversion(rates: Record<string, string | number> | undefined, reportCurrency: string | undefined, present: string[]): Conversion | null {
	const entries = Object.entries(rates ?? {});
	if (entries.length === 0) return null;
	const currency = normaliseCurrency(reportCurrency ?? '');
	if (!currency) throw new ParameterError(`Report Currency "${reportCurrency ?? ''}" is not a three-letter ISO 4217 code. Fix: set it to the currency the exchange rates convert into, e.g. USD`);
	const parsed = new Map<string, Amount>();
	const given: Record<string, string> = {};
	for (const [code, value] of entries) {
		const from = normaliseCurrency(code);
		const amount = newAmount();
		if (!from || !parseDecimal(String(value), amount) || unitsOf(amount) <= 0n) {
			throw new ParameterError(`Exchange rate ${code}: "${value}" is not a positive number for a three-letter currency code. Fix: give rates as {"EUR": "1.08"} (1 EUR = 1.08 ${currency})`);
		}
		parsed.set(from, amount);
		given[from] = String(value);
	}
	const missing = present.filter((c) => c !== currency && !parsed.has(c));
	if (missing.length > 0) {
		throw new ParameterError(
			`No exchange rate for ${missing.join(', ')} into ${currency}, so those costs cannot be added to the rest. Fix: add ${missing.map((c) => `"${c}"`).join(', ')} to "Exchange Rates", or remove all rates to report each currency separately`,
		);
	}
	return { currency, rates: parsed, given };
}

function convertedTotals(conversion: Conversion, view: View, groups: SpendGroup[]): FocusAggregate['conversion'] {
	const billed = new DecimalSum();
	const effective = new DecimalSum();
	let hasEffective = false;
	for (const g of groups) {
		billed.addSum(view.convert(g.billed, g.currency));
		if (g.effective) {
			hasEffective = true;
			effective.addSum(view.convert(g.effective, g.currency));
		}
	}
	return { currency: conversion.currency, rates: conversion.given, billed: billed.toString(), effective: hasEffective ? effective.toString() : null };
}

/** Sums groups under a key, in the view's currency, largest billed first. */
function sumBy<T extends { billed: DecimalSum }>(
	groups: SpendGroup[],
	view: View,
	key: (g: SpendGroup) => string,
	make: (g: SpendGroup) => Omit<T, 'billed' | 'effective' | 'rows'>,
): Array<Omit<T, 'billed' | 'effective' | 'rows'> & { rows: number; billed: number; effective: number | null }> {
	const sums = new Map<string, { base: Omit<T, 'billed' | 'effective' | 'rows'>; rows: number; billed: DecimalSum; effective: DecimalSum | null }>();
	for (const g of groups) {
		const k = key(g);
		let s = sums.get(k);
		if (!s) sums.set(k, (s = { base: make(g), rows: 0, billed: new DecimalSum(), effective: g.effective ? new DecimalSum() : null }));
		s.rows += g.rows;
		s.billed.addSum(view.convert(g.billed, g.currency));
		if (g.effective) s.effective?.addSum(view.convert(g.effective, g.currency));
	}
	return [...sums.values()]
		.map((s) => ({ ...s.base, rows: s.rows, billed: s.billed.toNumber(), effective: s.effective ? s.effective.toNumber() : null }))
		.sort((a, b) => b.billed - a.billed);
}

const cloudCache = new Map<string, string | null>();
export function cloudOf(provider: string): string | null {
	let cloud = cloudCache.get(provider);
	if (cloud === undefined) {
		cloud = Object.keys(PROVIDERS).find((c) => PROVIDERS[c].test(provider)) ?? null;
		if (cloudCache.size > 10_000) cloudCache.clear();
		cloudCache.set(provider, cloud);
	}
	return cloud;
}

/** The view's resources with their cloud and billed amount, worked out once for every scope. */
interface ViewResource {
	stats: ResourceStats;
	cloud: string | null;
	billed: number;
}

function viewResources(agg: FocusAggregator, view: View): { list: ViewResource[]; money: (sum: DecimalSum, currency: string) => number } {
	const cache = new Map<DecimalSum, number>();
	const money = (sum: DecimalSum, currency: string) => {
		let n = cache.get(sum);
		if (n === undefined) cache.set(sum, (n = view.convert(sum, currency).toNumber()));
		return n;
	};
	const list: ViewResource[] = [];
	for (const r of agg.resources.values()) if (view.includes(r.currency)) list.push({ stats: r, cloud: cloudOf(r.provider), billed: money(r.billed, r.currency) });
	return { list, money };
}

function summarise(agg: FocusAggregator, view: View, scope: string, inView: SpendGroup[], vr: ReturnType<typeof viewResources>, top: number): SpendSummary | null {
	const groups = scope === 'all' ? inView : inView.filter((g) => cloudOf(g.provider) === scope);
	if (groups.length === 0 && scope !== 'all') return null;
	let minDay = Infinity;
	let maxDay = -Infinity;
	for (const g of groups) {
		if (g.day < minDay) minDay = g.day;
		if (g.day > maxDay) maxDay = g.day;
	}
	const days = maxDay >= minDay ? maxDay - minDay + 1 : 0;
	const all = sumBy<{ billed: DecimalSum }>(groups, view, () => '', () => ({}))[0] ?? { rows: 0, billed: 0, effective: null };
	const byProvider = sumBy<{ provider: string; billed: DecimalSum }>(groups, view, (g) => g.provider, (g) => ({ provider: g.provider })).map((p) => ({
		...p,
		share: all.billed !== 0 ? round(p.billed / all.billed, 4) : 0,
	}));
	const inScope = scope === 'all' ? vr.list : vr.list.filter((r) => r.cloud === scope);
	const resources = inScope.map((r) => r.stats);
	const money = vr.money;
	const topResources = topBy(
		inScope.filter((r) => r.billed > 0),
		(r) => r.billed,
		top,
	).map(({ stats: r, billed }) => ({ provider: r.provider, service: r.service, resourceId: r.id, resourceType: r.resourceType, billed }));
	const egress = [...agg.egress.values()].filter((e) => view.includes(e.currency) && (scope === 'all' || cloudOf(e.provider) === scope));
	return {
		scope,
		currency: view.currency,
		convertedFrom: view.convertedFrom,
		rows: all.rows,
		period: days ? period(minDay, maxDay) : null,
		billed: all.billed,
		effective: all.effective,
		monthlyRunRate: days ? round((all.billed / days) * 30, 2) : 0,
		byCategory: sumBy<{ category: string; billed: DecimalSum }>(groups, view, (g) => g.category, (g) => ({ category: g.category })),
		byProvider,
		topServices: sumBy<{ provider: string; service: string; billed: DecimalSum }>(groups, view, (g) => `${g.provider}\u0001${g.service}`, (g) => ({ provider: g.provider, service: g.service }))
			.slice(0, top)
			.map(({ provider, service, billed, effective }) => ({ provider, service, billed, effective })),
		topResources,
		// One week for every cloud: it ends at the newest charge in the whole export.
		weekOverWeek: weekOverWeek(groups, view, agg.maxDay),
		candidates: findCandidates({ resources, days, computeAccounts: agg.computeAccounts, egress, money }, top),
	};
}

/** The `n` largest by a measure, largest first, without sorting the whole list. */
function topBy<T>(list: T[], measure: (x: T) => number, n: number): T[] {
	const out: T[] = [];
	for (const x of list) {
		const m = measure(x);
		if (out.length === n && m <= measure(out[n - 1])) continue;
		let i = out.length;
		while (i > 0 && measure(out[i - 1]) < m) i--;
		out.splice(i, 0, x);
		if (out.length > n) out.pop();
	}
	return out;
}

/**
 * The last seven days of data against the seven before. The week ends at the newest charge in
 * the export (not today), so an export analysed later gives the same answer.
 */
export function weekOverWeek(groups: SpendGroup[], view: View, newestDay: number): WeekOverWeek | null {
	if (!Number.isFinite(newestDay)) return null;
	const end = newestDay + 1;
	const thisWeek = new DecimalSum();
	const lastWeek = new DecimalSum();
	for (const g of groups) {
		if (g.day >= end - 7 && g.day < end) thisWeek.addSum(view.convert(g.billed, g.currency));
		else if (g.day >= end - 14 && g.day < end - 7) lastWeek.addSum(view.convert(g.billed, g.currency));
	}
	const [now, before] = [thisWeek.toNumber(), lastWeek.toNumber()];
	return {
		thisWeek: { from: iso(end - 7), to: iso(end - 1), spend: now },
		lastWeek: { from: iso(end - 14), to: iso(end - 8), spend: before },
		changePct: before > 0 ? round(((now - before) / before) * 100, 1) : null,
	};
}
