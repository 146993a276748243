/**
 * One coordinator decision: read the specialists' results, check the quorum, synthesise (with
 * the model, or in code where the mode allows), finalise in code, and account the whole run's
 * tokens, cost and wall time. Never throws for API failures: they become `status: "failed"`.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { redact } from '../claude/client.ts';
import { AgentError } from '../claude/errors.ts';
import type { RetryPolicy } from '../claude/retry.ts';
import { runStructured, type StructuredCallOptions } from '../claude/structured-call.ts';
import { addUsage, costOf, roundUsd, ZERO_USAGE, type PriceTable, type Usage } from '../models/prices.ts';
import { chooseModel, estimateTokens, type ModelSelection } from '../models/tiers.ts';
import { UNTRUSTED_DATA_RULE } from '../prompt/fence.ts';
import { taskInput, type RunContext } from '../specialist/prompt.ts';
import { zodOutputSchema, type OutputSchema } from '../structured/output-schema.ts';
import { COORDINATOR_MODES, type CoordinatorMode } from './modes.ts';
import { checkQuorum, type QuorumResult, type QuorumRule } from './quorum.ts';
import type { Severity } from './review-verdict.ts';
import type { SpecialistOutcome } from './specialist-items.ts';

export type ModeChoice = CoordinatorMode['id'] | { custom: { prompt: string; schema: OutputSchema } };

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

export interface CoordinatorSettings {
	maxTokens: number;
	temperature: number;
	cache: boolean;
	timeoutMs: number;
	retry: RetryPolicy;
	prices: PriceTable;
	secrets: string[];
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
	model: string | null;
	tier: string | null;
	cost: { specialists: CostLine[]; coordinator: CostLine & { attempts: number; repairs: number; durationMs: number }; total: { usage: Usage; costUsd: number } };
	wallMs: number | null;
	error?: { type: string; message: string };
}

export async function runCoordinator(
	client: Anthropic,
	task: CoordinatorTask,
	settings: CoordinatorSettings,
	callOptions: Pick<StructuredCallOptions, 'signal' | 'onRetry' | 'budget'> = {},
): Promise<CoordinatorResult> {
	const started = performance.now();
	const quorum = checkQuorum(task.outcomes, task.quorum);
	const mode = typeof task.mode === 'string' ? COORDINATOR_MODES[task.mode] : undefined;
	const schema = mode ? zodOutputSchema(mode.schema) : (task.mode as { custom: { schema: OutputSchema } }).custom.schema;
	const input = synthesisInput(quorum, task.context);
	const useModel = !(task.synthesis === 'rules' && mode?.rulesOnly);
	const choice = useModel ? chooseModel(task.selection, { defaultTier: 'deep', complexity: 'high' }, estimateTokens(input)) : null;
	const spent = { usage: ZERO_USAGE, attempts: 0, repairs: 0, model: choice?.model };

	const result = (status: CoordinatorResult['status'], decision: CoordinatorResult['decision'], error?: AgentError): CoordinatorResult => {
		const durationMs = Math.round(performance.now() - started);
		const specialists = task.outcomes.map((o) => ({ agent: o.agent, model: o.model, usage: o.usage ?? ZERO_USAGE, costUsd: o.costUsd ?? null }));
		const coordinator = {
			agent: 'coordinator',
			model: spent.model,
			usage: spent.usage,
			costUsd: spent.model ? costOf(spent.usage, spent.model, settings.prices) : 0,
			attempts: spent.attempts,
			repairs: spent.repairs,
			durationMs,
		};
		const all = [...specialists, coordinator];
		return {
			mode: mode?.id ?? 'custom',
			status,
			decision,
			basedOn: {
				succeeded: quorum.survivors.length,
				total: quorum.total,
				required: quorum.required,
				missing: quorum.missing,
				note: quorum.note,
			},
			model: spent.model ?? null,
			tier: choice ? (spent.model === choice.model ? choice.tier : 'stepped-down') : null,
			cost: {
				specialists,
				coordinator,
				total: {
					usage: all.reduce((u, line) => addUsage(u, line.usage), ZERO_USAGE),
					costUsd: roundUsd(all.reduce((n, line) => n + (line.costUsd ?? 0), 0)),
				},
			},
			wallMs: runWallMs(task.outcomes, durationMs),
			...(error ? { error: { type: error.type, message: redact(error.message, settings.secrets) } } : {}),
		};
	};

	if (!quorum.met) {
		return result('insufficient_evidence', null, new AgentError('input', `Quorum not met: ${quorum.required} successful specialists needed, ${quorum.note}`));
	}
	const finalize = (value: unknown) =>
		mode ? mode.finalize(value, { quorum, blockingSeverity: task.blockingSeverity, topN: task.topN }) : (value as Record<string, unknown>);
	if (!useModel) return result('success', { ...finalize(mode!.rulesOnly!(quorum.survivors)), basedOn: quorum.note });

	try {
		const out = await runStructured(
			client,
			{
				model: choice!.model,
				instructions: instructions(mode, task.mode, schema),
				input,
				schema,
				maxTokens: settings.maxTokens,
				temperature: settings.temperature,
				cache: settings.cache,
			},
			{ timeoutMs: settings.timeoutMs, retry: settings.retry, ...callOptions },
		);
		spent.usage = out.usage;
		spent.attempts = out.attempts;
		spent.repairs = out.repairs;
		spent.model = out.model;
		return result('success', { ...finalize(out.value), basedOn: quorum.note });
	} catch (error) {
		const failure = error as AgentError & { usage?: Usage; attempts?: number; repairs?: number; model?: string };
		if (failure.model) spent.model = failure.model;
		spent.usage = failure.usage ?? ZERO_USAGE;
		spent.attempts = failure.attempts ?? 0;
		spent.repairs = failure.repairs ?? 0;
		return result('failed', null, failure instanceof AgentError ? failure : new AgentError('connection', String(failure)));
	}
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
