/**
 * Token masking: values that vary between occurrences of one message (numbers, addresses,
 * ids, hashes) become the wildcard, so lines of one template look alike before mining.
 */
export const WILDCARD = '<*>';

const HAS_DIGIT = /\d/;
const DIGITS = /\d+/g;

/**
 * Every run of digits becomes one "0". Masking works on this form, so lines that differ only
 * in their numbers are the same string and share one cache entry.
 */
export function normaliseDigits(line: string): string {
	return line.replace(DIGITS, '0');
}
const WHOLE_VALUE = new RegExp(
	[
		String.raw`^[\[(/'"]*(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?[\])'",;:.]*$`, // IPv4[:port]
		String.raw`^(?:0x[0-9a-f]+|(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{2,})[,;:.]?$`, // hex ids and hashes (digit runs normalised to one 0)
		String.raw`^(?=[^\s]*\d)[0-9a-f]+(?:-[0-9a-f]+){4}$`, // UUIDs (digits normalised)
		String.raw`^[-+]?[\d.,:/_-]*\d[\d.,:/_-]*[a-zA-Z%]{0,3}$`, // numbers, dates, times, sizes (12ms, 5KB, 3.2%)
		String.raw`^\d+[-/.]\d+[-/.]\d+[T_-]\d+[:.]\d+(?:[:.]\d+)*(?:[.,]\d+)?(?:Z|[+-]\d+(?::?\d+)?)?$`, // date-times (2026-03-04T05:06:07.123Z)
	].join('|'),
	'i',
);
const DIGIT_RUN = /-?\d+(?:\.\d+)*/g;
const HEX_RUN = /0x[0-9a-f]+/gi;

/**
 * A 53-bit hash of the digit-normalised line, computed without building it: two 32-bit FNV-1a
 * style hashes over the characters, each digit run counted as one "0". Lines with equal hashes
 * are taken to be equal (a collision among 500,000 distinct lines has odds of about 1 in 70,000).
 */
export function shapeHash(line: string): number {
	let h1 = 0x811c9dc5;
	let h2 = 0x01000193;
	let inDigits = false;
	for (let i = 0; i < line.length; i++) {
		const c = line.charCodeAt(i);
		if (c >= 48 && c <= 57) {
			if (inDigits) continue;
			inDigits = true;
		} else inDigits = false;
		const v = inDigits ? 48 : c;
		h1 = Math.imul(h1 ^ v, 0x01000193);
		h2 = Math.imul(h2 ^ v, 0x5bd1e995) ^ (h2 >>> 15);
	}
	return (h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff);
}

interface Slot<T> {
	check: number;
	value: T;
	next?: Slot<T>;
}

/**
 * Values keyed by a line's digit-normalised form, found by hashing the line as it is (as
 * shapeHash does) without building that form. The map key is 30 bits of one hash (a small
 * integer, which a Map looks up fastest), checked against 32 bits of the other: two distinct
 * lines collide with odds of about 1 in 2^62.
 */
export class ShapeTable<T> {
	size = 0;
	/** Lookups that found a value. */
	hits = 0;
	private readonly slots = new Map<number, Slot<T>>();
	private key = 0;
	private check = 0;

	/** The value stored for this line's shape; remembers the hash for a following `add`. */
	get(line: string): T | undefined {
		let h1 = 0x811c9dc5;
		let h2 = 0x01000193;
		let inDigits = false;
		for (let i = 0; i < line.length; i++) {
			const c = line.charCodeAt(i);
			if (c >= 48 && c <= 57) {
				if (inDigits) continue;
				inDigits = true;
			} else inDigits = false;
			const v = inDigits ? 48 : c;
			h1 = Math.imul(h1 ^ v, 0x01000193);
			h2 = Math.imul(h2 ^ v, 0x5bd1e995) ^ (h2 >>> 15);
		}
		this.key = h1 & 0x3fffffff;
		this.check = h2 | 0;
		for (let slot = this.slots.get(this.key); slot; slot = slot.next) {
			if (slot.check === this.check) {
				this.hits++;
				return slot.value;
			}
		}
		return undefined;
	}

	/** Stores a value for the line last passed to `get`. */
	add(value: T): void {
		this.slots.set(this.key, { check: this.check, value, next: this.slots.get(this.key) });
		this.size++;
	}
}

const KEY_VALUE = /^([A-Za-z_][\w.-]*[=:])(.+)$/;
const WRAPPED = /^([[('"]*)(.*?)([\])'",;:.]*)$/;
/** A hash or id of hex letters only ("fcbcdbcd"): no word is eight of a to f. */
const HEX_LETTERS = /^[a-f]{8,}$/;

/**
 * Masks one whitespace-free token (of a digit-normalised line): a value, or the value of
 * "key=value", or a value in brackets, quotes or before punctuation ("(12ms)", "42,").
 */
export function maskToken(token: string): string {
	if (!HAS_DIGIT.test(token)) return token.length >= 8 && HEX_LETTERS.test(token) ? WILDCARD : token;
	if (WHOLE_VALUE.test(token)) return WILDCARD;
	const kv = KEY_VALUE.exec(token);
	if (kv && WHOLE_VALUE.test(kv[2])) return kv[1] + WILDCARD;
	const wrapped = WRAPPED.exec(token);
	if (wrapped && (wrapped[1] || wrapped[3]) && WHOLE_VALUE.test(wrapped[2])) return wrapped[1] + WILDCARD + wrapped[3];
	return token.replace(HEX_RUN, WILDCARD).replace(DIGIT_RUN, WILDCARD);
}

/** Digit-normalised tokens repeat ("0", "0.0.0.0:0", "0ms"): each is classified once. */
const maskCache = new Map<string, string>();

function maskCached(token: string): string {
	if (!HAS_DIGIT.test(token)) return token.length >= 8 && HEX_LETTERS.test(token) ? WILDCARD : token;
	let masked = maskCache.get(token);
	if (masked === undefined) {
		masked = maskToken(token);
		if (maskCache.size >= 50_000) maskCache.clear();
		maskCache.set(token, masked);
	}
	return masked;
}

const MONTH = /^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december)[,.]?$/i;
const WEEKDAY = /^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday)[,.]?$/i;

/** A unit written apart from its number ("512 KB,", "3 seconds"): part of the value. */
const UNIT = /^(?:[kmgtp]?i?b|bytes?|[kmgt]bytes|[nµum]?s|secs?|seconds?|mins?|minutes?|h|hrs?|hours?|days?|ms|%)([,;:.)\]]?)$/i;

/**
 * Masks the tokens of a (digit-normalised) line: each token on its own (maskToken), then the
 * words of dates written out ("Fri Jun 17 03:55:13 2005"): a month name next to a number, and
 * a weekday before a month or a number, are as variable as the numbers around them; so is a
 * unit after a number.
 */
export function maskTokens(tokens: string[]): string[] {
	let masked = false;
	for (let i = 0; i < tokens.length; i++) {
		const token = maskCached(tokens[i]);
		if (token === WILDCARD) masked = true;
		tokens[i] = token;
	}
	if (!masked && !tokens.some((t) => t.endsWith(WILDCARD))) return tokens;
	for (let i = 0; i < tokens.length; i++) {
		if ((tokens[i + 1] === WILDCARD || tokens[i - 1] === WILDCARD) && tokens[i].length <= 10 && MONTH.test(tokens[i])) tokens[i] = WILDCARD;
	}
	for (let i = 0; i < tokens.length - 1; i++) {
		if (tokens[i + 1] === WILDCARD && tokens[i].length <= 10 && WEEKDAY.test(tokens[i])) tokens[i] = WILDCARD;
	}
	// After a number, also one in brackets or with a sign: "(1.16 KB)".
	for (let i = 1; i < tokens.length; i++) {
		if (!tokens[i - 1].endsWith(WILDCARD) || tokens[i].length > 8) continue;
		const unit = UNIT.exec(tokens[i]);
		if (unit) tokens[i] = WILDCARD + unit[1];
	}
	return tokens;
}

/**
 * A list of like values ("blk_1 blk_2 blk_3", "10.0.0.1 10.0.0.2") is one variable however
 * long: a run of equal masked tokens keeps one of them.
 */
export function collapseRepeats(tokens: string[]): string[] {
	let out = 0;
	for (let i = 0; i < tokens.length; i++) {
		if (out > 0 && tokens[i] === tokens[out - 1] && tokens[i].includes(WILDCARD)) continue;
		tokens[out++] = tokens[i];
	}
	tokens.length = out;
	return tokens;
}

/**
 * Splits on white space and on "|" (a field separator in many formats, even without spaces),
 * which becomes a token of its own. Two kinds of token may contain spaces: one opening with
 * "[" runs to its closing "]" (bracketed thread names and tags, "[IPC Server handler 5]"), and
 * one opening with a quote runs to the matching quote ("'my file.txt'", "\"GET / HTTP/1.1\""),
 * each within 240 characters. A quoted value is one variable however many words it holds.
 */
export function tokenize(line: string): string[] {
	const out: string[] = [];
	const n = line.length;
	let i = 0;
	while (i < n) {
		while (i < n && isSpace(line.charCodeAt(i))) i++;
		if (i >= n) break;
		const start = i;
		const c = line.charCodeAt(i);
		if (c === 124 /* | */) {
			out.push('|');
			i++;
			continue;
		}
		if (c === 91 /* [ */) {
			const close = line.indexOf(']', i + 1);
			if (close > 0 && close - i <= 240) i = close + 1;
		} else if (c === 34 /* " */ || c === 39 /* ' */) {
			const close = closingQuote(line, i);
			if (close > 0) i = close + 1;
		}
		while (i < n && !isSpace(line.charCodeAt(i)) && line.charCodeAt(i) !== 124) i++;
		out.push(line.slice(start, i));
	}
	return out;
}

/** The quote closing the one at `open`: followed by a space, punctuation or the end of the line. */
function closingQuote(line: string, open: number): number {
	const quote = line[open];
	const limit = Math.min(line.length, open + 241);
	for (let j = open + 1; j < limit; j++) {
		if (line[j] !== quote) continue;
		const next = line.charCodeAt(j + 1);
		if (j + 1 >= line.length || isSpace(next) || /[,;:.)\]}|"']/.test(line[j + 1])) return j;
	}
	return -1;
}

function isSpace(c: number): boolean {
	return c === 32 || c === 9 || c === 13;
}
