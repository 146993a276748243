/**
 * n8n glue for the Specialist Agent: parameters in, one task per (item, specialist), all run
 * concurrently under one limit, one output item per task with pairedItem. Failures follow
 * n8n's rules: with "continue on fail" a failed item; without, a NodeApiError naming the agent.
 */
import { ParameterError } from '../shared/parameter-error.ts';
import pLimit from 'p-limit';
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';
import { createClaudeClient } from '../shared/claude/client.ts';
import type { BudgetGuard } from '../shared/budget/guard.ts';
import { processMetrics, recordTask, tasksInItem } from '../shared/metrics/agent-metrics.ts';
import { readBudgetGuard } from '../shared/n8n/budget-fields.ts';
import { readCallSettings, readCredentials } from '../shared/n8n/model-options.ts';
import { findRole, type RoleInfo } from '../shared/roles/index.ts';
import {
	runSpecialist,
	type SpecialistObserver,
	type SpecialistResult,
	type SpecialistSettings,
	type SpecialistTask,
} from '../shared/specialist/run-specialist.ts';
import { customOutputSchema, zodOutputSchema } from '../shared/structured/output-schema.ts';

interface MemberParams {
	role: string;
	name?: string;
	input?: unknown;
	tier?: string;
	systemPrompt?: string;
	jsonSchema?: unknown;
}

interface Planned {
	itemIndex: number;
	task?: SpecialistTask;
	settings?: SpecialistSettings;
	budget?: BudgetGuard;
	/** A parameter problem found before any call. */
	problem?: { agent: string; role: string; message: string };
}

const CUSTOM_ROLE: RoleInfo = {
	id: 'custom',
	name: 'Custom Specialist',
	family: 'custom',
	description: 'A specialist defined by its own prompt and schema',
	mustFind: [],
	inputField: 'input',
	inputKind: 'text',
	defaultTier: 'balanced',
	complexity: 'medium',
};

export async function executeSpecialists(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = ctx.getInputData();
	const credentials = await readCredentials(ctx);
	const client = createClaudeClient(credentials);
	const secrets = [credentials.apiKey, credentials.headerValue].filter((s): s is string => Boolean(s));
	const continueOnFail = ctx.continueOnFail();

	const planned: Planned[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			planned.push(...(await planItem(ctx, i, items[i].json, secrets)));
		} catch (error) {
			if (!continueOnFail) throw asNodeError(ctx, error, i);
			planned.push({ itemIndex: i, problem: { agent: 'specialist', role: 'unknown', message: (error as Error).message } });
		}
	}

	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const limit = pLimit(Number(options.maxConcurrency ?? 10) || 10);
	const observer = options.recordMetrics === true ? metricsObserver : undefined;
	// One controller stops every call: a cancelled execution, or the first failure when the
	// node is going to fail anyway (no point paying for calls whose results are discarded).
	const stop = new AbortController();
	const cancel = ctx.getExecutionCancelSignal?.();
	const onCancel = () => stop.abort();
	cancel?.addEventListener('abort', onCancel);
	if (cancel?.aborted) stop.abort();

	try {
		const results = await Promise.all(
			planned.map((plan) =>
				limit(async (): Promise<SpecialistResult | NonNullable<Planned["problem"]>> => {
					if (plan.problem) return plan.problem;
					const result = await runSpecialist(client, plan.task!, plan.settings!, { signal: stop.signal, budget: plan.budget }, observer);
					if (result.status === 'failed' && !continueOnFail) stop.abort();
					return result;
				}),
			),
		);
		if (!continueOnFail) throwFirstFailure(ctx, planned, results as SpecialistResult[]);
		return results.map((result, n) => ({
			json: { ...toJson(result, ctx, planned[n].itemIndex), ...(observer && 'status' in result ? { metricsRecorded: true } : {}) },
			pairedItem: { item: planned[n].itemIndex },
		}));
	} finally {
		cancel?.removeEventListener('abort', onCancel);
	}
}

/** Counts calls in this process's agent metrics while they run (active agents) and when done. */
const metricsObserver: SpecialistObserver = {
	started(model) {
		processMetrics.active.inc({ model });
	},
	finished(result) {
		processMetrics.active.dec({ model: result.model });
		for (const task of tasksInItem(result as unknown as IDataObject) ?? []) recordTask(processMetrics, task);
	},
};

async function planItem(ctx: IExecuteFunctions, i: number, json: IDataObject, secrets: string[]): Promise<Planned[]> {
	const mode = ctx.getNodeParameter('mode', i) as string;
	const members: MemberParams[] =
		mode === 'single'
			? [
					{
						role: ctx.getNodeParameter('role', i) as string,
						input: ctx.getNodeParameter('input', i, '') as unknown,
						systemPrompt: ctx.getNodeParameter('systemPrompt', i, '') as string,
						jsonSchema: ctx.getNodeParameter('jsonSchema', i, '') as unknown,
					},
				]
			: (((ctx.getNodeParameter('specialists', i, {}) as IDataObject).specialist as MemberParams[] | undefined) ?? []);
	if (members.length === 0) {
		throw new ParameterError('Specialists: the team is empty. Fix: add at least one specialist under "Specialists"');
	}
	const tier = ctx.getNodeParameter('tier', i, 'role') as string;
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	const context = ctx.getNodeParameter('context', i, {}) as IDataObject;
	const call = readCallSettings(tier, options);
	const settings: SpecialistSettings = {
		...call,
		chunkChars: Number(options.chunkChars ?? 200_000),
		digestChars: Number(options.digestChars ?? 60_000),
		logFormat: typeof options.logFormat === 'string' && options.logFormat.trim() ? options.logFormat : undefined,
		chunkConcurrency: 4,
		secrets,
	};
	const budget = await readBudgetGuard(ctx, i, call.prices, call.selection.tierModels);
	return members.map((member, m) => ({
		itemIndex: i,
		settings,
		budget,
		task: {
			...resolveRole(member, m),
			agent: member.name?.trim() || member.role,
			input: resolveInput(member, json, m),
			context: context as SpecialistTask['context'],
			selection: member.tier && member.tier !== 'node' ? { ...call.selection, tier: member.tier as 'auto' } : call.selection,
		},
	}));
}

function where(m: number): string {
	return `Specialist ${m + 1}`;
}

function resolveRole(member: MemberParams, m: number): Pick<SpecialistTask, 'role' | 'schema' | 'customPrompt'> {
	if (member.role === 'custom') {
		if (!member.systemPrompt?.trim()) {
			throw new ParameterError(`${where(m)} (custom): "System Prompt" is empty. Fix: describe what the specialist must find`);
		}
		const schema = customOutputSchema(member.jsonSchema, `${where(m)} (custom)`);
		return { role: CUSTOM_ROLE, schema, customPrompt: member.systemPrompt };
	}
	const role = findRole(member.role);
	if (!role) {
		throw new ParameterError(`${where(m)}: unknown role "${member.role}". Fix: pick a role from the list (e.g. incident.logs) or "custom"`);
	}
	return { role, schema: zodOutputSchema(role.schema) };
}

function resolveInput(member: MemberParams, json: IDataObject, m: number): string {
	const field = member.role === 'custom' ? CUSTOM_ROLE.inputField : findRole(member.role)!.inputField;
	const given = isEmpty(member.input) ? json[field] : member.input;
	if (isEmpty(given)) {
		throw new ParameterError(
			`${where(m)} (${member.name || member.role}): the input is empty. Fix: set "Input" to an expression such as {{ $json.${field} }}, or send a non-empty "${field}" field`,
		);
	}
	return typeof given === 'string' ? given : JSON.stringify(given, null, 1);
}

function isEmpty(value: unknown): boolean {
	if (value === undefined || value === null) return true;
	if (typeof value === 'string') return value.trim() === '';
	if (Array.isArray(value)) return value.length === 0;
	if (typeof value === 'object') return Object.keys(value).length === 0;
	return false;
}

function toJson(result: SpecialistResult | NonNullable<Planned['problem']>, ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	if ('status' in result) return { ...result, run: { executionId: ctx.getExecutionId(), item: itemIndex } } as unknown as IDataObject;
	return {
		agent: result.agent,
		role: result.role,
		status: 'failed',
		findings: null,
		error: { type: 'input', message: result.message },
		run: { executionId: ctx.getExecutionId(), item: itemIndex },
	};
}

function throwFirstFailure(ctx: IExecuteFunctions, planned: Planned[], results: SpecialistResult[]): void {
	// The failure that caused the stop, not the calls it cancelled.
	const failed = results.findIndex((r) => r.status === 'failed' && r.error?.type !== 'cancelled');
	const index = failed >= 0 ? failed : results.findIndex((r) => r.status === 'failed');
	if (index < 0) return;
	const r = results[index];
	const message = `Specialist "${r.agent}" failed (${r.error!.type}): ${r.error!.message}`;
	throw new NodeApiError(ctx.getNode(), { type: r.error!.type, message } as JsonObject, {
		message,
		description: `Model ${r.model}, ${r.attempts} attempt(s). Turn on "Continue On Fail" to get failed specialists as items instead.`,
		itemIndex: planned[index].itemIndex,
	});
}

function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), (error as Error).message, { itemIndex });
}
