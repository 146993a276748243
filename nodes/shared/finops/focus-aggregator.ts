/**
 * One pass over a FOCUS export, row by row, into sums that stay small whatever the export's
 * size: exact billed and effective cost per (currency, provider, service, charge category,
 * day), per resource, and what the savings rules need. Rows are never kept.
 *
 * Every row is accounted for: a row whose cost, charge date or currency cannot be read is
 * rejected with its reason and an example, never counted as 0; `finish` stops the run when
 * more than the allowed share was rejected.
 */
import { DecimalSum, newAmount, parseDecimal, parseNumberValue, type Amount } from './decimal.ts';
import type { ColumnMap, HeaderMatch } from './focus-columns.ts';
import { detach } from './detach.ts';
import { ChargeTimeParser, type TimeResult } from './focus-time.ts';
import { EGRESS, isComputeHours, newResource, observe, type ResourceStats, type RowFacts } from './savings-rules.ts';

export const DAY_MS = 86_400_000;
const SEP = '\u0001';

export interface FocusOptions {
	/** Share of rows (0 to 1) that may be rejected before the run stops. Default 0.01. */
	maxRejectedShare?: number;
	/** Exchange rates into `reportCurrency`: one unit of the key currency is `rate` units. */
	rates?: Record<string, string | number>;
	reportCurrency?: string;
	/** BillingCurrency for exports without that column (FOCUS makes it mandatory). */
	defaultCurrency?: string;
	/** Length of the top lists (services, resources, candidates). Default 25. */
	top?: number;
}

/** One (currency, provider, service, charge category, day) cell of the export. */
export interface SpendGroup {
	currency: string;
	provider: string;
	service: string;
	category: string;
	day: number;
	rows: number;
	billed: DecimalSum;
	effective: DecimalSum | null;
}

export interface RejectReason {
	column: string;
	problem: string;
	rows: number;
	examples: Array<{ row: number; value: string }>;
}

/** Costs FOCUS defines beside billed and effective: summed where given, never assumed 0. */
export interface OptionalCost {
	total: DecimalSum;
	rows: number;
}

/** FOCUS ChargeCategory values (https://focus.finops.org/focus-specification/v1-3/, ChargeCategory). */
export const CHARGE_CATEGORIES = ['Usage', 'Purchase', 'Tax', 'Credit', 'Adjustment'];
const KNOWN_CATEGORY = new Set(CHARGE_CATEGORIES);
const CATEGORIES = new Map(CHARGE_CATEGORIES.map((c) => [c.toLowerCase(), c]));
const EXAMPLES = 5;

const text = (v: unknown): string => {
	if (typeof v === 'string') return v === 'NULL' ? '' : v;
	if (v === null || v === undefined) return '';
	if (typeof v === 'object' && 'value' in v) return text((v as { value: unknown }).value);
	return String(v);
};

/**
 * One row's cells, read by column position (-1 when the export has no such column). Rows that
 * are values (JSON, Parquet) are read through `ValueCells`; CSV rows are read from their bytes
 * (csv-cells.ts), decoding only what is kept.
 */
export interface RowCells {
	/** The cell as it came, for a rejected row's example. */
	value(col: number): unknown;
	/** The cell as text: '' when absent, null or NULL. */
	text(col: number): string;
	/** Reads a cost into `out`; returns why it cannot be read, or null. */
	amount(col: number, out: Amount): string | null;
	time(col: number, parser: ChargeTimeParser): TimeResult;
	/** Whether the cell's text is a description of data sent out (`EGRESS`). */
	egress(col: number): boolean;
	/** The facts the savings rules read; texts the rules rarely need may be decoded on first use. */
	facts(c: ColumnMap): RowFacts;
	/** A resource this row's id was seen with before (in that currency), if the reader keeps such an index. */
	knownResource(col: number, currency: string): ResourceStats | undefined;
	rememberResource(col: number, stats: ResourceStats): void;
}

/** Reads rows given as values (JSON objects, Parquet columns), positions as in the column map. */
export class ValueCells implements RowCells {
	values: ArrayLike<unknown> = [];
	private readonly row: RowFacts = { serviceCategory: '', pricingUnit: '', pricingCategory: '', commitmentDiscountId: '', resourceType: '', resourceId: '', description: '', subAccount: '' };

	value(col: number): unknown {
		return col >= 0 ? this.values[col] : undefined;
	}

	text(col: number): string {
		return col >= 0 ? text(this.values[col]) : '';
	}

	amount(col: number, out: Amount): string | null {
		return readAmount(this.value(col), out);
	}

	time(col: number, parser: ChargeTimeParser): TimeResult {
		return parser.parse(this.value(col));
	}

	egress(col: number): boolean {
		const d = this.text(col);
		return d !== '' && EGRESS(d);
	}

	facts(c: ColumnMap): RowFacts {
		const f = this.row;
		f.serviceCategory = this.text(c.serviceCategory);
		f.pricingUnit = this.text(c.pricingUnit);
		f.pricingCategory = this.text(c.pricingCategory);
		f.commitmentDiscountId = this.text(c.commitmentDiscountId);
		f.resourceType = this.text(c.resourceType);
		f.resourceId = this.text(c.resourceId);
		f.description = this.text(c.description);
		f.subAccount = this.text(c.subAccount);
		return f;
	}

	knownResource(): undefined {
		return undefined;
	}

	rememberResource(): void {}
}

/** Reads a cost; returns why it cannot be read, or null. */
export function readAmount(raw: unknown, out: Amount): string | null {
	if (typeof raw === 'string') {
		if (raw === '' || raw === 'NULL') return 'missing';
		return parseDecimal(raw, out) ? null : raw.trim() === '' ? 'missing' : 'not a number';
	}
	if (typeof raw === 'number') return parseNumberValue(raw, out) ? null : 'not a number';
	if (typeof raw === 'bigint') {
		out.units = 0;
		out.big = raw;
		out.scale = 0;
		return null;
	}
	if (raw === null || raw === undefined) return 'missing';
	if (typeof raw === 'object' && 'value' in raw) return readAmount((raw as { value: unknown }).value, out);
	return 'not a number';
}

/** One (currency, provider, service): its groups by charge category and day, found without string keys per row. */
interface ServiceBucket {
	currency: string;
	provider: string;
	service: string;
	days: Map<string, Map<number, SpendGroup>>;
}

export class FocusAggregator {
	/** Every (currency, provider, service, category, day) cell, in the order first seen. */
	readonly groups: SpendGroup[] = [];
	readonly resources = new Map<string, ResourceStats>();
	readonly computeAccounts = new Set<string>();
	readonly egress = new Map<string, { provider: string; service: string; currency: string; spend: DecimalSum }>();
	readonly listCost = new Map<string, OptionalCost>();
	readonly contractedCost = new Map<string, OptionalCost>();
	readonly rejects = new Map<string, RejectReason>();
	readonly unknownCategories = new Map<string, number>();
	rowsRead = 0;
	rowsAccepted = 0;
	minDay = Infinity;
	maxDay = -Infinity;
	readonly header: HeaderMatch;
	readonly options: FocusOptions;

	private readonly c: ColumnMap;
	private readonly time = new ChargeTimeParser();
	private readonly billed: Amount = newAmount();
	private readonly effective: Amount = newAmount();
	private readonly extra: Amount = newAmount();
	private readonly currencies = new Map<string, string | null>();
	private readonly categories = new Map<string, string>();
	private readonly buckets = new Map<string, ServiceBucket>();
	private lastBucket: ServiceBucket | null = null;
	private lastResource: ResourceStats | null = null;
	private readonly defaultCurrency: string | null;
	private readonly valueCells = new ValueCells();

	constructor(header: HeaderMatch, options: FocusOptions = {}) {
		this.header = header;
		this.options = options;
		this.c = header.columns;
		this.defaultCurrency = options.defaultCurrency ? normaliseCurrency(options.defaultCurrency) : null;
	}

	/** A row that could not even be split into fields (CSV quoting, wrong field count). */
	rejectRow(problem: string, value: string): void {
		this.rowsRead++;
		this.reject('row', problem, value);
	}

	/** Adds one row; `values` holds the row's fields at the positions of the column map. */
	addRow(values: ArrayLike<unknown>): void {
		this.valueCells.values = values;
		this.addCells(this.valueCells);
	}

	/** Adds one row read through its cells. */
	addCells(r: RowCells): void {
		this.rowsRead++;
		const c = this.c;
		const billedProblem = r.amount(c.billedCost, this.billed);
		if (billedProblem) return this.reject(this.header.names.billedCost!, billedProblem, r.value(c.billedCost));
		const ms = r.time(c.start, this.time);
		if (typeof ms !== 'number') return this.reject(this.header.names.start!, ms === 'unreadable' ? 'not a date' : ms, r.value(c.start));
		let currency = this.defaultCurrency!;
		if (c.currency >= 0) {
			const raw = r.text(c.currency);
			const code = this.currencyOf(raw);
			if (!code) return this.reject(this.header.names.currency!, raw.trim() ? 'not an ISO 4217 code' : 'missing', r.value(c.currency));
			currency = code;
		}
		const hasEffective = c.effectiveCost >= 0;
		if (hasEffective) {
			const problem = r.amount(c.effectiveCost, this.effective);
			if (problem) return this.reject(this.header.names.effectiveCost!, problem, r.value(c.effectiveCost));
		}
		this.rowsAccepted++;
		const day = Math.floor(ms / DAY_MS);
		if (day < this.minDay) this.minDay = day;
		if (day > this.maxDay) this.maxDay = day;
		const provider = r.text(c.provider).trim() || '(none)';
		const service = r.text(c.service) || 'unknown service';
		const category = this.categoryOf(r.text(c.chargeCategory));
		const f = r.facts(c);
		let stats: ResourceStats | null = null;
		if (c.resourceId >= 0) {
			stats = r.knownResource(c.resourceId, currency) ?? null;
			if (!stats && f.resourceId) {
				stats = this.resourceOf(f, currency, provider, service);
				r.rememberResource(c.resourceId, stats);
			}
		}
		// Most rows of a resource share its provider and service: its bucket is found without a key.
		const own = stats?.bucket as ServiceBucket | undefined;
		const bucket = own && own.provider === provider && own.service === service ? own : this.bucketOf(currency, provider, service);
		const group = this.groupOf(bucket, category, day, hasEffective);
		group.rows++;
		group.billed.addAmount(this.billed);
		if (hasEffective) group.effective!.addAmount(this.effective);
		this.addOptional(this.listCost, currency, r, c.listCost);
		this.addOptional(this.contractedCost, currency, r, c.contractedCost);
		this.observeRow(r, f, stats, bucket, day);
	}

	private bucketOf(currency: string, provider: string, service: string): ServiceBucket {
		const last = this.lastBucket;
		if (last && last.provider === provider && last.service === service && last.currency === currency) return last;
		const key = currency + SEP + provider + SEP + service;
		let bucket = this.buckets.get(key);
		if (!bucket) {
			bucket = { currency, provider: detach(provider), service: detach(service), days: new Map() };
			this.buckets.set(detach(key), bucket);
		}
		this.lastBucket = bucket;
		return bucket;
	}

	private groupOf(bucket: ServiceBucket, category: string, day: number, hasEffective: boolean): SpendGroup {
		let days = bucket.days.get(category);
		if (!days) bucket.days.set(category, (days = new Map()));
		let group = days.get(day);
		if (!group) {
			group = { currency: bucket.currency, provider: bucket.provider, service: bucket.service, category, day, rows: 0, billed: new DecimalSum(), effective: hasEffective ? new DecimalSum() : null };
			days.set(day, group);
			this.groups.push(group);
		}
		return group;
	}

	/** The resource's facts so far; keyed by id alone (one copy of a long ARN), or by currency and id for a second currency. */
	private resourceOf(f: RowFacts, currency: string, provider: string, service: string): ResourceStats {
		// Exports often list a resource's rows together: the last one is checked before the map.
		const last = this.lastResource;
		if (last && last.id === f.resourceId && last.currency === currency) return last;
		const stats = this.findResource(f, currency, provider, service);
		this.lastResource = stats;
		return stats;
	}

	private findResource(f: RowFacts, currency: string, provider: string, service: string): ResourceStats {
		let key = f.resourceId;
		let stats = this.resources.get(key);
		if (stats && stats.currency !== currency) stats = this.resources.get((key = currency + SEP + f.resourceId));
		if (stats) return stats;
		key = detach(key);
		stats = newResource({
			id: key.length === f.resourceId.length ? key : detach(f.resourceId),
			currency,
			bucket: this.bucketOf(currency, provider, service),
			serviceCategory: detach(f.serviceCategory),
			resourceType: detach(f.resourceType),
			subAccount: detach(f.subAccount),
		});
		this.resources.set(key, stats);
		return stats;
	}

	/** Compute sub-accounts, egress and the resource's facts, for the savings rules. */
	private observeRow(r: RowCells, f: RowFacts, stats: ResourceStats | null, bucket: ServiceBucket, day: number): void {
		const b = this.billed;
		const positive = b.big === null ? b.units > 0 : b.big > 0n;
		if (stats) {
			if (observe(stats, f, day, b) && !stats.computeCounted) {
				this.computeAccounts.add(stats.subAccount);
				stats.computeCounted = true;
			}
		} else if (isComputeHours(f) && !this.computeAccounts.has(f.subAccount)) {
			this.computeAccounts.add(detach(f.subAccount));
		}
		if (positive && r.egress(this.c.description)) {
			const key = bucket.currency + SEP + bucket.provider + SEP + bucket.service;
			let e = this.egress.get(key);
			if (!e) this.egress.set(key, (e = { provider: bucket.provider, service: bucket.service, currency: bucket.currency, spend: new DecimalSum() }));
			e.spend.addAmount(b);
		}
	}

	private addOptional(into: Map<string, OptionalCost>, currency: string, r: RowCells, column: number): void {
		if (column < 0 || r.amount(column, this.extra)) return;
		let cost = into.get(currency);
		if (!cost) into.set(currency, (cost = { total: new DecimalSum(), rows: 0 }));
		cost.rows++;
		cost.total.addAmount(this.extra);
	}

	private currencyOf(key: string): string | null {
		let code = this.currencies.get(key);
		if (code === undefined) {
			code = normaliseCurrency(key);
			if (this.currencies.size > 1000) this.currencies.clear();
			this.currencies.set(detach(key), code);
		}
		return code;
	}

	private categoryOf(raw: string): string {
		let category = this.categories.get(raw);
		if (category === undefined) {
			const trimmed = raw.trim();
			category = detach(CATEGORIES.get(trimmed.toLowerCase()) ?? (trimmed || '(none)'));
			if (this.categories.size > 1000) this.categories.clear();
			this.categories.set(detach(raw), category);
		}
		if (!KNOWN_CATEGORY.has(category)) this.unknownCategories.set(category, (this.unknownCategories.get(category) ?? 0) + 1);
		return category;
	}

	private reject(column: string, problem: string, raw: unknown): void {
		const key = `${column}${SEP}${problem}`;
		let reason = this.rejects.get(key);
		if (!reason) this.rejects.set(key, (reason = { column, problem, rows: 0, examples: [] }));
		reason.rows++;
		if (reason.examples.length < EXAMPLES) reason.examples.push({ row: this.rowsRead, value: detach(describeValue(raw)) });
	}
}

/** ISO 4217 codes are three letters; anything else is not a currency a total can be kept in. */
export function normaliseCurrency(raw: string): string | null {
	const code = raw.trim().toUpperCase();
	return /^[A-Z]{3}$/.test(code) ? code : null;
}

function describeValue(raw: unknown): string {
	if (raw === undefined) return '(no such field)';
	if (raw === null) return '(null)';
	const s = typeof raw === 'object' && !(raw instanceof Date) ? JSON.stringify(raw) : String(raw instanceof Date ? raw.toISOString() : raw);
	if (s === '') return '(empty)';
	return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
