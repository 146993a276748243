/**
 * Token masking: values that vary between occurrences of one message (numbers, addresses,
 * ids, hashes) become the wildcard, so lines of one template look alike before mining.
 */
export const WILDCARD = '<*>';

const HAS_DIGIT = /\d/;
const WHOLE_VALUE = new RegExp(
	[
		String.raw`^[\[(/'"]*(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?[\])'",;:.]*$`, // IPv4[:port]
		String.raw`^(?:0x)?[0-9a-f]{8,}[,;:.]?$`, // hashes, long hex ids
		String.raw`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`, // UUIDs
		String.raw`^[-+]?[\d.,:/_-]*\d[\d.,:/_-]*[a-zA-Z%]{0,3}$`, // numbers, dates, times, sizes (12ms, 5KB, 3.2%)
	].join('|'),
	'i',
);
const DIGIT_RUN = /-?\d+(?:\.\d+)*/g;
const HEX_RUN = /0x[0-9a-f]+/gi;

/** Masks one whitespace-free token. */
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
