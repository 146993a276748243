/**
 * The one way a node of this package turns input items into output items: every input item
 * gives an output item (a result, or a failure in one shape), paired with it; Continue On Fail
 * is honoured for every kind of error; without it the first failure stops the node with an
 * error that names the item. Nodes only say what one item does.
 */
import pLimit from 'p-limit';
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';
import { ParameterError } from '../parameter-error.ts';

/** The failure every node reports for an item: `{ status: 'failed', error: { type, message, request_id? } }`. */
export interface ItemFailure {
	type: string;
	message: string;
	request_id?: string;
}

const ROUTED = Symbol('routed to an output');
interface Routed {
	[ROUTED]: true;
	output: number;
	json: IDataObject;
}

/** What one item produced: its json, or json routed to one of the node's outputs with `toOutput`. */
export type ItemOutput = IDataObject | Routed;

/** Sends an item's json to output `output` (0-based) of a node with several outputs. */
export function toOutput(output: number, json: IDataObject): Routed {
	return { [ROUTED]: true, output, json };
}

/** An error that comes from a real HTTP exchange, with the response the server sent. */
export interface HttpFailure {
	httpResponse: { status: number; body: JsonObject };
}

export interface RunOptions {
	/** Items worked on at once (default 1: in order). */
	concurrency?: number;
	/** Outputs the node has (default 1); failures go to output 0. */
	outputs?: number;
	/** Fields a failed item keeps besides status and error (e.g. the agent's name). */
	failureFields?: (itemIndex: number, error: unknown) => IDataObject;
	/** Extra explanation for the error shown without Continue On Fail. */
	describe?: (error: unknown) => string | undefined;
}

export type ItemWork = (itemIndex: number, item: INodeExecutionData, signal: AbortSignal) => Promise<ItemOutput | ItemOutput[]>;

export async function runPerItem(ctx: IExecuteFunctions, work: ItemWork, options: RunOptions = {}): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const continueOnFail = ctx.continueOnFail();
	const outputs: INodeExecutionData[][] = Array.from({ length: options.outputs ?? 1 }, () => []);
	const stop = linkedAbort(ctx);
	const limit = pLimit(Math.max(1, options.concurrency ?? 1));
	const settled = await Promise.all(
		items.map((item, i) =>
			limit(async () => {
				if (stop.signal.aborted && !continueOnFail) return { failed: new ParameterError('Not run: an earlier item failed') };
				try {
					return { done: await work(i, item, stop.signal) };
				} catch (error) {
					if (!continueOnFail) stop.abort();
					return { failed: error };
				}
			}),
		),
	);
	try {
		settled.forEach((result, i) => {
			if ('failed' in result) {
				if (!continueOnFail) throw toNodeError(ctx, result.failed, i, options.describe?.(result.failed));
				outputs[0].push({ json: failedJson(result.failed, options.failureFields?.(i, result.failed)), pairedItem: { item: i } });
				return;
			}
			for (const out of ([] as ItemOutput[]).concat(result.done)) {
				const routed = isRouted(out) ? out : { output: 0, json: out };
				outputs[routed.output].push({ json: routed.json, pairedItem: { item: i } });
			}
		});
	} finally {
		stop.release();
	}
	return outputs;
}

/** A failed item's json: one shape for every node. */
export function failedJson(error: unknown, fields: IDataObject = {}): IDataObject {
	return { ...fields, status: 'failed', error: itemFailure(error) as unknown as IDataObject };
}

/** What an error says about itself, safe to show (no stack, no secrets beyond what it says). */
export function itemFailure(error: unknown): ItemFailure {
	if (error instanceof ParameterError) return { type: 'input', message: error.message };
	const e = error as { type?: unknown; message?: unknown; requestId?: unknown; request_id?: unknown } | undefined;
	const type = typeof e?.type === 'string' && e.type ? e.type : 'internal';
	const message = typeof e?.message === 'string' && e.message ? e.message : String(error);
	const requestId = e?.requestId ?? e?.request_id;
	return { type, message, ...(typeof requestId === 'string' && requestId ? { request_id: requestId } : {}) };
}

/** NodeApiError only for a real HTTP failure with its real response; NodeOperationError otherwise. */
export function toNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number, description?: string): NodeApiError | NodeOperationError {
	if (error instanceof NodeOperationError || error instanceof NodeApiError) return error;
	const failure = itemFailure(error);
	const http = (error as Partial<HttpFailure> | undefined)?.httpResponse;
	if (http) {
		return new NodeApiError(ctx.getNode(), http.body, {
			message: failure.message,
			httpCode: String(http.status),
			description,
			itemIndex,
		});
	}
	return new NodeOperationError(ctx.getNode(), failure.message, { itemIndex, description, type: failure.type });
}

function isRouted(out: ItemOutput): out is Routed {
	return (out as Partial<Routed>)[ROUTED] === true;
}

/** One signal for the node's work: aborted when the execution is cancelled or the node stops. */
export function linkedAbort(ctx: IExecuteFunctions): { signal: AbortSignal; abort(): void; release(): void } {
	const controller = new AbortController();
	const cancel = ctx.getExecutionCancelSignal?.();
	const onCancel = () => controller.abort();
	if (cancel?.aborted) controller.abort();
	cancel?.addEventListener('abort', onCancel);
	return {
		signal: controller.signal,
		abort: () => controller.abort(),
		release: () => cancel?.removeEventListener('abort', onCancel),
	};
}

/**
 * For nodes whose input items together make ONE unit of work (a Coordinator decides one run
 * from all of its specialists' items): one output item, paired with every input item, and the
 * same failure shape and Continue On Fail rules as runPerItem.
 */
export async function runForAllItems(
	ctx: IExecuteFunctions,
	work: (items: INodeExecutionData[], signal: AbortSignal) => Promise<IDataObject>,
	options: Pick<RunOptions, 'failureFields' | 'describe'> = {},
): Promise<INodeExecutionData[]> {
	const items = ctx.getInputData();
	const pairedItem = items.map((_, item) => ({ item }));
	const stop = linkedAbort(ctx);
	try {
		return [{ json: await work(items, stop.signal), pairedItem }];
	} catch (error) {
		if (!ctx.continueOnFail()) throw toNodeError(ctx, error, 0, options.describe?.(error));
		return [{ json: failedJson(error, options.failureFields?.(0, error)), pairedItem }];
	} finally {
		stop.release();
	}
}
