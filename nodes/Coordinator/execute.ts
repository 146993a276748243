/**
 * n8n glue for the Coordinator: all input items are one run's specialist results; the output
 * is one decision item paired with all of them.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';
import { createClaudeClient } from '../shared/claude/client.ts';
import { runCoordinator, type CoordinatorResult, type ModeChoice } from '../shared/coordinator/run-coordinator.ts';
import type { QuorumRule } from '../shared/coordinator/quorum.ts';
import type { Severity } from '../shared/coordinator/review-verdict.ts';
import { readSpecialistItems } from '../shared/coordinator/specialist-items.ts';
import { readBudgetGuard } from '../shared/n8n/budget-fields.ts';
import { readCallSettings, readCredentials } from '../shared/n8n/model-options.ts';
import { ParameterError } from '../shared/parameter-error.ts';
import { customOutputSchema } from '../shared/structured/output-schema.ts';

export async function executeCoordinator(ctx: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = ctx.getInputData();
	const pairedItem = items.map((_, item) => ({ item }));
	const continueOnFail = ctx.continueOnFail();
	let result: CoordinatorResult;
	try {
		const credentials = await readCredentials(ctx);
		const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
		const call = readCallSettings(ctx.getNodeParameter('tier', 0, 'deep') as string, options);
		result = await runCoordinator(
			createClaudeClient(credentials),
			{
				mode: readMode(ctx),
				outcomes: readSpecialistItems(items.map((i) => i.json)),
				quorum: readQuorum(ctx),
				synthesis: ctx.getNodeParameter('synthesis', 0, 'model') as 'model' | 'rules',
				context: ctx.getNodeParameter('context', 0, {}) as IDataObject,
				selection: call.selection,
				blockingSeverity: ctx.getNodeParameter('blockingSeverity', 0, 'critical') as Severity,
				topN: ctx.getNodeParameter('topN', 0, 10) as number,
			},
			{ ...call, maxTokens: options.maxTokens === undefined ? 8192 : call.maxTokens, secrets: [credentials.apiKey, credentials.headerValue ?? ''] },
			{ signal: ctx.getExecutionCancelSignal?.(), budget: await readBudgetGuard(ctx, 0, call.prices, call.selection.tierModels) },
		);
	} catch (error) {
		if (!(error instanceof ParameterError)) throw new NodeOperationError(ctx.getNode(), error as Error);
		if (!continueOnFail) throw new NodeOperationError(ctx.getNode(), error.message);
		return [{ json: { status: 'failed', decision: null, error: { type: 'input', message: error.message } }, pairedItem }];
	}
	if (result.status !== 'success' && !continueOnFail) throw failure(ctx, result);
	return [{ json: result as unknown as IDataObject, pairedItem }];
}

function readMode(ctx: IExecuteFunctions): ModeChoice {
	const mode = ctx.getNodeParameter('mode', 0) as string;
	if (mode === 'incident' || mode === 'review' || mode === 'cost') return mode;
	if (mode !== 'custom') throw new ParameterError(`Mode: unknown mode "${mode}". Fix: choose Incident, PR Review, Cost or Custom`);
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

function failure(ctx: IExecuteFunctions, result: CoordinatorResult): Error {
	if (result.status === 'insufficient_evidence') {
		return new NodeOperationError(ctx.getNode(), `Not enough evidence to decide: ${result.error?.message}`, {
			description: 'Turn on "Continue On Fail" to output status "insufficient_evidence" instead, or lower the quorum.',
		});
	}
	const message = `Coordinator failed (${result.error?.type}): ${result.error?.message}`;
	return new NodeApiError(ctx.getNode(), { type: result.error?.type ?? 'unknown', message } as JsonObject, {
		message,
		description: `Model ${result.model}. Turn on "Continue On Fail" to get the failure as an item.`,
	});
}
