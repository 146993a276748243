/**
 * Runs one specialist on one input: prepares the input (log digest, chunking), picks the model,
 * calls Claude for structured findings and reports usage, cost and time. It never throws: a
 * failure is a result with `status: "failed"` and a typed error, so callers decide.
 */
import type Anthropic from '@anthropic-ai/sdk';
import pLimit from 'p-limit';
import { redact } from '../claude/client.ts';
import { AgentError } from '../claude/errors.ts';
import type { RetryPolicy } from '../claude/retry.ts';
import { runStructured, type StructuredCallOptions, type StructuredTask } from '../claude/structured-call.ts';
import { buildDigest, renderDigest } from '../digest/log-digest.ts';
import { billingBrief, type BillingFacts } from '../finops/focus.ts';
import { addUsage, costOf, ZERO_USAGE, type PriceTable, type Usage } from '../models/prices.ts';
import { chooseModel, estimateTokens, type ModelSelection } from '../models/tiers.ts';
import { splitIntoChunks } from '../prompt/chunks.ts';
import type { RoleInfo } from '../roles/index.ts';
import type { OutputSchema } from '../structured/output-schema.ts';
import { mergeInput, roleInstructions, taskInput, type RunContext } from './prompt.ts';

export interface SpecialistTask {
	/** The agent's name in outputs and metrics (defaults to the role id). */
	agent: string;
	role: RoleInfo;
	schema: OutputSchema;
	customPrompt?: string;
	input: string;
	context: RunContext;
	selection: ModelSelection;
}

export interface SpecialistSettings {
	maxTokens: number;
	temperature: number;
	cache: boolean;
	timeoutMs: number;
	retry: RetryPolicy;
	/** Inputs longer than this (characters) are analysed in chunks and merged. */
	chunkChars: number;
	/** Size budget of a rendered log digest (characters). */
	digestChars: number;
	/** Optional layout of log lines for the digest ("<Date> <Time> <Level> <Component>: <Content>"). */
	logFormat?: string;
	chunkConcurrency: number;
	prices: PriceTable;
	/** Strings that must never appear in a result (the API key). */
	secrets: string[];
}

export interface SpecialistResult {
	agent: string;
	role: string;
	model: string;
	tier: string;
	status: 'success' | 'failed';
	findings: unknown;
	usage: Usage;
	costUsd: number | null;
	durationMs: number;
	/** When the specialist started (ISO), so a coordinator can report the run's wall time. */
	startedAt: string;
	attempts: number;
	/** Replies that needed the schema repair round. */
	repairs: number;
	input: {
		chars: number;
		promptChars: number;
		chunks: number;
		logLines?: number;
		logTemplates?: number;
		/** Billing roles: the exact figures of the role's cloud, aggregated in code. */
		billing?: BillingFacts;
	};
	error?: { type: string; message: string };
}

/** Told when a specialist's model is known and when it finishes (metrics use it). */
export interface SpecialistObserver {
	started(model: string): void;
	finished(result: SpecialistResult): void;
}

export async function runSpecialist(
	client: Anthropic,
	task: SpecialistTask,
	settings: SpecialistSettings,
	callOptions: Pick<StructuredCallOptions, 'signal' | 'onRetry' | 'budget'> = {},
	observer?: SpecialistObserver,
): Promise<SpecialistResult> {
	const started = performance.now();
	const startedAt = new Date().toISOString();
	// Results of runs where no model is called are not reported to the observer (it counts agents and calls).
	const withoutCall = (info: SpecialistResult['input'], status: SpecialistResult['status'], findings: unknown, error?: AgentError) =>
		resultOf(task, { started, startedAt, info }, { status, findings, ...NO_CALL, ...(error ? { error: { type: error.type, message: error.message } } : {}) });
	let prepared: ReturnType<typeof prepareInput>;
	try {
		prepared = prepareInput(task, settings);
	} catch (error) {
		// Input that cannot be read (ParameterError says how to fix it): a failed result, no call.
		return withoutCall({ chars: task.input.length, promptChars: 0, chunks: 0 }, 'failed', null, new AgentError('input', (error as Error).message));
	}
	if (prepared.info.billing && prepared.info.billing.rows === 0) {
		// Nothing billed on this cloud: there is nothing to save, and nothing to ask a model.
		const findings = { summary: `No ${task.role.cloud?.toUpperCase()} rows in the billing data`, total_monthly_spend_usd: 0, recommendations: [] };
		return withoutCall(prepared.info, 'success', findings);
	}
	const choice = chooseModel(task.selection, task.role, estimateTokens(prepared.text));
	const spent = { usage: ZERO_USAGE, attempts: 0, repairs: 0, model: choice.model };
	observer?.started(choice.model);
	const result = (status: SpecialistResult['status'], findings: unknown, error?: AgentError): SpecialistResult => {
		const out = resultOf(task, { started, startedAt, info: prepared.info }, {
			status,
			findings,
			...spent,
			tier: spent.model === choice.model ? choice.tier : 'stepped-down',
			costUsd: costOf(spent.usage, spent.model, settings.prices),
			...(error ? { error: { type: error.type, message: redact(describe(error, spent.model), settings.secrets) } } : {}),
		});
		observer?.finished(out);
		return out;
	};

	const instructions = roleInstructions(task.role, task.customPrompt, task.schema.jsonSchema);
	const base: Omit<StructuredTask, 'input'> = {
		model: choice.model,
		instructions,
		schema: task.schema,
		maxTokens: settings.maxTokens,
		temperature: settings.temperature,
		cache: settings.cache,
	};
	const options: StructuredCallOptions = { timeoutMs: settings.timeoutMs, retry: settings.retry, ...callOptions };
	const call = async (input: string) => {
		try {
			const out = await runStructured(client, { ...base, model: spent.model, input }, options);
			spent.model = out.model;
			spent.usage = addUsage(spent.usage, out.usage);
			spent.attempts += out.attempts;
			spent.repairs += out.repairs;
			return out.value;
		} catch (error) {
			const failure = error as AgentError & { usage?: Usage; attempts?: number; repairs?: number; model?: string };
			if (failure.model) spent.model = failure.model;
			spent.usage = addUsage(spent.usage, failure.usage);
			spent.attempts += failure.attempts ?? 0;
			spent.repairs += failure.repairs ?? 0;
			throw failure;
		}
	};

	try {
		const source = task.role.inputField;
		if (prepared.chunks.length === 1) return result('success', await call(taskInput(source, prepared.chunks[0], task.context)));
		const limit = pLimit(settings.chunkConcurrency);
		const of = prepared.chunks.length;
		const partials = await Promise.all(
			prepared.chunks.map((chunk, i) => limit(() => call(taskInput(source, chunk, task.context, { index: i + 1, of })))),
		);
		return result('success', await call(mergeInput(source, partials, task.context)));
	} catch (error) {
		const failure = error instanceof AgentError ? error : new AgentError('connection', (error as Error).message);
		return result('failed', null, failure);
	}
}

/** What a run that called no model spent. */
const NO_CALL = { model: '', tier: 'none', usage: ZERO_USAGE, costUsd: 0, attempts: 0, repairs: 0 } as const;

type Outcome = Pick<SpecialistResult, 'status' | 'findings' | 'model' | 'tier' | 'usage' | 'costUsd' | 'attempts' | 'repairs' | 'error'>;

function resultOf(task: SpecialistTask, run: { started: number; startedAt: string; info: SpecialistResult['input'] }, outcome: Outcome): SpecialistResult {
	const { status, findings, model, tier, usage, costUsd, attempts, repairs, error } = outcome;
	return {
		agent: task.agent,
		role: task.role.id,
		model,
		tier,
		status,
		findings,
		usage,
		costUsd,
		durationMs: Math.round(performance.now() - run.started),
		startedAt: run.startedAt,
		attempts,
		repairs,
		input: run.info,
		...(error ? { error } : {}),
	};
}

/** Where a file starts in a unified diff. */
const DIFF_FILE = /^diff --git /;

function prepareInput(task: SpecialistTask, settings: SpecialistSettings) {
	const info: SpecialistResult['input'] = { chars: task.input.length, promptChars: 0, chunks: 1 };
	let text = task.input;
	if (task.role.inputKind === 'logs') {
		const digest = buildDigest(task.input, { format: settings.logFormat });
		text = renderDigest(digest, settings.digestChars);
		info.logLines = digest.lines;
		info.logTemplates = digest.templates.length;
	}
	if (task.role.inputKind === 'billing') {
		// The input is the shared FOCUS aggregate (Evidence Fetch) or a small export's text.
		const brief = billingBrief(task.input, task.role.cloud ?? 'all', settings.digestChars);
		text = brief.text;
		info.billing = brief.facts;
	}
	const chunks = splitIntoChunks(text, settings.chunkChars, task.role.inputKind === 'diff' ? DIFF_FILE : undefined);
	info.promptChars = text.length;
	info.chunks = chunks.length;
	return { text, chunks, info };
}

/** Adds the fix to errors a user can fix in the node. */
function describe(error: AgentError, model: string): string {
	if (error.type === 'not_found' && /model/i.test(error.message)) {
		return `${error.message}. Fix: model "${model}" was rejected; choose a tier or type a model id your key can use in "Model"`;
	}
	if (error.type === 'bad_request' && /model/i.test(error.message)) {
		return `${error.message}. Fix: check the model id "${model}" in "Model"`;
	}
	return error.message;
}
