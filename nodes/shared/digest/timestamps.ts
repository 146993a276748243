/**
 * Finds and parses the timestamp near the start of a log line. No log format is assumed: the
 * patterns are the ways dates and times are written (year-month-day with any separator, compact
 * yyyyMMdd, day/month-name/year as in the common log format, month-name day as in syslog and
 * ctime, day.month.year and month/day/year, month-day without a year, yy/MM/dd, yyMMdd HHmmss,
 * epoch seconds or milliseconds). Returns epoch ms (UTC, or the local time as written when no
 * zone is given) or undefined. Impossible values (month 13, hour 25) are not a timestamp.
 */
const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };

interface Fields {
	year: number;
	month: number; // 1-12
	day: number;
	hour: number;
	minute: number;
	second: number;
	fraction?: string;
	zone?: string;
}

/** A pattern (with the "d" flag, for group positions), how to read its fields, and its seconds group. */
type Pattern = [RegExp, (m: RegExpExecArray, year: number) => Fields | undefined, number];

const FRACTION = String.raw`(?:[.,:](\d{1,9}))?`;
const ZONE = String.raw`(?:\s?(Z|[+-]\d{2}:?\d{2}))?`;
const re = (source: string) => new RegExp(source, 'd');
const month = (name: string) => MONTHS[name.slice(0, 3).toLowerCase()];

const PATTERNS: Pattern[] = [
	// 2026-11-25T03:04:05.123Z, 2015-10-18 18:01:47,978, 2005.06.03 15:42:50, 2005-06-03-15.42.50.675872
	[
		re(String.raw`(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[ T_-](\d{1,2})[:.](\d{2})[:.](\d{2})${FRACTION}${ZONE}`),
		(m) => fields(+m[1], +m[2], +m[3], m, 4),
		6,
	],
	// 20171223-22:15:29:606, 20260125T030405
	[re(String.raw`\b(\d{4})(\d{2})(\d{2})[ T_-]?(\d{2}):?(\d{2}):?(\d{2})${FRACTION}${ZONE}`), (m) => fields(+m[1], +m[2], +m[3], m, 4), 6],
	// 10/Oct/2000:13:55:36 -0700 (common log format), 25 Nov 2026 03:04:05, 04-Dec-2005 04:47:44
	[
		re(String.raw`\b(\d{1,2})[ /-]([A-Za-z]{3})[a-z]*[ /-](\d{4})[ T:](\d{1,2}):(\d{2}):(\d{2})${FRACTION}${ZONE}`),
		(m) => fields(+m[3], month(m[2]) + 1, +m[1], m, 4),
		6,
	],
	// Jun 14 15:16:01, Sun Dec 04 04:47:44 2005, Nov 25, 2026 03:04:05
	[
		re(String.raw`\b([A-Za-z]{3})[a-z]* +(\d{1,2}),?(?: (\d{4}))? (\d{1,2}):(\d{2}):(\d{2})${FRACTION}(?: (\d{4})\b)?`),
		(m, year) => fields(m[3] ? +m[3] : m[8] ? +m[8] : year, month(m[1]) + 1, +m[2], m, 4, false),
		6,
	],
	// 28.09.2016 04:30:30 (day first), 09/28/2016 04:30:30 (month first); the larger than 12 decides
	[
		re(String.raw`\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})[ T,]+(\d{1,2}):(\d{2}):(\d{2})${FRACTION}${ZONE}`),
		(m) => (+m[1] > 12 ? fields(+m[3], +m[2], +m[1], m, 4) : fields(+m[3], +m[1], +m[2], m, 4)),
		6,
	],
	// 17/06/09 20:10:40 (yy/MM/dd)
	[re(String.raw`\b(\d{2})/(\d{2})/(\d{2}) (\d{2}):(\d{2}):(\d{2})${FRACTION}`), (m) => fields(2000 + +m[1], +m[2], +m[3], m, 4), 6],
	// 081109 203615 (yyMMdd HHmmss)
	[re(String.raw`^(\d{2})(\d{2})(\d{2}) (\d{2})(\d{2})(\d{2})\b`), (m) => fields(2000 + +m[1], +m[2], +m[3], m, 4), 6],
	// 03-17 16:13:38.811, 10.30 16:49:06 (month and day, no year)
	[
		re(String.raw`(?:^|[^\d.:/-])(\d{1,2})[-/.](\d{1,2})[ T](\d{1,2}):(\d{2}):(\d{2})${FRACTION}`),
		(m, year) => (+m[1] > 12 ? fields(year, +m[2], +m[1], m, 3) : fields(year, +m[1], +m[2], m, 3)),
		5,
	],
	// epoch seconds or milliseconds
	[
		re(String.raw`^\S{0,20}\s*\b(1[0-9]{9})(\d{3})?\b`),
		(m) => {
			const d = new Date(+m[1] * 1000 + (m[2] ? +m[2] : 0));
			return {
				year: d.getUTCFullYear(),
				month: d.getUTCMonth() + 1,
				day: d.getUTCDate(),
				hour: d.getUTCHours(),
				minute: d.getUTCMinutes(),
				second: d.getUTCSeconds(),
				fraction: m[2],
			};
		},
		1,
	],
];

function fields(year: number, monthNumber: number, day: number, m: RegExpExecArray, hourGroup: number, zoned = true): Fields | undefined {
	const f: Fields = {
		year,
		month: monthNumber,
		day,
		hour: +m[hourGroup],
		minute: +m[hourGroup + 1],
		second: +m[hourGroup + 2],
		fraction: m[hourGroup + 3],
		zone: zoned ? m[hourGroup + 4] : undefined,
	};
	const valid =
		f.month >= 1 && f.month <= 12 && f.day >= 1 && f.day <= 31 && f.hour <= 23 && f.minute <= 59 && f.second <= 60 && f.year >= 1970 && f.year < 2200;
	return valid ? f : undefined;
}

function toMs(f: Fields): number {
	const ms = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second, Number((f.fraction ?? '0').slice(0, 3).padEnd(3, '0')));
	if (!f.zone || f.zone === 'Z') return ms;
	const sign = f.zone.startsWith('-') ? -1 : 1;
	const digits = f.zone.replace(/[^\d]/g, '');
	return ms - sign * (+digits.slice(0, 2) * 60 + +digits.slice(2, 4)) * 60_000;
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

/**
 * The timestamp at the head of the line (its first 80 characters). A log keeps one format, so
 * the pattern that matched last is tried first; otherwise the earliest match in the line wins.
 */
export class TimestampReader {
	private last = -1;
	private readonly year: number;

	constructor(year = new Date().getUTCFullYear()) {
		this.year = year;
	}

	read(line: string): ParsedTime | undefined {
		const head = line.length > 80 ? line.slice(0, 80) : line;
		if (this.last >= 0) {
			const hit = attempt(PATTERNS[this.last], head, line, this.year);
			if (hit) return hit;
		}
		let best: (ParsedTime & { index: number; pattern: number }) | undefined;
		for (let k = 0; k < PATTERNS.length; k++) {
			if (k === this.last) continue;
			const hit = attempt(PATTERNS[k], head, line, this.year);
			if (hit && (!best || hit.index < best.index)) best = { ...hit, pattern: k };
		}
		if (!best) return undefined;
		this.last = best.pattern;
		return { ms: best.ms, secondPrefix: best.secondPrefix };
	}
}

function attempt([pattern, read, secondGroup]: Pattern, head: string, line: string, year: number) {
	const m = pattern.exec(head);
	if (!m) return undefined;
	const f = read(m, year);
	if (!f) return undefined;
	const ms = toMs(f);
	if (!Number.isFinite(ms)) return undefined;
	const end = m.indices?.[secondGroup]?.[1] ?? m.index + m[0].length;
	return { ms, secondPrefix: line.slice(0, end), index: m.indices?.[1]?.[0] ?? m.index };
}

export function parseTimestampPrefix(line: string, year = new Date().getUTCFullYear()): ParsedTime | undefined {
	return new TimestampReader(year).read(line);
}
