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

/**
 * Structured outputs accept a subset of JSON Schema
 * (https://platform.claude.com/docs/en/build-with-claude/structured-outputs). Each other keyword
 * is decided here once:
 * - SENT as is: the subset the API decodes against;
 * - RELAXED: a constraint the API cannot enforce is left out of the schema sent (so the sent
 *   schema still allows every valid answer), kept as a hint in the description, and still
 *   enforced by our validator and its repair round;
 * - DROPPED: annotations that constrain nothing;
 * - REFUSED: keywords whose removal would change the shape of the answer; a custom schema that
 *   uses one is refused before any call, naming the keyword and the fix.
 */
export const SENT_KEYWORDS = new Set([
	'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const',
	'anyOf', 'allOf', '$ref', '$defs', 'definitions', 'description', 'title', 'format', 'minItems',
]);
/** String formats the API supports; other formats are relaxed. */
export const SUPPORTED_FORMATS = new Set(['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'uri', 'ipv4', 'ipv6', 'uuid']);
export const RELAXED_KEYWORDS = new Set([
	'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
	'minLength', 'maxLength', 'pattern', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties',
]);
export const DROPPED_KEYWORDS = new Set([
	'$schema', '$id', '$comment', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly',
	'contentEncoding', 'contentMediaType',
]);
/** Refused keywords and the fix each needs. */
export const REFUSED_KEYWORDS: Record<string, string> = {
	patternProperties: 'list the keys under "properties", or use an array of {"key", "value"} objects',
	propertyNames: 'list the keys under "properties"',
	prefixItems: 'use "items" with one schema for every element (an object per element if they differ)',
	contains: 'describe every element with "items"',
	minContains: 'describe every element with "items"',
	maxContains: 'describe every element with "items"',
	unevaluatedProperties: 'use "additionalProperties": false',
	unevaluatedItems: 'describe every element with "items"',
	dependentSchemas: 'make the dependent fields optional properties',
	dependentRequired: 'make the dependent fields optional properties',
	dependencies: 'make the dependent fields optional properties',
	if: 'use "anyOf" with one object schema per case',
	then: 'use "anyOf" with one object schema per case',
	else: 'use "anyOf" with one object schema per case',
	not: 'describe the allowed values positively (e.g. with "enum")',
	$dynamicRef: 'use "$ref" to a definition under "$defs"',
	$dynamicAnchor: 'use "$ref" to a definition under "$defs"',
	$anchor: 'use "$ref" to a definition under "$defs"',
	$recursiveRef: 'flatten the recursion to a fixed depth',
};

/** A problem with a custom schema: the keyword, where it is, and the fix. */
export interface SchemaRefusal {
	keyword: string;
	path: string;
	fix: string;
}

/** Finds what structured outputs would refuse in a schema: refused keywords, open maps, recursion, external refs. */
export function findRefusedKeywords(schema: unknown): SchemaRefusal[] {
	const out: SchemaRefusal[] = [];
	const walk = (node: unknown, path: string): void => {
		if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}/${i}`));
		if (!node || typeof node !== 'object') return;
		for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
			const at = `${path}/${key}`;
			if (key in REFUSED_KEYWORDS) out.push({ keyword: key, path: path || '/', fix: REFUSED_KEYWORDS[key] });
			else if (key === 'additionalProperties' && value !== false && value !== true) {
				out.push({ keyword: 'additionalProperties', path: path || '/', fix: 'objects must be closed ("additionalProperties": false): list the keys under "properties", or use an array of {"key", "value"} objects' });
			} else if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) {
				out.push({ keyword: '$ref', path: path || '/', fix: 'put the referenced schema under "$defs" and use "#/$defs/<name>"' });
			} else if (key === 'enum' && Array.isArray(value) && value.some((v) => v !== null && typeof v === 'object')) {
				out.push({ keyword: 'enum', path: path || '/', fix: 'enum values must be strings, numbers, booleans or null' });
			}
			if (key === 'properties' || key === '$defs' || key === 'definitions') {
				for (const [name, sub] of Object.entries((value ?? {}) as Record<string, unknown>)) walk(sub, `${at}/${name}`);
			} else if (value && typeof value === 'object' && key !== 'enum' && key !== 'const' && key !== 'required' && key !== 'examples' && key !== 'default') {
				walk(value, at);
			}
		}
	};
	walk(schema, '');
	const cycle = findRefCycle(schema);
	if (cycle) out.push({ keyword: '$ref', path: cycle, fix: 'recursive schemas are not supported: flatten the recursion to a fixed depth' });
	return out;
}

/** The first definition that refers back to itself through `$ref`, as its path. */
function findRefCycle(schema: unknown): string | undefined {
	if (!schema || typeof schema !== 'object') return undefined;
	const root = schema as Record<string, unknown>;
	const defs: Record<string, unknown> = { ...((root.definitions as object) ?? {}), ...((root.$defs as object) ?? {}) };
	const refsIn = (node: unknown, acc: Set<string>): Set<string> => {
		if (Array.isArray(node)) node.forEach((n) => refsIn(n, acc));
		else if (node && typeof node === 'object') {
			for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
				if (k === '$ref' && typeof v === 'string') acc.add(v.replace(/^#\/(\$defs|definitions)\//, ''));
				else refsIn(v, acc);
			}
		}
		return acc;
	};
	const edges = new Map(Object.entries(defs).map(([name, def]) => [name, refsIn(def, new Set())]));
	if (refsIn(root, new Set()).has('#')) return '/';
	for (const start of edges.keys()) {
		const seen = new Set<string>();
		const stack = [...(edges.get(start) ?? [])];
		while (stack.length) {
			const next = stack.pop()!;
			if (next === start) return `/$defs/${start}`;
			if (seen.has(next)) continue;
			seen.add(next);
			stack.push(...(edges.get(next) ?? []));
		}
	}
	return undefined;
}

/**
 * Makes a JSON schema acceptable to the API: every object closed (`additionalProperties: false`),
 * `oneOf` sent as `anyOf`, relaxed constraints moved into the description, annotations dropped.
 * Call findRefusedKeywords first: refused keywords are not handled here.
 */
export function toApiSchema(schema: unknown): Record<string, unknown> {
	const walk = (node: unknown): unknown => {
		if (Array.isArray(node)) return node.map(walk);
		if (!node || typeof node !== 'object') return node;
		const out: Record<string, unknown> = {};
		const hints: string[] = [];
		for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
			if (DROPPED_KEYWORDS.has(key)) continue;
			if (RELAXED_KEYWORDS.has(key)) hints.push(`${key}: ${JSON.stringify(value)}`);
			else if (key === 'format' && !SUPPORTED_FORMATS.has(String(value))) hints.push(`format: ${JSON.stringify(value)}`);
			else if (key === 'minItems' && !(value === 0 || value === 1)) hints.push(`minItems: ${JSON.stringify(value)}`);
			else if (key === 'oneOf') out.anyOf = walk(value);
			else if (key === 'additionalProperties') continue;
			else if (key === 'properties' || key === '$defs' || key === 'definitions') out[key] = walkMap(value);
			else if (key === 'enum' || key === 'const' || key === 'required') out[key] = value;
			else if (SENT_KEYWORDS.has(key)) out[key] = walk(value);
		}
		if (out.type === 'object' || (Array.isArray(out.type) && out.type.includes('object')) || out.properties) {
			out.additionalProperties = false;
			out.properties ??= {};
		}
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
	// The dialect line names a meta-schema Ajv may not bundle; it constrains nothing, so it is not compiled.
	const compiled: Record<string, unknown> = { ...(schema as Record<string, unknown>) };
	delete compiled.$schema;
	const check = compile(compiled);
	if (typeof check === 'string') throw new ParameterError(`is not a valid JSON schema (${check})`);
	const refused = findRefusedKeywords(schema);
	if (refused.length) {
		const first = refused[0];
		throw new ParameterError(
			`uses "${first.keyword}" at ${first.path}, which Claude's structured outputs refuse (https://platform.claude.com/docs/en/build-with-claude/structured-outputs). Fix: ${first.fix}` +
				(refused.length > 1 ? `; also ${refused.slice(1).map((r) => `"${r.keyword}" at ${r.path}`).join(', ')}` : ''),
		);
	}
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
	if (!schema) {
		const fix = /Fix:/.test(problem) ? '' : '. Fix: give a JSON schema of an object';
		throw new ParameterError(`${where}: "Output JSON Schema" ${problem}${fix}`);
	}
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
