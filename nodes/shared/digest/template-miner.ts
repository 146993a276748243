/**
 * Template mining: which messages come from one logging statement, and which of their tokens
 * are its variables. Nothing here knows a log format. Variables are told apart from constants by
 * how tokens vary across messages of one shape:
 *
 * 1. Shape. Messages of equal length are grouped by their longest common pattern: the largest
 *    set of (position, token) pairs that share one frequency across messages of that length.
 *    The constant words of one statement occur in every message it writes, so they share a
 *    frequency, while its variables are spread over many values (the idea of Brain, Yu et al.,
 *    IEEE TSC 2023). Unlike a prefix tree, this does not care where in the line a variable sits.
 * 2. Independent fields. A leading column, or the value of a key ("host=..."), that varies inside
 *    most groups is a field the header model did not take (a host, program or thread name): it
 *    is a variable everywhere, and the shapes are found again without it.
 * 3. Variation. Within a group, a column holding more than one value is a variable when the
 *    values are many, when most lines bring a value not seen before (an open vocabulary), when
 *    they name things (paths, host, file and class names, quoted text), when mostly numbers, or
 *    when the same values vary in other statements too (user or process names recur across
 *    messages). Two columns of few values that cross cannot both be constants. Otherwise the few
 *    values are constants of different statements and split the group.
 *
 * Masked tokens ("<*>", from masking.ts) are only a cheap first pass for numbers, addresses
 * and hashes; the grouping itself comes from the variation.
 */
import { WILDCARD } from './masking.ts';

export interface MinerOptions {
	/** A column with more distinct values than this in one group is a variable. */
	maxConstantValues: number;
	/** Leading columns checked for header fields that vary independently of the message. */
	leadingColumns: number;
	/** Share of groups a leading column or key must vary in to be a variable everywhere. */
	leadingShare: number;
}

export const DEFAULT_MINER_OPTIONS: MinerOptions = {
	maxConstantValues: 4,
	leadingColumns: 3,
	leadingShare: 0.5,
};

/** A distinct message (masked tokens) and the number of lines it stands for. */
export interface Message {
	tokens: readonly string[];
	weight: number;
}

export interface Cluster {
	id: number;
	/** Constants, and WILDCARD (or prefix<*>suffix) for variables. */
	tokens: string[];
	/** Lines (sum of the weights of its messages). */
	count: number;
}

const SEP = '\u0001';
/** Distinct values kept per column: enough for every decision, bounded for huge groups. */
const VALUE_CAP = 64;

/** What is known of one column of a group, gathered in one pass over its messages. */
interface ColumnStats {
	/** Values with their line counts, the first VALUE_CAP of them. */
	values: Map<string, number>;
	/** More distinct values than VALUE_CAP. */
	more: boolean;
	lines: number;
	/** Prefix and suffix all values share, and the shortest value's length. */
	prefix: string;
	suffix: string;
	shortest: number;
	/** The key ("host=") all values share, if any. */
	key?: string;
}

/** A group of messages of one length, with its column statistics computed on demand. */
class Shape {
	readonly messages: readonly Message[];
	readonly members: number[];
	readonly length: number;
	private readonly stats: Array<ColumnStats | undefined>;

	constructor(messages: readonly Message[], members: number[]) {
		this.messages = messages;
		this.members = members;
		this.length = messages[members[0]].tokens.length;
		this.stats = new Array(this.length);
	}

	column(c: number): ColumnStats {
		return (this.stats[c] ??= columnStats(this.messages, this.members, c));
	}

	distinct(c: number): number {
		const s = this.column(c);
		return s.more ? Infinity : s.values.size;
	}
}

export class TemplateMiner {
	readonly clusters: Cluster[] = [];
	private readonly options: MinerOptions;
	private readonly byTemplate = new Map<string, Cluster>();
	/** Clusters by length, most constants first, for `match`. */
	private readonly byLength = new Map<number, Cluster[]>();
	private readonly fieldColumns = new Set<number>();
	private readonly fieldKeys = new Set<string>();

	constructor(options: Partial<MinerOptions> = {}) {
		this.options = { ...DEFAULT_MINER_OPTIONS, ...options };
	}

	/**
	 * The cluster a message belongs to among those found so far, or -1: same length, every
	 * constant equal, every variable with the template's key or prefix. The most specific wins.
	 */
	match(tokens: readonly string[]): number {
		const candidates = this.byLength.get(tokens.length);
		if (!candidates) return -1;
		const masked = this.fieldColumns.size > 0 || this.fieldKeys.size > 0 ? maskFields(tokens, this.fieldColumns, this.fieldKeys) : tokens;
		for (const cluster of candidates) {
			const t = cluster.tokens;
			let ok = true;
			for (let i = 0; i < t.length && ok; i++) {
				const expected = t[i];
				const star = expected.indexOf(WILDCARD);
				if (star < 0) ok = masked[i] === expected;
				else if (star > 0) ok = masked[i].startsWith(expected.slice(0, star));
			}
			if (ok) return cluster.id;
		}
		return -1;
	}

	/**
	 * Groups the messages; returns the cluster index of each message (into `clusters`).
	 * `names` are values known to vary elsewhere (in the headers: host and program names).
	 */
	group(input: readonly Message[], names: ReadonlySet<string> = new Set()): Int32Array {
		const assignment = new Int32Array(input.length).fill(-1);
		const byLength = new Map<number, number[]>();
		for (let m = 0; m < input.length; m++) {
			const n = input[m].tokens.length;
			let list = byLength.get(n);
			if (!list) byLength.set(n, (list = []));
			list.push(m);
		}
		const lengths = [...byLength.keys()].sort((a, b) => a - b);
		const shapesOf = (messages: readonly Message[]) =>
			lengths.flatMap((n) => patternGroups(messages, byLength.get(n)!).map((members) => new Shape(messages, members)));

		let messages = input;
		let shapes = shapesOf(messages);
		const fields = this.independentFields(shapes);
		for (const c of fields.columns) this.fieldColumns.add(c);
		for (const k of fields.keys) this.fieldKeys.add(k);
		if (fields.columns.size > 0 || fields.keys.size > 0) {
			messages = messages.map((m) => ({ weight: m.weight, tokens: maskFields(m.tokens, fields.columns, fields.keys) }));
			shapes = shapesOf(messages);
		}
		const seenVarying = openVocabulary(shapes, this.options.maxConstantValues);
		for (const name of names) seenVarying.add(name);
		const recurring = recurringColumns(shapes, this.options.maxConstantValues);

		const byTemplate = this.byTemplate;
		for (let g = 0; g < shapes.length; g++) {
			const shape = shapes[g];
			const { parts, variable } = this.split(shape, seenVarying, (c) => recurring.has(g + SEP + c));
			for (const part of parts) {
				const tokens = templateTokens(shape, part[0], variable);
				const key = tokens.join(' ');
				let cluster = byTemplate.get(key);
				if (!cluster) {
					cluster = { id: this.clusters.length, tokens, count: 0 };
					this.clusters.push(cluster);
					byTemplate.set(key, cluster);
					this.index(cluster);
				}
				for (const m of part) {
					assignment[m] = cluster.id;
					cluster.count += messages[m].weight;
				}
			}
		}
		return assignment;
	}

	template(cluster: Cluster): string {
		return cluster.tokens.join(' ');
	}

	private index(cluster: Cluster): void {
		let list = this.byLength.get(cluster.tokens.length);
		if (!list) this.byLength.set(cluster.tokens.length, (list = []));
		list.push(cluster);
		const constants = (c: Cluster) => c.tokens.filter((t) => !t.includes(WILDCARD)).length;
		list.sort((a, b) => constants(b) - constants(a) || a.id - b.id);
	}

	/**
	 * Fields that vary inside most groups of at least two messages: leading columns (a host,
	 * program or thread name the header model did not take) and keys of key=value pairs (host=,
	 * request_id=). Words of a message are constant within its group; these are not.
	 */
	private independentFields(shapes: Shape[]): { columns: Set<number>; keys: Set<string> } {
		const { leadingColumns, leadingShare } = this.options;
		const columns = new Set<number>();
		for (let p = 0; p < leadingColumns; p++) {
			let groups = 0;
			let varying = 0;
			for (const shape of shapes) {
				if (shape.members.length < 2 || shape.length <= p + 1) continue;
				groups++;
				if (shape.distinct(p) > 1) varying++;
			}
			if (groups >= 3 && varying >= groups * leadingShare) columns.add(p);
		}
		const seen = new Map<string, { groups: number; varying: number; values: number }>();
		for (const shape of shapes) {
			if (shape.members.length < 2) continue;
			for (let c = 0; c < shape.length; c++) {
				const key = KEY.exec(shape.messages[shape.members[0]].tokens[c])?.[0];
				if (!key || shape.column(c).key !== key) continue;
				let stat = seen.get(key);
				if (!stat) seen.set(key, (stat = { groups: 0, varying: 0, values: 0 }));
				const values = shape.distinct(c);
				stat.groups++;
				if (values > 1) stat.varying++;
				stat.values = Math.max(stat.values, values);
			}
		}
		// A key names data: varying in two statements' groups, with three values in one, is enough.
		const keys = new Set<string>();
		for (const [key, { groups, varying, values }] of seen) {
			if ((groups >= 3 && varying >= groups * leadingShare) || (groups >= 2 && varying === groups && values >= 3)) keys.add(key);
		}
		return { columns, keys };
	}

	/** Splits one shape group on its constant-like varying columns; the rest are variables. */
	private split(shape: Shape, seenVarying: Set<string>, recurs: (column: number) => boolean): { parts: number[][]; variable: boolean[] } {
		const variable: boolean[] = new Array(shape.length).fill(false);
		const splitters: number[] = [];
		for (let c = 0; c < shape.length; c++) {
			const stats = shape.column(c);
			if (!stats.more && stats.values.size <= 1) continue;
			if (recurs(c) || this.isVariable(stats, seenVarying)) variable[c] = true;
			else splitters.push(c);
		}
		crossedOut(shape, splitters, variable);
		if (splitters.length === 0) return { parts: [shape.members], variable };
		const parts = new Map<string, number[]>();
		for (const m of shape.members) {
			const tokens = shape.messages[m].tokens;
			let key = '';
			for (const c of splitters) key += tokens[c] + SEP;
			let part = parts.get(key);
			if (!part) parts.set(key, (part = []));
			part.push(m);
		}
		return { parts: [...parts.values()], variable };
	}

	/**
	 * Whether a column holding a few values is a variable. Names of things (paths, host, file
	 * and class names, quoted text) are. Otherwise it takes evidence of an open vocabulary:
	 * values seen once each, since the share of lines with a value seen once estimates how
	 * often the next line brings a new one (Good and Turing). Other identifiers (snake_case,
	 * CamelCase) need a little of that evidence, plain words need more: a few words, each
	 * seen again and again, are the constants of different statements.
	 */
	private isVariable(stats: ColumnStats, seenVarying: Set<string>): boolean {
		if (stats.more || stats.values.size > this.options.maxConstantValues) return true;
		let singles = 0;
		let names = 0;
		let identifiers = 0;
		let seen = 0;
		let masked = 0;
		for (const [value, n] of stats.values) {
			if (value === WILDCARD) masked += n;
			if (n === 1) singles++;
			const kind = tokenKind(value);
			if (kind === 'name') names++;
			if (kind !== 'word') identifiers++;
			if (seenVarying.has(value)) seen++;
		}
		const half = stats.values.size / 2;
		// Mostly numbers or hashes, once a word: the word is the odd value, not another statement.
		if (seen >= half || names >= half || masked * 2 >= stats.lines) return true;
		const open = singles / stats.lines;
		if (stats.values.size >= 3 && open >= 0.5) return true;
		return identifiers >= half && open >= 0.25;
	}
}

function columnStats(messages: readonly Message[], members: number[], c: number): ColumnStats {
	const first = messages[members[0]].tokens[c];
	const stats: ColumnStats = { values: new Map(), more: false, lines: 0, prefix: first, suffix: first, shortest: first.length, key: KEY.exec(first)?.[0] };
	for (const m of members) {
		const { tokens, weight } = messages[m];
		const token = tokens[c];
		stats.lines += weight;
		const known = stats.values.get(token);
		if (known !== undefined) {
			stats.values.set(token, known + weight);
			continue;
		}
		if (stats.values.size < VALUE_CAP) stats.values.set(token, weight);
		else stats.more = true;
		if (stats.prefix) stats.prefix = commonPrefix(stats.prefix, token);
		if (stats.suffix) stats.suffix = commonSuffix(stats.suffix, token);
		if (token.length < stats.shortest) stats.shortest = token.length;
		if (stats.key && !token.startsWith(stats.key)) stats.key = undefined;
	}
	return stats;
}

/**
 * Two columns of few values that cross ("Upgraded" and "Downgraded" each seen with "gold" and
 * with "silver") are not both constants: statements do not come in grids. A pairing with at
 * least as many combinations as values in both columns has such a cross. The column with more
 * values is the variable; it leaves `splitters`.
 */
function crossedOut(shape: Shape, splitters: number[], variable: boolean[]): void {
	for (let changed = true; changed && splitters.length >= 2; ) {
		changed = false;
		const sizes = splitters.map((c) => shape.distinct(c));
		for (let i = 0; i < splitters.length && !changed; i++) {
			for (let j = 0; j < splitters.length && !changed; j++) {
				if (sizes[i] <= sizes[j] || sizes[j] < 2) continue;
				const a = splitters[i];
				const b = splitters[j];
				const pairs = new Set<string>();
				for (const m of shape.members) pairs.add(shape.messages[m].tokens[a] + SEP + shape.messages[m].tokens[b]);
				if (pairs.size >= sizes[i] + sizes[j] - 1) {
					variable[a] = true;
					splitters.splice(i, 1);
					changed = true;
				}
			}
		}
	}
}

/**
 * Groups messages of one length by their longest common pattern. Masked values take no part,
 * with or without their key ("<*>", "host=<*>"): they say nothing about which statement wrote
 * the line, and a few keys every line carries would otherwise outnumber a message's words.
 */
function patternGroups(messages: readonly Message[], members: number[]): number[][] {
	const n = messages[members[0]].tokens.length;
	const freq = Array.from({ length: n }, () => new Map<string, number>());
	for (const m of members) {
		const { tokens, weight } = messages[m];
		for (let i = 0; i < n; i++) {
			if (anonymous(tokens[i])) continue;
			freq[i].set(tokens[i], (freq[i].get(tokens[i]) ?? 0) + weight);
		}
	}
	const groups = new Map<string, number[]>();
	const f = new Array<number>(n);
	const tally = new Map<number, number>();
	for (const m of members) {
		const { tokens } = messages[m];
		tally.clear();
		for (let i = 0; i < n; i++) {
			f[i] = anonymous(tokens[i]) ? 0 : freq[i].get(tokens[i])!;
			if (f[i] > 0) tally.set(f[i], (tally.get(f[i]) ?? 0) + 1);
		}
		let best = 0;
		let bestCount = 0;
		for (const [value, count] of tally) {
			if (count > bestCount || (count === bestCount && value > best)) {
				best = value;
				bestCount = count;
			}
		}
		let key = '';
		if (best > 0) for (let i = 0; i < n; i++) if (f[i] === best) key += i + SEP + tokens[i] + SEP;
		let group = groups.get(key);
		if (!group) groups.set(key, (group = []));
		group.push(m);
	}
	return [...groups.values()];
}

const MASKED_VALUE = /^[A-Za-z_][\w.-]*[=:]<\*>$/;

function anonymous(token: string): boolean {
	return token === WILDCARD || (token.endsWith(WILDCARD) && MASKED_VALUE.test(token));
}

/**
 * Values of columns that clearly vary (many values, most seen once): names and ids that may
 * turn up again, fewer at a time, in other messages.
 */
function openVocabulary(shapes: Shape[], maxConstant: number): Set<string> {
	const out = new Set<string>();
	for (const shape of shapes) {
		if (shape.members.length <= maxConstant) continue;
		for (let c = 0; c < shape.length; c++) {
			const { values, more } = shape.column(c);
			if (!more && values.size <= maxConstant) continue;
			let singles = 0;
			for (const lines of values.values()) if (lines === 1) singles++;
			if (singles * 2 < values.size) continue;
			for (const value of values.keys()) if (value !== WILDCARD) out.add(value);
		}
	}
	return out;
}

/**
 * Columns of few values whose values also vary in another statement's group: "session opened
 * for user cyrus by (uid=0)" and "session closed for user cyrus", with "news" and "test" in both
 * places, tell that cyrus, news and test are names, not words of two statements. Half the
 * values found there is enough. The other group must differ in length or in the column's
 * position (groups of one length with the column in one place may be one statement seen twice).
 */
function recurringColumns(shapes: Shape[], maxConstant: number): Set<string> {
	const columns: Array<{ key: string; group: number; length: number; column: number; values: string[] }> = [];
	const byValue = new Map<string, number[]>();
	for (let g = 0; g < shapes.length; g++) {
		const shape = shapes[g];
		if (shape.members.length < 2) continue;
		for (let c = 0; c < shape.length; c++) {
			const values = [...shape.column(c).values.keys()].filter((v) => v !== WILDCARD);
			if (values.length < 2) continue;
			const index = columns.length;
			columns.push({ key: g + SEP + c, group: g, length: shape.length, column: c, values });
			for (const value of values) {
				let list = byValue.get(value);
				if (!list) byValue.set(value, (list = []));
				list.push(index);
			}
		}
	}
	const out = new Set<string>();
	for (const column of columns) {
		if (column.values.length > maxConstant) continue;
		let found = 0;
		for (const value of column.values) {
			const elsewhere = byValue.get(value)!.some((j) => {
				const other = columns[j];
				return other.group !== column.group && !(other.length === column.length && other.column === column.column);
			});
			if (elsewhere) found++;
		}
		if (found * 2 >= column.values.length) out.add(column.key);
	}
	return out;
}

/** A plain word ("closed", "Started", "RUNNING,"), the value after a key ("user=root") included. */
const PLAIN_WORD = /^[([]?[A-Za-z][a-z]*[)\]]?[,.;:!?]?$|^[A-Z]+[,.;:!?]?$/;
const KEY_PREFIX = /^[A-Za-z_][\w.-]*[=:](?=.)/;
/** The key of a key=value token (with its "="). */
const KEY = /^[A-Za-z_][\w.-]*=/;
/** Names of things: paths, host, file and class names (a dot between letters), addresses. */
const NAME = /[/\\@]|[A-Za-z]\.[A-Za-z]/;
const QUOTED = /^(["']).*\1[,;:.)\]]*$/;

/**
 * Masked parts are left out: "(uid=<*>)" and "LOGIN(uid=<*>)" differ in their words, not their
 * numbers. Quoted text is a name; a quote that opens or closes a longer text (msg="Started) is
 * punctuation.
 */
function tokenKind(token: string): 'word' | 'name' | 'identifier' {
	let value = token.replace(KEY_PREFIX, '').split(WILDCARD).join('');
	if (value.length === 0) return 'identifier';
	if (value.length > 2 && QUOTED.test(value)) return 'name';
	value = value.replace(/^["'([]+|["')\],;:.!?]+$/g, '');
	if (PLAIN_WORD.test(value)) return 'word';
	return NAME.test(value) ? 'name' : 'identifier';
}

/**
 * The template's tokens: constants as they are (from message `first`), variables as <*>
 * keeping the key or affix that all the group's values share ("user=<*>", "/api/<*>").
 */
function templateTokens(shape: Shape, first: number, variable: boolean[]): string[] {
	return shape.messages[first].tokens.map((token, c) => {
		if (!variable[c]) return token;
		const { prefix, suffix, shortest } = shape.column(c);
		const head = affix(prefix, true);
		const tail = affix(suffix, false);
		// One value throughout: its prefix and suffix overlap; keep the prefix only.
		return head + WILDCARD + (head.length + tail.length > shortest ? '' : tail);
	});
}

/** Masks the independent fields of a message: its leading columns and the values of its keys. */
function maskFields(tokens: readonly string[], columns: Set<number>, keys: Set<string>): string[] {
	return tokens.map((token, c) => {
		if (columns.has(c)) return WILDCARD;
		const key = keys.size > 0 ? KEY.exec(token)?.[0] : undefined;
		return key && keys.has(key) ? key + WILDCARD : token;
	});
}

const BOUNDARY = /[=:/\\_@.([{'"-]/;

/** Keeps a shared prefix up to its last punctuation ("user=", "/api/"), and a suffix from its first. */
function affix(shared: string, isPrefix: boolean): string {
	if (!shared || shared.includes('<')) return '';
	if (isPrefix) {
		for (let i = shared.length - 1; i >= 0; i--) if (BOUNDARY.test(shared[i])) return shared.slice(0, i + 1);
		return '';
	}
	for (let i = 0; i < shared.length; i++) if (/[=:/\\_@.)\]}'",;-]/.test(shared[i])) return shared.slice(i);
	return '';
}

function commonPrefix(a: string, b: string): string {
	let i = 0;
	while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
	return i === a.length ? a : a.slice(0, i);
}

function commonSuffix(a: string, b: string): string {
	let i = 0;
	while (i < a.length && i < b.length && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
	return i === a.length ? a : a.slice(a.length - i);
}
