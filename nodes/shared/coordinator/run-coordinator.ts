/**
 * One coordinator decision: read the specialists' results, check the quorum, synthesise (with
 * the model, or in code where the mode allows), finalise in code, and account the whole run's
 * tokens, cost and wall time. Never throws for API failures: they become `status: "failed"`.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { AgentSettings } from '../agent-settings.ts';
import { redact } from '../claude/client.ts';
import { AgentError } from '../claude/errors.ts';
import { rememberCause } from '../claude/failure-cause.ts';
import { explainModelNotFound } from '../claude/model-not-found.ts';
import { runStructured } from '../claude/structured-call.ts';
import { emptySpend, type Spend } from '../claude/spend.ts';
import { maxTokensFor, resolveEffort, type Effort } from '../models/effort.ts';
import { addUsage, roundUsd, ZERO_USAGE, type Usage } from '../models/prices.ts';
import { chooseModel, estimateTokens, type ModelSelection } from '../models/tiers.ts';
import { UNTRUSTED_DATA_RULE } from '../prompt/fence.ts';
import type { RunHooks } from '../specialist/run-specialist.ts';
import { taskInput, type RunContext } from '../specialist/prompt.ts';
import { zodOutputSchema, type OutputSchema } from '../structured/output-schema.ts';
import { COORDINATOR_MODES, type CoordinatorMode } from './modes.ts';
import { checkQuorum, type QuorumResult, type QuorumRule } from './quorum.ts';
import type { Severity } from './review-verdict.ts';
import type { SpecialistOutcome } from './specialist-items.ts';

export type ModeChoice = CoordinatorMode['id'] | { custom: { prompt: string; schema: OutputSchema } };

/** Coordinators weigh several reports: they think at medium effort unless told otherwise. */
export const COORDINATOR_EFFORT: Effort = 'medium';

export interface CoordinatorTask {
	mode: ModeChoice;
	outcomes: SpecialistOutcome[];
	quorum: QuorumRule;
	/** `rules`: decide in code from the specialists' findings (review and cost modes only). */
	synthesis: 'model' | 'rules';
	context: RunContext;
	selection: ModelSelection;
	blockingSeverity: Severity;
	topN: number;
}

export interface CostLine {
	agent: string;
	model?: string;
	usage: Usage;
	costUsd: number | null;
}

export interface CoordinatorResult {
	mode: string;
	status: 'success' | 'insufficient_evidence' | 'failed';
	decision: Record<string, unknown> | null;
	basedOn: Omit<QuorumResult, 'survivors' | 'met'> & { succeeded: number };
	/** `model`, or `rules` when the decision was made in code (asked for, or after the deadline). */
	decidedBy: 'model' | 'rules' | null;
	model: string | null;
	tier: string | null;
	effort: string | null;
	cost: { specialists: CostLine[]; coordinator: CostLine & { attempts: number; repairs: number; durationMs: number }; total: { usage: Usage; costUsd: number } };
	wallMs: number | null;
	warnings?: string[];
	error?: { type: string; message: string; request_id?: string };
}

/** What the whole run spent: each specialist's line, the coordinator's, and the total. */
export function runCost(outcomes: Array<Pick<SpecialistOutcome, 'agent' | 'model' | 'usage' | 'costUsd'>>, coordinator: CoordinatorResult['cost']['coordinator']): CoordinatorResult['cost'] {
	const specialists = outcomes.map((o) => ({ agent: o.agent, model: o.model, usage: o.usage ?? ZERO_USAGE, costUsd: o.costUsd ?? null }));
	const all = [...specialists, coordinator];
	return {
		specialists,
		coordinator,
		total: { usage: all.reduce((u, line) => addUsage(u, line.usage), ZERO_USAGE), costUsd: roundUsd(all.reduce((n, line) => n + (line.costUsd ?? 0), 0)) },
	};
}

export async function runCoordinator(client: Anthropic, task: CoordinatorTask, settings: AgentSettings, hooks: RunHooks = {}): Promise<CoordinatorResult> {
	const started = performance.now();
	const quorum = checkQuorum(task.outcomes, task.quorum);
	const mode = typeof task.mode === 'string' ? COORDINATOR_MODES[task.mode] : undefined;
	const schema = mode ? zodOutputSchema(mode.schema) : (task.mode as { custom: { schema: OutputSchema } }).custom.schema;
	const input = synthesisInput(quorum, task.context);
	const pastDeadline = () => settings.deadline !== undefined && Date.now() >= settings.deadline;
	const rulesAsked = task.synthesis === 'rules' && Boolean(mode?.rulesOnly);
	const choice = rulesAsked ? null : chooseModel(task.selection, { defaultTier: 'deep', complexity: 'high' }, estimateTokens(input));
	const effort = choice ? resolveEffort(settings.effort, COORDINATOR_EFFORT, choice.model) : undefined;
	let spent: Spend = emptySpend(choice?.model ?? '');

	const result = (status: CoordinatorResult['status'], decision: CoordinatorResult['decision'], decidedBy: CoordinatorResult['decidedBy'], error?: AgentError): CoordinatorResult => {
		const durationMs = Math.round(performance.now() - started);
		const coordinator = {
			agent: 'coordinator',
			model: spent.model || undefined,
			usage: spent.usage,
			costUsd: spent.costUsd,
			attempts: spent.attempts,
			repairs: spent.repairs,
			durationMs,
		};
		const called = spent.attempts > 0;
		return rememberCause<CoordinatorResult>({
			mode: mode?.id ?? 'custom',
			status,
			decision,
			basedOn: { succeeded: quorum.survivors.length, total: quorum.total, required: quorum.required, missing: quorum.missing, note: quorum.note },
			decidedBy,
			model: called ? spent.model : null,
			tier: called && choice ? (spent.model === choice.model ? choice.tier : 'stepped-down') : null,
			effort: called ? (effort ?? null) : null,
			cost: runCost(task.outcomes, coordinator),
			wallMs: runWallMs(task.outcomes, durationMs),
			...(spent.warnings.length ? { warnings: spent.warnings.map((w) => redact(w, settings.secrets)) } : {}),
			...(error ? { error: { type: error.type, message: redact(error.message, settings.secrets), ...(error.requestId ? { request_id: error.requestId } : {}) } } : {}),
		}, error);
	};

	if (!quorum.met) {
		return result('insufficient_evidence', null, null, new AgentError('input', `Quorum not met: ${quorum.required} successful specialists needed, ${quorum.note}`));
	}
	const finalize = (value: unknown) =>
		mode ? mode.finalize(value, { quorum, blockingSeverity: task.blockingSeverity, topN: task.topN }) : (value as Record<string, unknown>);
	const byRules = (note?: string) => result('success', { ...finalize(mode!.rulesOnly!(quorum.survivors)), basedOn: quorum.note, ...(note ? { note } : {}) }, 'rules');
	if (rulesAsked) return byRules();
	// Past the deadline: decide with what we have when the mode can, else fail cleanly.
	const deadlineFailure = new AgentError('deadline', "The run's deadline passed before the coordinator could ask the model; no call was made");
	if (pastDeadline()) return mode?.rulesOnly ? byRules(`Decided in code: ${deadlineFailure.message}`) : result('failed', null, null, deadlineFailure);

	const outcome = await runStructured(
		client,
		{
			model: choice!.model,
			instructions: instructions(mode, task.mode, schema),
			input,
			schema,
			maxTokens: maxTokensFor(settings.maxTokens, effort, choice!.model),
			effort,
			cache: settings.cache,
		},
		{ timeoutMs: settings.timeoutMs, deadline: settings.deadline, retry: settings.retry, prices: settings.prices, signal: hooks.signal, onRetry: hooks.onRetry, gate: hooks.gate, batch: hooks.batch },
	);
	spent = outcome.spend;
	if (outcome.ok) return result('success', { ...finalize(outcome.value), basedOn: quorum.note }, 'model');
	if (outcome.error.type === 'deadline' && mode?.rulesOnly) return byRules(`Decided in code: ${outcome.error.message}`);
	const options = { timeoutMs: settings.timeoutMs, deadline: settings.deadline, signal: hooks.signal };
	return result('failed', null, null, await explainModelNotFound(client, outcome.error, spent.model, options));
}

function instructions(mode: CoordinatorMode | undefined, choice: ModeChoice, schema: OutputSchema): string {
	const brief = mode ? mode.brief.join('\n') : (choice as { custom: { prompt: string } }).custom.prompt;
	return [brief, '', UNTRUSTED_DATA_RULE, 'Reply with one JSON object only, matching this JSON schema:', JSON.stringify(schema.jsonSchema)].join('\n');
}

/** The same context lines and fencing as a specialist's input, plus who was heard. */
function synthesisInput(quorum: QuorumResult, context: RunContext): string {
	const reports = quorum.survivors.map((s) => ({ agent: s.agent, role: s.role, findings: s.findings, ...(s.input?.billing ? { billing: s.input.billing } : {}) }));
	const notes = [context.notes, `Specialists: ${quorum.note}.`].filter(Boolean).join(' ');
	return taskInput('specialist-findings', JSON.stringify(reports), { ...context, notes });
}

/** From the first specialist's start to now, when the specialists say when they started. */
function runWallMs(outcomes: SpecialistOutcome[], coordinatorMs: number): number | null {
	const starts = outcomes.map((o) => Date.parse(o.startedAt ?? '')).filter(Number.isFinite);
	if (starts.length === 0) return null;
	return Math.max(coordinatorMs, Date.now() - Math.min(...starts));
}
