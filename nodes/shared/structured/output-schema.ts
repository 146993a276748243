/**
 * Structured output: a JSON schema the API constrains decoding to, and a validator that checks
 * the reply. Presets are zod schemas; custom roles bring a JSON schema checked by Ajv.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { z } from 'zod/v4';
import { parseJson } from '../json.ts';
import { ParameterError } from '../parameter-error.ts';

export type Validation = { ok: true; value: unknown } | { ok: false; error: string };

export interface OutputSchema {
	/** The schema sent as `output_config.format.schema` (API-supported subset). */
	jsonSchema: Record<string, unknown>;
	validate(value: unknown): Validation;
}

/** Keywords structured outputs do not accept; they are kept as hints in the description. */
const UNSUPPORTED = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minLength', 'maxLength', 'pattern', 'maxItems', 'format'];

/**
 * Makes a JSON schema acceptable to the API: every object closed (`additionalProperties: false`),
 * unsupported constraints moved into the description (the validator still enforces them).
 */
export function toApiSchema(schema: unknown): Record<string, unknown> {
	const walk = (node: unknown): unknown => {
		if (Array.isArray(node)) return node.map(walk);
		if (!node || typeof node !== 'object') return node;
		const out: Record<string, unknown> = {};
		const hints: string[] = [];
		for (const [key, value] of Object.entries(node)) {
			if (key === '$schema') continue;
			if (UNSUPPORTED.includes(key) && typeof value !== 'object') hints.push(`${key}: ${value}`);
			else if (key === 'minItems' && typeof value === 'number' && value > 1) hints.push(`minItems: ${value}`);
			else out[key] = key === 'properties' || key === '$defs' || key === 'definitions' ? walkMap(value) : walk(value);
		}
		if (out.type === 'object' || out.properties) out.additionalProperties = false;
		if (hints.length) out.description = [out.description, `(${hints.join(', ')})`].filter(Boolean).join(' ');
		return out;
	};
	const walkMap = (map: unknown) =>
		Object.fromEntries(Object.entries((map ?? {}) as Record<string, unknown>).map(([k, v]) => [k, walk(v)]));
	return walk(schema) as Record<string, unknown>;
}

export function zodOutputSchema(schema: z.ZodType): OutputSchema {
	const jsonSchema = toApiSchema(z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'output' }));
	return {
		jsonSchema,
		validate(value) {
			const result = schema.safeParse(value);
			if (result.success) return { ok: true, value: result.data };
			return { ok: false, error: result.error.issues.map((i) => `${pathOf(i.path)}: ${i.message}`).join('; ') };
		},
	};
}

const ajv = new Ajv({ allErrors: true, strict: false });

/**
 * A custom role's schema, given as JSON text. Throws an Error naming what is wrong, for the
 * node to report against the "Output JSON Schema" field.
 */
export function jsonOutputSchema(text: string): OutputSchema {
	const parsed = parseJson(text);
	if (!parsed.ok) throw new ParameterError(`is not valid JSON (${parsed.error})`);
	const schema = parsed.value;
	if (!schema || typeof schema !== 'object' || Array.isArray(schema)) throw new ParameterError('must be a JSON object');
	if ((schema as Record<string, unknown>).type !== 'object') {
		throw new ParameterError('must describe an object: set "type": "object" at the top level');
	}
	const check = compile(schema as Record<string, unknown>);
	if (typeof check === 'string') throw new ParameterError(`is not a valid JSON schema (${check})`);
	return {
		jsonSchema: toApiSchema(schema),
		validate(value) {
			if (check(value)) return { ok: true, value };
			return { ok: false, error: (check.errors ?? []).map(describeAjvError).join('; ') };
		},
	};
}

/** A validator, or why the schema cannot be compiled. */
function compile(schema: Record<string, unknown>): ValidateFunction | string {
	try {
		return ajv.compile(schema);
	} catch (error) {
		return (error as Error).message;
	}
}

/**
 * The "Output JSON Schema" field of a custom role or mode (JSON text, or an object when the
 * field held an expression), with errors that name the field and the fix.
 */
export function customOutputSchema(value: unknown, where: string): OutputSchema {
	const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
	let schema: OutputSchema | undefined;
	let problem = '';
	try {
		schema = jsonOutputSchema(text);
	} catch (error) {
		problem = (error as Error).message;
	}
	if (!schema) throw new ParameterError(`${where}: "Output JSON Schema" ${problem}. Fix: give a JSON schema of an object`);
	return schema;
}

function describeAjvError(error: ErrorObject): string {
	return `${error.instancePath || '(root)'}: ${error.message ?? 'invalid'}`;
}

function pathOf(path: PropertyKey[]): string {
	return path.length ? path.map(String).join('.') : '(root)';
}

/** Parses a model reply as JSON (tolerating a Markdown code fence) and validates it. */
export function parseReply(text: string, schema: OutputSchema): Validation {
	const trimmed = text.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/, '$1');
	const parsed = parseJson(trimmed);
	if (!parsed.ok) return { ok: false, error: `reply is not valid JSON (${parsed.error})` };
	return schema.validate(parsed.value);
}
