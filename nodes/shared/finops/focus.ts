/**
 * FinOps FOCUS billing data, aggregated in code before any model sees it: spend by provider,
 * service and resource, week-over-week change, and savings candidates found by fixed rules.
 * A cost specialist reads the rendered brief of its own provider instead of raw rows, so the
 * numbers it reasons about are exact and the prompt stays small whatever the export's size.
 */
import { parse } from 'csv-parse/sync';
import { parseJson } from '../json.ts';
import { ParameterError } from '../parameter-error.ts';

export interface FocusRow {
	provider: string;
	service: string;
	serviceCategory: string;
	resourceId: string;
	resourceType: string;
	region: string;
	subAccount: string;
	chargeCategory: string;
	pricingCategory: string;
	pricingUnit: string;
	commitmentDiscountId: string;
	description: string;
	start: number;
	billedCost: number;
	currency: string;
}

/** Columns without which spend cannot be attributed. */
const REQUIRED = ['ProviderName', 'BilledCost', 'ChargePeriodStart'] as const;
const DAY = 86_400_000;

const text = (v: unknown): string => (v === undefined || v === null || v === 'NULL' ? '' : String(v).trim());
const num = (v: unknown): number => {
	const n = Number(text(v));
	return Number.isFinite(n) ? n : 0;
};

/** Reads a FOCUS export (CSV with a header row, or a JSON array of row objects). */
export function parseFocus(data: string | Array<Record<string, unknown>>): FocusRow[] {
	let records: Array<Record<string, unknown>>;
	if (Array.isArray(data)) records = data;
	else if (/^\s*\[/.test(data)) {
		const parsed = parseJson(data);
		if (!parsed.ok || !Array.isArray(parsed.value)) {
			const why = parsed.ok ? 'not an array' : parsed.error;
			throw new ParameterError(`The billing data looks like JSON but does not parse (${why}). Fix: send a FOCUS CSV export or a JSON array of FOCUS rows`);
		}
		records = parsed.value as Array<Record<string, unknown>>;
	} else {
		const parsed = parseCsv(data);
		if (!parsed.ok) throw new ParameterError(`The billing CSV does not parse (${parsed.error}). Fix: send a FOCUS CSV export with a header row`);
		records = parsed.value;
	}
	if (records.length === 0) return [];
	const missing = REQUIRED.filter((c) => !(c in records[0]));
	if (missing.length > 0) {
		throw new ParameterError(
			`The billing data is not in FOCUS format: column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} missing. ` +
				'Fix: export FOCUS 1.x data (AWS Data Exports "FOCUS", GCP FOCUS BigQuery view, Azure Cost Management "FOCUS cost") or rename the columns',
		);
	}
	return records.map((r) => ({
		provider: text(r.ProviderName),
		service: text(r.ServiceName) || 'unknown service',
		serviceCategory: text(r.ServiceCategory),
		resourceId: text(r.ResourceId),
		resourceType: text(r.ResourceType),
		region: text(r.RegionId),
		subAccount: text(r.SubAccountId),
		chargeCategory: text(r.ChargeCategory),
		pricingCategory: text(r.PricingCategory),
		pricingUnit: text(r.PricingUnit),
		commitmentDiscountId: text(r.CommitmentDiscountId),
		description: text(r.ChargeDescription),
		start: Date.parse(`${text(r.ChargePeriodStart).replace(' ', 'T')}${/Z|[+-]\d\d:?\d\d$/.test(text(r.ChargePeriodStart)) ? '' : 'Z'}`),
		billedCost: num(r.BilledCost),
		currency: text(r.BillingCurrency) || 'USD',
	}));
}

function parseCsv(data: string): { ok: true; value: Array<Record<string, unknown>> } | { ok: false; error: string } {
	try {
		return { ok: true, value: parse(data, { columns: true, skip_empty_lines: true, relax_column_count: true, bom: true }) as Array<Record<string, unknown>> };
	} catch (error) {
		return { ok: false, error: (error as Error).message };
	}
}

/** Which FOCUS ProviderName values belong to a cloud. */
export const PROVIDERS: Record<string, RegExp> = {
	aws: /^(aws|amazon)/i,
	gcp: /^(google|gcp)/i,
	azure: /^(microsoft|azure)/i,
};

export interface SavingsCandidate {
	kind: 'idle' | 'orphaned' | 'commitment' | 'network';
	provider: string;
	service: string;
	resourceId: string;
	spend: number;
	evidence: string;
}

export interface WeekOverWeek {
	thisWeek: { from: string; to: string; spend: number };
	lastWeek: { from: string; to: string; spend: number };
	/** Percent change of this week over last week; null when last week had no spend. */
	changePct: number | null;
}

export interface FocusSummary {
	scope: string;
	currency: string;
	rows: number;
	period: { from: string; to: string; days: number } | null;
	spend: number;
	/** Spend scaled to 30 days from the period covered. */
	monthlyRunRate: number;
	byProvider: Array<{ provider: string; spend: number; share: number }>;
	topServices: Array<{ provider: string; service: string; spend: number }>;
	topResources: Array<{ provider: string; service: string; resourceId: string; resourceType: string; spend: number }>;
	weekOverWeek: WeekOverWeek | null;
	candidates: SavingsCandidate[];
}

/** What a cost specialist reports about its input, for the coordinator's exact totals. */
export interface BillingFacts {
	cloud: string;
	currency: string;
	rows: number;
	period: FocusSummary['period'];
	spend: number;
	monthlyRunRate: number;
	weekOverWeek: WeekOverWeek | null;
	candidates: number;
	/** The whole export, every provider (some may have no specialist). */
	export: { rows: number; spend: number; byProvider: FocusSummary['byProvider']; weekOverWeek: WeekOverWeek | null };
}

/** Earliest and newest charge start (a loop: spreading a large export into Math.max overflows the stack). */
function startRange(rows: FocusRow[]): { from: number; to: number } | null {
	let from = Infinity;
	let to = -Infinity;
	for (const r of rows) {
		if (!Number.isFinite(r.start)) continue;
		if (r.start < from) from = r.start;
		if (r.start > to) to = r.start;
	}
	return to >= from ? { from, to } : null;
}

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function sumBy<T>(rows: FocusRow[], key: (r: FocusRow) => string, make: (r: FocusRow, spend: number) => T): T[] {
	const groups = new Map<string, { row: FocusRow; spend: number }>();
	for (const r of rows) {
		const k = key(r);
		const g = groups.get(k) ?? { row: r, spend: 0 };
		g.spend += r.billedCost;
		groups.set(k, g);
	}
	return [...groups.values()].sort((a, b) => b.spend - a.spend).map((g) => make(g.row, round(g.spend)));
}

/**
 * The last seven days of data against the seven before. The week ends at the newest charge in
 * the export (not today), so an export analysed later gives the same answer.
 */
export function weekOverWeek(rows: FocusRow[], newest = startRange(rows)?.to): WeekOverWeek | null {
	if (newest === undefined) return null;
	const dated = rows.filter((r) => Number.isFinite(r.start));
	const end = Math.floor(newest / DAY) * DAY + DAY;
	const spendIn = (from: number, to: number) => round(dated.filter((r) => r.start >= from && r.start < to).reduce((n, r) => n + r.billedCost, 0));
	const thisWeek = spendIn(end - 7 * DAY, end);
	const lastWeek = spendIn(end - 14 * DAY, end - 7 * DAY);
	return {
		thisWeek: { from: iso(end - 7 * DAY), to: iso(end - DAY), spend: thisWeek },
		lastWeek: { from: iso(end - 14 * DAY), to: iso(end - 8 * DAY), spend: lastWeek },
		changePct: lastWeek > 0 ? round(((thisWeek - lastWeek) / lastWeek) * 100, 1) : null,
	};
}

const FIXED_UNITS = /hour|month/i;
/** Units that measure use rather than provisioned time (LCU-hours are load, not uptime). */
const USAGE_UNITS = /lcu|request|^gi?b$|operation|event|quer|invocation|api/i;
const ADDRESS_OR_DISK = /volume|disk|snapshot|ipv4|elastic ip|public ip|address/i;

/**
 * Rules, each explainable from the rows alone:
 * - commitment: on-demand compute or database hours with no commitment discount, billed on at
 *   least half the days covered (steady usage a reservation or savings plan would cover);
 * - orphaned: disks, snapshots and public addresses in a sub-account that has no compute
 *   hours at all in the period (nothing left to attach them to);
 * - idle: load balancers, gateways, databases and other non-instance resources billed only
 *   for provisioned time or capacity and never for usage (no requests, transfer, LCUs);
 *   instances are left out, since billing cannot show their utilisation;
 * - network: data transfer out, the spend that architecture rather than sizing decides.
 */
export function findCandidates(rows: FocusRow[], days: number): SavingsCandidate[] {
	const out: SavingsCandidate[] = [];
	const byResource = new Map<string, FocusRow[]>();
	for (const r of rows) {
		if (!r.resourceId) continue;
		const list = byResource.get(r.resourceId);
		if (list) list.push(r);
		else byResource.set(r.resourceId, [r]);
	}
	const computeAccounts = new Set(rows.filter((r) => /compute/i.test(r.serviceCategory) && /hour/i.test(r.pricingUnit)).map((r) => r.subAccount));
	const spendOf = (list: FocusRow[]) => round(list.reduce((n, r) => n + r.billedCost, 0));

	for (const [id, list] of byResource) {
		const first = list[0];
		const spend = spendOf(list);
		if (spend <= 0) continue;
		const onDemandHours = list.filter((r) => /compute|database/i.test(r.serviceCategory) && /hour/i.test(r.pricingUnit) && !r.commitmentDiscountId && /standard|^$/i.test(r.pricingCategory));
		const billedDays = new Set(onDemandHours.map((r) => Math.floor(r.start / DAY))).size;
		if (onDemandHours.length > 0 && billedDays >= Math.max(1, days / 2)) {
			out.push({ kind: 'commitment', provider: first.provider, service: first.service, resourceId: id, spend: spendOf(onDemandHours), evidence: `on-demand hours on ${billedDays} of ${days} days, no commitment discount` });
			continue;
		}
		const isDiskOrAddress = list.some((r) => ADDRESS_OR_DISK.test(`${r.resourceType} ${r.description}`));
		if (isDiskOrAddress && !computeAccounts.has(first.subAccount)) {
			out.push({ kind: 'orphaned', provider: first.provider, service: first.service, resourceId: id, spend, evidence: `${first.resourceType || 'disk/address'} billed in sub-account ${first.subAccount || '(none)'} that has no compute hours` });
			continue;
		}
		const isInstance = list.some((r) => /compute/i.test(r.serviceCategory) && /instance|virtual machine|^i-/i.test(`${r.resourceType} ${r.resourceId}`));
		if (!isInstance && list.every((r) => FIXED_UNITS.test(r.pricingUnit) && !USAGE_UNITS.test(r.pricingUnit))) {
			out.push({ kind: 'idle', provider: first.provider, service: first.service, resourceId: id, spend, evidence: `only provisioned time/capacity billed (${[...new Set(list.map((r) => r.pricingUnit))].join(', ')}), no usage charges` });
		}
	}
	const egress = rows.filter((r) => /data transfer out|egress|internet/i.test(r.description) && r.billedCost > 0);
	for (const group of sumBy(egress, (r) => `${r.provider}|${r.service}`, (r, spend) => ({ r, spend }))) {
		out.push({ kind: 'network', provider: group.r.provider, service: group.r.service, resourceId: '', spend: group.spend, evidence: 'data transfer out to the internet or other regions' });
	}
	return out.sort((a, b) => b.spend - a.spend);
}

export function summariseFocus(all: FocusRow[], options: { cloud?: string; top?: number } = {}): FocusSummary {
	const top = options.top ?? 10;
	const matcher = options.cloud ? PROVIDERS[options.cloud] : undefined;
	const rows = matcher ? all.filter((r) => matcher.test(r.provider)) : all;
	const range = startRange(rows);
	const days = range ? Math.floor(range.to / DAY) - Math.floor(range.from / DAY) + 1 : 0;
	const spend = round(rows.reduce((n, r) => n + r.billedCost, 0));
	return {
		scope: options.cloud ?? 'all providers',
		currency: rows[0]?.currency ?? 'USD',
		rows: rows.length,
		period: range ? { from: iso(range.from), to: iso(range.to), days } : null,
		spend,
		monthlyRunRate: days ? round((spend / days) * 30, 2) : 0,
		byProvider: spendByProvider(rows, spend),
		topServices: sumBy(rows, (r) => `${r.provider}|${r.service}`, (r, s) => ({ provider: r.provider, service: r.service, spend: s })).slice(0, top),
		topResources: sumBy(rows.filter((r) => r.resourceId), (r) => r.resourceId, (r, s) => ({ provider: r.provider, service: r.service, resourceId: r.resourceId, resourceType: r.resourceType, spend: s }))
			.filter((r) => r.spend > 0)
			.slice(0, top),
		// One week for every provider: it ends at the newest charge in the whole export.
		weekOverWeek: weekOverWeek(rows, startRange(all)?.to),
		candidates: findCandidates(rows, days).slice(0, top * 2),
	};
}

function spendByProvider(rows: FocusRow[], spend: number): FocusSummary['byProvider'] {
	return sumBy(rows, (r) => r.provider, (r, s) => ({ provider: r.provider, spend: s, share: spend > 0 ? round(s / spend, 3) : 0 }));
}

/**
 * A cost specialist's input as exact figures, for the coordinator's totals: its cloud's summary,
 * and the whole export's spend (no candidates are looked for there, only sums).
 */
export function billingFacts(all: FocusRow[], summary: FocusSummary): BillingFacts {
	const spend = round(all.reduce((n, r) => n + r.billedCost, 0));
	return {
		cloud: summary.scope,
		currency: summary.currency,
		rows: summary.rows,
		period: summary.period,
		spend: summary.spend,
		monthlyRunRate: summary.monthlyRunRate,
		weekOverWeek: summary.weekOverWeek,
		candidates: summary.candidates.length,
		export: { rows: all.length, spend, byProvider: spendByProvider(all, spend), weekOverWeek: weekOverWeek(all) },
	};
}

/** The brief a cost specialist reads: the summary as compact tables, within `maxChars`. */
export function renderFocusBrief(s: FocusSummary, maxChars = 20_000): string {
	const money = (x: number) => `${x.toFixed(4)} ${s.currency}`;
	const lines = [
		`FOCUS billing summary (${s.scope}), aggregated in code from ${s.rows} rows` + (s.period ? `, ${s.period.from} to ${s.period.to} (${s.period.days} days)` : ''),
		`Spend in period: ${money(s.spend)}; 30-day run rate: ${money(s.monthlyRunRate)}`,
	];
	if (s.weekOverWeek) {
		const w = s.weekOverWeek;
		lines.push(`Week over week: ${money(w.thisWeek.spend)} (${w.thisWeek.from}..${w.thisWeek.to}) vs ${money(w.lastWeek.spend)} (${w.lastWeek.from}..${w.lastWeek.to})` + (w.changePct === null ? '' : `, ${w.changePct > 0 ? '+' : ''}${w.changePct}%`));
	}
	lines.push('', 'Top services (provider | service | spend):', ...s.topServices.map((x) => `- ${x.provider} | ${x.service} | ${money(x.spend)}`));
	lines.push('', 'Top resources (resource id | type | service | spend):', ...s.topResources.map((x) => `- ${x.resourceId} | ${x.resourceType || '-'} | ${x.service} | ${money(x.spend)}`));
	lines.push('', 'Savings candidates found by rules (kind | resource | service | spend in period | evidence):');
	lines.push(...(s.candidates.length ? s.candidates.map((c) => `- ${c.kind} | ${c.resourceId || '-'} | ${c.service} | ${money(c.spend)} | ${c.evidence}`) : ['- none']));
	const out = lines.join('\n');
	return out.length <= maxChars ? out : `${out.slice(0, maxChars - 60)}\n[brief cut at ${maxChars} characters of ${out.length}]`;
}
