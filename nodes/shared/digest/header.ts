/**
 * Where the message starts in a log line, learned from the log itself.
 *
 * Nearly every log format opens with a header of fields (time, host, level, source, thread)
 * and then the free-text message. Which fields, in which order, is what differs between
 * formats, so no format is written down here. The model learns from the first lines:
 *  - anchors: token positions where most lines hold a level word, a standalone separator
 *    ("-", "|", "::"), a bracketed field ("[main]") or a token ending in ":" ("sshd[12]:",
 *    "org.a.B:"). Everything up to the last anchor a line has is header;
 *  - header constants: a (position, value) that most lines share (a host, a facility).
 * Before and after anchors, tokens that are variables (masked), calendar words, level words or
 * bracketed are header too. What follows is the message that templates are mined from.
 */
import { WILDCARD } from './masking.ts';

export const LEVEL_WORD =
	/^[[(<]?(?:trace|debug|dbg|fine|finer|finest|verbose|info|information|notice|warn|warning|error|err|crit|critical|alert|emerg|emergency|fatal|severe|panic)[\])>:]?$/i;
/** One-letter levels (Android, glog, klog style), upper case only. */
const LEVEL_LETTER = /^[[(<]?[TDIWEFV][\])>:]?$/;
export const isLevel = (token: string) => LEVEL_WORD.test(token) || LEVEL_LETTER.test(token);
const LETTERS: Record<string, string> = { T: 'TRACE', D: 'DEBUG', I: 'INFO', W: 'WARN', E: 'ERROR', F: 'FATAL', V: 'VERBOSE' };
const CALENDAR_WORD = /^[[(]?(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[\])]?,?$/i;
const BRACKETED = /^\[.*\]:?$/;
/** A source or logger name closing the header: "org.a.b.Client:", "dfs.DataNode$Responder:", "sshd[<*>]:". */
const LOGGER_NAME = /^[\w$.()[\]/<*>-]*[.$([][\w$.()[\]/<*>-]*:$/;
const SEPARATOR = /^(?:-{1,3}|\||:{1,2}|>{1,2}|-->|=>|»|•|·)$/;
const COLON_FIELD = /^[^\s:]{1,80}:$/;

export interface HeaderOptions {
	/** Lines the model is learned from. */
	learnLines: number;
	/** Share of those lines a position must hold an anchor (or a value) in to count. */
	share: number;
	/** Only the first positions can be header. */
	positions: number;
}

export const DEFAULT_HEADER_OPTIONS: HeaderOptions = { learnLines: 2000, share: 0.5, positions: 14 };

type AnchorKind = 'level' | 'separator' | 'bracket' | 'colon';

interface Anchor {
	kind: AnchorKind;
	position: number;
	/** The separator itself, for kind "separator". */
	token?: string;
}

function anchorKind(token: string): AnchorKind | undefined {
	if (isLevel(token)) return 'level';
	if (SEPARATOR.test(token)) return 'separator';
	if (BRACKETED.test(token)) return 'bracket';
	if (COLON_FIELD.test(token) && token.length > 1) return 'colon';
	return undefined;
}

function matches(anchor: Anchor, token: string | undefined): boolean {
	if (token === undefined) return false;
	if (anchor.kind === 'separator') return token === anchor.token;
	return anchorKind(token) === anchor.kind;
}

export class HeaderModel {
	private anchors: Anchor[] = [];
	private lastAnchor = -1;
	private constants = new Set<string>();
	private readonly options: HeaderOptions;

	constructor(options: Partial<HeaderOptions> = {}) {
		this.options = { ...DEFAULT_HEADER_OPTIONS, ...options };
	}

	/** Learns anchors and constants from token lists (masked), typically the first lines. */
	learn(sample: readonly string[][]): this {
		const { positions, share } = this.options;
		const values = new Map<string, number>();
		const kinds = new Map<string, number>();
		for (const tokens of sample) {
			const limit = Math.min(tokens.length - 1, positions);
			for (let i = 0; i < limit; i++) {
				const token = tokens[i];
				if (!token.includes(WILDCARD)) bump(values, `${i}\u0000${token}`);
				const kind = anchorKind(token);
				if (kind) bump(kinds, kind === 'separator' ? `${i}\u0000${kind}\u0000${token}` : `${i}\u0000${kind}`);
			}
		}
		const min = Math.max(2, sample.length * share);
		this.constants = new Set([...values].filter(([, n]) => n >= min).map(([key]) => key));
		this.anchors = [...kinds]
			.filter(([, n]) => n >= min)
			.map(([key]) => {
				const [position, kind, token] = key.split('\u0000');
				return { position: Number(position), kind: kind as AnchorKind, token };
			})
			.sort((a, b) => a.position - b.position);
		this.lastAnchor = this.anchors.length > 0 ? this.anchors[this.anchors.length - 1].position : -1;
		return this;
	}

	/** Index of the first message token. The message keeps at least one token. */
	messageStart(tokens: readonly string[]): number {
		const limit = Math.min(tokens.length - 1, this.options.positions);
		let i = this.run(tokens, 0, limit);
		for (const anchor of this.anchors) {
			if (anchor.position >= limit + 1) break;
			if (anchor.position < i) continue;
			if (matches(anchor, tokens[anchor.position])) {
				i = this.run(tokens, anchor.position + 1, limit);
				continue;
			}
			// A field of more or fewer words than usual shifts the anchor: look a little either side,
			// skipping at most two tokens that are not header-like.
			for (let j = Math.max(i, anchor.position - 2); j <= Math.min(anchor.position + 2, limit - 1, i + 2); j++) {
				if (matches(anchor, tokens[j])) {
					i = this.run(tokens, j + 1, limit);
					break;
				}
			}
		}
		if (i < limit && LOGGER_NAME.test(tokens[i])) i = this.run(tokens, i + 1, limit);
		return Math.min(i, Math.max(0, tokens.length - 1));
	}

	/** The log level among the header tokens, if any. */
	level(tokens: readonly string[], start: number): string | undefined {
		for (let i = 0; i < start; i++) if (isLevel(tokens[i])) return normaliseLevel(tokens[i]);
		return undefined;
	}

	private run(tokens: readonly string[], from: number, limit: number): number {
		let i = from;
		while (i < limit && this.isHeaderToken(i, tokens[i])) i++;
		return i;
	}

	/**
	 * Up to the last anchor, a token with a masked part ("R<*>-M<*>", "host<*>") is a header field;
	 * after it only a wholly masked one is ("<*>", "[<*>]"): "attempt_<*>" opens a message.
	 */
	private isHeaderToken(position: number, token: string): boolean {
		const masked = position <= this.lastAnchor ? token.includes(WILDCARD) : token.includes(WILDCARD) && !/[A-Za-z0-9]/.test(token.split(WILDCARD).join(''));
		return (
			masked ||
			BRACKETED.test(token) ||
			isLevel(token) ||
			CALENDAR_WORD.test(token) ||
			// A word most lines share after the last anchor is the message's ("job started").
			((this.lastAnchor < 0 || position <= this.lastAnchor) && this.constants.has(`${position}\u0000${token}`))
		);
	}
}

export function normaliseLevel(token: string): string {
	const word = token.replace(/[^a-z0-9]/gi, '').toUpperCase();
	return LETTERS[word] ?? word;
}

function bump(map: Map<string, number>, key: string): void {
	map.set(key, (map.get(key) ?? 0) + 1);
}
