/**
 * Builds a JSON value that satisfies a JSON schema (the subset structured outputs use), so
 * the simulator can answer `output_config.format` requests like constrained decoding would.
 * Deterministic: the same schema and seed give the same value.
 */
type Schema = Record<string, unknown>;

export function sampleFromSchema(schema: Schema, seed = 'simulated', path = 'value', root: Schema = schema): unknown {
	if (typeof schema.$ref === 'string') return sampleFromSchema(resolveRef(root, schema.$ref), seed, path, root);
	if ('const' in schema) return schema.const;
	if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
	for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
		const options = schema[key];
		if (Array.isArray(options) && options.length) {
			const first = options.find((o: Schema) => o.type !== 'null') ?? options[0];
			return sampleFromSchema(first as Schema, seed, path, root);
		}
	}
	const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
	switch (type) {
		case 'object':
			return sampleObject(schema, seed, path, root);
		case 'array': {
			const min = Math.max(1, Number(schema.minItems ?? 1));
			const items = (schema.items as Schema) ?? {};
			return Array.from({ length: min }, (_, i) => sampleFromSchema(items, seed, `${path}[${i}]`, root));
		}
		case 'integer':
		case 'number':
			return sampleNumber(schema, type === 'integer');
		case 'boolean':
			return false;
		case 'null':
			return null;
		case 'string':
			return sampleString(schema, seed, path);
		default:
			return `${seed} ${path}`;
	}
}

function sampleObject(schema: Schema, seed: string, path: string, root: Schema): Record<string, unknown> {
	const properties = (schema.properties ?? {}) as Record<string, Schema>;
	const out: Record<string, unknown> = {};
	for (const [key, sub] of Object.entries(properties)) out[key] = sampleFromSchema(sub, seed, `${path}.${key}`, root);
	return out;
}

function sampleNumber(schema: Schema, integer: boolean): number {
	const min = Number(schema.minimum ?? schema.exclusiveMinimum ?? 0);
	const max = Number(schema.maximum ?? schema.exclusiveMaximum ?? min + 100);
	const mid = (min + max) / 2;
	return integer ? Math.round(mid) : mid;
}

function sampleString(schema: Schema, seed: string, path: string): string {
	if (schema.format === 'date-time') return '2026-01-01T00:00:00.000Z';
	const text = `${seed} ${path.replace(/^value\.?/, '') || 'text'}`;
	const min = Number(schema.minLength ?? 0);
	return text.length >= min ? text : text.padEnd(min, '.');
}

function resolveRef(root: Schema, ref: string): Schema {
	const parts = ref.replace(/^#\//, '').split('/');
	let node: unknown = root;
	for (const part of parts) node = (node as Schema)?.[part];
	return (node as Schema) ?? {};
}
