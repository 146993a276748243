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
		const cached = this.cache.get(raw);
		if (cached !== undefined) return cached;
		const text = raw.trim();
		const result = text === '' || text.toUpperCase() === 'NULL' ? 'missing' : fromText(text);
		if (this.cache.size >= 8192) this.cache.clear();
		this.cache.set(detach(raw), result);
		return result;
	}
}
