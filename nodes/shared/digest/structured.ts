/**
 * Messages that are data rather than text: a JSON object per line (after an optional header).
 * The object becomes key=value tokens in its own key order, nested keys joined with dots, so
 * its fields line up as columns for the miner: keys are constants, values vary or not. A string
 * value of several words is spread over its words, so a message field ("msg", "message") is
 * mined like any log message. The level and time fields are picked up by their usual names.
 */
import { tokenize } from './masking.ts';

const LEVEL_KEY = /^(?:level|severity|lvl|loglevel|log\.level|levelname)$/i;
const TIME_KEY = /^(?:@?timestamp|time|ts|datetime|date|@t|eventtime)$/i;

export interface JsonMessage {
	tokens: string[];
	level?: string;
	time?: string | number;
}

/** The JSON object that ends the line, starting at its first "{", or undefined. */
export function jsonMessage(line: string): { start: number; message: JsonMessage } | undefined {
	let last = line.length - 1;
	while (last >= 0 && (line.charCodeAt(last) === 32 || line.charCodeAt(last) === 9)) last--;
	if (line.charCodeAt(last) !== 125 /* } */) return undefined;
	const start = line.indexOf('{');
	if (start < 0) return undefined;
	const end = line.slice(0, last + 1);
	let value: unknown;
	try {
		value = JSON.parse(end.slice(start));
	} catch {
		return undefined;
	}
	if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
	const message: JsonMessage = { tokens: [] };
	flatten(value as Record<string, unknown>, '', message);
	return message.tokens.length > 0 ? { start, message } : undefined;
}

function flatten(object: Record<string, unknown>, path: string, out: JsonMessage): void {
	for (const [key, value] of Object.entries(object)) {
		const name = path ? `${path}.${key}` : key;
		if (value && typeof value === 'object' && !Array.isArray(value)) {
			flatten(value as Record<string, unknown>, name, out);
			continue;
		}
		if (typeof value === 'string') {
			if (!path && out.level === undefined && LEVEL_KEY.test(key)) out.level = value;
			if (!path && out.time === undefined && TIME_KEY.test(key)) out.time = value;
			const words = tokenize(value);
			if (words.length > 1) out.tokens.push(`${name}=`, ...words);
			else out.tokens.push(`${name}=${value}`);
			continue;
		}
		if (typeof value === 'number' && !path && out.time === undefined && TIME_KEY.test(key)) out.time = value;
		out.tokens.push(`${name}=${Array.isArray(value) ? JSON.stringify(value) : String(value)}`);
	}
}

const JSON_TIME = /"(?:@?timestamp|time|ts|datetime|date|@t|eventtime)"\s*:\s*(?:"([^"]{8,40})"|(\d{10,13}(?:\.\d+)?))/i;

/** The raw time field of a JSON line ("ts": "2026-...", "time": 1764039845.1), if any. */
export function jsonTimeField(line: string): string | number | undefined {
	const m = JSON_TIME.exec(line);
	if (!m) return undefined;
	if (m[1]) return m[1];
	const n = Number(m[2]);
	return n > 1e12 ? n : n * 1000;
}
