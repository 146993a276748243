/**
 * Online log template mining in the spirit of Drain (He et al., 2017), with one change that
 * removes the need for a per-format header regex: the miner learns which leading tokens are
 * header constants (host names, log levels, facility tags: the same value at the same position
 * in a large share of lines). A line's header is its leading run of such constants and of
 * variable tokens (times, ids, pids); templates are mined from the message after it.
 *
 * Speed: digit runs are normalised before anything else, and the placement of a normalised
 * line is cached under its hash, so the common case (a known message with new numbers) costs
 * one pass over the characters and one map lookup.
 */
import { maskToken, normaliseDigits, shapeHash, tokenize, WILDCARD } from './masking.ts';

const LOGGER_NAME = /^[\w$.()[\]/-]*[.$([][\w$.()[\]/-]*:$/;
const BRACKETED = /^\[.*\]:?$/;
export const LEVEL_WORD = /^[[(<]?(?:trace|debug|info|notice|warn|warning|error|err|crit|critical|alert|emerg|fatal|severe)[\])>:]?$/i;
const CALENDAR_WORD = /^[[(]?(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[\])]?,?$/i;
const LINE_CACHE_LIMIT = 500_000;

export interface MinerOptions {
	/** Share of message tokens two lines must share to be one template. */
	similarity: number;
	/** Lines the header constants are learned from. */
	learnLines: number;
	/** A (position, value) seen in at least this share of the learning lines is a header constant. */
	headerShare: number;
	/** Only the first positions can be header. */
	headerPositions: number;
}

export const DEFAULT_MINER_OPTIONS: MinerOptions = {
	similarity: 0.7,
	learnLines: 2000,
	headerShare: 0.5,
	headerPositions: 12,
};

export interface Cluster {
	id: number;
	tokens: string[];
	count: number;
}

/** Where a line went: its template and the log level found in its header, if any. */
export interface Placement {
	cluster: Cluster;
	level?: string;
}

export class TemplateMiner {
	readonly clusters: Cluster[] = [];
	private readonly options: MinerOptions;
	private readonly byShape = new Map<string, Cluster[]>();
	private readonly byMessage = new Map<string, Cluster>();
	private readonly byLine = new Map<number, Placement>();
	private headerConstants = new Set<string>();

	constructor(options: Partial<MinerOptions> = {}) {
		this.options = { ...DEFAULT_MINER_OPTIONS, ...options };
	}

	/** Learns the header constants from the first lines of the input. Call before `add`. */
	learn(lines: readonly string[]): this {
		const sample = lines.slice(0, this.options.learnLines).map((l) => maskedTokens(normaliseDigits(l)));
		const counts = new Map<string, number>();
		for (const tokens of sample) {
			const limit = Math.min(tokens.length, this.options.headerPositions);
			for (let i = 0; i < limit; i++) {
				if (tokens[i] === WILDCARD) continue;
				const key = `${i}\u0000${tokens[i]}`;
				counts.set(key, (counts.get(key) ?? 0) + 1);
			}
		}
		const min = Math.max(2, sample.length * this.options.headerShare);
		this.headerConstants = new Set([...counts].filter(([, n]) => n >= min).map(([key]) => key));
		return this;
	}

	add(line: string): Placement {
		const hash = shapeHash(line);
		const known = this.byLine.get(hash);
		if (known) {
			known.cluster.count++;
			return known;
		}
		const tokens = maskedTokens(normaliseDigits(line));
		const start = this.messageStart(tokens);
		const placement: Placement = { cluster: this.place(tokens.slice(start)), level: levelIn(tokens, start) };
		if (this.byLine.size < LINE_CACHE_LIMIT) this.byLine.set(hash, placement);
		return placement;
	}

	template(cluster: Cluster): string {
		return cluster.tokens.join(' ');
	}

	/** Index of the first message token: after the leading constants and variables. */
	private messageStart(tokens: string[]): number {
		const limit = Math.min(tokens.length - 1, this.options.headerPositions);
		let i = 0;
		while (i < limit && this.isHeaderToken(i, tokens[i])) i++;
		// A logger or source name ("org.a.b.Client:", "dfs.DataNode$Responder:") closes the header.
		if (i < limit && LOGGER_NAME.test(tokens[i])) i++;
		return i;
	}

	private isHeaderToken(position: number, token: string): boolean {
		return (
			token.includes(WILDCARD) ||
			BRACKETED.test(token) ||
			LEVEL_WORD.test(token) ||
			this.headerConstants.has(`${position}\u0000${token}`) ||
			CALENDAR_WORD.test(token)
		);
	}

	private place(tokens: string[]): Cluster {
		const message = tokens.join(' ');
		const known = this.byMessage.get(message);
		if (known) {
			known.count++;
			return known;
		}
		const shape = shapeKey(tokens);
		let candidates = this.byShape.get(shape);
		if (!candidates) this.byShape.set(shape, (candidates = []));
		let best: Cluster | undefined;
		let bestScore = -1;
		for (const cluster of candidates) {
			const score = similarity(cluster.tokens, tokens);
			if (score > bestScore) {
				bestScore = score;
				best = cluster;
			}
		}
		if (best && bestScore >= this.options.similarity) {
			for (let i = 0; i < tokens.length; i++) if (best.tokens[i] !== tokens[i]) best.tokens[i] = WILDCARD;
		} else {
			best = { id: this.clusters.length, tokens: [...tokens], count: 0 };
			this.clusters.push(best);
			candidates.push(best);
		}
		best.count++;
		if (this.byMessage.size < LINE_CACHE_LIMIT) this.byMessage.set(message, best);
		return best;
	}
}

function maskedTokens(line: string): string[] {
	const tokens = tokenize(line);
	for (let i = 0; i < tokens.length; i++) tokens[i] = maskToken(tokens[i]);
	return tokens;
}

function levelIn(tokens: string[], headerEnd: number): string | undefined {
	for (let i = 0; i < headerEnd; i++) {
		if (LEVEL_WORD.test(tokens[i])) return tokens[i].replace(/[^a-z]/gi, '').toUpperCase();
	}
	return undefined;
}

/** Length plus the first word that is not a variable: lines of one template agree on both. */
function shapeKey(tokens: string[]): string {
	const first = tokens.find((t) => !t.includes(WILDCARD)) ?? '';
	return `${tokens.length}\u0000${first}`;
}

/**
 * Share of equal tokens. A constant facing a variable-bearing token ("rhost=" against
 * "rhost=<*>") weighs double: it says the two lines have different shapes, not values.
 */
function similarity(template: string[], tokens: string[]): number {
	let same = 0;
	let weight = tokens.length;
	for (let i = 0; i < tokens.length; i++) {
		const a = template[i];
		const b = tokens[i];
		if (a === b) same++;
		else if (a !== WILDCARD && a.includes(WILDCARD) !== b.includes(WILDCARD)) weight++;
	}
	return weight === 0 ? 1 : same / weight;
}
