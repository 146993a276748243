/**
 * Runs one specialist on one input: prepares the input (log digest, chunking), picks the model,
 * calls Claude for structured findings and reports usage, cost and time. It never throws: a
 * failure is a result with `status: "failed"` and a typed error, so callers decide.
 */
import type Anthropic from '@anthropic-ai/sdk';
import pLimit from 'p-limit';
import type { AgentSettings } from '../agent-settings.ts';
import { redact, type CallOptions } from '../claude/client.ts';
import { AgentError } from '../claude/errors.ts';
import { rememberCause } from '../claude/failure-cause.ts';
import { explainModelNotFound } from '../claude/model-not-found.ts';
import type { SpendGate } from '../claude/spend-gate.ts';
import { runStructured, type StructuredTask } from '../claude/structured-call.ts';
import { addSpend, emptySpend, type Spend } from '../claude/spend.ts';
import { buildDigest, renderDigest } from '../digest/log-digest.ts';
import { billingBrief, type BillingFacts } from '../finops/focus.ts';
import { maxTokensFor, resolveEffort } from '../models/effort.ts';
import { ZERO_USAGE, type Usage } from '../models/prices.ts';
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
	/** This member's model choice and effort (a team member can override the node's). */
	selection: ModelSelection;
	effort: AgentSettings['effort'];
}

export interface SpecialistResult {
	agent: string;
	role: string;
	model: string;
	tier: string;
	/** The effort sent (`output_config.effort`), or null when the model's default applied. */
	effort: string | null;
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
	/** Problems around billed replies that did not lose them (e.g. the budget could not be settled). */
	warnings?: string[];
	error?: { type: string; message: string; request_id?: string };
}

/** Told when a specialist's model is known and when it finishes (metrics use it). */
export interface SpecialistObserver {
	started(model: string): void;
	finished(result: SpecialistResult): void;
}

export interface RunHooks {
	signal?: AbortSignal;
	onRetry?: CallOptions['onRetry'];
	gate?: SpendGate;
	/** Run Mode "Batch": the execution's Message Batches dispatcher. */
	batch?: CallOptions['batch'];
}

export async function runSpecialist(
	client: Anthropic,
	task: SpecialistTask,
	settings: AgentSettings,
	hooks: RunHooks = {},
	observer?: SpecialistObserver,
): Promise<SpecialistResult> {
	const started = performance.now();
	const startedAt = new Date().toISOString();
	const finish = (info: SpecialistResult['input'], outcome: Outcome) => resultOf(task, { started, startedAt, info }, outcome, settings.secrets);
	let prepared: ReturnType<typeof prepareInput>;
	try {
		prepared = prepareInput(task, settings);
	} catch (error) {
		// Input that cannot be read (ParameterError says how to fix it): a failed result, no call.
		return finish({ chars: task.input.length, promptChars: 0, chunks: 0 }, { ...NO_CALL, status: 'failed', findings: null, error: new AgentError('input', (error as Error).message) });
	}
	if (prepared.info.billing && prepared.info.billing.rows === 0) {
		// Nothing billed on this cloud: there is nothing to save, and nothing to ask a model.
		const findings = { summary: `No ${task.role.cloud?.toUpperCase()} rows in the billing data`, total_monthly_spend_usd: 0, recommendations: [] };
		return finish(prepared.info, { ...NO_CALL, status: 'success', findings });
	}
	let choice: ReturnType<typeof chooseModel>;
	let effort: ReturnType<typeof resolveEffort>;
	try {
		choice = chooseModel(task.selection, task.role, estimateTokens(prepared.text));
		effort = resolveEffort(task.effort, task.role.defaultEffort, choice.model);
	} catch (error) {
		return finish(prepared.info, { ...NO_CALL, status: 'failed', findings: null, error: new AgentError('input', (error as Error).message) });
	}
	if (settings.deadline !== undefined && Date.now() >= settings.deadline) {
		return finish(prepared.info, { ...NO_CALL, status: 'failed', findings: null, error: new AgentError('deadline', "The run's deadline had passed before this specialist started; no call was made") });
	}
	observer?.started(choice.model);
	let spent = emptySpend(choice.model);
	const base: Omit<StructuredTask, 'input'> = {
		model: choice.model,
		instructions: roleInstructions(task.role, task.customPrompt, task.schema.jsonSchema),
		schema: task.schema,
		maxTokens: maxTokensFor(settings.maxTokens, effort, choice.model),
		effort,
		cache: settings.cache,
	};
	const options = { timeoutMs: settings.timeoutMs, deadline: settings.deadline, retry: settings.retry, prices: settings.prices, signal: hooks.signal, onRetry: hooks.onRetry, gate: hooks.gate, batch: hooks.batch };
	const call = async (input: string) => {
		const outcome = await runStructured(client, { ...base, model: spent.model, input }, options);
		spent = addSpend(spent, outcome.spend);
		if (!outcome.ok) throw outcome.error;
		return outcome.value;
	};
	const done = (status: SpecialistResult['status'], findings: unknown, error?: AgentError) => {
		const out = finish(prepared.info, {
			status,
			findings,
			spend: spent,
			tier: spent.model === choice.model ? choice.tier : 'stepped-down',
			effort: effort ?? null,
			error,
		});
		observer?.finished(out);
		return out;
	};

	try {
		const source = task.role.inputField;
		if (prepared.chunks.length === 1) return done('success', await call(taskInput(source, prepared.chunks[0], task.context)));
		const limit = pLimit(settings.chunkConcurrency);
		const of = prepared.chunks.length;
		const partials = await Promise.all(
			prepared.chunks.map((chunk, i) => limit(() => call(taskInput(source, chunk, task.context, { index: i + 1, of })))),
		);
		return done('success', await call(mergeInput(source, partials, task.context)));
	} catch (error) {
		const failure = error instanceof AgentError ? error : new AgentError('connection', (error as Error).message);
		return done('failed', null, await explainModelNotFound(client, failure, spent.model, options));
	}
}

/** What a run that called no model spent. */
const NO_CALL = { spend: emptySpend(''), tier: 'none', effort: null } as const;

interface Outcome {
	status: SpecialistResult['status'];
	findings: unknown;
	spend: Spend;
	tier: string;
	effort: string | null;
	error?: AgentError;
}

function resultOf(
	task: SpecialistTask,
	run: { started: number; startedAt: string; info: SpecialistResult['input'] },
	outcome: Outcome,
	secrets: string[],
): SpecialistResult {
	const { status, findings, spend, tier, effort, error } = outcome;
	const result: SpecialistResult = {
		agent: task.agent,
		role: task.role.id,
		model: spend.model,
		tier,
		effort,
		status,
		findings,
		usage: spend.usage ?? ZERO_USAGE,
		costUsd: spend.costUsd,
		durationMs: Math.round(performance.now() - run.started),
		startedAt: run.startedAt,
		attempts: spend.attempts,
		repairs: spend.repairs,
		input: run.info,
		...(spend.warnings.length ? { warnings: spend.warnings.map((w) => redact(w, secrets)) } : {}),
		...(error ? { error: redactError(error, secrets) } : {}),
	};
	return rememberCause(result, error);
}

function redactError(error: AgentError, secrets: string[]): NonNullable<SpecialistResult['error']> {
	return { type: error.type, message: redact(error.message, secrets), ...(error.requestId ? { request_id: error.requestId } : {}) };
}

/** Where a file starts in a unified diff. */
const DIFF_FILE = /^diff --git /;

function prepareInput(task: SpecialistTask, settings: AgentSettings) {
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
