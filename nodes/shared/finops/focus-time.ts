/**
 * Charge timestamps as the clouds really deliver them. FOCUS asks for `2024-09-01T00:00:00Z`,
 * but exports carry `2024-09-01T00:00:00.000Z` (AWS), `2024-09-01 00:00:00 UTC` (BigQuery
 * console and CSV), `2024-09-01` (daily data), epoch numbers (BigQuery's API: float seconds
 * such as `1.7251488E9`, or int64 microseconds), `{ value: "…" }` objects (BigQuery client
 * libraries and n8n's BigQuery node), Date objects (Parquet TIMESTAMP). Everything else is
 * unreadable: the caller rejects the row, it never gets a guessed date.
 */
import { detach } from './detach.ts';

export type TimeProblem = 'missing' | 'unreadable' | 'out of range';

/** Milliseconds since the epoch, or the reason the value is not a usable UTC instant. */
export type TimeResult = number | TimeProblem;

/** Plausible charge dates: cloud billing did not exist before 1990; 2200 catches unit mix-ups. */
const MIN_MS = Date.UTC(1990, 0, 1);
const MAX_MS = Date.UTC(2200, 0, 1);

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;
const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Seconds, milliseconds, microseconds or nanoseconds, told apart by magnitude. */
function fromEpoch(n: number): TimeResult {
	if (!Number.isFinite(n)) return 'unreadable';
	const a = Math.abs(n);
	const ms = a < 1e11 ? n * 1000 : a < 1e14 ? n : a < 1e17 ? n / 1000 : n / 1e6;
	return inRange(Math.floor(ms));
}

function inRange(ms: number): TimeResult {
	return ms >= MIN_MS && ms < MAX_MS ? ms : 'out of range';
}

function fromText(text: string): TimeResult {
	const m = ISO.exec(text);
	if (!m) return NUMERIC.test(text) ? fromEpoch(Number(text)) : 'unreadable';
	const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
	const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
	if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]) return 'unreadable';
	if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return 'unreadable';
	if (hour > 24 || minute > 59 || second > 60 || (hour === 24 && (minute > 0 || second > 0))) return 'unreadable';
	const millis = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
	let ms = Date.UTC(year, month - 1, day, hour, minute, second, millis);
	const zone = m[8];
	if (zone && (zone[0] === '+' || zone[0] === '-')) {
		const digits = zone.slice(1).replace(':', '');
		const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0);
		if (offset > 18 * 60) return 'unreadable';
		ms -= (zone[0] === '+' ? 1 : -1) * offset * 60_000;
	}
	return inRange(ms);
}

/** Days from 1970-01-01 to a civil date (proleptic Gregorian), without a Date object. */
function daysFromCivil(y: number, m: number, d: number): number {
	const yy = m <= 2 ? y - 1 : y;
	const era = Math.floor(yy / 400);
	const yoe = yy - era * 400;
	const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
	const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
	return era * 146097 + doe - 719468;
}

const digit = (text: string, i: number) => {
	const c = text.charCodeAt(i) - 48;
	return c >= 0 && c <= 9 ? c : NaN;
};
const two = (text: string, i: number) => digit(text, i) * 10 + digit(text, i + 1);

/**
 * The forms nearly every row of a big export has, read with arithmetic (no regex, no cache):
 * `2024-09-01T13:45:30Z`, `2024-09-01T13:45:30.000Z`, `2024-09-01 13:45:30`. Anything else,
 * or any doubt, goes to the full reader.
 */
function fastIso(text: string): number | null {
	const n = text.length;
	if (n !== 19 && n !== 20 && n !== 24) return null;
	if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return null;
	const sep = text.charCodeAt(10);
	if (sep !== 84 && sep !== 32) return null;
	if (n === 20 && text.charCodeAt(19) !== 90) return null;
	if (n === 24 && (text.charCodeAt(19) !== 46 || text.charCodeAt(23) !== 90)) return null;
	const year = two(text, 0) * 100 + two(text, 2);
	const month = two(text, 5);
	const day = two(text, 8);
	const hour = two(text, 11);
	const minute = two(text, 14);
	const second = two(text, 17);
	const millis = n === 24 ? digit(text, 20) * 100 + two(text, 21) : 0;
	if (!(year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= DAYS_IN_MONTH[month - 1] && hour <= 23 && minute <= 59 && second <= 59 && millis >= 0)) return null;
	if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return null;
	return (daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second) * 1000 + millis;
}

const digitByte = (b: Uint8Array, i: number) => {
	const c = b[i] - 48;
	return c >= 0 && c <= 9 ? c : NaN;
};
const twoBytes = (b: Uint8Array, i: number) => digitByte(b, i) * 10 + digitByte(b, i + 1);

/**
 * `fastIso` on the UTF-8 bytes of a CSV field: the instant (or 'out of range'), or null when the
 * bytes are not one of the common forms and the decoded text must go to `ChargeTimeParser`.
 */
export function isoBytesToMs(b: Uint8Array, start: number, end: number): TimeResult | null {
	const n = end - start;
	if (n !== 19 && n !== 20 && n !== 24) return null;
	const s = start;
	if (b[s + 4] !== 45 || b[s + 7] !== 45 || b[s + 13] !== 58 || b[s + 16] !== 58) return null;
	const sep = b[s + 10];
	if (sep !== 84 && sep !== 32) return null;
	if (n === 20 && b[s + 19] !== 90) return null;
	if (n === 24 && (b[s + 19] !== 46 || b[s + 23] !== 90)) return null;
	const year = twoBytes(b, s) * 100 + twoBytes(b, s + 2);
	const month = twoBytes(b, s + 5);
	const day = twoBytes(b, s + 8);
	const hour = twoBytes(b, s + 11);
	const minute = twoBytes(b, s + 14);
	const second = twoBytes(b, s + 17);
	const millis = n === 24 ? digitByte(b, s + 20) * 100 + twoBytes(b, s + 21) : 0;
	if (!(year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= DAYS_IN_MONTH[month - 1] && hour <= 23 && minute <= 59 && second <= 59 && millis >= 0)) return null;
	if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return null;
	return inRange((daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second) * 1000 + millis);
}

/** Parses texts through a small cache: an export repeats the same few hundred timestamps. */
export class ChargeTimeParser {
	private cache = new Map<string, TimeResult>();

	parse(value: unknown): TimeResult {
		if (value === null || value === undefined) return 'missing';
		if (typeof value === 'string') return this.parseText(value);
		if (typeof value === 'number') return fromEpoch(value);
		if (typeof value === 'bigint') return fromEpoch(Number(value));
		if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'unreadable' : inRange(value.getTime());
		if (typeof value === 'object' && 'value' in value) {
			const inner = (value as { value: unknown }).value;
			return typeof inner === 'object' && inner !== null && !(inner instanceof Date) ? 'unreadable' : this.parse(inner);
		}
		return 'unreadable';
	}

	private parseText(raw: string): TimeResult {
		const fast = fastIso(raw);
		if (fast !== null) return inRange(fast);
		const cached = this.cache.get(raw);
		if (cached !== undefined) return cached;
		const text = raw.trim();
		const result = text === '' || text.toUpperCase() === 'NULL' ? 'missing' : fromText(text);
		if (this.cache.size >= 8192) this.cache.clear();
		this.cache.set(detach(raw), result);
		return result;
	}
}
