/**
 * The Message Batches endpoints of the simulator: create (POST /v1/messages/batches), retrieve
 * (GET /v1/messages/batches/{id}), results as JSONL from the batch's `results_url`
 * (GET /v1/messages/batches/{id}/results) and cancel (POST /v1/messages/batches/{id}/cancel).
 * Creation checks what the API reference validates synchronously (the request list, each
 * `custom_id`); each request's `params` are checked asynchronously, as the guide says, and a
 * request that breaks the Messages contract ends as an `errored` result, not a 400. Batches stay
 * `in_progress` for the simulator's scripted processing time; rules decide which requests end
 * `errored` (kind `error`) or `expired` (kind `expired`). Every rule has its source in
 * BATCH_RULE_SOURCES and a test in test/integration/simulator-batches.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { checkRequest, type ApiVersion, type Refusal } from './contract.ts';
import type { Behaviour } from './server.ts';

const DOCS = 'https://platform.claude.com/docs/en';
export const BATCH_RULE_SOURCES: Record<string, string> = {
	'batch-requests': `${DOCS}/api/messages/batches/create`,
	'batch-custom-id': `${DOCS}/build-with-claude/batch-processing#prepare-and-create-your-batch`,
	'batch-custom-id-unique': `${DOCS}/api/messages/batches/create`,
	'batch-size': `${DOCS}/api/errors`,
	'batch-params-async': `${DOCS}/build-with-claude/batch-processing#prepare-and-create-your-batch`,
	'batch-unsupported-params': `${DOCS}/build-with-claude/batch-processing#what-can-be-batched`,
	'batch-status': `${DOCS}/build-with-claude/batch-processing#tracking-your-batch`,
	'batch-results': `${DOCS}/api/messages/batches/results`,
	'batch-result-types': `${DOCS}/build-with-claude/batch-processing#retrieving-batch-results`,
	'batch-cancel': `${DOCS}/api/messages/batches/cancel`,
	'batch-not-found': `${DOCS}/api/errors`,
	'batch-expiry': `${DOCS}/build-with-claude/batch-processing#batch-limitations`,
};

/** A batch is limited to 100,000 requests or 256 MB, whichever is reached first. */
export const BATCH_MAX_REQUESTS = 100_000;
export const BATCH_MAX_BYTES = 256 * 1024 * 1024;
const CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;
const DAY_MS = 24 * 60 * 60_000;

export type BatchResult =
	| { type: 'succeeded'; message: Record<string, unknown> }
	| { type: 'errored'; error: { type: 'error'; error: { type: string; message: string }; request_id: string } }
	| { type: 'canceled' }
	| { type: 'expired' };

export interface SimBatch {
	id: string;
	createdAt: number;
	endsAt: number;
	cancelInitiatedAt?: number;
	/** In creation order; results are served in reverse to prove the client matches by custom_id. */
	results: Array<{ custom_id: string; result: BatchResult }>;
}

/** What the simulator lends the batch endpoints: its rules, its replies and its clock. */
export interface BatchHost {
	models(): readonly string[];
	now(): number;
	processingMs(): number;
	behaviourFor(payload: Record<string, unknown>): Behaviour;
	/** A Messages reply for an accepted request (the same one POST /v1/messages would give), with `service_tier: "batch"`. */
	message(payload: Record<string, unknown>, behaviour: Behaviour, requestId: string): Record<string, unknown>;
	promptTokens(payload: Record<string, unknown>): number;
}

export type BatchAnswer = { status: number; body: unknown } | { refusal: Refusal } | { jsonl: string };

const invalid = (rule: string, message: string): { refusal: Refusal } => ({ refusal: { status: 400, type: 'invalid_request_error', message, rule } });
const notFound = (id: string): { refusal: Refusal } => ({ refusal: { status: 404, type: 'not_found_error', message: `message_batch_id: ${id} not found`, rule: 'batch-not-found' } });

export class BatchStore {
	readonly batches = new Map<string, SimBatch>();

	private readonly host: BatchHost;

	constructor(host: BatchHost) {
		this.host = host;
	}

	/** Routes one request under /v1/messages/batches; undefined when the path is not a batch route. */
	handle(method: string, path: string, payload: unknown, version: ApiVersion, baseUrl: string): BatchAnswer | undefined {
		if (path === '/v1/messages/batches' && method === 'POST') return this.create(payload, version, baseUrl);
		const match = /^\/v1\/messages\/batches\/([^/]+)(\/results|\/cancel)?$/.exec(path);
		if (!match) return undefined;
		const [, id, action] = match;
		const batch = this.batches.get(id);
		if (!action && method === 'GET') return batch ? { status: 200, body: this.view(batch, baseUrl) } : notFound(id);
		if (action === '/results' && method === 'GET') return batch ? this.results(batch) : notFound(id);
		if (action === '/cancel' && method === 'POST') return batch ? this.cancel(batch, baseUrl) : notFound(id);
		return undefined;
	}

	private create(payload: unknown, version: ApiVersion, baseUrl: string): BatchAnswer {
		const body = payload as { requests?: unknown } | null;
		if (!body || typeof body !== 'object' || Array.isArray(body)) return invalid('batch-requests', 'The request body must be a JSON object');
		const extra = Object.keys(body).find((k) => k !== 'requests');
		if (extra) return invalid('batch-requests', `${extra}: Extra inputs are not permitted`);
		const requests = body.requests;
		if (!Array.isArray(requests)) return invalid('batch-requests', 'requests: Field required');
		if (requests.length < 1) return invalid('batch-requests', 'requests: List should have at least 1 item after validation, not 0');
		if (requests.length > BATCH_MAX_REQUESTS) return invalid('batch-requests', `requests: List should have at most ${BATCH_MAX_REQUESTS} items after validation, not ${requests.length}`);
		const seen = new Set<string>();
		for (const [i, request] of requests.entries()) {
			const r = request as Record<string, unknown> | null;
			if (!r || typeof r !== 'object' || Array.isArray(r)) return invalid('batch-requests', `requests.${i}: Input should be an object`);
			const unknown = Object.keys(r).find((k) => k !== 'custom_id' && k !== 'params');
			if (unknown) return invalid('batch-requests', `requests.${i}.${unknown}: Extra inputs are not permitted`);
			if (typeof r.custom_id !== 'string' || !CUSTOM_ID.test(r.custom_id)) {
				return invalid('batch-custom-id', `requests.${i}.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`);
			}
			if (seen.has(r.custom_id)) return invalid('batch-custom-id-unique', `requests.${i}.custom_id: "${r.custom_id}" is not unique within the Message Batch`);
			seen.add(r.custom_id);
			if (!r.params || typeof r.params !== 'object' || Array.isArray(r.params)) return invalid('batch-requests', `requests.${i}.params: Field required`);
		}
		const now = this.host.now();
		const batch: SimBatch = {
			id: `msgbatch_sim_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
			createdAt: now,
			endsAt: now + this.host.processingMs(),
			results: (requests as Array<{ custom_id: string; params: Record<string, unknown> }>).map((r) => ({ custom_id: r.custom_id, result: this.process(r.params, version) })),
		};
		this.batches.set(batch.id, batch);
		return { status: 200, body: this.view(batch, baseUrl) };
	}

	/** One request's result: its params are validated now (asynchronously, from the client's view). */
	private process(params: Record<string, unknown>, version: ApiVersion): BatchResult {
		const requestId = `req_sim_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
		const errored = (type: string, message: string): BatchResult => ({ type: 'errored', error: { type: 'error', error: { type, message }, request_id: requestId } });
		const unsupported = batchOnlyRefusal(params);
		if (unsupported) return errored('invalid_request_error', unsupported);
		const refusal = checkRequest(params, { version, models: this.host.models(), promptTokens: this.host.promptTokens(params) });
		if (refusal) return errored(refusal.type, refusal.message);
		const behaviour = this.host.behaviourFor(params);
		const kind = behaviour.kind ?? 'ok';
		if (kind === 'expired') return { type: 'expired' };
		if (kind === 'error' || kind === 'reset' || kind === 'hang') return errored(behaviour.errorType ?? 'api_error', behaviour.message ?? 'Simulated failure');
		return { type: 'succeeded', message: this.host.message(params, behaviour, requestId) };
	}

	private ended(batch: SimBatch): boolean {
		return batch.cancelInitiatedAt !== undefined || this.host.now() >= batch.endsAt;
	}

	/** The MessageBatch object: counts stay in `processing` until the batch has ended. */
	private view(batch: SimBatch, baseUrl: string): Record<string, unknown> {
		const ended = this.ended(batch);
		const counts = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
		for (const { result } of batch.results) {
			if (ended) counts[result.type] += 1;
			else counts.processing += 1;
		}
		const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
		return {
			id: batch.id,
			type: 'message_batch',
			processing_status: ended ? 'ended' : 'in_progress',
			request_counts: counts,
			ended_at: ended ? iso(Math.min(batch.cancelInitiatedAt ?? batch.endsAt, batch.endsAt)) : null,
			created_at: iso(batch.createdAt),
			expires_at: iso(batch.createdAt + DAY_MS),
			archived_at: null,
			cancel_initiated_at: iso(batch.cancelInitiatedAt),
			results_url: ended ? `${baseUrl}/v1/messages/batches/${batch.id}/results` : null,
		};
	}

	private results(batch: SimBatch): BatchAnswer {
		if (!this.ended(batch)) return invalid('batch-results', `Message Batch ${batch.id} has not ended; its results are not available yet`);
		return { jsonl: [...batch.results].reverse().map((line) => JSON.stringify(line)).join('\n') + '\n' };
	}

	/** Cancels what has not run yet; the answer is `canceling`, the next retrieval `ended`. */
	private cancel(batch: SimBatch, baseUrl: string): BatchAnswer {
		if (this.ended(batch)) return invalid('batch-cancel', `Message Batch ${batch.id} has already ended and cannot be canceled`);
		batch.cancelInitiatedAt = this.host.now();
		for (const line of batch.results) line.result = { type: 'canceled' };
		return { status: 200, body: { ...this.view(batch, baseUrl), processing_status: 'canceling', ended_at: null, results_url: null } };
	}
}

/** Parameters the batch path refuses (batch-processing page, "What can be batched"). */
function batchOnlyRefusal(params: Record<string, unknown>): string | undefined {
	if (params.stream === true) return 'stream: streaming is not supported in a Message Batch';
	if (params.speed !== undefined) return 'speed: fast mode is not supported in a Message Batch';
	if (params.max_tokens === 0) return 'max_tokens: must be at least 1 in a Message Batch (cache pre-warming is not supported)';
	for (const field of ['store', 'previous_thread_event_id', 'cache_hint', 'context_hint', 'research_preview_2026_02']) {
		if (field in params) return `${field}: not supported in a Message Batch`;
	}
	return undefined;
}
