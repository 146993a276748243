/**
 * Online log template mining in the spirit of Drain (He et al., 2017), with one change that
 * removes the need for a per-format header regex: the miner learns which leading tokens are
 * header constants (host names, log levels, facility tags: the same value at the same position
 * in a large share of lines). A line's header is its leading run of such constants and of
 * variable tokens (times, ids, pids); templates are mined from the message after it.
 */
import { maskToken, tokenize, WILDCARD } from './masking.ts';

const LOGGER_NAME = /^[\w$.()[\]/-]*[.$([][\w$.()[\]/-]*:$/;
const BRACKETED = /^\[.*\]:?$/;
export const LEVEL_WORD = /^[[(<]?(?:trace|debug|info|notice|warn|warning|error|err|crit|critical|alert|emerg|fatal|severe)[\])>:]?$/i;
const CALENDAR_WORD = /^[[(]?(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[\])]?,?$/i;

export interface MinerOptions {
	/** Share of informative tokens two lines must share to be one template. */
	similarity: number;
	/** Lines read before the header constants are learned. */
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

export class TemplateMiner {
	readonly clusters: Cluster[] = [];
	private readonly options: MinerOptions;
	private readonly byShape = new Map<string, Cluster[]>();
	private readonly exact = new Map<string, Cluster>();
	private readonly pending: string[][] = [];
	private pendingCallbacks: Array<(c: Cluster) => void> = [];
	private headerConstants: Set<string> | undefined;

	constructor(options: Partial<MinerOptions> = {}) {
		this.options = { ...DEFAULT_MINER_OPTIONS, ...options };
	}

	/** Masks and tokenizes a line; exposed so callers can reuse the tokens. */
	static maskedTokens(line: string): string[] {
		const tokens = tokenize(line);
		for (let i = 0; i < tokens.length; i++) tokens[i] = maskToken(tokens[i]);
		return tokens;
	}

	/**
	 * Adds a line; `onCluster` is told its cluster, at once or, for the first lines, once the
	 * header constants are learned (call `flush()` at the end of input).
	 */
	add(line: string, onCluster: (cluster: Cluster) => void): void {
		const tokens = TemplateMiner.maskedTokens(line);
		if (!this.headerConstants) {
			this.pending.push(tokens);
			this.pendingCallbacks.push(onCluster);
			if (this.pending.length >= this.options.learnLines) this.flush();
			return;
		}
		onCluster(this.place(tokens));
	}

	flush(): void {
		if (this.headerConstants) return;
		this.headerConstants = this.learnHeader(this.pending);
		const callbacks = this.pendingCallbacks;
		this.pendingCallbacks = [];
		this.pending.forEach((tokens, i) => callbacks[i](this.place(tokens)));
		this.pending.length = 0;
	}

	template(cluster: Cluster): string {
		return cluster.tokens.join(' ');
	}

	private learnHeader(sample: string[][]): Set<string> {
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
		return new Set([...counts].filter(([, n]) => n >= min).map(([key]) => key));
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
			this.headerConstants!.has(`${position}\u0000${token}`) ||
			CALENDAR_WORD.test(token)
		);
	}

	private place(all: string[]): Cluster {
		const tokens = all.slice(this.messageStart(all));
		const line = tokens.join(' ');
		const known = this.exact.get(line);
		if (known) {
			known.count++;
			return known;
		}
		const shape = this.shapeKey(tokens);
		let candidates = this.byShape.get(shape);
		if (!candidates) this.byShape.set(shape, (candidates = []));
		let best: Cluster | undefined;
		let bestScore = -1;
		for (const cluster of candidates) {
			const score = this.similarity(cluster.tokens, tokens);
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
		if (this.exact.size < 200_000) this.exact.set(line, best);
		return best;
	}

	/** Length plus the first word that is not a variable: lines of one template agree on both. */
	private shapeKey(tokens: string[]): string {
		const first = tokens.find((t) => !t.includes(WILDCARD)) ?? '';
		return `${tokens.length}\u0000${first}`;
	}

	/**
	 * Share of equal tokens. A constant facing a variable-bearing token ("rhost=" against
	 * "rhost=<*>") weighs double: it says the two lines have different shapes, not values.
	 */
	private similarity(template: string[], tokens: string[]): number {
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
}
