/**
 * n8n glue for the Specialist Agent: parameters in, one task per (item, specialist), all run
 * concurrently under one limit, one output item per task. The item runner owns paired items
 * and Continue On Fail; a member that cannot run (an empty source, a bad schema) becomes its own
 * failed item and the rest of the team still runs.
 */
import pLimit from 'p-limit';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { AgentSettings } from '../shared/agent-settings.ts';
import { createClaudeClient } from '../shared/claude/client.ts';
import { AgentError } from '../shared/claude/errors.ts';
import { causeOf, redactedResponse } from '../shared/claude/failure-cause.ts';
import { noSpend } from '../shared/claude/spend.ts';
import { processMetrics, recordTask, tasksInItem } from '../shared/metrics/agent-metrics.ts';
import { parseEffortChoice } from '../shared/models/effort.ts';
import { readBudgetGuard } from '../shared/n8n/budget-fields.ts';
import { failedJson, runPerItem } from '../shared/n8n/item-runner.ts';
import { readAgentSettings, readCredentials } from '../shared/n8n/model-options.ts';
import { batchDispatcher, readRunMode, settingsForRunMode, type RunMode } from '../shared/n8n/run-mode-fields.ts';
import { ParameterError } from '../shared/parameter-error.ts';
import { findRole, type RoleInfo } from '../shared/roles/index.ts';
import { runSpecialist, type SpecialistObserver, type SpecialistResult, type SpecialistTask } from '../shared/specialist/run-specialist.ts';
import { customOutputSchema, zodOutputSchema } from '../shared/structured/output-schema.ts';

interface MemberParams {
	role: string;
	name?: string;
	input?: unknown;
	tier?: string;
	effort?: string;
	systemPrompt?: string;
	jsonSchema?: unknown;
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
	defaultEffort: 'medium',
	complexity: 'medium',
};

export async function executeSpecialists(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const credentials = await readCredentials(ctx);
	const client = createClaudeClient(credentials);
	const secrets = [credentials.apiKey, credentials.headerValue].filter((s): s is string => Boolean(s));
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const runMode = readRunMode(ctx);
	const batch = batchDispatcher(ctx, client, runMode);
	// One limit across every (item × specialist) call: n8n runs branches one after another, so
	// parallelism lives here. In Batch mode every call joins one batch: no limit.
	const concurrency = runMode.batch ? Number.POSITIVE_INFINITY : Number(options.maxConcurrency ?? 10) || 10;
	const limit = pLimit(concurrency);
	const observer = options.recordMetrics === true ? metricsObserver : undefined;
	const continueOnFail = ctx.continueOnFail();

	const [out] = await runPerItem(
		ctx,
		async (i, item, signal) => {
			const planned = await planItem(ctx, i, item.json, secrets, runMode);
			const problem = planned.members.find((m): m is { problem: IDataObject } => 'problem' in m);
			// Without Continue On Fail a member that cannot run stops the node before anything is paid for.
			if (problem && !continueOnFail) throw new ParameterError((problem.problem.error as { message: string }).message);
			const gate = await readBudgetGuard(ctx, i, planned.settings.prices, planned.settings.selection.tierModels);
			const run = { executionId: ctx.getExecutionId(), item: i };
			const results = await Promise.all(
				planned.members.map((member) =>
					limit(async (): Promise<IDataObject> => {
						if ('problem' in member) return { ...member.problem, run };
						const result = await runSpecialist(client, member.task, planned.settings, { signal, gate, batch }, observer);
						if (result.status === 'failed' && !continueOnFail) throw specialistFailure(result, secrets);
						return { ...(result as unknown as IDataObject), run, ...(observer ? { metricsRecorded: true } : {}) };
					}),
				),
			);
			return results;
		},
		{
			concurrency,
			failureFields: (i) => ({ agent: 'specialist', role: 'unknown', findings: null, ...noSpend(), run: { executionId: ctx.getExecutionId(), item: i } }),
			describe: () => 'Turn on "Continue On Fail" to get failed specialists as items instead.',
		},
	);
	return out;
}

/** Stops the node (Continue On Fail off) with the specialist named and its request id kept. */
function specialistFailure(result: SpecialistResult, secrets: string[]): AgentError {
	const error = result.error!;
	return new AgentError(error.type as AgentError['type'], `Specialist "${result.agent}" failed (${error.type}): ${error.message}`, {
		requestId: error.request_id,
		httpResponse: redactedResponse(causeOf(result), secrets),
	});
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

type PlannedMember = { task: SpecialistTask } | { problem: IDataObject };

async function planItem(ctx: IExecuteFunctions, i: number, json: IDataObject, secrets: string[], runMode: RunMode): Promise<{ settings: AgentSettings; members: PlannedMember[] }> {
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
	const settings = settingsForRunMode(
		readAgentSettings({
			tier: ctx.getNodeParameter('tier', i, 'role') as string,
			effort: ctx.getNodeParameter('effort', i, 'role'),
			options: ctx.getNodeParameter('options', i, {}) as IDataObject,
			secrets,
		}),
		runMode,
	);
	const context = ctx.getNodeParameter('context', i, {}) as SpecialistTask['context'];
	// Members with nothing to read are left out when asked (e.g. reviewers a review plan switched off).
	const skipEmpty = (ctx.getNodeParameter('options', i, {}) as IDataObject).skipWithoutInput === true;
	const running = skipEmpty ? members.filter((member) => !isEmpty(memberInput(member, json))) : members;
	return { settings, members: running.map((member, m) => planMember(member, m, json, settings, context)) };
}

/** One member's task, or its own failed item when only this member cannot run (a ParameterError). */
function planMember(member: MemberParams, m: number, json: IDataObject, settings: AgentSettings, context: SpecialistTask['context']): PlannedMember {
	const agent = member.name?.trim() || member.role;
	const planned = attempt(() => ({
		...resolveRole(member, m),
		agent,
		input: resolveInput(member, json, m),
		context,
		selection: member.tier && member.tier !== 'node' ? { ...settings.selection, tier: member.tier as 'auto' } : settings.selection,
		effort: member.effort && member.effort !== 'node' ? parseEffortChoice(member.effort, `${where(m)}: Effort`) : settings.effort,
	}));
	if (planned.ok) return { task: planned.value };
	return { problem: failedJson(planned.error, { agent, role: member.role, findings: null, ...noSpend() }) };
}

/** Runs `plan`, returning a ParameterError as a value; any other error propagates. */
function attempt<T>(plan: () => T): { ok: true; value: T } | { ok: false; error: ParameterError } {
	let outcome: { ok: true; value: T } | { ok: false; error: unknown };
	try {
		outcome = { ok: true, value: plan() };
	} catch (error) {
		outcome = { ok: false, error };
	}
	if (outcome.ok || outcome.error instanceof ParameterError) return outcome as { ok: true; value: T } | { ok: false; error: ParameterError };
	throw outcome.error;
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

/** The member's input: its own expression, else the role's input field of the item. */
function memberInput(member: MemberParams, json: IDataObject): unknown {
	const field = member.role === 'custom' ? CUSTOM_ROLE.inputField : (findRole(member.role)?.inputField ?? 'input');
	return isEmpty(member.input) ? json[field] : member.input;
}

function resolveInput(member: MemberParams, json: IDataObject, m: number): string {
	const field = member.role === 'custom' ? CUSTOM_ROLE.inputField : findRole(member.role)!.inputField;
	const given = memberInput(member, json);
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
