/**
 * Prometheus range queries through the URL guard: `POST /api/v1/query_range` with the form
 * fields query, start, end, step and timeout (the HTTP API accepts them form-encoded, which
 * keeps long expressions out of URL limits). Errors are Prometheus's own JSON
 * `{status: "error", errorType, error}`: 400 bad parameters, 422 cannot execute, 503 timeout.
 * A range may hold at most 11,000 points per series, so the step is raised to fit.
 * https://prometheus.io/docs/prometheus/latest/querying/api/#range-queries
 */
import { guardedFetch, readBody, type GuardedFetchOptions } from '../net/guarded-fetch.ts';
import { FetchRefused } from '../net/url-guard.ts';
import type { Series } from './condense.ts';

export const MAX_POINTS = 11_000;

export interface RangeQuery {
	baseUrl: string;
	query: string;
	/** Unix seconds. */
	start: number;
	end: number;
	stepSeconds: number;
	headers?: Record<string, string>;
}

export class PrometheusError extends Error {
	override name = 'PrometheusError';
	readonly type = 'prometheus';
}

/** The step actually used: the asked one, raised so the range stays within 11,000 points. */
export function stepFor(start: number, end: number, stepSeconds: number): number {
	// Rounded up to the millisecond: sub-second steps stay sub-second.
	return Math.max(stepSeconds, Math.ceil(((end - start) / (MAX_POINTS - 1)) * 1000) / 1000);
}

export async function queryRange(q: RangeQuery, guard: GuardedFetchOptions): Promise<Series[]> {
	const url = new URL('api/v1/query_range', q.baseUrl.endsWith('/') ? q.baseUrl : `${q.baseUrl}/`).href;
	const timeoutSeconds = Math.max(1, Math.floor((guard.timeoutMs ?? 15_000) / 1000));
	const form = new URLSearchParams({
		query: q.query,
		start: String(q.start),
		end: String(q.end),
		step: String(stepFor(q.start, q.end, q.stepSeconds)),
		timeout: `${timeoutSeconds}s`,
	});
	const res = await guardedFetch(url, {
		...guard,
		method: 'POST',
		headers: { ...(q.headers ?? {}), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
		body: form.toString(),
	});
	const text = (await readBody(res)).toString('utf8');
	const body = parseJson(text) as { status?: string; errorType?: string; error?: string; data?: { resultType?: string; result?: unknown } } | undefined;
	if (!body) throw new FetchRefused('status', `${new URL(res.url).host} answered HTTP ${res.status} without Prometheus JSON (is the URL the Prometheus server?)`);
	if (res.status === 401 || res.status === 403) throw new FetchRefused('status', `${new URL(res.url).host} answered HTTP ${res.status}: check the Prometheus credential`);
	if (body.status !== 'success') throw new PrometheusError(`Prometheus refused the query (HTTP ${res.status}, ${body.errorType ?? 'error'}): ${body.error ?? 'no reason given'}`);
	if (body.data?.resultType !== 'matrix' || !Array.isArray(body.data.result)) {
		throw new PrometheusError(`Prometheus answered a ${String(body.data?.resultType)} instead of a range (matrix)`);
	}
	return body.data.result as Series[];
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}
