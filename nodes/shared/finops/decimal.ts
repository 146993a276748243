/**
 * Exact decimal sums for billing amounts. A float sum over millions of rows drifts (each addition
 * rounds to 53 bits), so amounts are kept as integer units at a decimal scale: 0.0000008 is
 * 8 units at scale 7. A sum's scale grows to the finest amount it has seen, so nothing is ever
 * rounded; only the final figures shown to people are converted to numbers.
 */

const MAX_DIGITS = 40;
const MAX_EXPONENT = 40;
const POW10: bigint[] = Array.from({ length: 2 * (MAX_DIGITS + MAX_EXPONENT) + 1 }, (_, i) => 10n ** BigInt(i));

/**
 * A parsed amount, units / 10^scale. Units up to 15 digits stay a number (exact: below 2^53),
 * longer ones are a bigint; the hot loop reuses one Amount to avoid allocations.
 */
export interface Amount {
	units: number;
	big: bigint | null;
	scale: number;
}

export const newAmount = (): Amount => ({ units: 0, big: null, scale: 0 });
const MAX = Number.MAX_SAFE_INTEGER;
const POW10_NUMBER = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** An amount's units as a bigint, whichever form it holds. */
export const unitsOf = (a: Amount): bigint => a.big ?? BigInt(a.units);

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * Reads a decimal number written as FOCUS requires (`-12.5`, `0.00000080000`); an exponent
 * (`8.0E-7`, as BigQuery FLOAT64 or a JavaScript number prints it) is accepted too. Returns
 * false for anything else: commas, currency signs, units, empty text.
 */
export function parseDecimal(text: string, out: Amount): boolean {
	return parsePlain(text, out) || parseGeneral(text, out);
}

/**
 * The common case without allocating: optional sign, up to 15 digits with one optional point,
 * nothing else. The units are accumulated as the digits are read (exact below 2^53).
 */
function parsePlain(text: string, out: Amount): boolean {
	const end = text.length;
	let i = 0;
	let negative = false;
	if (text.charCodeAt(0) === 45) {
		negative = true;
		i = 1;
	}
	let units = 0;
	let digits = 0;
	let scale = -1;
	for (; i < end; i++) {
		const c = text.charCodeAt(i);
		if (c >= 48 && c <= 57) {
			units = units * 10 + (c - 48);
			digits++;
			if (scale >= 0) scale++;
		} else if (c === 46 && scale < 0) scale = 0;
		else return false;
	}
	return settlePlain(units, digits, scale, negative, out);
}

/**
 * `parsePlain` on the UTF-8 bytes of a CSV field, without making a string. False means "not the
 * plain form": the caller then reads the decoded text with `parseDecimal`.
 */
export function parseDecimalBytes(b: Uint8Array, start: number, end: number, out: Amount): boolean {
	let i = start;
	let negative = false;
	if (i < end && b[i] === 45) {
		negative = true;
		i++;
	}
	let units = 0;
	let digits = 0;
	let scale = -1;
	for (; i < end; i++) {
		const c = b[i];
		if (c >= 48 && c <= 57) {
			units = units * 10 + (c - 48);
			digits++;
			if (scale >= 0) scale++;
		} else if (c === 46 && scale < 0) scale = 0;
		else return false;
	}
	return settlePlain(units, digits, scale, negative, out);
}

/** Everything else FOCUS and the exports allow: surrounding spaces, a plus sign, exponents, long digit strings. */
function parseGeneral(text: string, out: Amount): boolean {
	let start = 0;
	let end = text.length;
	while (start < end && text.charCodeAt(start) <= 32) start++;
	while (end > start && text.charCodeAt(end - 1) <= 32) end--;
	let i = start;
	let negative = false;
	const sign = text.charCodeAt(i);
	if (sign === 45 /* - */ || sign === 43 /* + */) {
		negative = sign === 45;
		i++;
	}
	const intStart = i;
	while (i < end && isDigit(text.charCodeAt(i))) i++;
	const intEnd = i;
	let fracStart = i;
	let fracEnd = i;
	if (i < end && text.charCodeAt(i) === 46 /* . */) {
		fracStart = ++i;
		while (i < end && isDigit(text.charCodeAt(i))) i++;
		fracEnd = i;
	}
	if (intEnd === intStart && fracEnd === fracStart) return false;
	let exponent = 0;
	if (i < end && (text.charCodeAt(i) | 32) === 101 /* e */) {
		i++;
		let expNegative = false;
		const expSign = text.charCodeAt(i);
		if (expSign === 45 || expSign === 43) {
			expNegative = expSign === 45;
			i++;
		}
		const expStart = i;
		while (i < end && isDigit(text.charCodeAt(i))) i++;
		if (i === expStart || i - expStart > 3) return false;
		exponent = Number(text.slice(expStart, i));
		if (exponent > MAX_EXPONENT) return false;
		if (expNegative) exponent = -exponent;
	}
	if (i !== end) return false;
	while (fracEnd > fracStart && text.charCodeAt(fracEnd - 1) === 48) fracEnd--;
	const digits = fracEnd > fracStart ? text.slice(intStart, intEnd) + text.slice(fracStart, fracEnd) : text.slice(intStart, intEnd);
	if (digits.length > MAX_DIGITS) return false;
	let scale = fracEnd - fracStart - exponent;
	if (digits.length <= 15) {
		let units = digits.length === 0 ? 0 : Number(digits);
		if (scale < 0) {
			units *= POW10_NUMBER[-scale] ?? Infinity;
			scale = 0;
		}
		if (units <= MAX) {
			out.units = negative ? -units : units;
			out.big = null;
			out.scale = scale;
			return true;
		}
	}
	let big = BigInt(digits);
	if (scale < 0) {
		big *= POW10[-scale];
		scale = 0;
	}
	out.units = 0;
	out.big = negative ? -big : big;
	out.scale = scale;
	return true;
}

/** Reads a number value (Parquet double, JSON number) through its shortest decimal form. */
export function parseNumberValue(value: number, out: Amount): boolean {
	return Number.isFinite(value) && parseDecimal(String(value), out);
}

/**
 * A running exact sum: integer units in a number while they fit in 53 bits (no allocation per
 * addition), carried into a bigint when they would not.
 */
export class DecimalSum {
	private small = 0;
	private big = 0n;
	scale = 0;

	/** The sum's units at `scale`. */
	get units(): bigint {
		return this.big + BigInt(this.small);
	}

	addAmount(a: Amount): void {
		if (a.big !== null) return this.add(a.big, a.scale);
		let u = a.units;
		if (a.scale > this.scale) this.rescale(a.scale);
		else if (a.scale < this.scale) {
			u *= POW10_NUMBER[this.scale - a.scale] ?? Infinity;
			if (!(u <= MAX && u >= -MAX)) return this.add(BigInt(a.units), a.scale);
		}
		const t = this.small + u;
		if (t <= MAX && t >= -MAX) this.small = t;
		else {
			this.big += BigInt(this.small) + BigInt(u);
			this.small = 0;
		}
	}

	add(units: bigint, scale: number): void {
		if (scale > this.scale) this.rescale(scale);
		else if (scale < this.scale) units *= POW10[this.scale - scale];
		this.big += units;
	}

	addSum(other: DecimalSum): void {
		this.add(other.units, other.scale);
	}

	private rescale(scale: number): void {
		if (this.small === 0 && this.big === 0n) {
			this.scale = scale;
			return;
		}
		this.big = (this.big + BigInt(this.small)) * POW10[scale - this.scale];
		this.small = 0;
		this.scale = scale;
	}

	/** This sum times an exact rate (currency conversion with a rate the user gave). */
	times(rate: Amount): DecimalSum {
		const out = new DecimalSum();
		out.big = this.units * unitsOf(rate);
		out.scale = this.scale + rate.scale;
		return out;
	}

	get sign(): number {
		const u = this.units;
		return u > 0n ? 1 : u < 0n ? -1 : 0;
	}

	toString(): string {
		return formatUnits(this.units, this.scale);
	}

	/** The nearest double, for display and ratios (the exact figure is `toString()`). */
	toNumber(): number {
		return Number(this.toString());
	}
}

export function sumOf(parts: Iterable<DecimalSum>): DecimalSum {
	const out = new DecimalSum();
	for (const p of parts) out.addSum(p);
	return out;
}

/** units / 10^scale as plain decimal text, without trailing zeros (`-0.0000008`, `12.5`, `3`). */
export function formatUnits(units: bigint, scale: number): string {
	const negative = units < 0n;
	let digits = (negative ? -units : units).toString();
	if (scale > 0) {
		digits = digits.padStart(scale + 1, '0');
		let int = digits.slice(0, digits.length - scale);
		let frac = digits.slice(digits.length - scale);
		frac = frac.replace(/0+$/, '');
		int = int === '' ? '0' : int;
		digits = frac ? `${int}.${frac}` : int;
	}
	return negative && digits !== '0' ? `-${digits}` : digits;
}

/** The end of both plain parsers: at most 15 digits (exact in a double), trailing zeros dropped. */
function settlePlain(units: number, digits: number, scale: number, negative: boolean, out: Amount): boolean {
	if (digits === 0 || digits > 15) return false;
	if (scale < 0) scale = 0;
	while (scale > 0 && units % 10 === 0) {
		units /= 10;
		scale--;
	}
	out.units = negative ? -units : units;
	out.big = null;
	out.scale = scale;
	return true;
}
