/**
 * The JSON Schema subset structured outputs accept
 * (https://platform.claude.com/docs/en/build-with-claude/structured-outputs, and the SDK 1.10.0
 * helper that reduces schemas to it, lib/transform-json-schema): the keywords below and nothing
 * else; every object closed with `additionalProperties: false`; `minItems` only 0 or 1; string
 * formats from a fixed list; `$ref` only to local definitions and never recursive. Written apart
 * from the client's reducer on purpose: the simulator checks what the client sends.
 */
const ALLOWED = new Set([
	'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'anyOf', 'allOf',
	'$ref', '$defs', 'definitions', 'description', 'title', 'format', 'minItems',
]);
const FORMATS = new Set(['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'uri', 'ipv4', 'ipv6', 'uuid']);
const TYPES = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean', 'null']);

/** Why the schema is refused, or undefined. */
export function checkOutputSchema(schema: unknown): string | undefined {
	if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return 'Input should be a JSON schema object';
	if ((schema as Record<string, unknown>).type !== 'object') return "the top-level schema must have \"type\": \"object\"";
	return walk(schema as Record<string, unknown>, '') ?? recursion(schema as Record<string, unknown>);
}

function walk(node: Record<string, unknown>, path: string): string | undefined {
	const at = path || '(root)';
	for (const [key, value] of Object.entries(node)) {
		if (!ALLOWED.has(key)) return `${at}: "${key}" is not supported in structured outputs`;
		if (key === 'format' && !FORMATS.has(String(value))) return `${at}: format "${String(value)}" is not supported`;
		if (key === 'minItems' && value !== 0 && value !== 1) return `${at}: minItems must be 0 or 1, got ${JSON.stringify(value)}`;
		if (key === '$ref' && (typeof value !== 'string' || !value.startsWith('#/'))) return `${at}: only local $ref to definitions is supported`;
		if (key === 'enum' && (!Array.isArray(value) || value.some((v) => v !== null && typeof v === 'object'))) return `${at}: enum values must be primitives`;
		if (key === 'type') {
			const types = Array.isArray(value) ? value : [value];
			if (!types.every((t) => TYPES.has(String(t)))) return `${at}: unknown type ${JSON.stringify(value)}`;
		}
	}
	const isObject = node.type === 'object' || (Array.isArray(node.type) && node.type.includes('object')) || 'properties' in node;
	if (isObject && node.additionalProperties !== false) return `${at}: objects must set "additionalProperties": false`;
	for (const mapKey of ['properties', '$defs', 'definitions'] as const) {
		const map = node[mapKey];
		if (map === undefined) continue;
		if (!map || typeof map !== 'object') return `${at}: ${mapKey} must be an object`;
		for (const [name, sub] of Object.entries(map as Record<string, unknown>)) {
			const problem = sub && typeof sub === 'object' ? walk(sub as Record<string, unknown>, `${path}/${mapKey}/${name}`) : `${path}/${mapKey}/${name}: must be a schema`;
			if (problem) return problem;
		}
	}
	if (node.items !== undefined) {
		if (!node.items || typeof node.items !== 'object' || Array.isArray(node.items)) return `${at}: items must be one schema`;
		const problem = walk(node.items as Record<string, unknown>, `${path}/items`);
		if (problem) return problem;
	}
	for (const listKey of ['anyOf', 'allOf'] as const) {
		const list = node[listKey];
		if (list === undefined) continue;
		if (!Array.isArray(list)) return `${at}: ${listKey} must be a list`;
		for (const [i, sub] of list.entries()) {
			const problem = walk(sub as Record<string, unknown>, `${path}/${listKey}/${i}`);
			if (problem) return problem;
		}
	}
	return undefined;
}

/** Recursive schemas are not supported: a definition may not reach itself through $ref. */
function recursion(root: Record<string, unknown>): string | undefined {
	const defs = { ...((root.definitions as object) ?? {}), ...((root.$defs as object) ?? {}) } as Record<string, unknown>;
	const refs = (node: unknown, out: string[] = []): string[] => {
		if (Array.isArray(node)) node.forEach((n) => refs(n, out));
		else if (node && typeof node === 'object') {
			for (const [k, v] of Object.entries(node)) {
				if (k === '$ref' && typeof v === 'string') out.push(v);
				else refs(v, out);
			}
		}
		return out;
	};
	if (refs(root).includes('#')) return 'recursive schemas are not supported';
	const name = (ref: string) => ref.replace(/^#\/(\$defs|definitions)\//, '');
	for (const start of Object.keys(defs)) {
		const seen = new Set<string>();
		const stack = refs(defs[start]).map(name);
		while (stack.length) {
			const next = stack.pop()!;
			if (next === start) return `recursive schemas are not supported ($defs/${start})`;
			if (seen.has(next) || !(next in defs)) continue;
			seen.add(next);
			stack.push(...refs(defs[next]).map(name));
		}
	}
	return undefined;
}
