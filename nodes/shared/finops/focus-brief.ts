/**
 * What a cost specialist reads: its cloud's part of the shared FOCUS aggregate, rendered as
 * compact tables within a size budget, and the exact figures the coordinator totals. The input
 * is the aggregate (from Evidence Fetch's FOCUS operation) or, for small exports, the export
 * text itself, aggregated here once and shared by every specialist of the node.
 */
import { parseJson } from '../json.ts';
import { ParameterError } from '../parameter-error.ts';
import type { FocusOptions } from './focus-aggregator.ts';
import { aggregateFocusText } from './focus-reader.ts';
import type { FocusAggregate, Period, SpendSummary, WeekOverWeek } from './focus-summary.ts';

/** A cost specialist's input as exact figures, for the coordinator's totals. */
export interface BillingFacts {
	cloud: string;
	currency: string;
	/** Currencies converted into `currency` with the user's rates. */
	convertedFrom: string[] | null;
	rows: number;
	period: Period | null;
	/** Billed cost in the period. */
	spend: number;
	effectiveSpend: number | null;
	monthlyRunRate: number;
	weekOverWeek: WeekOverWeek | null;
	candidates: number;
	/** The cloud's spend billed in other currencies: reported, never added to `spend`. */
	otherCurrencies: Array<{ currency: string; rows: number; spend: number; effectiveSpend: number | null }>;
	/** The whole export in `currency`, every provider (some may have no specialist). */
	export: {
		rows: number;
		rejected: number;
		spend: number;
		byProvider: Array<{ provider: string; spend: number; share: number }>;
		weekOverWeek: WeekOverWeek | null;
		otherCurrencies: Array<{ currency: string; rows: number; spend: number }>;
	};
}

const AGGREGATE_MARK = /"kind"\s*:\s*"focus-aggregate"/;

function isAggregate(value: unknown): value is FocusAggregate {
	return Boolean(value) && typeof value === 'object' && (value as FocusAggregate).kind === 'focus-aggregate';
}

/** The last raw export aggregated here: a team's specialists all get the same text. */
let lastText: { text: string; options: string; aggregate: FocusAggregate } | null = null;

/** The aggregate a billing input carries, or the aggregate of the export text it is. */
export function readBillingInput(input: string, options: FocusOptions = {}): FocusAggregate {
	if (AGGREGATE_MARK.test(input.slice(0, 2000))) {
		const read = parseJson(input);
		if (!read.ok) throw new ParameterError(`The FOCUS aggregate does not parse (${read.error}). Fix: pass the FOCUS output of Evidence Fetch unchanged, e.g. {{ $json.focus }}`);
		const parsed = read.value;
		const found = isAggregate(parsed) ? parsed : Object.values(parsed as object).find(isAggregate);
		if (!found || found.version !== 1 || !Array.isArray(found.summaries)) {
			throw new ParameterError('The input names a FOCUS aggregate but is not one this version reads. Fix: pass the FOCUS output of Evidence Fetch unchanged, e.g. {{ $json.focus }}');
		}
		return found;
	}
	const key = JSON.stringify(options);
	if (lastText?.text === input && lastText.options === key) return lastText.aggregate;
	const aggregate = aggregateFocusText(input, options);
	lastText = { text: input, options: key, aggregate };
	return aggregate;
}

/** The summaries of one cloud, the currency with the most rows first. */
function summariesOf(aggregate: FocusAggregate, scope: string): SpendSummary[] {
	return aggregate.summaries.filter((s) => s.scope === scope).sort((a, b) => b.rows - a.rows);
}

export function billingFacts(aggregate: FocusAggregate, cloud: string): BillingFacts {
	const own = summariesOf(aggregate, cloud);
	const whole = summariesOf(aggregate, 'all');
	const main = own[0];
	const currency = main?.currency ?? whole[0]?.currency ?? 'USD';
	const wholeMain = whole.find((s) => s.currency === currency);
	return {
		cloud,
		currency,
		convertedFrom: main?.convertedFrom ?? wholeMain?.convertedFrom ?? null,
		rows: main?.rows ?? 0,
		period: main?.period ?? null,
		spend: main?.billed ?? 0,
		effectiveSpend: main?.effective ?? null,
		monthlyRunRate: main?.monthlyRunRate ?? 0,
		weekOverWeek: main?.weekOverWeek ?? wholeMain?.weekOverWeek ?? null,
		candidates: main?.candidates.length ?? 0,
		otherCurrencies: own.slice(1).map((s) => ({ currency: s.currency, rows: s.rows, spend: s.billed, effectiveSpend: s.effective })),
		export: {
			rows: aggregate.rows.accepted,
			rejected: aggregate.rows.rejected,
			spend: wholeMain?.billed ?? 0,
			byProvider: (wholeMain?.byProvider ?? []).map((p) => ({ provider: p.provider, spend: p.billed, share: p.share })),
			weekOverWeek: wholeMain?.weekOverWeek ?? null,
			otherCurrencies: whole.filter((s) => s.currency !== currency).map((s) => ({ currency: s.currency, rows: s.rows, spend: s.billed })),
		},
	};
}

const amount = (x: number | null, currency: string) => (x === null ? 'n/a' : `${Number(x.toPrecision(12))} ${currency}`);

function renderSummary(s: SpendSummary): string[] {
	const m = (x: number | null) => amount(x, s.currency);
	const lines = [
		`## ${s.scope === 'all' ? 'All providers' : s.scope.toUpperCase()} in ${s.currency}` +
			(s.convertedFrom?.length ? ` (converted from ${s.convertedFrom.join(', ')} at the rates given)` : '') +
			`: ${s.rows} rows` +
			(s.period ? `, ${s.period.from} to ${s.period.to} (${s.period.days} days)` : ''),
		`Billed cost: ${m(s.billed)}; effective cost (amortised): ${m(s.effective)}; 30-day billed run rate: ${m(s.monthlyRunRate)}`,
		`By charge category (billed / effective): ${s.byCategory.map((c) => `${c.category} ${m(c.billed)} / ${m(c.effective)}`).join('; ')}`,
	];
	if (s.weekOverWeek) {
		const w = s.weekOverWeek;
		lines.push(
			`Week over week (billed): ${m(w.thisWeek.spend)} (${w.thisWeek.from}..${w.thisWeek.to}) vs ${m(w.lastWeek.spend)} (${w.lastWeek.from}..${w.lastWeek.to})` +
				(w.changePct === null ? '' : `, ${w.changePct > 0 ? '+' : ''}${w.changePct}%`),
		);
	}
	if (s.scope === 'all') lines.push('', 'By provider (billed | share):', ...s.byProvider.map((p) => `- ${p.provider} | ${m(p.billed)} | ${Math.round(p.share * 1000) / 10}%`));
	lines.push('', 'Top services (provider | service | billed | effective):', ...s.topServices.map((x) => `- ${x.provider} | ${x.service} | ${m(x.billed)} | ${m(x.effective)}`));
	lines.push('', 'Top resources (resource id | type | service | billed):', ...s.topResources.map((x) => `- ${x.resourceId} | ${x.resourceType || '-'} | ${x.service} | ${m(x.billed)}`));
	lines.push('', 'Savings candidates found by rules (kind | resource | service | billed in period | evidence):');
	lines.push(...(s.candidates.length ? s.candidates.map((c) => `- ${c.kind} | ${c.resourceId || '-'} | ${c.service} | ${m(c.spend)} | ${c.evidence}`) : ['- none']));
	return lines;
}

/** The brief a cost specialist reads: its cloud's summaries as compact tables, within `maxChars`. */
export function renderFocusBrief(aggregate: FocusAggregate, cloud: string, maxChars = 20_000): string {
	const r = aggregate.rows;
	const head = [
		`FOCUS billing summary for ${cloud === 'all' ? 'all providers' : cloud.toUpperCase()}, aggregated in code from ${r.accepted} of ${r.read} rows` +
			(aggregate.period ? ` (export ${aggregate.period.from} to ${aggregate.period.to})` : '') +
			(aggregate.source.focusVersion ? `, FOCUS ${aggregate.source.focusVersion} columns` : '') +
			'. Amounts are exact sums per billing currency; currencies are never added together.',
	];
	if (r.rejected > 0) {
		head.push(`Rows rejected (not counted in any figure): ${r.rejected}: ${r.reasons.map((x) => `${x.column} ${x.problem} (${x.rows})`).join(', ')}`);
	}
	const summaries = summariesOf(aggregate, cloud);
	const body = summaries.length ? summaries.flatMap((s) => ['', ...renderSummary(s)]) : ['', `No ${cloud.toUpperCase()} rows in this export.`];
	const out = [...head, ...body, ...aggregate.warnings.map((w) => `Note: ${w}`)].join('\n');
	return out.length <= maxChars ? out : `${out.slice(0, maxChars - 60)}\n[brief cut at ${maxChars} characters of ${out.length}]`;
}

/** A billing role's prompt text and exact figures, from its input (aggregate or export text). */
export function billingBrief(input: string, cloud: string, maxChars: number): { text: string; facts: BillingFacts } {
	const aggregate = readBillingInput(input);
	return { text: renderFocusBrief(aggregate, cloud, maxChars), facts: billingFacts(aggregate, cloud) };
}
