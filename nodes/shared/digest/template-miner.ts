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
	group(messages: readonly Message[]): Int32Array {
		const assignment = new Int32Array(messages.length).fill(-1);
		const byLength = new Map<number, number[]>();
		for (let m = 0; m < messages.length; m++) {
			const n = messages[m].tokens.length;
			let list = byLength.get(n);
			if (!list) byLength.set(n, (list = []));
			list.push(m);
		}
		const lengths = [...byLength.keys()].sort((a, b) => a - b);

		let shapes = lengths.flatMap((n) => patternGroups(messages, byLength.get(n)!, new Set()));
		const leading = this.leadingVariables(messages, shapes);
		if (leading.size > 0) shapes = lengths.flatMap((n) => patternGroups(messages, byLength.get(n)!, leading));
		const seenVarying = openVocabulary(messages, shapes, leading, this.options.maxConstantValues);
		const recurring = recurringColumns(messages, shapes, leading, this.options.maxConstantValues);

		const byTemplate = new Map<string, Cluster>();
		for (let g = 0; g < shapes.length; g++) {
			const shape = shapes[g];
			for (const part of this.split(messages, shape, leading, seenVarying, (c) => recurring.has(g + SEP + c))) {
				const tokens = templateTokens(messages, part.members, part.variable);
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
	 * Leading columns that vary inside most groups of at least two lines: header fields
	 * (host, program, thread names) rather than words of a message.
	 */
	private leadingVariables(messages: readonly Message[], shapes: number[][]): Set<number> {
		const out = new Set<number>();
		for (let p = 0; p < this.options.leadingColumns; p++) {
			let groups = 0;
			let varying = 0;
			for (const members of shapes) {
				if (members.length < 2 || messages[members[0]].tokens.length <= p + 1) continue;
				groups++;
				const first = messages[members[0]].tokens[p];
				if (members.some((m) => messages[m].tokens[p] !== first)) varying++;
			}
			if (groups >= 3 && varying >= groups * this.options.leadingShare) out.add(p);
		}
		return out;
	}

	/** Splits one shape group on its constant-like varying columns; the rest are variables. */
	private split(
		messages: readonly Message[],
		members: number[],
		leading: Set<number>,
		seenVarying: Set<string>,
		recurs: (column: number) => boolean,
	): Array<{ members: number[]; variable: boolean[] }> {
		const n = messages[members[0]].tokens.length;
		const variable: boolean[] = new Array(n).fill(false);
		const splitters: number[] = [];
		for (let c = 0; c < n; c++) {
			const values = columnValues(messages, members, c);
			if (values.size <= 1) continue;
			if (leading.has(c) || recurs(c) || this.isVariable(values, seenVarying)) variable[c] = true;
			else splitters.push(c);
		}
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
		for (const [value, n] of values) {
			lines += n;
			if (n === 1) singles++;
			const kind = tokenKind(value);
			if (kind === 'name') names++;
			if (kind !== 'word') identifiers++;
			if (seenVarying.has(value)) seen++;
		}
		const half = values.size / 2;
		if (seen >= half || names >= half) return true;
		if (values.size >= 3 && singles === values.size) return true;
		return identifiers >= half && singles / lines >= 0.25;
	}
}

/**
 * Groups messages of one length by their longest common pattern. Masked tokens and the given
 * columns take no part: they say nothing about which statement wrote the line.
 */
function patternGroups(messages: readonly Message[], members: number[], skip: Set<number>): number[][] {
	const freq = new Map<string, number>();
	for (const m of members) {
		const { tokens, weight } = messages[m];
		for (let i = 0; i < tokens.length; i++) {
			if (skip.has(i) || tokens[i] === WILDCARD) continue;
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
			f[i] = skip.has(i) || tokens[i] === WILDCARD ? 0 : freq.get(i + SEP + tokens[i])!;
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

/**
 * Values of columns that clearly vary (many values, most seen once): names and ids that may
 * turn up again, fewer at a time, in other messages.
 */
function openVocabulary(messages: readonly Message[], shapes: number[][], skip: Set<number>, maxConstant: number): Set<string> {
	const out = new Set<string>();
	for (const members of shapes) {
		if (members.length <= maxConstant) continue;
		const n = messages[members[0]].tokens.length;
		for (let c = 0; c < n; c++) {
			if (skip.has(c)) continue;
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
 * Columns of few values (groups, columns) whose values also vary together in another group:
 * "session opened for user cyrus" and "session closed for user cyrus", with "news" and "test"
 * in both places, tell that cyrus, news and test are names, not words of two statements.
 */
function recurringColumns(messages: readonly Message[], shapes: number[][], skip: Set<number>, maxConstant: number): Set<string> {
	const columns: Array<{ key: string; group: number; values: string[] }> = [];
	const byValue = new Map<string, number[]>();
	for (let g = 0; g < shapes.length; g++) {
		const members = shapes[g];
		if (members.length < 2) continue;
		const n = messages[members[0]].tokens.length;
		for (let c = 0; c < n; c++) {
			if (skip.has(c)) continue;
			const values = [...columnValues(messages, members, c).keys()].filter((v) => v !== WILDCARD);
			if (values.length < 2 || values.length > maxConstant) continue;
			const index = columns.length;
			columns.push({ key: g + SEP + c, group: g, values });
			for (const value of values) {
				let list = byValue.get(value);
				if (!list) byValue.set(value, (list = []));
				list.push(index);
			}
		}
	}
	const out = new Set<string>();
	for (let i = 0; i < columns.length; i++) {
		const shared = new Map<number, number>();
		for (const value of columns[i].values) {
			for (const j of byValue.get(value)!) {
				if (columns[j].group === columns[i].group) continue;
				const k = (shared.get(j) ?? 0) + 1;
				shared.set(j, k);
				if (k >= 2) out.add(columns[i].key);
			}
		}
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
/** Names of things: paths, host, file and class names (a dot between letters), addresses, quoted text. */
const NAME = /[/\\@]|[A-Za-z]\.[A-Za-z]|^["']/;

/** Masked parts are left out: "(uid=<*>)" and "LOGIN(uid=<*>)" differ in their words, not their numbers. */
function tokenKind(token: string): 'word' | 'name' | 'identifier' {
	const value = token.replace(KEY_PREFIX, '').split(WILDCARD).join('');
	if (value.length === 0) return 'identifier';
	if (PLAIN_WORD.test(value)) return 'word';
	return NAME.test(value) ? 'name' : 'identifier';
}

/** The template's tokens: constants as they are, variables as <*> keeping a shared key or affix. */
function templateTokens(messages: readonly Message[], members: number[], variable: boolean[]): string[] {
	const first = messages[members[0]].tokens;
	return first.map((token, c) => {
		if (!variable[c]) return token;
		let prefix = token;
		let suffix = token;
		for (const m of members) {
			const other = messages[m].tokens[c];
			prefix = commonPrefix(prefix, other);
			suffix = commonSuffix(suffix, other);
			if (!prefix && !suffix) break;
		}
		return affix(prefix, true) + WILDCARD + affix(suffix, false);
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
	return a.slice(0, i);
}

function commonSuffix(a: string, b: string): string {
	let i = 0;
	while (i < a.length && i < b.length && a.charCodeAt(a.length - 1 - i) === b.charCodeAt(b.length - 1 - i)) i++;
	return a.slice(a.length - i);
}
