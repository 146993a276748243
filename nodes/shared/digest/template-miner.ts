/**
 * Template mining: which messages come from one logging statement, and which of their tokens
 * are its variables. Nothing here knows a log format. Variables are told apart from constants by
 * how tokens vary across messages of one shape, in three steps:
 *
 * 1. Shape. Messages of equal length are grouped by their longest common pattern: the largest
 *    set of (position, token) pairs that share one frequency across messages of that length.
 *    The constant words of one statement occur in every message it writes, so they share a
 *    frequency, while its variables are spread over many values (the idea of Brain, Yu et al.,
 *    IEEE TSC 2023). Unlike a prefix tree, this does not care where in the line a variable sits.
 * 2. Variation. Within a group, a column (position) holding more than one value is a variable
 *    when the values are many, when each was seen once (an open vocabulary), when they look
 *    like identifiers (paths, host or file names, key=value, quoted text), or when the same
 *    values were seen varying elsewhere in the log (user or host names recur across messages).
 *    Otherwise the few values are constants of different statements and split the group.
 * 3. Header leftovers. A leading column that varies inside most groups is a header field the
 *    header model did not recognise (a host or program name): it is a variable everywhere.
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
	/** Share of groups a leading column must vary in to be a variable everywhere. */
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

export class TemplateMiner {
	readonly clusters: Cluster[] = [];
	private readonly options: MinerOptions;

	constructor(options: Partial<MinerOptions> = {}) {
		this.options = { ...DEFAULT_MINER_OPTIONS, ...options };
	}

	/** Groups the messages; returns the cluster index of each message (into `clusters`). */
	group(input: readonly Message[]): Int32Array {
		const assignment = new Int32Array(input.length).fill(-1);
		const byLength = new Map<number, number[]>();
		for (let m = 0; m < input.length; m++) {
			const n = input[m].tokens.length;
			let list = byLength.get(n);
			if (!list) byLength.set(n, (list = []));
			list.push(m);
		}
		const lengths = [...byLength.keys()].sort((a, b) => a - b);
		const shapesOf = (messages: readonly Message[]) => lengths.flatMap((n) => patternGroups(messages, byLength.get(n)!));

		// Fields that vary independently of the message are variables everywhere: mask them and
		// find the shapes again without them.
		let messages = input;
		let shapes = shapesOf(messages);
		const fields = this.independentFields(messages, shapes);
		if (fields.columns.size > 0 || fields.keys.size > 0) {
			messages = messages.map((m) => ({ weight: m.weight, tokens: maskFields(m.tokens, fields.columns, fields.keys) }));
			shapes = shapesOf(messages);
		}
		const seenVarying = openVocabulary(messages, shapes, this.options.maxConstantValues);
		const recurring = recurringColumns(messages, shapes, this.options.maxConstantValues);

		const byTemplate = new Map<string, Cluster>();
		for (let g = 0; g < shapes.length; g++) {
			const shape = shapes[g];
			for (const part of this.split(messages, shape, seenVarying, (c) => recurring.has(g + SEP + c))) {
				const tokens = templateTokens(messages, shape, part.members[0], part.variable);
				const key = tokens.join(' ');
				let cluster = byTemplate.get(key);
				if (!cluster) {
					cluster = { id: this.clusters.length, tokens, count: 0 };
					this.clusters.push(cluster);
					byTemplate.set(key, cluster);
				}
				for (const m of part.members) {
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

	/**
	 * Fields that vary inside most groups of at least two messages: leading columns (a host,
	 * program or thread name the header model did not take) and keys of key=value pairs (host=,
	 * request_id=). Words of a message are constant within its group; these are not.
	 */
	private independentFields(messages: readonly Message[], shapes: number[][]): { columns: Set<number>; keys: Set<string> } {
		const columns = new Set<number>();
		for (let p = 0; p < this.options.leadingColumns; p++) {
			let groups = 0;
			let varying = 0;
			for (const members of shapes) {
				if (members.length < 2 || messages[members[0]].tokens.length <= p + 1) continue;
				groups++;
				const first = messages[members[0]].tokens[p];
				if (members.some((m) => messages[m].tokens[p] !== first)) varying++;
			}
			if (groups >= 3 && varying >= groups * this.options.leadingShare) columns.add(p);
		}
		const seen = new Map<string, { groups: number; varying: number; values: number }>();
		for (const members of shapes) {
			if (members.length < 2) continue;
			const tokens = messages[members[0]].tokens;
			for (let c = 0; c < tokens.length; c++) {
				const key = KEY.exec(tokens[c])?.[0];
				if (!key || !members.every((m) => messages[m].tokens[c].startsWith(key))) continue;
				let stat = seen.get(key);
				if (!stat) seen.set(key, (stat = { groups: 0, varying: 0, values: 0 }));
				stat.groups++;
				const values = new Set(members.map((m) => messages[m].tokens[c])).size;
				if (values > 1) stat.varying++;
				stat.values = Math.max(stat.values, values);
			}
		}
		const keys = new Set<string>();
		// A key names data: varying in two statements' groups, with three values in one, is enough.
		for (const [key, { groups, varying, values }] of seen) {
			if ((groups >= 3 && varying >= groups * this.options.leadingShare) || (groups >= 2 && varying === groups && values >= 3)) keys.add(key);
		}
		return { columns, keys };
	}

	/** Splits one shape group on its constant-like varying columns; the rest are variables. */
	private split(
		messages: readonly Message[],
		members: number[],
		seenVarying: Set<string>,
		recurs: (column: number) => boolean,
	): Array<{ members: number[]; variable: boolean[] }> {
		const n = messages[members[0]].tokens.length;
		const variable: boolean[] = new Array(n).fill(false);
		const splitters: number[] = [];
		for (let c = 0; c < n; c++) {
			const values = columnValues(messages, members, c);
			if (values.size <= 1) continue;
			if (recurs(c) || this.isVariable(values, seenVarying)) variable[c] = true;
			else splitters.push(c);
		}
		crossedOut(messages, members, splitters, variable);
		if (splitters.length === 0) return [{ members, variable }];
		const parts = new Map<string, number[]>();
		for (const m of members) {
			const tokens = messages[m].tokens;
			const key = splitters.map((c) => tokens[c]).join(SEP);
			let part = parts.get(key);
			if (!part) parts.set(key, (part = []));
			part.push(m);
		}
		return [...parts.values()].map((part) => ({ members: part, variable }));
	}

	/**
	 * Whether a column holding a few values is a variable. Names of things (paths, host, file
	 * and class names, quoted text) are. Otherwise it takes evidence of an open vocabulary:
	 * values seen once each, since the share of lines with a value seen once estimates how
	 * often the next line brings a new one (Good and Turing). Other identifiers (snake_case,
	 * CamelCase) need a little of that evidence, plain words need it all: a few words, each
	 * seen again and again, are the constants of different statements.
	 */
	private isVariable(values: Map<string, number>, seenVarying: Set<string>): boolean {
		if (values.size > this.options.maxConstantValues) return true;
		let singles = 0;
		let names = 0;
		let identifiers = 0;
		let seen = 0;
		let lines = 0;
		let masked = 0;
		for (const [value, n] of values) {
			lines += n;
			if (value === WILDCARD) masked += n;
			if (n === 1) singles++;
			const kind = tokenKind(value);
			if (kind === 'name') names++;
			if (kind !== 'word') identifiers++;
			if (seenVarying.has(value)) seen++;
		}
		const half = values.size / 2;
		// Mostly numbers or hashes, once a word: the word is the odd value, not another statement.
		if (seen >= half || names >= half || masked * 2 >= lines) return true;
		const open = singles / lines;
		if (values.size >= 3 && open >= 0.5) return true;
		return identifiers >= half && open >= 0.25;
	}
}

/**
 * Two columns of few values that cross ("Upgraded" and "Downgraded" each seen with "gold" and
 * with "silver") are not both constants: statements do not come in grids. A pairing with at
 * least as many combinations as values in both columns has such a cross. The column with more
 * values is the variable; it leaves `splitters`.
 */
function crossedOut(messages: readonly Message[], members: number[], splitters: number[], variable: boolean[]): void {
	const distinct = (c: number) => new Set(members.map((m) => messages[m].tokens[c])).size;
	for (let changed = true; changed && splitters.length >= 2; ) {
		changed = false;
		const sizes = splitters.map(distinct);
		for (let i = 0; i < splitters.length && !changed; i++) {
			for (let j = 0; j < splitters.length && !changed; j++) {
				if (sizes[i] <= sizes[j] || sizes[j] < 2) continue;
				const a = splitters[i];
				const b = splitters[j];
				const pairs = new Set(members.map((m) => messages[m].tokens[a] + SEP + messages[m].tokens[b]));
				if (pairs.size >= sizes[i] + sizes[j]) {
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
	const freq = new Map<string, number>();
	for (const m of members) {
		const { tokens, weight } = messages[m];
		for (let i = 0; i < tokens.length; i++) {
			if (anonymous(tokens[i])) continue;
			const key = i + SEP + tokens[i];
			freq.set(key, (freq.get(key) ?? 0) + weight);
		}
	}
	const groups = new Map<string, number[]>();
	const f: number[] = [];
	for (const m of members) {
		const { tokens } = messages[m];
		f.length = tokens.length;
		const tally = new Map<number, number>();
		for (let i = 0; i < tokens.length; i++) {
			f[i] = anonymous(tokens[i]) ? 0 : freq.get(i + SEP + tokens[i])!;
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
		for (let i = 0; i < tokens.length; i++) if (f[i] === best && best > 0) key += i + SEP + tokens[i] + SEP;
		let group = groups.get(key);
		if (!group) groups.set(key, (group = []));
		group.push(m);
	}
	return [...groups.values()];
}

const MASKED_VALUE = /^[A-Za-z_][\w.-]*[=:]<\*>$/;

function anonymous(token: string): boolean {
	return token === WILDCARD || MASKED_VALUE.test(token);
}

/**
 * Values of columns that clearly vary (many values, most seen once): names and ids that may
 * turn up again, fewer at a time, in other messages.
 */
function openVocabulary(messages: readonly Message[], shapes: number[][], maxConstant: number): Set<string> {
	const out = new Set<string>();
	for (const members of shapes) {
		if (members.length <= maxConstant) continue;
		const n = messages[members[0]].tokens.length;
		for (let c = 0; c < n; c++) {
			const values = columnValues(messages, members, c);
			if (values.size <= maxConstant) continue;
			let singles = 0;
			for (const lines of values.values()) if (lines === 1) singles++;
			if (singles * 2 < values.size) continue;
			for (const value of values.keys()) if (value !== WILDCARD) out.add(value);
		}
	}
	return out;
}

/**
 * Columns of few values whose values also vary together in another statement's group:
 * "session opened for user cyrus by (uid=0)" and "session closed for user cyrus", with "news"
 * and "test" in both places, tell that cyrus, news and test are names, not words of two
 * statements. The other group must differ in length or in the column's position (groups of one
 * length with the column in one place may be one statement seen twice).
 */
function recurringColumns(messages: readonly Message[], shapes: number[][], maxConstant: number): Set<string> {
	const columns: Array<{ key: string; group: number; length: number; column: number; values: string[] }> = [];
	const byValue = new Map<string, number[]>();
	for (let g = 0; g < shapes.length; g++) {
		const members = shapes[g];
		if (members.length < 2) continue;
		const n = messages[members[0]].tokens.length;
		for (let c = 0; c < n; c++) {
			const values = [...columnValues(messages, members, c).keys()].filter((v) => v !== WILDCARD);
			if (values.length < 2) continue;
			const index = columns.length;
			columns.push({ key: g + SEP + c, group: g, length: n, column: c, values });
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

function columnValues(messages: readonly Message[], members: number[], c: number): Map<string, number> {
	const values = new Map<string, number>();
	for (const m of members) {
		const { tokens, weight } = messages[m];
		values.set(tokens[c], (values.get(tokens[c]) ?? 0) + weight);
	}
	return values;
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
function templateTokens(messages: readonly Message[], group: number[], first: number, variable: boolean[]): string[] {
	return messages[first].tokens.map((token, c) => {
		if (!variable[c]) return token;
		let prefix = token;
		let suffix = token;
		for (const m of group) {
			const other = messages[m].tokens[c];
			prefix = commonPrefix(prefix, other);
			suffix = commonSuffix(suffix, other);
			if (!prefix && !suffix) break;
		}
		const head = affix(prefix, true);
		const tail = affix(suffix, false);
		return head + WILDCARD + (head.length + tail.length > shortest(messages, group, c) ? '' : tail);
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

function shortest(messages: readonly Message[], members: number[], c: number): number {
	let n = Infinity;
	for (const m of members) n = Math.min(n, messages[m].tokens[c].length);
	return n;
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
	return a.slice(0, i);
}

function commonSuffix(a: string, b: string): string {
	let i = 0;
	while (i < a.length && i < b.length && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
	return a.slice(a.length - i);
}
