/**
 * One structured task: the role's instructions (cached), the fenced data, a reply checked
 * against the schema, and one repair round that shows the model its validation error. It never
 * throws for a failed call: the outcome is a value that carries what was spent either way.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { Effort } from '../models/effort.ts';
import type { PriceTable } from '../models/prices.ts';
import { fence } from '../prompt/fence.ts';
import { parseReply, type OutputSchema } from '../structured/output-schema.ts';
import { countTokens, sendMessage, TransportFailure, type CallOptions, type ChatMessage, type ClaudeReply, type SystemBlock } from './client.ts';
import { AgentError } from './errors.ts';
import type { SpendGate, SpendHold } from './spend-gate.ts';
import { addReply, emptySpend, type Spend } from './spend.ts';

export type CacheTtl = '5m' | '1h';

export interface StructuredTask {
	model: string;
	/** Stable text: role instructions and output contract; cached when `cache` is set. */
	instructions: string;
	/** Per-run text: context and fenced data. */
	input: string;
	schema: OutputSchema;
	maxTokens: number;
	effort?: Effort;
	/** Prompt caching of the instructions, with its TTL; undefined = off. */
	cache?: CacheTtl;
}

export type StructuredOptions = CallOptions & {
	prices: PriceTable;
	/** A budget: reserve before each request, settle after it. */
	gate?: SpendGate;
};

export type StructuredOutcome = { ok: true; value: unknown; spend: Spend } | { ok: false; error: AgentError; spend: Spend };

type Ask = { ok: true; reply: ClaudeReply } | { ok: false; error: AgentError };

export async function runStructured(client: Anthropic, task: StructuredTask, options: StructuredOptions): Promise<StructuredOutcome> {
	const system: SystemBlock[] = [
		{ type: 'text', text: task.instructions, ...(task.cache ? { cache_control: cacheControl(task.cache) } : {}) },
	];
	const state = { spend: emptySpend(task.model) };
	const fail = (error: AgentError): StructuredOutcome => ({ ok: false, error, spend: state.spend });

	const first = await ask(client, task, system, [{ role: 'user', content: task.input }], options, state);
	if (!first.ok) return fail(first.error);
	const stopped = stopFailure(first.reply, task.maxTokens);
	if (stopped) return fail(stopped);
	const checked = parseReply(first.reply.text, task.schema);
	if (checked.ok) return { ok: true, value: checked.value, spend: state.spend };

	// One repair round, as a single user turn: the rejected reply travels as fenced data, so the
	// request never ends on (or replays) an assistant turn.
	state.spend = { ...state.spend, repairs: state.spend.repairs + 1 };
	const repair = [
		task.input,
		'',
		'Your previous reply to this task is below. It was rejected:',
		checked.error,
		fence('rejected-reply', first.reply.text),
		'Reply again with only the corrected JSON object that matches the required schema.',
	].join('\n');
	const second = await ask(client, task, system, [{ role: 'user', content: repair }], options, state);
	if (!second.ok) return fail(second.error);
	const stoppedAgain = stopFailure(second.reply, task.maxTokens);
	if (stoppedAgain) return fail(stoppedAgain);
	const rechecked = parseReply(second.reply.text, task.schema);
	if (rechecked.ok) return { ok: true, value: rechecked.value, spend: state.spend };
	return fail(
		new AgentError('invalid_output', `The model's reply did not match the output schema after one repair attempt: ${rechecked.error}`, {
			requestId: second.reply.requestId,
		}),
	);
}

function cacheControl(ttl: CacheTtl): { type: 'ephemeral'; ttl?: '1h' } {
	return ttl === '1h' ? { type: 'ephemeral', ttl: '1h' } : { type: 'ephemeral' };
}

/**
 * A billed reply that cannot be used, and why (https://platform.claude.com/docs/en/build-with-claude/handling-stop-reasons):
 * a refusal is final (no paid repair round), a context overflow names the fix, and a reply cut
 * at Max Tokens says whether thinking used it all.
 */
export function stopFailure(reply: ClaudeReply, maxTokens: number): AgentError | undefined {
	const requestId = reply.requestId;
	if (reply.stopReason === 'refusal') {
		const why = [reply.stopDetails?.category, reply.stopDetails?.explanation].filter(Boolean).join(': ');
		return new AgentError('refused', `The model declined this request${why ? ` (${why})` : ''}. The reply is billed and was not retried. Fix: review the input or the instructions`, { requestId });
	}
	if (reply.stopReason === 'model_context_window_exceeded') {
		return new AgentError('input_too_large', "The prompt and reply no longer fit the model's context window. Fix: lower \"Chunk Size\" or \"Digest Size\" so each request is smaller", { requestId });
	}
	if (reply.stopReason === 'max_tokens') {
		return reply.hasText
			? new AgentError('truncated', `The reply reached the Max Tokens limit (${maxTokens}) before it was complete. Fix: raise "Max Tokens" in the node options`, { requestId })
			: new AgentError('truncated', `Thinking used the whole Max Tokens (${maxTokens}) before any answer: raise Max Tokens or lower Effort`, { requestId });
	}
	return undefined;
}

async function ask(
	client: Anthropic,
	task: StructuredTask,
	system: SystemBlock[],
	messages: ChatMessage[],
	options: StructuredOptions,
	state: { spend: Spend },
): Promise<Ask> {
	let hold: SpendHold | undefined;
	if (options.gate) {
		const promptChars = JSON.stringify(task.schema.jsonSchema).length + system.reduce((n, b) => n + b.text.length, 0) + messages.reduce((n, m) => n + m.content.length, 0);
		const count = (model: string) => countTokens(client, { model, system, messages, outputSchema: task.schema.jsonSchema }, options);
		try {
			hold = await options.gate.reserve({ model: state.spend.model, promptChars, maxTokens: task.maxTokens, countTokens: count });
		} catch (error) {
			if (error instanceof AgentError) return { ok: false, error };
			return { ok: false, error: new AgentError('budget_unavailable', `The budget store could not be reached, so no call was made: ${(error as Error).message}. Fix: check the budget store (Redis credential or embedded ledger)`) };
		}
		state.spend = { ...state.spend, model: hold.model };
	}
	const model = state.spend.model;
	try {
		const reply = await sendMessage(client, { model, system, messages, maxTokens: task.maxTokens, effort: task.effort, outputSchema: task.schema.jsonSchema }, options);
		state.spend = addReply({ ...state.spend, attempts: state.spend.attempts + reply.attempts }, model, reply.usage, options.prices);
		if (hold) await settle(options.gate!, hold, reply.usage, state);
		return { ok: true, reply };
	} catch (error) {
		const failure = error instanceof TransportFailure ? error : new TransportFailure(new AgentError('connection', (error as Error).message), 1);
		state.spend = { ...state.spend, attempts: state.spend.attempts + failure.attempts };
		// Failed attempts are not billed: release the reservation.
		if (hold) await settle(options.gate!, hold, undefined, state);
		return { ok: false, error: failure.error };
	}
}

/** A billed reply is never lost because the budget store failed: the failure is recorded instead. */
async function settle(gate: SpendGate, hold: SpendHold, usage: ClaudeReply['usage'] | undefined, state: { spend: Spend }): Promise<void> {
	try {
		await gate.settle(hold, usage);
	} catch (error) {
		const what = usage ? 'the reply was kept and counted, but its cost is not yet in the budget' : 'its reservation is still held';
		state.spend = {
			...state.spend,
			warnings: [...state.spend.warnings, `budget_settle_failed: ${(error as Error).message}; ${what}; the budget retries settling when the store is back`],
		};
	}
}
