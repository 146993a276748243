/**
 * n8n glue for the Coordinator: all input items are one run's specialist results; the output
 * is one decision item paired with all of them. The item runner owns Continue On Fail.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { createClaudeClient } from '../shared/claude/client.ts';
import { AgentError } from '../shared/claude/errors.ts';
import { causeOf, redactedResponse } from '../shared/claude/failure-cause.ts';
import { noSpend } from '../shared/claude/spend.ts';
import { findMode } from '../shared/coordinator/modes.ts';
import { runCoordinator, runCost, type CoordinatorResult, type ModeChoice } from '../shared/coordinator/run-coordinator.ts';
import type { QuorumRule } from '../shared/coordinator/quorum.ts';
import type { Severity } from '../shared/coordinator/review-verdict.ts';
import { readSpecialistItems, specialistSpend } from '../shared/coordinator/specialist-items.ts';
import { readBudgetGuard } from '../shared/n8n/budget-fields.ts';
import { runForAllItems } from '../shared/n8n/item-runner.ts';
import { readAgentSettings, readCredentials } from '../shared/n8n/model-options.ts';
import { batchDispatcher, readRunMode, settingsForRunMode } from '../shared/n8n/run-mode-fields.ts';
import { ParameterError } from '../shared/parameter-error.ts';
import { customOutputSchema } from '../shared/structured/output-schema.ts';

export async function executeCoordinator(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return runForAllItems(
		ctx,
		async (items, signal) => {
			const credentials = await readCredentials(ctx);
			const runMode = readRunMode(ctx);
			const settings = settingsForRunMode(
				readAgentSettings({
					tier: ctx.getNodeParameter('tier', 0, 'deep') as string,
					effort: ctx.getNodeParameter('effort', 0, 'role'),
					options: ctx.getNodeParameter('options', 0, {}) as IDataObject,
					secrets: [credentials.apiKey, credentials.headerValue ?? ''],
				}),
				runMode,
			);
			const client = createClaudeClient(credentials);
			const result = await runCoordinator(
				client,
				{
					mode: readMode(ctx),
					outcomes: readSpecialistItems(items.map((i) => i.json)),
					quorum: readQuorum(ctx),
					synthesis: ctx.getNodeParameter('synthesis', 0, 'model') as 'model' | 'rules',
					context: ctx.getNodeParameter('context', 0, {}) as IDataObject,
					selection: settings.selection,
					blockingSeverity: ctx.getNodeParameter('blockingSeverity', 0, 'critical') as Severity,
					topN: ctx.getNodeParameter('topN', 0, 10) as number,
				},
				settings,
				{ signal, gate: await readBudgetGuard(ctx, 0, settings.prices, settings.selection.tierModels), batch: batchDispatcher(ctx, client, runMode) },
			);
			if (result.status !== 'success' && !ctx.continueOnFail()) throw failure(result, settings.secrets);
			return result as unknown as IDataObject;
		},
		{
			// A failure before the run (a bad parameter, odd items) still reports what the specialists spent.
			failureFields: () => ({ decision: null, cost: runCost(specialistSpend(ctx.getInputData().map((i) => i.json)), { agent: 'coordinator', ...noSpend(), attempts: 0, repairs: 0, durationMs: 0 }) as unknown as IDataObject }),
			describe: () => 'Turn on "Continue On Fail" to get the failure as an item (status "failed" or "insufficient_evidence"), or lower the quorum.',
		},
	);
}

function readMode(ctx: IExecuteFunctions): ModeChoice {
	const id = ctx.getNodeParameter('mode', 0) as string;
	const mode = findMode(id);
	if (mode) return mode.id;
	if (id !== 'custom') throw new ParameterError(`Mode: unknown mode "${id}". Fix: choose one of the listed modes or Custom`);
	const prompt = (ctx.getNodeParameter('systemPrompt', 0, '') as string).trim();
	if (!prompt) throw new ParameterError('Custom mode: "System Prompt" is empty. Fix: describe the decision the coordinator must make');
	return { custom: { prompt, schema: customOutputSchema(ctx.getNodeParameter('jsonSchema', 0, ''), 'Custom mode') } };
}

function readQuorum(ctx: IExecuteFunctions): QuorumRule {
	const kind = ctx.getNodeParameter('quorum', 0, 'majority') as string;
	if (kind === 'count') return { kind, value: ctx.getNodeParameter('quorumCount', 0, 3) as number };
	if (kind === 'share') return { kind, value: ctx.getNodeParameter('quorumShare', 0, 0.6) as number };
	return { kind: 'majority' };
}

/** Without Continue On Fail a decision that could not be made stops the node, saying why. */
function failure(result: CoordinatorResult, secrets: string[]): Error {
	if (result.status === 'insufficient_evidence') return new ParameterError(`Not enough evidence to decide: ${result.error?.message}`);
	const error = result.error ?? { type: 'server_error', message: 'unknown failure' };
	return new AgentError(error.type as AgentError['type'], `Coordinator failed (${error.type}): ${error.message}`, {
		requestId: error.request_id,
		httpResponse: redactedResponse(causeOf(result), secrets),
	});
}
