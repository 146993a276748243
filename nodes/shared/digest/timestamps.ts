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

/**
 * A pattern (with the "d" flag, for group positions), how to read its fields, and its seconds
 * group; 0 when the time comes before the date (then no block of lines can share the date).
 */
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
	// 12:38:50.731 2026/03/04 (time before the date)
	[
		re(String.raw`\b(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))? +(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b`),
		(m) => {
			const f = { year: +m[5], month: +m[6], day: +m[7], hour: +m[1], minute: +m[2], second: +m[3], fraction: m[4] };
			return f.month >= 1 && f.month <= 12 && f.day >= 1 && f.day <= 31 && f.hour <= 23 && f.minute <= 59 && f.second <= 60 ? f : undefined;
		},
		0,
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

const TIME_HINT = /\d:\d\d|\d{8}[ T_-]?\d{6}|\d{6} \d{6}|\b1\d{9}/;

/** Looks only at the head of the line, where log headers put the time. */
export function parseTimestamp(line: string, year = new Date().getUTCFullYear()): number | undefined {
	const ms = new TimestampReader(year).read(line);
	return Number.isNaN(ms) ? undefined : ms;
}

/** What the last full parse leaves for the next lines of the same day (or 100 s of epoch). */
interface Block {
	/** The line up to its hour: a line starting with it differs only from the hour on. */
	prefix: string;
	/** Epoch ms at 00:00:00 of that day. */
	base: number;
	/** Two-digit fields after the prefix: the text before each, its unit and its highest value. */
	steps: Array<[before: string, unitMs: number, max: number]>;
	/** How a fraction follows the seconds: after [.,:], directly (epoch ms), or never. */
	fraction: 'separated' | 'direct' | 'none';
}

/**
 * Reads the timestamp at the head of a line (its first 80 characters). A log keeps one format,
 * so the pattern that matched last is tried first; otherwise the earliest match in the line
 * wins. Consecutive lines share their date, so after a full parse only the hour, minute, second
 * and fraction of the next lines are read, while they start with the same characters.
 */
export class TimestampReader {
	private last = -1;
	private block: Block | undefined;
	private readonly year: number;

	constructor(year = new Date().getUTCFullYear()) {
		this.year = year;
	}

	/** Epoch ms, or NaN when the head of the line has no timestamp. */
	read(line: string): number {
		const block = this.block;
		if (block && line.startsWith(block.prefix)) {
			const ms = fromBlock(block, line);
			if (!Number.isNaN(ms)) return ms;
		}
		// Every pattern has a clock (h:mm), a compact date-time, a yyMMdd HHmmss or an epoch:
		// one scan rules out lines with none of them near the start, such as stack frames.
		const hint = line.search(TIME_HINT);
		if (hint < 0 || hint > 80) return NaN;
		const head = line.length > 80 ? line.slice(0, 80) : line;
		let best = this.last >= 0 ? attempt(PATTERNS[this.last], head, line, this.year) : undefined;
		let bestPattern = this.last;
		if (!best) {
			for (let k = 0; k < PATTERNS.length; k++) {
				if (k === this.last) continue;
				const hit = attempt(PATTERNS[k], head, line, this.year);
				if (hit && (!best || hit.index < best.index)) {
					best = hit;
					bestPattern = k;
				}
			}
		}
		if (!best) return NaN;
		this.last = bestPattern;
		this.block = best.block;
		return best.ms;
	}
}

function fromBlock(block: Block, line: string): number {
	let ms = block.base;
	let p = block.prefix.length;
	for (const [before, unit, max] of block.steps) {
		if (before && !line.startsWith(before, p)) return NaN;
		p += before.length;
		const d1 = line.charCodeAt(p) - 48;
		const d2 = line.charCodeAt(p + 1) - 48;
		if (!(d1 >= 0 && d1 <= 9 && d2 >= 0 && d2 <= 9)) return NaN;
		const value = d1 * 10 + d2;
		if (value > max) return NaN;
		ms += value * unit;
		p += 2;
	}
	if (block.fraction === 'none') return ms;
	if (block.fraction === 'separated') {
		const c = line.charCodeAt(p);
		if (c !== 46 && c !== 44 && c !== 58) return ms; // . , :
		p++;
	}
	let scale = 100;
	for (let k = 0; k < 9; k++, p++) {
		const d = line.charCodeAt(p) - 48;
		if (!(d >= 0 && d <= 9)) break;
		if (scale >= 1) ms += d * scale;
		scale /= 10;
	}
	return ms;
}

interface Hit {
	ms: number;
	index: number;
	block?: Block;
}

function attempt([pattern, read, secondGroup]: Pattern, head: string, line: string, year: number): Hit | undefined {
	const m = pattern.exec(head);
	if (!m) return undefined;
	const f = read(m, year);
	if (!f) return undefined;
	const ms = toMs(f);
	if (!Number.isFinite(ms)) return undefined;
	const index = m.indices?.[1]?.[0] ?? m.index;
	return { ms, index, block: blockOf(m, line, ms, secondGroup, pattern.source.includes(FRACTION)) };
}

function blockOf(m: RegExpExecArray, line: string, ms: number, secondGroup: number, hasFraction: boolean): Block | undefined {
	if (secondGroup === 0) return undefined;
	const at = (g: number) => m.indices?.[g];
	const wholeSeconds = Math.floor(ms / 1000) * 1000;
	if (secondGroup === 1) {
		// Epoch: the last two digits of the seconds count within a block of 100 s.
		const seconds = at(1);
		if (!seconds) return undefined;
		const start = seconds[1] - 2;
		return {
			prefix: line.slice(0, start),
			base: wholeSeconds - Number(line.slice(start, start + 2)) * 1000,
			steps: [['', 1000, 99]],
			fraction: m[2] ? 'direct' : 'none',
		};
	}
	const [hour, minute, second] = [at(secondGroup - 2), at(secondGroup - 1), at(secondGroup)];
	if (!hour || !minute || !second || hour[1] - hour[0] !== 2 || minute[1] - minute[0] !== 2 || second[1] - second[0] !== 2) return undefined;
	const value = (g: [number, number]) => Number(line.slice(g[0], g[1]));
	return {
		prefix: line.slice(0, hour[0]),
		base: wholeSeconds - (value(hour) * 3600 + value(minute) * 60 + value(second)) * 1000,
		steps: [
			['', 3_600_000, 23],
			[line.slice(hour[1], minute[0]), 60_000, 59],
			[line.slice(minute[1], second[0]), 1000, 60],
		],
		fraction: hasFraction ? 'separated' : 'none',
	};
}
