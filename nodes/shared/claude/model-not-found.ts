/**
 * A 404 for a model says which model; this adds which models the key CAN use, from
 * GET /v1/models, so the fix is one pick away.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { listModels, type CallOptions } from './client.ts';
import { AgentError } from './errors.ts';

export async function explainModelNotFound(client: Anthropic, error: AgentError, model: string, options: CallOptions): Promise<AgentError> {
	if (error.type !== 'model_not_found') return error;
	let available = '';
	try {
		const models = await listModels(client, { ...options, retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 } });
		available = models.length ? ` Models this key can use: ${models.map((m) => m.id).join(', ')}.` : '';
	} catch {
		available = ' (The list of models this key can use could not be read.)';
	}
	return error.withMessage(`${error.message}. Fix: model "${model}" is not available to this API key; choose a tier or a model ID the key can use.${available}`);
}
