/**
 * Savings candidates found by fixed rules, each explainable from the billing rows alone. The
 * per-resource facts the rules need are collected while the export streams by (one small
 * record per resource, not the rows), and the rules run once at the end:
 * - commitment: on-demand compute or database hours with no commitment discount, billed on at
 *   least half the days covered (steady usage a reservation or savings plan would cover);
 * - orphaned: disks, snapshots and public addresses in a sub-account that has no compute
 *   hours at all in the period (nothing left to attach them to);
 * - idle: load balancers, gateways, databases and other non-instance resources billed only
 *   for provisioned time or capacity and never for usage (no requests, transfer, LCUs);
 *   instances are left out, since billing cannot show their utilisation;
 * - network: data transfer out, the spend that architecture rather than sizing decides.
 */
import { DecimalSum, type Amount } from './decimal.ts';
import { detach } from './detach.ts';

export interface SavingsCandidate {
	kind: 'idle' | 'orphaned' | 'commitment' | 'network';
	provider: string;
	service: string;
	resourceId: string;
	/** Billed in the period, in the summary's currency. */
	spend: number;
	evidence: string;
}

/** What the rules need to know about one resource, gathered row by row. */
export interface ResourceStats {
	id: string;
	currency: string;
	provider: string;
	service: string;
	/** Where the resource's spend is summed (its currency, provider and service). */
	bucket: { currency: string; provider: string; service: string };
	serviceCategory: string;
	resourceType: string;
	subAccount: string;
	rows: number;
	billed: DecimalSum;
	/** Billed for on-demand compute or database hours without a commitment discount. */
	onDemand: DecimalSum | null;
	/** Days with on-demand hours: bits from `firstDay` (two 31-bit words), a set past 62 days. */
	onDemandDays: OnDemandDays | null;
	/** Every row billed provisioned time or capacity (hours, months) and none billed usage. */
	provisionedOnly: boolean;
	units: string[];
	diskOrAddress: boolean;
	instance: boolean;
	/** Its sub-account is already counted as one with compute hours. */
	computeCounted: boolean;
	/** The last row's pricing fields and what the rules made of them: a resource's rows mostly repeat them. */
	shape: RowShape | null;
}

interface RowShape {
	unit: string;
	pricingCategory: string;
	commitmentDiscountId: string;
	serviceCategory: string;
	resourceType: string;
	onDemand: boolean;
	computeHours: boolean;
}

export function newResource(base: Pick<ResourceStats, 'id' | 'currency' | 'bucket' | 'serviceCategory' | 'resourceType' | 'subAccount'>): ResourceStats {
	return {
		...base,
		provider: base.bucket.provider,
		service: base.bucket.service,
		rows: 0,
		billed: new DecimalSum(),
		onDemand: null,
		onDemandDays: null,
		provisionedOnly: true,
		units: [],
		diskOrAddress: false,
		instance: false,
		computeCounted: false,
		shape: null,
	};
}

/**
 * Tests a pattern once per distinct text: exports repeat the same units, categories and types.
 * Past a few thousand distinct texts the cache stops growing (it would only cost memory).
 */
export function memoTest(pattern: RegExp): (text: string) => boolean {
	const cache = new Map<string, boolean>();
	return (text) => {
		let hit = cache.get(text);
		if (hit === undefined) {
			hit = pattern.test(text);
			if (cache.size < 5000) cache.set(detach(text), hit);
		}
		return hit;
	};
}

const FIXED_UNIT = memoTest(/hour|month/i);
/** Units that measure use rather than provisioned time (LCU-hours are load, not uptime). */
const USAGE_UNIT = memoTest(/lcu|request|^gi?b$|operation|event|quer|invocation|api/i);
/** Also matched against resource ids: AWS leaves ResourceType empty, its ARNs say `:volume/vol-…`. */
const ADDRESS_OR_DISK_PATTERN = /volume|disk|snapshot|ipv4|elastic[ -]ip|eipalloc|public ?ip|address/i;
const ADDRESS_OR_DISK = memoTest(ADDRESS_OR_DISK_PATTERN);
const COMPUTE = memoTest(/compute/i);
const COMPUTE_OR_DATABASE = memoTest(/compute|database/i);
const HOURS = memoTest(/hour/i);
const ON_DEMAND_PRICING = memoTest(/^(standard|on-demand|)$/i);
const INSTANCE_TYPE = memoTest(/instance|virtual machine/i);
/** Descriptions repeat per SKU in real exports; past the cache's size (unique texts) they are tested directly. */
export const EGRESS = memoTest(/data transfer out|egress|internet/i);

export interface RowFacts {
	serviceCategory: string;
	pricingUnit: string;
	pricingCategory: string;
	commitmentDiscountId: string;
	resourceType: string;
	resourceId: string;
	description: string;
	subAccount: string;
}

/** Whether a row is compute hours (its sub-account has something disks could be attached to). */
export const isComputeHours = (row: RowFacts) => COMPUTE(row.serviceCategory) && HOURS(row.pricingUnit);

function shapeOf(stats: ResourceStats, row: RowFacts): RowShape {
	const s = stats.shape;
	if (s && s.unit === row.pricingUnit && s.pricingCategory === row.pricingCategory && s.commitmentDiscountId === row.commitmentDiscountId && s.serviceCategory === row.serviceCategory && s.resourceType === row.resourceType) {
		return s;
	}
	// A new shape: the pattern tests run once here, not on every row.
	const unit = row.pricingUnit;
	if (!stats.units.includes(unit)) {
		if (stats.provisionedOnly && !(FIXED_UNIT(unit) && !USAGE_UNIT(unit))) stats.provisionedOnly = false;
		if (stats.units.length < 6) stats.units.push(detach(unit));
	}
	if (!stats.diskOrAddress && (ADDRESS_OR_DISK(row.resourceType) || ADDRESS_OR_DISK_PATTERN.test(row.resourceId) || ADDRESS_OR_DISK_PATTERN.test(row.description))) stats.diskOrAddress = true;
	if (!stats.instance && COMPUTE(row.serviceCategory) && (INSTANCE_TYPE(row.resourceType) || row.resourceId.startsWith('i-'))) stats.instance = true;
	stats.shape = {
		unit: detach(unit),
		pricingCategory: detach(row.pricingCategory),
		commitmentDiscountId: detach(row.commitmentDiscountId),
		serviceCategory: detach(row.serviceCategory),
		resourceType: detach(row.resourceType),
		onDemand: COMPUTE_OR_DATABASE(row.serviceCategory) && HOURS(unit) && !row.commitmentDiscountId && ON_DEMAND_PRICING(row.pricingCategory),
		computeHours: isComputeHours(row),
	};
	return stats.shape;
}

/**
 * Folds one billed row into its resource's facts; returns whether the row is compute hours.
 * (A resource's disk-or-address nature is read from its id, type and the description of the
 * first row of each pricing shape.)
 */
export function observe(stats: ResourceStats, row: RowFacts, day: number, billed: Amount): boolean {
	stats.rows++;
	stats.billed.addAmount(billed);
	const shape = shapeOf(stats, row);
	if (shape.onDemand) {
		stats.onDemand ??= new DecimalSum();
		stats.onDemand.addAmount(billed);
		(stats.onDemandDays ??= new OnDemandDays(day)).add(day);
	}
	return shape.computeHours;
}


/** A small set of days: most resources have a few of a month's days, so two words of bits. */
export class OnDemandDays {
	private readonly first: number;
	private low = 0;
	private high = 0;
	private beyond: Set<number> | null = null;

	constructor(first: number) {
		this.first = first;
	}

	add(day: number): void {
		const offset = day - this.first;
		if (offset >= 0 && offset < 31) this.low |= 1 << offset;
		else if (offset >= 31 && offset < 62) this.high |= 1 << (offset - 31);
		else (this.beyond ??= new Set()).add(day);
	}

	get size(): number {
		return bits(this.low) + bits(this.high) + (this.beyond?.size ?? 0);
	}
}

function bits(word: number): number {
	let n = 0;
	for (let w = word; w !== 0; w &= w - 1) n++;
	return n;
}

export interface RuleInput {
	resources: Iterable<ResourceStats>;
	/** Days the summary covers. */
	days: number;
	/** Sub-accounts with compute hours anywhere in the export. */
	computeAccounts: ReadonlySet<string>;
	egress: Iterable<{ provider: string; service: string; currency: string; spend: DecimalSum }>;
	/** A sum in the summary's currency (converted when the user gave rates). */
	money: (sum: DecimalSum, currency: string) => number;
}

/** The `top` largest candidates (by spend): the rule is decided for every resource, the evidence written for those kept. */
export function findCandidates(input: RuleInput, top = Infinity): SavingsCandidate[] {
	const found: Array<{ spend: number; make: () => SavingsCandidate }> = [];
	for (const r of input.resources) {
		const spend = input.money(r.billed, r.currency);
		if (!(spend > 0)) continue;
		const base = () => ({ provider: r.provider, service: r.service, resourceId: r.id });
		const billedDays = r.onDemandDays?.size ?? 0;
		if (r.onDemand && billedDays >= Math.max(1, input.days / 2)) {
			const onDemand = input.money(r.onDemand, r.currency);
			found.push({ spend: onDemand, make: () => ({ kind: 'commitment', ...base(), spend: onDemand, evidence: `on-demand hours on ${billedDays} of ${input.days} days, no commitment discount` }) });
		} else if (r.diskOrAddress && !input.computeAccounts.has(r.subAccount)) {
			found.push({ spend, make: () => ({ kind: 'orphaned', ...base(), spend, evidence: `${r.resourceType || 'disk/address'} billed in sub-account ${r.subAccount || '(none)'} that has no compute hours` }) });
		} else if (!r.instance && r.provisionedOnly) {
			found.push({ spend, make: () => ({ kind: 'idle', ...base(), spend, evidence: `only provisioned time/capacity billed (${r.units.join(', ')}), no usage charges` }) });
		}
	}
	for (const e of input.egress) {
		const spend = input.money(e.spend, e.currency);
		if (spend > 0) found.push({ spend, make: () => ({ kind: 'network', provider: e.provider, service: e.service, resourceId: '', spend, evidence: 'data transfer out to the internet or other regions' }) });
	}
	found.sort((a, b) => b.spend - a.spend);
	return found.slice(0, top).map((c) => c.make());
}
