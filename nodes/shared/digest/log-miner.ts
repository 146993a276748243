/**
 * Reads a log into records and templates: the part of the digest that decides what a record is,
 * where its message starts and which template it belongs to. Pure and deterministic.
 *
 * - Records. When nearly every line carries a time near its start, a line without one continues
 *   the record above (stack traces, wrapped messages); otherwise only indented lines do.
 * - Messages. The header (time, host, level, source...) is found by the learned header model
 *   (header.ts), or by an optional format hint; a JSON object becomes key=value tokens.
 * - Templates. Distinct messages (numbers normalised) are grouped by the template miner. A record
 *   with continuation lines is grouped by its message and by the last unindented continuation
 *   line (the exception and its text), so different failures under one message stay apart.
 */
import { FormatHint } from './format-hint.ts';
import { HeaderModel, isLevel, normaliseLevel, type HeaderOptions } from './header.ts';
import { collapseRepeats, maskTokens, normaliseDigits, ShapeTable, tokenize, WILDCARD } from './masking.ts';
import { jsonMessage, jsonTimeField } from './structured.ts';
import { MessageBook } from './message-book.ts';
import type { MinerOptions } from './template-miner.ts';
import { TimestampReader } from './timestamps.ts';

export interface MineOptions {
	miner?: Partial<MinerOptions>;
	header?: Partial<HeaderOptions>;
	/** Year assumed for timestamps that carry none (syslog). */
	year?: number;
	/** Optional format hint, e.g. "<Date> <Time> <Level> <Component>: <Content>". Never required. */
	format?: string;
	/** Distinct messages mined at once before new ones are matched to what was found (message-book.ts). */
	batch?: number;
}

export interface Template {
	text: string;
	level?: string;
}

export interface MinedLog {
	/** The log's non-blank lines. */
	lines: string[];
	/** Per record: index of its first line, its line count, template and time (NaN when none). */
	recordStart: number[];
	recordLines: number[];
	recordTemplate: number[];
	recordTime: number[];
	templates: Template[];
}

/** Continuation lines ("\tat ...", "  File ...") and record starts that carry a time. */
const LEADING_SPACE = /^[ \t]*/;
const TIME_LIKE = /\d{1,2}:\d{2}(?::\d{2})?|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\b1\d{9}(?:\d{3})?\b|\b\d{8}[T-]?\d{6}\b/;
/**
 * Share of unindented lines that must carry a time for time to mark where records start. Not
 * much more than half: in a log full of stack traces, many lines are exceptions, not records.
 */
const TIMED_SHARE = 0.5;
const SAMPLE_LINES = 2000;
/**
 * Distinct lines kept for the cache; further new lines are still read, just not cached. Past
 * CACHE_TRIAL lines, a cache that is rarely hit (a log whose lines differ in words, not only
 * numbers) stops growing: storing each line would cost more than it saves.
 */
const ENTRY_LIMIT = 300_000;
const CACHE_TRIAL = 20_000;

interface Entry {
	message: number;
	level?: string;
	json: boolean;
}

export function mineLog(text: string | readonly string[], options: MineOptions = {}): MinedLog {
	const lines = typeof text === 'string' ? nonBlankLines(text) : text.filter((line) => !isBlank(line)).map(stripCr);
	const year = options.year ?? new Date().getUTCFullYear();
	const hint = options.format?.trim() ? new FormatHint(options.format) : undefined;
	const sample = lines.slice(0, SAMPLE_LINES);
	// A log pasted with an indent is indented throughout: only more than that marks a continuation.
	const base = sample.reduce((min, l) => Math.min(min, LEADING_SPACE.exec(l)![0].length), Infinity);
	const indented = (line: string) => {
		const c = line.charCodeAt(0);
		if (c !== 32 && c !== 9) return false;
		return LEADING_SPACE.exec(line)![0].length > base;
	};
	const unindented = sample.filter((l) => !indented(l));
	const timed = unindented.length > 0 && unindented.filter(hasTime).length >= unindented.length * TIMED_SHARE;
	const isStart = (line: string, index: number) =>
		index === 0 || (timed ? hasTime(line) : !indented(line));
	const header = new HeaderModel(options.header).learn(
		sample.filter((line, i) => isStart(line, i) && !jsonMessage(line)).map((line) => maskedTokens(normaliseDigits(line))),
	);

	const headerNames = new HeaderNames();
	const messages = new MessageBook(options.miner, options.batch, () => headerNames.varying());
	const continuations = new MessageBook(options.miner, options.batch);
	const entries = new ShapeTable<Entry>();
	const continuationEntries = new ShapeTable<number>();
	const entryFor = (line: string): Entry => {
		const known = entries.get(line);
		if (known) return known;
		const normal = normaliseDigits(line);
		let tokens: string[];
		let level: string | undefined;
		let json = false;
		const hinted = hint?.match(normal);
		const structured = hinted ? undefined : jsonMessage(normal);
		if (hinted) {
			tokens = maskedTokens(normal.slice(hinted.contentStart));
			level = hinted.level ? normaliseLevel(hinted.level) : undefined;
		} else if (structured) {
			const head = maskedTokens(normal.slice(0, structured.start));
			level = header.level(head, head.length) ?? (structured.message.level ? normaliseLevel(structured.message.level) : undefined);
			tokens = maskTokens(structured.message.tokens);
			json = true;
		} else {
			const all = maskedTokens(normal);
			const start = header.messageStart(all);
			level = header.level(all, start);
			tokens = all.slice(start);
			headerNames.add(all, start);
		}
		level ??= levelField(tokens);
		tokens = tokens.length === 0 ? [''] : collapseRepeats(tokens);
		const entry: Entry = { message: messages.add(tokens), level, json };
		if (entries.size < ENTRY_LIMIT && (entries.size < CACHE_TRIAL || entries.hits * 4 > entries.size)) entries.add(entry);
		return entry;
	};
	const continuationFor = (line: string): number => {
		const known = continuationEntries.get(line);
		if (known !== undefined) return known;
		const m = continuations.add(collapseRepeats(maskedTokens(normaliseDigits(line.trim()))));
		if (continuationEntries.size < ENTRY_LIMIT && (continuationEntries.size < CACHE_TRIAL || continuationEntries.hits * 4 > continuationEntries.size)) {
			continuationEntries.add(m);
		}
		return m;
	};

	const recordStart: number[] = [];
	const recordLines: number[] = [];
	const recordMessage: number[] = [];
	const recordContinuation: number[] = [];
	const recordTime: number[] = [];
	const recordLevel: Array<string | undefined> = [];
	const reader = new TimestampReader(year);
	const fieldReader = new TimestampReader(year);
	let signature = -1;
	const closeRecord = () => {
		if (recordStart.length === 0) return;
		recordContinuation.push(signature >= 0 ? continuationFor(lines[signature]) : -1);
		signature = -1;
	};

	for (let i = 0; i < lines.length; i++) {
		const line = lines[i];
		let time = reader.read(line);
		const start = !Number.isNaN(time) || isStart(line, i);
		if (!start) {
			recordLines[recordLines.length - 1]++;
			// The last unindented continuation line names the failure ("Caused by: ...", "ValueError: ...").
			if (signature < 0 || !indented(line)) signature = i;
			continue;
		}
		closeRecord();
		const entry = entryFor(line);
		if (Number.isNaN(time) && entry.json) time = jsonTime(line, fieldReader);
		recordStart.push(i);
		recordLines.push(1);
		recordMessage.push(entry.message);
		recordTime.push(time);
		// Lines that differ only in numbers share an entry; a level with a digit (SEV2) is read anew.
		recordLevel.push(hint && entry.level && /\d/.test(entry.level) ? levelOf(hint, line) : entry.level);
		messages.count(entry.message);
	}
	closeRecord();
	for (const c of recordContinuation) if (c >= 0) continuations.count(c);
	messages.flush();
	continuations.flush();

	const templates: Template[] = [];
	const templateIndex = new Map<string, number>();
	const recordTemplate: number[] = new Array(recordStart.length);
	for (let r = 0; r < recordStart.length; r++) {
		const first = messages.clusterOf(recordMessage[r]);
		const c = recordContinuation[r];
		const second = c >= 0 ? continuations.clusterOf(c) : -1;
		const key = `${first}:${second}`;
		let t = templateIndex.get(key);
		if (t === undefined) {
			const head = messages.template(first);
			const text = second >= 0 ? `${head} ⏎ ${continuations.template(second)}` : head;
			templateIndex.set(key, (t = templates.length));
			templates.push({ text });
		}
		recordTemplate[r] = t;
		const level = recordLevel[r];
		const template = templates[t];
		if (level && (!template.level || SEVERE.test(level))) template.level = level;
	}
	return { lines, recordStart, recordLines, recordTemplate, recordTime, templates };
}

export const SEVERE = /^(?:error|err|crit|critical|alert|emerg|emergency|fatal|severe|panic|warn|warning)$/i;

function jsonTime(line: string, reader: TimestampReader): number {
	const field = jsonTimeField(line);
	if (typeof field === 'number') return field;
	return field === undefined ? NaN : reader.read(field);
}

/**
 * Values of header fields that vary (host and program names): the same names in a message are
 * variables too ("Spawned process nginx" in a log whose headers name nginx, java and cron).
 */
class HeaderNames {
	private readonly byPosition = new Map<number, Set<string>>();
	private seen = 0;

	/** Learns from the first lines only: the names recur, and the sets are capped anyway. */
	add(tokens: readonly string[], end: number): void {
		if (this.seen++ >= 20_000) return;
		for (let i = 0; i < end; i++) {
			const token = tokens[i];
			if (token === WILDCARD || isLevel(token)) continue;
			let values = this.byPosition.get(i);
			if (!values) this.byPosition.set(i, (values = new Set()));
			if (values.size < 256) values.add(token);
		}
	}

	varying(): Set<string> {
		const out = new Set<string>();
		for (const values of this.byPosition.values()) {
			if (values.size < 2) continue;
			for (const value of values) {
				out.add(value);
				const name = NAME_PART.exec(value)?.[0];
				if (name) out.add(name);
			}
		}
		return out;
	}
}

const NAME_PART = /[A-Za-z][\w.-]*[A-Za-z0-9]/;

function levelOf(hint: FormatHint, line: string): string | undefined {
	const level = hint.match(line)?.level;
	return level ? normaliseLevel(level) : undefined;
}

const LEVEL_FIELD = /^(?:level|lvl|severity|loglevel|log\.level)[=:]"?([A-Za-z]+)"?$/i;

/** A level written as a key=value field (logfmt "level=warn") among the first tokens. */
function levelField(tokens: readonly string[]): string | undefined {
	for (let i = 0; i < Math.min(tokens.length, 8); i++) {
		const m = LEVEL_FIELD.exec(tokens[i]);
		if (m) return normaliseLevel(m[1]);
	}
	return undefined;
}

function hasTime(line: string): boolean {
	const at = line.search(TIME_LIKE);
	return at >= 0 && at < 80;
}

export function maskedTokens(line: string): string[] {
	return maskTokens(tokenize(line));
}

function nonBlankLines(text: string): string[] {
	const all = text.split('\n');
	let out = 0;
	for (const raw of all) {
		if (isBlank(raw)) continue;
		all[out++] = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
	}
	all.length = out;
	return all;
}

function stripCr(line: string): string {
	return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function isBlank(line: string): boolean {
	if (line.length === 0) return true;
	const c = line.charCodeAt(0);
	return (c === 32 || c === 9 || c === 13) && line.trim().length === 0;
}
