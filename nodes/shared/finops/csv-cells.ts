/**
 * A CSV record's cells read straight from its bytes, for the aggregation: costs parsed into
 * exact integer units and ISO timestamps into milliseconds without making a string, the
 * low-cardinality columns (currency, category, provider, unit...) given the same string as the
 * last time they held the same bytes, resources found by the bytes of their id, descriptions
 * searched as bytes. Only what is kept, or a rare form, is decoded.
 */
import { fieldText, type CsvRecord } from './csv-bytes.ts';
import { parseDecimalBytes, type Amount } from './decimal.ts';
import type { ColumnMap } from './focus-columns.ts';
import { readAmount, type RowCells } from './focus-aggregator.ts';
import { isoBytesToMs, type ChargeTimeParser, type TimeResult } from './focus-time.ts';
import type { ResourceStats, RowFacts } from './savings-rules.ts';

const N = 78; // N
const U = 85; // U
const L = 76; // L

/** `EGRESS` (/data transfer out|egress|internet/i) on bytes: ASCII letters either case, other bytes exactly. */
const NEEDLES = ['data transfer out', 'egress', 'internet'].map((n) => Buffer.from(n));

export function egressBytes(b: Uint8Array, start: number, end: number): boolean {
	for (let i = start; i < end; i++) {
		const c = b[i] | 0x20;
		if (c !== 100 && c !== 101 && c !== 105) continue;
		for (const needle of NEEDLES) {
			if (needle[0] !== c || i + needle.length > end) continue;
			let k = 1;
			for (; k < needle.length; k++) {
				const n = needle[k];
				const x = b[i + k];
				if (n >= 97 && n <= 122 ? (x | 0x20) !== n : x !== n) break;
			}
			if (k === needle.length) return true;
		}
	}
	return false;
}

/**
 * Bytes -> value, by open addressing on a hash of the bytes; keys are copied into one growing slab.
 * A lookup touches three places (the slot with its hash, the key's offset and length, the key's
 * bytes): with a resource per row in no particular order, memory latency is what it costs.
 */
export class ByteKeyIndex<T> {
	private slab = new Uint8Array(1 << 16);
	private used = 0;
	/** Per entry: the key's start in the slab and its length. */
	private keys = new Int32Array(2048);
	private readonly values: T[] = [];
	/** Per slot: entry number + 1 (0 when empty) and the key's hash. */
	private table = new Int32Array(4096);

	get size(): number {
		return this.values.length;
	}

	static hash(b: Uint8Array, start: number, end: number): number {
		let h = 0x811c9dc5 | 0;
		for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], 16777619);
		// FNV's multiplications only carry upwards: mix the high bits into the low ones the table uses.
		h ^= h >>> 16;
		h = Math.imul(h, 0x85ebca6b);
		h ^= h >>> 13;
		h = Math.imul(h, 0xc2b2ae35);
		return h ^ (h >>> 16);
	}

	get(b: Uint8Array, start: number, end: number, hash: number): T | undefined {
		const table = this.table;
		const mask = (table.length >> 1) - 1;
		const length = end - start;
		for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
			const entry = table[2 * slot] - 1;
			if (entry < 0) return undefined;
			if (table[2 * slot + 1] === hash && this.keys[2 * entry + 1] === length && this.equals(entry, b, start, length)) return this.values[entry];
		}
	}

	private equals(entry: number, b: Uint8Array, start: number, length: number): boolean {
		const slab = this.slab;
		const from = this.keys[2 * entry];
		for (let k = 0; k < length; k++) if (slab[from + k] !== b[start + k]) return false;
		return true;
	}

	/** Adds a key that `get` did not find. */
	add(b: Uint8Array, start: number, end: number, hash: number, value: T): void {
		const entry = this.values.length;
		const length = end - start;
		if (2 * entry + 2 > this.keys.length) {
			const keys = new Int32Array(this.keys.length * 2);
			keys.set(this.keys);
			this.keys = keys;
		}
		if (this.used + length > this.slab.length) {
			const next = new Uint8Array(Math.max(this.slab.length * 2, this.used + length));
			next.set(this.slab.subarray(0, this.used));
			this.slab = next;
		}
		this.slab.set(b.subarray(start, end), this.used);
		this.keys[2 * entry] = this.used;
		this.keys[2 * entry + 1] = length;
		this.used += length;
		this.values.push(value);
		this.place(entry, hash);
		// At most half the slots are used.
		if ((entry + 1) * 4 > this.table.length) this.rehash();
	}

	private place(entry: number, hash: number): void {
		const table = this.table;
		const mask = (table.length >> 1) - 1;
		let slot = hash & mask;
		while (table[2 * slot] !== 0) slot = (slot + 1) & mask;
		table[2 * slot] = entry + 1;
		table[2 * slot + 1] = hash;
	}

	private rehash(): void {
		const old = this.table;
		this.table = new Int32Array(old.length * 2);
		for (let slot = 0; slot < old.length; slot += 2) if (old[slot] !== 0) this.place(old[slot] - 1, old[slot + 1]);
	}
}

interface Recent {
	bytes: Uint8Array;
	text: string;
}

/** Texts of a row decoded on first use: the rules need them only for a resource's first rows. */
class LazyFacts implements RowFacts {
	serviceCategory = '';
	pricingUnit = '';
	pricingCategory = '';
	commitmentDiscountId = '';
	resourceType = '';
	private id: string | null = null;
	private desc: string | null = null;
	private account: string | null = null;
	private readonly cells: CsvCells;
	private c: ColumnMap | null = null;

	constructor(cells: CsvCells) {
		this.cells = cells;
	}

	reset(c: ColumnMap): void {
		this.c = c;
		this.id = this.desc = this.account = null;
	}

	get resourceId(): string {
		return (this.id ??= this.cells.text(this.c!.resourceId));
	}

	get description(): string {
		return (this.desc ??= this.cells.text(this.c!.description));
	}

	get subAccount(): string {
		return (this.account ??= this.cells.text(this.c!.subAccount));
	}
}

export class CsvCells implements RowCells {
	record!: CsvRecord;
	private readonly recent: Array<Recent[] | undefined> = [];
	private readonly lazy = new LazyFacts(this);
	/** A resource by the bytes of its id (its first currency; a second one is looked up by text). */
	private readonly resources = new ByteKeyIndex<ResourceStats>();

	/** Columns with few distinct values: equal bytes give the same string (no new string per row). */
	intern(positions: readonly number[]): void {
		for (const p of positions) if (p >= 0) this.recent[p] = [];
	}

	/** Whether the cell holds nothing (absent, empty or NULL, as `text` reads it). */
	private empty(col: number): boolean {
		const r = this.record;
		const s = r.starts[col];
		const e = r.ends[col];
		if (e === s) return true;
		const b = r.bytes;
		return e - s === 4 && b[s] === N && b[s + 1] === U && b[s + 2] === L && b[s + 3] === L;
	}

	value(col: number): unknown {
		return col >= 0 ? fieldText(this.record, col) : undefined;
	}

	text(col: number): string {
		if (col < 0) return '';
		const r = this.record;
		const recent = this.recent[col];
		if (recent === undefined || r.escaped[col]) {
			const t = fieldText(r, col);
			return t === 'NULL' ? '' : t;
		}
		const b = r.bytes;
		const s = r.starts[col];
		const length = r.ends[col] - s;
		if (length === 0) return '';
		for (let i = 0; i < recent.length; i++) {
			const v = recent[i].bytes;
			if (v.length !== length) continue;
			let k = 0;
			while (k < length && v[k] === b[s + k]) k++;
			if (k === length) return recent[i].text;
		}
		const raw = fieldText(r, col);
		const t = raw === 'NULL' ? '' : raw;
		if (recent.length >= 16) recent.pop();
		recent.unshift({ bytes: Uint8Array.prototype.slice.call(b, s, s + length), text: t });
		return t;
	}

	amount(col: number, out: Amount): string | null {
		const r = this.record;
		const s = r.starts[col];
		const e = r.ends[col];
		if (!r.escaped[col] && parseDecimalBytes(r.bytes, s, e, out)) return null;
		return readAmount(fieldText(r, col), out);
	}

	time(col: number, parser: ChargeTimeParser): TimeResult {
		const r = this.record;
		const fast = r.escaped[col] ? null : isoBytesToMs(r.bytes, r.starts[col], r.ends[col]);
		return fast ?? parser.parse(fieldText(r, col));
	}

	egress(col: number): boolean {
		if (col < 0) return false;
		const r = this.record;
		return egressBytes(r.bytes, r.starts[col], r.ends[col]);
	}

	facts(c: ColumnMap): RowFacts {
		const f = this.lazy;
		f.reset(c);
		f.serviceCategory = this.text(c.serviceCategory);
		f.pricingUnit = this.text(c.pricingUnit);
		f.pricingCategory = this.text(c.pricingCategory);
		f.commitmentDiscountId = this.text(c.commitmentDiscountId);
		f.resourceType = this.text(c.resourceType);
		return f;
	}

	knownResource(col: number, currency: string): ResourceStats | undefined {
		const r = this.record;
		if (r.escaped[col] || this.empty(col)) return undefined;
		const s = r.starts[col];
		const e = r.ends[col];
		const stats = this.resources.get(r.bytes, s, e, ByteKeyIndex.hash(r.bytes, s, e));
		return stats !== undefined && stats.currency === currency ? stats : undefined;
	}

	rememberResource(col: number, stats: ResourceStats): void {
		const r = this.record;
		if (r.escaped[col] || this.empty(col)) return;
		const s = r.starts[col];
		const e = r.ends[col];
		const hash = ByteKeyIndex.hash(r.bytes, s, e);
		if (this.resources.get(r.bytes, s, e, hash) === undefined) this.resources.add(r.bytes, s, e, hash, stats);
	}
}
