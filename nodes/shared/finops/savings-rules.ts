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
/** Charge descriptions are often unique per row (prices in the text): tested directly, not cached. */
const EGRESS_PATTERN = /data transfer out|egress|internet/i;
export const EGRESS = (description: string) => EGRESS_PATTERN.test(description);

export interface RowFacts {
	serviceCategory: string;
	pricingUnit: string;
	pricingCategory: string;
	commitmentDiscountId: string;
	resourceType: string;
	resourceId: string;
	description: string;
}

/** Whether a row is compute hours (its sub-account has something disks could be attached to). */
export const isComputeHours = (row: RowFacts) => COMPUTE(row.serviceCategory) && HOURS(row.pricingUnit);

/** Folds one billed row into its resource's facts. */
export function observe(stats: ResourceStats, row: RowFacts, day: number, billed: Amount): void {
	stats.rows++;
	stats.billed.addAmount(billed);
	const unit = row.pricingUnit;
	if (!stats.units.includes(unit)) {
		if (stats.provisionedOnly && !(FIXED_UNIT(unit) && !USAGE_UNIT(unit))) stats.provisionedOnly = false;
		if (stats.units.length < 6) stats.units.push(detach(unit));
	}
	if (stats.rows === 1 && ADDRESS_OR_DISK_PATTERN.test(row.resourceId)) stats.diskOrAddress = true;
	if (!stats.diskOrAddress && (ADDRESS_OR_DISK(row.resourceType) || ADDRESS_OR_DISK_PATTERN.test(row.description))) stats.diskOrAddress = true;
	if (!stats.instance && COMPUTE(row.serviceCategory) && (INSTANCE_TYPE(row.resourceType) || row.resourceId.startsWith('i-'))) stats.instance = true;
	if (COMPUTE_OR_DATABASE(row.serviceCategory) && HOURS(unit) && !row.commitmentDiscountId && ON_DEMAND_PRICING(row.pricingCategory)) {
		stats.onDemand ??= new DecimalSum();
		stats.onDemand.addAmount(billed);
		(stats.onDemandDays ??= new OnDemandDays(day)).add(day);
	}
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

export function findCandidates(input: RuleInput): SavingsCandidate[] {
	const out: SavingsCandidate[] = [];
	const money = (s: DecimalSum, currency: string) => input.money(s, currency);
	for (const r of input.resources) {
		const spend = money(r.billed, r.currency);
		if (!(spend > 0)) continue;
		const base = { provider: r.provider, service: r.service, resourceId: r.id };
		const billedDays = r.onDemandDays?.size ?? 0;
		if (r.onDemand && billedDays >= Math.max(1, input.days / 2)) {
			out.push({ kind: 'commitment', ...base, spend: money(r.onDemand, r.currency), evidence: `on-demand hours on ${billedDays} of ${input.days} days, no commitment discount` });
			continue;
		}
		if (r.diskOrAddress && !input.computeAccounts.has(r.subAccount)) {
			out.push({ kind: 'orphaned', ...base, spend, evidence: `${r.resourceType || 'disk/address'} billed in sub-account ${r.subAccount || '(none)'} that has no compute hours` });
			continue;
		}
		if (!r.instance && r.provisionedOnly) {
			out.push({ kind: 'idle', ...base, spend, evidence: `only provisioned time/capacity billed (${r.units.join(', ')}), no usage charges` });
		}
	}
	for (const e of input.egress) {
		const spend = money(e.spend, e.currency);
		if (spend > 0) out.push({ kind: 'network', provider: e.provider, service: e.service, resourceId: '', spend, evidence: 'data transfer out to the internet or other regions' });
	}
	return out.sort((a, b) => b.spend - a.spend);
}
