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
		String.raw`^(?:0x[0-9a-f]+|(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{3,})[,;:.]?$`, // hex ids and hashes (digits normalised)
		String.raw`^(?=[^\s]*\d)[0-9a-f]+(?:-[0-9a-f]+){4}$`, // UUIDs (digits normalised)
		String.raw`^[-+]?[\d.,:/_-]*\d[\d.,:/_-]*[a-zA-Z%]{0,3}$`, // numbers, dates, times, sizes (12ms, 5KB, 3.2%)
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

/** Masks one whitespace-free token (of a digit-normalised line). */
export function maskToken(token: string): string {
	if (!HAS_DIGIT.test(token)) return token;
	if (WHOLE_VALUE.test(token)) return WILDCARD;
	return token.replace(HEX_RUN, WILDCARD).replace(DIGIT_RUN, WILDCARD);
}

/**
 * Splits on white space, except that a token opening with "[" runs to its closing "]" (within
 * 240 characters): bracketed thread names and tags ("[IPC Server handler 5]") stay one token.
 */
export function tokenize(line: string): string[] {
	const out: string[] = [];
	const n = line.length;
	let i = 0;
	while (i < n) {
		while (i < n && isSpace(line.charCodeAt(i))) i++;
		if (i >= n) break;
		const start = i;
		if (line.charCodeAt(i) === 91 /* [ */) {
			const close = line.indexOf(']', i + 1);
			if (close > 0 && close - i <= 240) i = close + 1;
		}
		while (i < n && !isSpace(line.charCodeAt(i))) i++;
		out.push(line.slice(start, i));
	}
	return out;
}

function isSpace(c: number): boolean {
	return c === 32 || c === 9 || c === 13;
}
