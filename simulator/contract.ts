/**
 * The documented request contract of the Claude API for the 5.5 models, as checks the
 * simulator runs before it answers. Each rule names the page it comes from; simulator/CONTRACT.md
 * lists them with the tests that pin them. Where the docs are silent the strict reading is
 * taken: refuse rather than accept.
 */
import { findModel, type ModelEntry } from '../nodes/shared/models/catalog.data.ts';
import { checkOutputSchema } from './schema-subset.ts';

export const API_VERSIONS = ['2023-06-01', '2026-10-21'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];

export interface Refusal {
	status: number;
	type: string;
	message: string;
	/** The rule that refused (see CONTRACT.md). */
	rule: string;
}

const DOCS = 'https://platform.claude.com/docs/en';
export const RULE_SOURCES: Record<string, string> = {
	'version-header': `${DOCS}/api/migration-2026-10-21`,
	'unknown-field': `${DOCS}/api/migration-2026-10-21`,
	'sampling-2026-10-21': `${DOCS}/api/migration-2026-10-21`,
	'sampling-2023-06-01': `${DOCS}/models/haiku-5-5/migration-guide`,
	prefill: `${DOCS}/models/sonnet-5-5/migration-guide`,
	'thinking-budget': `${DOCS}/models/opus-5-5/migration-guide`,
	'thinking-disabled': `${DOCS}/models/opus-5-5/migration-guide`,
	'forced-tool-choice': `${DOCS}/models/sonnet-5-5/whats-new-sonnet-5-5`,
	effort: `${DOCS}/build-with-claude/effort`,
	'output-schema': `${DOCS}/build-with-claude/structured-outputs`,
	'max-tokens': `${DOCS}/models/opus-5-5/overview`,
	model: `${DOCS}/api/errors`,
	messages: `${DOCS}/api/messages`,
	'cache-control': `${DOCS}/build-with-claude/prompt-caching`,
	'context-window': `${DOCS}/api/errors`,
	'request-size': `${DOCS}/api/errors`,
	'assistant-documents': `${DOCS}/api/migration-2026-10-21`,
	'user-citations': `${DOCS}/api/migration-2026-10-21`,
};

/** Top-level fields of POST /v1/messages (the SDK's MessageCreateParams). */
const MESSAGE_FIELDS = new Set([
	'model', 'max_tokens', 'messages', 'cache_control', 'container', 'diagnostics', 'inference_geo', 'metadata', 'output_config',
	'service_tier', 'speed', 'stop_sequences', 'stream', 'system', 'thinking', 'tool_choice', 'tools', 'user_profile_id', 'workspace_id',
]);
/** Top-level fields of POST /v1/messages/count_tokens (no max_tokens). */
const COUNT_FIELDS = new Set(['model', 'messages', 'cache_control', 'output_config', 'speed', 'system', 'thinking', 'tool_choice', 'tools']);
/** Under 2023-06-01 these were still fields; under 2026-10-21 they are extra inputs. */
const SAMPLING_FIELDS = ['temperature', 'top_p', 'top_k'] as const;

const invalid = (rule: string, message: string): Refusal => ({ status: 400, type: 'invalid_request_error', message, rule });

export function apiVersion(header: string | string[] | undefined): ApiVersion | Refusal {
	const value = Array.isArray(header) ? header[0] : header;
	if (!value) return invalid('version-header', 'anthropic-version: header is required');
	if (!(API_VERSIONS as readonly string[]).includes(value)) return invalid('version-header', `anthropic-version: "${value}" is not a valid version`);
	return value as ApiVersion;
}

export interface CheckContext {
	version: ApiVersion;
	/** Models the key can use. */
	models: readonly string[];
	/** Tokens in the prompt, as the simulator counts them. */
	promptTokens: number;
	/** `count_tokens` rather than a Messages request. */
	countOnly?: boolean;
}

/** The first rule a Messages (or count_tokens) body breaks, or undefined when the API would accept it. */
export function checkRequest(body: Record<string, unknown>, ctx: CheckContext): Refusal | undefined {
	const allowed = ctx.countOnly ? COUNT_FIELDS : MESSAGE_FIELDS;
	for (const field of SAMPLING_FIELDS) {
		if (field in body && ctx.version === '2026-10-21') return invalid('sampling-2026-10-21', `${field}: Extra inputs are not permitted`);
	}
	for (const field of Object.keys(body)) {
		if (!allowed.has(field) && !(SAMPLING_FIELDS as readonly string[]).includes(field)) return invalid('unknown-field', `${field}: Extra inputs are not permitted`);
	}
	if (typeof body.model !== 'string' || !body.model) return invalid('messages', 'model: Field required');
	const model = findModel(body.model);
	if (!model || !ctx.models.includes(body.model)) return { status: 404, type: 'not_found_error', message: `model: ${body.model}`, rule: 'model' };
	const sampling = checkSampling2023(body, model);
	if (sampling) return sampling;
	if (!ctx.countOnly) {
		const max = body.max_tokens;
		if (!Number.isInteger(max) || (max as number) < 1) return invalid('max-tokens', 'max_tokens: Input should be a valid integer greater than 0');
		if ((max as number) > model.maxOutputTokens) {
			return invalid('max-tokens', `max_tokens: ${max} > ${model.maxOutputTokens}, which is the maximum allowed number of output tokens for ${model.id}`);
		}
	}
	return (
		checkMessages(body.messages, ctx.version) ??
		checkSystem(body.system, body.messages) ??
		checkThinking(body.thinking, model) ??
		checkToolChoice(body.tool_choice, model) ??
		checkOutputConfig(body.output_config, model) ??
		checkContextWindow(ctx.promptTokens, model)
	);
}

/** 2023-06-01: the 5.5 models refuse non-default sampling values; the default temperature (1) alone passes. */
function checkSampling2023(body: Record<string, unknown>, model: ModelEntry): Refusal | undefined {
	if (body.top_p !== undefined || body.top_k !== undefined) {
		return invalid('sampling-2023-06-01', `top_p and top_k are not supported on ${model.id}; remove them`);
	}
	if (body.temperature !== undefined && body.temperature !== 1) {
		return invalid('sampling-2023-06-01', `temperature: only the default value is supported on ${model.id}; remove it`);
	}
	return undefined;
}

function checkMessages(messages: unknown, version: ApiVersion): Refusal | undefined {
	if (!Array.isArray(messages) || messages.length === 0) return invalid('messages', 'messages: at least one message is required');
	for (const [i, m] of messages.entries()) {
		const role = (m as { role?: unknown })?.role;
		if (role !== 'user' && role !== 'assistant') return invalid('messages', `messages.${i}.role: Input should be 'user' or 'assistant'`);
		const content = (m as { content?: unknown }).content;
		if (typeof content !== 'string' && !Array.isArray(content)) return invalid('messages', `messages.${i}.content: Input should be a valid string or list`);
		if (Array.isArray(content) && version === '2026-10-21') {
			for (const block of content as Array<Record<string, unknown>>) {
				if (role === 'assistant' && block?.type === 'document') return invalid('assistant-documents', `messages.${i}: document blocks are not allowed in assistant messages`);
				if (role === 'user' && block?.type === 'text' && Array.isArray(block.citations) && block.citations.length) {
					return invalid('user-citations', `messages.${i}: citations on text blocks in user messages are not supported`);
				}
			}
		}
	}
	if ((messages.at(-1) as { role: string }).role === 'assistant') {
		return invalid('prefill', 'This model does not support assistant message prefill. The conversation must end with a user message.');
	}
	return undefined;
}

/** cache_control: ephemeral, TTL 5m or 1h, at most 4 breakpoints per request. */
function checkSystem(system: unknown, messages: unknown): Refusal | undefined {
	if (system !== undefined && typeof system !== 'string') {
		if (!Array.isArray(system)) return invalid('messages', 'system: Input should be a valid string or list of text blocks');
		for (const [i, block] of (system as Array<Record<string, unknown>>).entries()) {
			if (block?.type !== 'text' || typeof block.text !== 'string') return invalid('messages', `system.${i}: Input should be a text block`);
		}
	}
	const marks = [...(Array.isArray(system) ? system : []), ...(Array.isArray(messages) ? messages.flatMap((m) => (Array.isArray(m.content) ? m.content : [])) : [])]
		.map((b: Record<string, unknown>) => b?.cache_control)
		.filter((c) => c !== undefined && c !== null) as Array<Record<string, unknown>>;
	for (const mark of marks) {
		if (mark.type !== 'ephemeral') return invalid('cache-control', 'cache_control.type: Input should be \'ephemeral\'');
		if (mark.ttl !== undefined && mark.ttl !== '5m' && mark.ttl !== '1h') return invalid('cache-control', "cache_control.ttl: Input should be '5m' or '1h'");
		const extra = Object.keys(mark).find((k) => k !== 'type' && k !== 'ttl');
		if (extra) return invalid('cache-control', `cache_control.${extra}: Extra inputs are not permitted`);
	}
	if (marks.length > 4) return invalid('cache-control', `A maximum of 4 blocks with cache_control may be provided. Found ${marks.length}.`);
	return undefined;
}

function checkThinking(thinking: unknown, model: ModelEntry): Refusal | undefined {
	if (thinking === undefined) return undefined;
	const type = (thinking as { type?: unknown })?.type;
	if (type === 'adaptive') return undefined;
	if (type === 'enabled') return invalid('thinking-budget', '"thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.');
	// Opus 5.5 and Sonnet 5.5 document the refusal; Haiku 5.5's pages are silent, so the strict reading refuses it too.
	if (type === 'disabled') return invalid('thinking-disabled', `"thinking.type.disabled" is not supported for ${model.id}. Use "output_config.effort" to control thinking.`);
	return invalid('thinking-budget', "thinking.type: Input should be 'adaptive', 'enabled' or 'disabled'");
}

function checkToolChoice(choice: unknown, model: ModelEntry): Refusal | undefined {
	const type = (choice as { type?: unknown } | undefined)?.type;
	if (model.refusesForcedToolChoice && (type === 'tool' || type === 'any')) {
		return invalid('forced-tool-choice', `tool_choice.type "${type}" (forced tool use) is not supported for ${model.id}; use "auto" or structured outputs`);
	}
	return undefined;
}

function checkOutputConfig(config: unknown, model: ModelEntry): Refusal | undefined {
	if (config === undefined) return undefined;
	if (!config || typeof config !== 'object') return invalid('effort', 'output_config: Input should be an object');
	const { effort, format, ...rest } = config as Record<string, unknown>;
	const extra = Object.keys(rest)[0];
	if (extra) return invalid('unknown-field', `output_config.${extra}: Extra inputs are not permitted`);
	if (effort !== undefined && effort !== null && !model.efforts.includes(effort as never)) {
		return invalid('effort', `output_config.effort: Input should be ${model.efforts.map((e) => `'${e}'`).join(', ')}`);
	}
	if (format !== undefined && format !== null) {
		const f = format as Record<string, unknown>;
		if (f.type !== 'json_schema') return invalid('output-schema', "output_config.format.type: Input should be 'json_schema'");
		const problem = checkOutputSchema(f.schema);
		if (problem) return invalid('output-schema', `output_config.format.schema: ${problem}`);
	}
	return undefined;
}

function checkContextWindow(promptTokens: number, model: ModelEntry): Refusal | undefined {
	if (promptTokens > model.contextWindow) {
		return invalid('context-window', `prompt is too long: ${promptTokens} tokens > ${model.contextWindow} maximum`);
	}
	return undefined;
}

/** Messages requests over 32 MB are refused before they are read (api/errors: request size limits). */
export const MAX_REQUEST_BYTES = 32 * 1024 * 1024;
