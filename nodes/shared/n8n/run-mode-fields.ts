/**
 * "Run Mode", shared by every node that calls Claude for a whole run: Now (the Messages API) or
 * Batch (the Message Batches API at half price, results within 24 hours). In Batch mode the node
 * polls the batch between n8n `sleep`s, so no worker is blocked, bounded by Batch Max Wait and the
 * Deadline option and stopped when the execution is cancelled.
 */
import { sleep, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import type Anthropic from '@anthropic-ai/sdk';
import type { AgentSettings } from '../agent-settings.ts';
import { BatchDispatcher } from '../claude/batch.ts';
import { batchPrices } from '../models/prices.ts';
import { ParameterError } from '../parameter-error.ts';

export interface RunMode {
	batch: boolean;
	maxWaitMs: number;
	pollMs: number;
}

const BATCH_ONLY = { displayOptions: { show: { runMode: ['batch'] } } };

export const runModeFields: INodeProperties[] = [
	{
		displayName: 'Run Mode',
		name: 'runMode',
		type: 'options',
		default: 'now',
		options: [
			{ name: 'Now', value: 'now', description: 'The Messages API: answers in seconds, at the standard price' },
			{
				name: 'Batch (50% Off, Results Within 24 Hours)',
				value: 'batch',
				description: 'The Message Batches API: every call at half price; most batches end within an hour, all within 24 hours',
			},
		],
		description: 'Whether the Claude calls of this run are answered now or sent as a Message Batch at half price',
	},
	{
		displayName: 'Batch Max Wait (Minutes)',
		name: 'batchMaxWaitMinutes',
		type: 'number',
		default: 1440,
		typeOptions: { minValue: 0.01, numberPrecision: 2 },
		description: 'How long the node waits for a batch before it cancels it and reports its open calls as failed (never past the Deadline option)',
		...BATCH_ONLY,
	},
	{
		displayName: 'Batch Poll Interval (Seconds)',
		name: 'batchPollSeconds',
		type: 'number',
		default: 30,
		typeOptions: { minValue: 0.01, numberPrecision: 2 },
		description: 'First wait between status checks; it doubles after each check, up to a minute',
		...BATCH_ONLY,
	},
];

export function readRunMode(ctx: IExecuteFunctions): RunMode {
	const mode = ctx.getNodeParameter('runMode', 0, 'now') as string;
	if (mode !== 'now' && mode !== 'batch') throw new ParameterError(`Run Mode: unknown value "${mode}". Fix: choose "Now" or "Batch (50% Off, Results Within 24 Hours)"`);
	const minutes = positive(ctx.getNodeParameter('batchMaxWaitMinutes', 0, 1440), 'Batch Max Wait (Minutes)');
	const seconds = positive(ctx.getNodeParameter('batchPollSeconds', 0, 30), 'Batch Poll Interval (Seconds)');
	return { batch: mode === 'batch', maxWaitMs: minutes * 60_000, pollMs: seconds * 1000 };
}

/** Batch mode prices every call at the batch price: outputs, budgets and metrics all read `settings.prices`. */
export function settingsForRunMode(settings: AgentSettings, mode: RunMode): AgentSettings {
	// Every call of the run should join the same batch, so chunks are not throttled either.
	return mode.batch ? { ...settings, prices: batchPrices(settings.prices), chunkConcurrency: Number.POSITIVE_INFINITY } : settings;
}

/** The execution's batch dispatcher in Batch mode; undefined in Now mode. */
export function batchDispatcher(ctx: IExecuteFunctions, client: Anthropic, mode: RunMode): BatchDispatcher | undefined {
	if (!mode.batch) return undefined;
	return new BatchDispatcher(client, { maxWaitMs: mode.maxWaitMs, pollMs: mode.pollMs, signal: ctx.getExecutionCancelSignal?.(), wait: waitUnlessCancelled });
}

/** n8n's `sleep`, cut short when the execution is cancelled. */
function waitUnlessCancelled(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		if (signal?.aborted) return resolve();
		const done = () => {
			signal?.removeEventListener('abort', done);
			resolve();
		};
		signal?.addEventListener('abort', done, { once: true });
		void sleep(ms).then(done);
	});
}

function positive(value: unknown, field: string): number {
	const n = Number(value);
	if (!Number.isFinite(n) || n <= 0) throw new ParameterError(`${field} must be a positive number, got "${String(value)}"`);
	return n;
}

