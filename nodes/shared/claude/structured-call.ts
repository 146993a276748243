/**
 * One structured task: the role's instructions (cached), the fenced data, a reply checked
 * against the schema, and one repair round that shows the model its validation error.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { addUsage, ZERO_USAGE, type Usage } from '../models/prices.ts';
import { parseReply, type OutputSchema } from '../structured/output-schema.ts';
import { AgentError } from './errors.ts';
import type { BudgetGuard } from '../budget/guard.ts';
import { sendMessage, type CallOptions, type ChatMessage, type SystemBlock } from './client.ts';

export interface StructuredTask {
	model: string;
	/** Stable text: role instructions and output contract; cached when `cache` is on. */
	instructions: string;
	/** Per-run text: context and fenced data. */
	input: string;
	schema: OutputSchema;
	maxTokens: number;
	temperature: number;
	cache: boolean;
}

export interface StructuredResult {
	value: unknown;
	usage: Usage;
	/** HTTP attempts across the first try, retries and the repair round. */
	attempts: number;
	/** Repair rounds used (0 or 1). */
	repairs: number;
	/** The model that answered: the task's, or a cheaper one the budget stepped down to. */
	model: string;
}

type Accounting = { usage: Usage; attempts: number; repairs: number; model: string };

export type StructuredCallOptions = CallOptions & { budget?: BudgetGuard };

export async function runStructured(client: Anthropic, task: StructuredTask, options: StructuredCallOptions): Promise<StructuredResult> {
	const system: SystemBlock[] = [
		{ type: 'text', text: task.instructions, ...(task.cache ? { cache_control: { type: 'ephemeral' as const } } : {}) },
	];
	const acc: Accounting = { usage: ZERO_USAGE, attempts: 0, repairs: 0, model: task.model };
	const messages: ChatMessage[] = [{ role: 'user', content: task.input }];
	const first = await ask(client, task, system, messages, options, acc);
	const checked = parseReply(first, task.schema);
	if (checked.ok) return { value: checked.value, ...acc };
	acc.repairs = 1;

	messages.push(
		{ role: 'assistant', content: first },
		{
			role: 'user',
			content:
				`Your reply was rejected: ${checked.error}. ` +
				'Reply again with only the corrected JSON object that matches the required schema.',
		},
	);
	const second = await ask(client, task, system, messages, options, acc);
	const rechecked = parseReply(second, task.schema);
	if (rechecked.ok) return { value: rechecked.value, ...acc };
	throw withAccounting(
		new AgentError('invalid_output', `The model's reply did not match the output schema after one repair attempt: ${rechecked.error}`),
		acc,
	);
}

async function ask(
	client: Anthropic,
	task: StructuredTask,
	system: SystemBlock[],
	messages: ChatMessage[],
	options: StructuredCallOptions,
	acc: Accounting,
): Promise<string> {
	const promptChars = system.reduce((n, b) => n + b.text.length, 0) + messages.reduce((n, m) => n + m.content.length, 0);
	let hold: Awaited<ReturnType<BudgetGuard['reserve']>> | undefined;
	let settled: Usage | undefined;
	try {
		if (options.budget) {
			const count = (model: string) => countInputTokens(client, model, system, messages, task.schema.jsonSchema);
			hold = await options.budget.reserve(acc.model, promptChars, task.maxTokens, count);
			acc.model = hold.model;
		}
		const reply = await sendMessage(
			client,
			{ model: acc.model, system, messages: [...messages], maxTokens: task.maxTokens, temperature: task.temperature, outputSchema: task.schema.jsonSchema },
			options,
		);
		settled = reply.usage;
		acc.usage = addUsage(acc.usage, reply.usage);
		acc.attempts += reply.attempts;
		if (reply.stopReason === 'max_tokens') {
			throw new AgentError(
				'truncated',
				`The reply reached the Max Tokens limit (${task.maxTokens}) before it was complete. Fix: raise "Max Tokens" in the node options`,
			);
		}
		return reply.text;
	} catch (error) {
		const failure = error as AgentError & { attempts?: number };
		if (failure.attempts) acc.attempts += failure.attempts;
		throw withAccounting(failure, acc);
	} finally {
		// Failed attempts are not billed; a reply cut at max_tokens is.
		if (hold) await options.budget!.settle(hold, settled);
	}
}

async function countInputTokens(
	client: Anthropic,
	model: string,
	system: SystemBlock[],
	messages: ChatMessage[],
	schema: Record<string, unknown>,
): Promise<number> {
	const counted = await client.messages.countTokens({
		model,
		system,
		messages,
		output_config: { format: { type: 'json_schema', schema } },
	} as Parameters<Anthropic['messages']['countTokens']>[0]);
	return counted.input_tokens;
}

/** Failures still carry what was spent, so cost reports stay complete. */
function withAccounting(error: AgentError, acc: Accounting): AgentError & Accounting {
	return Object.assign(error, { usage: acc.usage, attempts: acc.attempts, repairs: acc.repairs, model: acc.model });
}
