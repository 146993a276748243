/**
 * Finds and parses the timestamp at the start of a log line, in the formats seen most often:
 * ISO 8601 (space or T, comma or dot millis), syslog (Jun 14 15:16:01), ctime in brackets
 * ([Sun Dec 04 04:47:44 2005]), yy/MM/dd HH:mm:ss, yyMMdd HHmmss and epoch seconds.
 * Returns epoch ms (UTC, or the local time as written when no zone is given) or undefined.
 */
const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };

/** Each pattern, how to build epoch ms from its match, and what part of the match stays the same
 * within one second (so consecutive lines can reuse a parse). */
type Pattern = [RegExp, (m: RegExpExecArray, year: number) => number, ((m: RegExpExecArray) => number)?];

const PATTERNS: Pattern[] = [
	[
		/(\d{4})-(\d{2})-(\d{2})[ T-](\d{2})[:.](\d{2})[:.](\d{2})(?:[.,](\d{1,6}))?(Z|[+-]\d{2}:?\d{2})?/,
		(m) => {
			const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], Number((m[7] ?? '0').slice(0, 3).padEnd(3, '0')));
			return m[8] && m[8] !== 'Z' ? ms - zoneOffsetMs(m[8]) : ms;
		},
		(m) => m[0].length - (m[7] ? m[7].length + 1 : 0) - (m[8]?.length ?? 0),
	],
	[
		/\b(?:\w{3} )?([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?: (\d{4}))?/,
		(m, year) => {
			const month = MONTHS[m[1].toLowerCase()];
			return month === undefined ? NaN : Date.UTC(m[6] ? +m[6] : year, month, +m[2], +m[3], +m[4], +m[5]);
		},
	],
	[/\b(\d{2})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})/, (m) => Date.UTC(2000 + +m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])],
	[/^(\d{2})(\d{2})(\d{2}) (\d{2})(\d{2})(\d{2})\b/, (m) => Date.UTC(2000 + +m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])],
	[/^\S{0,20}\s*\b(1[0-9]{9})\b/, (m) => +m[1] * 1000],
];

function zoneOffsetMs(zone: string): number {
	const sign = zone.startsWith('-') ? -1 : 1;
	const digits = zone.replace(/[^\d]/g, '');
	return sign * (+digits.slice(0, 2) * 60 + +digits.slice(2, 4)) * 60_000;
}

export interface ParsedTime {
	ms: number;
	/** The line's prefix up to the end of the seconds: lines starting with it share the second. */
	secondPrefix: string;
}

/** Looks only at the head of the line, where log headers put the time. */
export function parseTimestamp(line: string, year = new Date().getUTCFullYear()): number | undefined {
	return parseTimestampPrefix(line, year)?.ms;
}

let lastPattern = 0;

export function parseTimestampPrefix(line: string, year = new Date().getUTCFullYear()): ParsedTime | undefined {
	const head = line.length > 64 ? line.slice(0, 64) : line;
	// A log keeps one format: try the pattern that matched last time first.
	for (let k = 0; k < PATTERNS.length; k++) {
		const index = (lastPattern + k) % PATTERNS.length;
		const [pattern, build, secondLength] = PATTERNS[index];
		const m = pattern.exec(head);
		if (!m) continue;
		const ms = build(m, year);
		if (!Number.isFinite(ms)) continue;
		lastPattern = index;
		const end = m.index + (secondLength ? secondLength(m) : m[0].length);
		return { ms, secondPrefix: line.slice(0, end) };
	}
	return undefined;
}
