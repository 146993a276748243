/** What PR Review operations share: their type and how they read JSON parameters. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { NodeOperation } from '../../shared/n8n/operations.ts';
import { ParameterError } from '../../shared/parameter-error.ts';

/** A PR Review operation: routing operations name their outputs. */
export type ReviewOperation = NodeOperation & { outputs: readonly string[] };

/** A JSON parameter as an object (an expression may give an object or its JSON text). */
export function objectParameter(ctx: IExecuteFunctions, name: string, itemIndex: number, label: string, optional = false): IDataObject | null {
	let value = ctx.getNodeParameter(name, itemIndex, null) as unknown;
	if (typeof value === 'string') {
		value = value.trim() === '' || value.trim() === 'null' ? null : parseJson(value);
		if (value === NOT_JSON) throw new ParameterError(`${label} is not valid JSON. Fix: give an expression that returns the object, e.g. {{ $('Node').first().json }}`);
	}
	if (value === null || value === undefined) {
		if (optional) return null;
		throw new ParameterError(`${label} is empty. Fix: give an expression that returns the object, e.g. {{ $('Node').first().json }}`);
	}
	if (typeof value !== 'object') throw new ParameterError(`${label} must be an object, got ${typeof value}`);
	return value as IDataObject;
}

/** A JSON parameter as a list of objects (e.g. the items of a paginated HTTP Request). */
export function listParameter(ctx: IExecuteFunctions, name: string, itemIndex: number, label: string): IDataObject[] {
	const value = ctx.getNodeParameter(name, itemIndex, []) as unknown;
	const list = typeof value === 'string' ? (value.trim() ? parseJson(value) : []) : value;
	if (!Array.isArray(list)) throw new ParameterError(`${label} must be a list. Fix: {{ $('List Files').all().map(i => i.json) }}`);
	return list.filter((x): x is IDataObject => Boolean(x) && typeof x === 'object');
}

const NOT_JSON = Symbol('not JSON');
function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return NOT_JSON;
	}
}
