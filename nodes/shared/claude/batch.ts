/**
 * Sends a run's Messages requests through the Message Batches API at the batch price
 * (https://platform.claude.com/docs/en/build-with-claude/batch-processing). Callers keep calling
 * `sendMessage`: requests that arrive together (within `gatherMs` of each other) become one
 * batch; the dispatcher creates it, polls it with backoff until `processing_status` is `ended`,
 * streams the `.jsonl` results and hands every caller its own result by `custom_id` (results come
 * in any order). A repair round or a merge call simply becomes the next batch.
 *
 * The wait never blocks a worker thread: it is `wait(ms)` between polls (n8n's `sleep` in the
 * nodes), bounded by the Batch Max Wait and the run's Deadline, and stopped by the execution's
 * cancel signal. On timeout or cancel the batch is canceled and every open request fails with a
 * typed error. `errored`, `expired` and `canceled` results are failures too; none of them is billed.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { readReply, toParams, TransportFailure, withRetries, type CallOptions, type ClaudeReply, type ClaudeRequest } from './client.ts';
import { AgentError, classifyFailure } from './errors.ts';

/** Documented limits of one batch: 100,000 requests or 256 MB, whichever comes first. */
export const BATCH_LIMITS = { requests: 100_000, bytes: 256 * 1024 * 1024 } as const;

export interface BatchWaitOptions {
	/** Longest wait for one batch, from its creation. */
	maxWaitMs: number;
	/** First wait between polls; doubles after each poll up to `maxPollMs`. */
	pollMs: number;
	maxPollMs?: number;
	/** Quiet time after the last queued request before the queue is sent as one batch. */
	gatherMs?: number;
	/** The execution's cancel signal. */
	signal?: AbortSignal;
	/** Waits `ms`, returning early when `signal` aborts (n8n's `sleep` in the nodes). */
	wait: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** What happened to one batch, for the node's output and tests. */
export interface BatchRecord {
	id: string;
	requests: number;
	status: 'ended' | 'canceled_by_timeout' | 'canceled_by_user';
	counts?: Record<string, number>;
}

interface Pending {
	customId: string;
	params: ReturnType<typeof toParams>;
	call: CallOptions;
	resolve: (reply: ClaudeReply) => void;
	reject: (failure: TransportFailure) => void;
}

type RawBatch = Awaited<ReturnType<Anthropic['messages']['batches']['retrieve']>>;
type RawResult = Awaited<ReturnType<Anthropic['messages']['batches']['results']>> extends AsyncIterable<infer T> ? T : never;

export class BatchDispatcher {
	readonly batches: BatchRecord[] = [];
	private queue: Pending[] = [];
	private lastQueued = 0;
	private gathering = false;
	private seq = 0;

	private readonly client: Anthropic;
	private readonly options: BatchWaitOptions;

	constructor(client: Anthropic, options: BatchWaitOptions) {
		this.client = client;
		this.options = options;
	}

	/** Queues one Messages request; resolves with its reply or rejects with a TransportFailure. */
	send(request: ClaudeRequest, call: CallOptions): Promise<ClaudeReply> {
		return new Promise((resolve, reject) => {
			this.queue.push({ customId: `req_${++this.seq}`, params: toParams(request), call, resolve, reject });
			this.lastQueued = Date.now();
			if (!this.gathering) void this.gather();
		});
	}

	/** Waits until no request has arrived for `gatherMs`, then sends what is queued. */
	private async gather(): Promise<void> {
		this.gathering = true;
		const quiet = this.options.gatherMs ?? 100;
		while (Date.now() - this.lastQueued < quiet && !this.options.signal?.aborted) await this.options.wait(quiet, this.options.signal);
		this.gathering = false;
		const taken = this.queue;
		this.queue = [];
		await Promise.all(splitForLimits(taken).map((part) => this.run(part)));
	}

	private async run(items: Pending[]): Promise<void> {
		const call = { ...items[0].call, signal: this.options.signal };
		const failAll = (error: AgentError, attempts = 1) => items.forEach((item) => item.reject(new TransportFailure(error, attempts)));
		let batch: RawBatch;
		try {
			const created = await withRetries(call, (timeout) =>
				this.client.messages.batches.create(
					{ requests: items.map((item) => ({ custom_id: item.customId, params: item.params })) } as Parameters<Anthropic['messages']['batches']['create']>[0],
					{ timeout, signal: this.options.signal, maxRetries: 0 },
				),
			);
			batch = created.value;
		} catch (error) {
			return failAll((error as TransportFailure).error ?? new AgentError('connection', String(error)), (error as TransportFailure).attempts ?? 1);
		}
		// No wait goes past the earliest Deadline of the requests in this batch.
		const deadline = Math.min(...items.map((item) => item.call.deadline ?? Number.POSITIVE_INFINITY));
		const waited = await this.waitForEnd(batch, call, Number.isFinite(deadline) ? deadline : undefined);
		if (!waited.ok) {
			const final = await this.cancel(batch.id, call);
			this.batches.push({ id: batch.id, requests: items.length, status: waited.why === 'cancelled' ? 'canceled_by_user' : 'canceled_by_timeout', counts: final?.request_counts as never });
			// Requests that finished before the cancellation were billed: keep their replies.
			if (final?.processing_status === 'ended' && waited.why !== 'cancelled') return this.deliver(final, items, call, waited.error);
			return failAll(waited.error);
		}
		this.batches.push({ id: batch.id, requests: items.length, status: 'ended', counts: waited.batch.request_counts as never });
		return this.deliver(waited.batch, items, call);
	}

	/** Polls with backoff until the batch has ended, the wait is over or the run is cancelled. */
	private async waitForEnd(batch: RawBatch, call: CallOptions, deadline: number | undefined): Promise<{ ok: true; batch: RawBatch } | { ok: false; why: 'timeout' | 'deadline' | 'cancelled'; error: AgentError }> {
		const { maxWaitMs, signal } = this.options;
		const byWait = Date.now() + maxWaitMs;
		const limit = deadline !== undefined && deadline < byWait ? { at: deadline, why: 'deadline' as const } : { at: byWait, why: 'timeout' as const };
		let interval = this.options.pollMs;
		let current = batch;
		while (current.processing_status !== 'ended') {
			if (signal?.aborted) return { ok: false, why: 'cancelled', error: classifyFailure({ aborted: true }) };
			const remaining = limit.at - Date.now();
			if (remaining <= 0) return { ok: false, why: limit.why, error: waitOver(limit.why, batch.id, maxWaitMs) };
			await this.options.wait(Math.min(interval, remaining), signal);
			if (signal?.aborted) continue;
			interval = Math.min(interval * 2, this.options.maxPollMs ?? 60_000);
			try {
				current = (await withRetries({ ...call, deadline: undefined }, (timeout) => this.client.messages.batches.retrieve(batch.id, {}, { timeout, signal, maxRetries: 0 }))).value;
			} catch (error) {
				if (signal?.aborted) continue;
				return { ok: false, why: 'timeout', error: (error as TransportFailure).error ?? new AgentError('connection', String(error)) };
			}
		}
		return { ok: true, batch: current };
	}

	/** Cancels the batch (best effort) and reads it once more; its in-flight requests may still finish. */
	private async cancel(id: string, call: CallOptions): Promise<RawBatch | undefined> {
		try {
			await this.client.messages.batches.cancel(id, {}, { timeout: call.timeoutMs, maxRetries: 0 });
			return await this.client.messages.batches.retrieve(id, {}, { timeout: call.timeoutMs, maxRetries: 0 });
		} catch {
			return undefined;
		}
	}

	/** Streams the results and settles every request by its custom_id. */
	private async deliver(batch: RawBatch, items: Pending[], call: CallOptions, whyCanceled?: AgentError): Promise<void> {
		const open = new Map(items.map((item) => [item.customId, item]));
		try {
			const lines = await this.client.messages.batches.results(batch.id, {}, { timeout: call.timeoutMs, maxRetries: 0 });
			for await (const line of lines) {
				const item = open.get(line.custom_id);
				if (!item) continue;
				open.delete(line.custom_id);
				const outcome = settle(line, batch.id, whyCanceled);
				if (outcome instanceof AgentError) item.reject(new TransportFailure(outcome, 1));
				else item.resolve(outcome);
			}
		} catch (error) {
			const failure = new AgentError('connection', `The results of Message Batch ${batch.id} could not be read: ${(error as Error).message}`);
			for (const item of open.values()) item.reject(new TransportFailure(failure, 1));
			return;
		}
		for (const item of open.values()) {
			item.reject(new TransportFailure(new AgentError('server_error', `Message Batch ${batch.id} ended without a result for ${item.customId}`), 1));
		}
	}
}

/** One result line as a reply, or the typed failure it stands for. */
function settle(line: RawResult, batchId: string, whyCanceled?: AgentError): ClaudeReply | AgentError {
	const result = line.result;
	if (result.type === 'succeeded') return readReply(result.message as never, 1);
	if (result.type === 'errored') {
		const body = result.error as { error?: { type?: string; message?: string }; request_id?: string | null };
		const apiType = body.error?.type;
		const failure = classifyFailure({
			status: API_ERROR_STATUS[apiType ?? ''] ?? 500,
			apiErrorType: apiType,
			message: body.error?.message,
			requestId: body.request_id ?? undefined,
			body: result.error as unknown as { [key: string]: unknown },
		});
		return failure.withMessage(`In Message Batch ${batchId}, ${failure.message} (not billed)`);
	}
	if (result.type === 'expired') {
		return new AgentError('batch_expired', `Message Batch ${batchId} reached its 24-hour expiry before this request was sent to the model (not billed). Fix: run again, or use Run Mode "Now"`);
	}
	// Canceled by us (Batch Max Wait or Deadline): the reason is the failure.
	if (whyCanceled) return whyCanceled;
	return new AgentError('batch_canceled', `Message Batch ${batchId} was canceled before this request was sent to the model (not billed)`);
}

function waitOver(why: 'timeout' | 'deadline', batchId: string, maxWaitMs: number): AgentError {
	if (why === 'deadline') {
		return new AgentError('deadline', `The run's deadline passed while Message Batch ${batchId} was in progress; the batch was canceled. Fix: allow a later "Deadline", or use Run Mode "Now"`);
	}
	const minutes = Math.round((maxWaitMs / 60_000) * 100) / 100;
	return new AgentError('timeout', `Message Batch ${batchId} had not ended after the Batch Max Wait (${minutes} min); the batch was canceled. Fix: raise "Batch Max Wait (Minutes)" or use Run Mode "Now"`);
}

/** The HTTP status each API error type stands for (https://platform.claude.com/docs/en/api/errors). */
const API_ERROR_STATUS: Record<string, number> = {
	invalid_request_error: 400,
	authentication_error: 401,
	billing_error: 402,
	permission_error: 403,
	not_found_error: 404,
	request_too_large: 413,
	rate_limit_error: 429,
	api_error: 500,
	timeout_error: 504,
	overloaded_error: 529,
};

/** Splits queued requests into batches within the documented count and size limits. */
function splitForLimits(items: Pending[]): Pending[][] {
	const parts: Pending[][] = [];
	let part: Pending[] = [];
	let bytes = 0;
	for (const item of items) {
		const size = Buffer.byteLength(JSON.stringify({ custom_id: item.customId, params: item.params })) + 1;
		if (part.length && (part.length >= BATCH_LIMITS.requests || bytes + size > BATCH_LIMITS.bytes - 1024)) {
			parts.push(part);
			part = [];
			bytes = 0;
		}
		part.push(item);
		bytes += size;
	}
	if (part.length) parts.push(part);
	return parts;
}
