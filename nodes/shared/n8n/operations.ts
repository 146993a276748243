/**
 * Nodes with several operations (Evidence Fetch, PR Review): each operation is one entry with
 * its editor fields beside what it does for one item, as in n8n's own nodes' actions/ folders.
 * The node lists its operations; the Operation field, the outputs and the dispatch come from here.
 */
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { runPerItem, type ItemOutput } from './item-runner.ts';

export interface NodeOperation {
	value: string;
	name: string;
	action: string;
	description: string;
	/** Output names when the operation routes items; none: one unnamed output. */
	outputs?: readonly string[];
	/** Shown only for this operation (the Operation field's displayOptions are added here). */
	properties: INodeProperties[];
	execute(ctx: IExecuteFunctions, itemIndex: number, item: INodeExecutionData, signal: AbortSignal): Promise<ItemOutput | ItemOutput[]>;
}

/** The Operation field (the first operation is the default), then each operation's own fields. */
export function operationProperties(operations: readonly NodeOperation[]): INodeProperties[] {
	return [
		// The default is the first operation (the rule cannot see a computed default).
		// eslint-disable-next-line n8n-nodes-base/node-param-default-missing
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			default: operations[0].value,
			options: operations.map(({ name, value, action, description }) => ({ name, value, action, description })),
		},
		...operations.flatMap((op) =>
			op.properties.map((p) => ({ ...p, displayOptions: { ...p.displayOptions, show: { ...p.displayOptions?.show, operation: [op.value] } } })),
		),
	];
}

/** The node's outputs as an editor expression: named outputs for routing operations, one otherwise. */
export function outputsExpression(operations: readonly NodeOperation[]): `={{${string}}}` {
	const byOperation = Object.fromEntries(
		operations.map((op) => [op.value, op.outputs?.length ? op.outputs.map((displayName) => ({ type: 'main', displayName })) : [{ type: 'main' }]]),
	);
	return `={{ (${JSON.stringify(byOperation)})[$parameter["operation"]] ?? [{ "type": "main" }] }}`;
}

/** Runs the chosen operation on every item through the item runner. */
export async function runOperation(ctx: IExecuteFunctions, operations: readonly NodeOperation[], options: { concurrency?: number } = {}): Promise<INodeExecutionData[][]> {
	const value = ctx.getNodeParameter('operation', 0) as string;
	const operation = operations.find((op) => op.value === value);
	if (!operation) {
		throw new NodeOperationError(ctx.getNode(), `Operation "${value}" is not known. Fix: choose one of ${operations.map((o) => o.name).join(', ')}`);
	}
	return runPerItem(ctx, (i, item, signal) => operation.execute(ctx, i, item, signal), {
		outputs: Math.max(1, operation.outputs?.length ?? 0),
		concurrency: options.concurrency,
	});
}
