/** The operations of PR Review: one entry each, used by the editor options, the outputs and the dispatch. */
import type { INodeProperties } from 'n8n-workflow';
import { decideOperation } from './decide.operation.ts';
import type { ReviewOperation } from './operation.ts';
import { planOperation } from './plan.operation.ts';
import { recordOperation } from './record.operation.ts';
import { screenOperation } from './screen.operation.ts';

export const OPERATIONS: readonly ReviewOperation[] = [screenOperation, planOperation, decideOperation, recordOperation];

export function operationNamed(value: string): ReviewOperation | undefined {
	return OPERATIONS.find((op) => op.value === value);
}

/** The node's outputs as an editor expression: named outputs for routing operations, one otherwise. */
export function outputsExpression(): string {
	const byOperation = Object.fromEntries(OPERATIONS.map((op) => [op.value, op.outputs.length ? op.outputs.map((displayName) => ({ type: 'main', displayName })) : [{ type: 'main' }]]));
	return `={{ (${JSON.stringify(byOperation)})[$parameter["operation"]] ?? [{ "type": "main" }] }}`;
}

export function reviewProperties(): INodeProperties[] {
	return [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			default: 'screen',
			options: OPERATIONS.map(({ name, value, action, description }) => ({ name, value, action, description })),
		},
		...OPERATIONS.flatMap((op) =>
			op.properties.map((p) => ({ ...p, displayOptions: { ...p.displayOptions, show: { ...p.displayOptions?.show, operation: [op.value] } } })),
		),
	];
}
