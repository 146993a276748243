/**
 * The repository's review configuration, `.github/agent-swarm.yml`, read from the pull request's
 * BASE branch so a pull request cannot weaken its own gate. Each setting is checked on its own:
 * a bad one is reported with its line and falls back to its default; the others still apply.
 */
import { LineCounter, parseDocument, isMap, isScalar, type Node } from 'yaml';
import { SEVERITIES, type Severity } from '../coordinator/review-verdict.ts';

export const CONFIG_PATH = '.github/agent-swarm.yml';

export interface PathInstruction {
	path: string;
	text: string;
}

export interface RepoConfig {
	/** Reviewers switched on (true) or off (false) by name, over the workflow's set. */
	reviewers: Record<string, boolean>;
	/** Reviewers whose failure makes the status `error`. */
	required: string[];
	/** Globs of files never reviewed and never counted (lockfiles, generated code). */
	ignore: string[];
	instructions: PathInstruction[];
	minConfidence: number;
	blockingSeverity: Severity;
	/** Diff tokens each reviewer reads at most; files past it are named as not reviewed. */
	maxTokensPerReviewer: number;
	/** A replacement up to this many lines is posted as a committable suggestion. */
	suggestionMaxLines: number;
	/** Post the summary comment when nothing was found (false: the status alone says so). */
	commentWhenClean: boolean;
}

export const DEFAULT_IGNORE = [
	'**/package-lock.json',
	'**/npm-shrinkwrap.json',
	'**/yarn.lock',
	'**/pnpm-lock.yaml',
	'**/Cargo.lock',
	'**/go.sum',
	'**/poetry.lock',
	'**/Pipfile.lock',
	'**/Gemfile.lock',
	'**/composer.lock',
	'**/*.min.js',
	'**/*.min.css',
	'**/*.map',
];

export const DEFAULT_CONFIG: RepoConfig = {
	reviewers: {},
	required: ['security'],
	ignore: DEFAULT_IGNORE,
	instructions: [],
	minConfidence: 70,
	blockingSeverity: 'critical',
	maxTokensPerReviewer: 30_000,
	suggestionMaxLines: 10,
	commentWhenClean: true,
};

export interface ConfigProblem {
	/** 1-based line in the file, or null when the problem is not on one line. */
	line: number | null;
	key: string;
	message: string;
}

export interface LoadedConfig {
	config: RepoConfig;
	problems: ConfigProblem[];
	/** Where the settings came from: the file, or the defaults when there is none. */
	source: 'file' | 'defaults';
}

type Setter = (value: unknown) => string | null;

/** Parses the file's text (null: no file). `defaults` are the workflow's own settings. */
export function loadRepoConfig(text: string | null, defaults: RepoConfig = DEFAULT_CONFIG): LoadedConfig {
	const config: RepoConfig = structuredClone(defaults);
	if (text === null || text.trim() === '') return { config, problems: [], source: text === null ? 'defaults' : 'file' };
	const lines = new LineCounter();
	const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
	if (doc.errors.length) {
		const e = doc.errors[0];
		return { config, source: 'file', problems: [{ line: e.linePos?.[0].line ?? null, key: '', message: `YAML syntax: ${firstLine(e.message)}` }] };
	}
	const root = doc.contents;
	if (root === null) return { config, problems: [], source: 'file' };
	if (!isMap(root)) return { config, source: 'file', problems: [{ line: lineOf(root, lines), key: '', message: 'The file must be a mapping of settings (key: value)' }] };

	const problems: ConfigProblem[] = [];
	const setters = settersFor(config);
	for (const pair of root.items) {
		const key = isScalar(pair.key) ? String(pair.key.value) : '';
		const line = lineOf((pair.key as Node) ?? root, lines);
		const set = setters[key];
		if (!set) {
			problems.push({ line, key, message: `Unknown setting "${key}". Known: ${Object.keys(setters).join(', ')}` });
			continue;
		}
		const value = pair.value && typeof (pair.value as Node).toJSON === 'function' ? (pair.value as Node).toJSON() : (pair.value ?? null);
		const problem = set(value);
		if (problem) problems.push({ line: lineOf((pair.value as Node) ?? (pair.key as Node), lines) ?? line, key, message: `${problem}; the default applies` });
	}
	return { config, problems, source: 'file' };
}

function settersFor(config: RepoConfig): Record<string, Setter> {
	return {
		reviewers: (v) => {
			if (!isRecord(v) || !Object.values(v).every((x) => typeof x === 'boolean')) return 'reviewers: must map reviewer names to true or false, e.g. "style: false"';
			config.reviewers = v as Record<string, boolean>;
			return null;
		},
		required_reviewers: (v) => {
			if (!isStringList(v)) return 'required_reviewers: must be a list of reviewer names, e.g. [security]';
			config.required = v;
			return null;
		},
		ignore: (v) => {
			if (!isStringList(v)) return 'ignore: must be a list of globs, e.g. ["dist/**", "**/*.snap"]';
			config.ignore = [...config.ignore, ...v];
			return null;
		},
		instructions: (v) => {
			const ok = Array.isArray(v) && v.every((x) => isRecord(x) && typeof x.path === 'string' && typeof x.text === 'string' && x.path && x.text);
			if (!ok) return 'instructions: must be a list of { path: <glob>, text: <instruction> }';
			config.instructions = (v as PathInstruction[]).map(({ path, text }) => ({ path, text }));
			return null;
		},
		min_confidence: (v) => {
			if (typeof v !== 'number' || !(v >= 0 && v <= 100)) return 'min_confidence: must be a number from 0 to 100';
			config.minConfidence = v;
			return null;
		},
		blocking_severity: (v) => {
			if (typeof v !== 'string' || !(SEVERITIES as readonly string[]).includes(v)) return `blocking_severity: must be one of ${SEVERITIES.join(', ')}`;
			config.blockingSeverity = v as Severity;
			return null;
		},
		max_tokens_per_reviewer: (v) => {
			if (!Number.isInteger(v) || (v as number) < 1000) return 'max_tokens_per_reviewer: must be a whole number of at least 1000';
			config.maxTokensPerReviewer = v as number;
			return null;
		},
		suggestion_max_lines: (v) => {
			if (!Number.isInteger(v) || (v as number) < 0) return 'suggestion_max_lines: must be a whole number (0 turns suggestions off)';
			config.suggestionMaxLines = v as number;
			return null;
		},
		comment_when_clean: (v) => {
			if (typeof v !== 'boolean') return 'comment_when_clean: must be true or false';
			config.commentWhenClean = v;
			return null;
		},
	};
}

/** The file's text from a contents API answer (`encoding: base64`), or null when there is none. */
export function decodeContents(answer: unknown): string | null {
	const a = answer as { type?: string; encoding?: string; content?: string } | null;
	if (!a || a.type !== 'file' || typeof a.content !== 'string') return null;
	return a.encoding === 'base64' ? Buffer.from(a.content.replace(/\n/g, ''), 'base64').toString('utf8') : a.content;
}

function lineOf(node: Node | null | undefined, lines: LineCounter): number | null {
	const offset = node?.range?.[0];
	return typeof offset === 'number' ? lines.linePos(offset).line : null;
}

const firstLine = (s: string) => s.split('\n', 1)[0];
const isRecord = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v);
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string' && x.trim() !== '');
