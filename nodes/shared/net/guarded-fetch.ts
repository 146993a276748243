/**
 * Fetches through the URL guard: each hop's URL is checked, its host resolved once and every
 * address checked, the connection pinned to a checked address (no second DNS answer can slip
 * in), redirects followed by hand with a hop limit, and the body streamed under a size cap.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Transform, type Readable } from 'node:stream';
import { checkAddress, checkUrl, FetchRefused, type AllowEntry } from './url-guard.ts';

export type Resolver = (host: string) => Promise<Array<{ address: string; family: number }>>;

export interface GuardedFetchOptions {
	allow: AllowEntry[];
	/** Largest response body accepted, in bytes. */
	maxBytes: number;
	maxRedirects?: number;
	/** For the whole fetch: every hop and the body. */
	timeoutMs?: number;
	method?: 'GET' | 'POST' | 'HEAD';
	headers?: Record<string, string>;
	body?: string | Buffer;
	signal?: AbortSignal;
	/** DNS, replaceable in tests. */
	resolve?: Resolver;
}

export interface GuardedResponse {
	status: number;
	headers: IncomingHttpHeaders;
	/** The URL that answered, after redirects. */
	url: string;
	/** The body, capped at maxBytes (reading past it fails with rule `size`). */
	body: Readable;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers that carry credentials: never sent on to another origin. */
const SECRET_HEADERS = ['authorization', 'cookie', 'proxy-authorization', 'x-api-key'];

const systemResolve: Resolver = (host) => dnsLookup(host, { all: true, verbatim: true });

export async function guardedFetch(raw: string, options: GuardedFetchOptions): Promise<GuardedResponse> {
	const deadline = Date.now() + (options.timeoutMs ?? 30_000);
	const maxRedirects = options.maxRedirects ?? 5;
	let url = checkUrl(raw, options.allow);
	let method = options.method ?? 'GET';
	let body = options.body;
	let headers = { ...(options.headers ?? {}) };
	for (let hop = 0; ; hop++) {
		const address = await resolveChecked(url, options, deadline);
		const res = await send(url, address, { method, headers, body, signal: options.signal }, deadline);
		const location = res.headers.location;
		if (!REDIRECTS.has(res.statusCode ?? 0) || !location) {
			return { status: res.statusCode ?? 0, headers: res.headers, url: url.href, body: capped(res, options.maxBytes, deadline) };
		}
		res.resume();
		if (hop >= maxRedirects) throw new FetchRefused('redirects', `more than ${maxRedirects} redirects`);
		const next = redirectTarget(location, url, options.allow);
		if (next instanceof FetchRefused) throw next;
		if (next.origin !== url.origin) headers = withoutSecrets(headers);
		if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST')) {
			method = 'GET';
			body = undefined;
		}
		url = next;
	}
}

/** Reads a guarded response's whole body (it is capped already). */
export async function readBody(response: GuardedResponse): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of response.body) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

async function resolveChecked(url: URL, options: GuardedFetchOptions, deadline: number): Promise<{ address: string; family: number }> {
	const host = url.hostname.replace(/^\[|\]$/g, '');
	const answers = isIP(host)
		? [{ address: host, family: isIP(host) }]
		: await withDeadline((options.resolve ?? systemResolve)(host), deadline).catch((error: unknown) =>
				error instanceof FetchRefused ? error : new FetchRefused('unreachable', `${host} could not be resolved`),
			);
	if (answers instanceof FetchRefused) throw answers;
	if (answers.length === 0) throw new FetchRefused('unreachable', `${host} could not be resolved`);
	// Every answer must pass: a name with one public and one internal address is refused.
	for (const answer of answers) checkAddress(answer.address, url, options.allow);
	return answers[0];
}

interface Sent {
	method: string;
	headers: Record<string, string>;
	body?: string | Buffer;
	signal?: AbortSignal;
}

function send(url: URL, address: { address: string; family: number }, sent: Sent, deadline: number): Promise<IncomingMessage> {
	const pinned: LookupFunction = (_host, opts, callback) => {
		if ((opts as { all?: boolean }).all) (callback as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [address]);
		else callback(null, address.address, address.family);
	};
	const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
	return new Promise((resolve, reject) => {
		const remaining = deadline - Date.now();
		if (remaining <= 0) return reject(new FetchRefused('timeout', `${url.host} did not answer in time`));
		const req = request(url, { method: sent.method, headers: sent.headers, lookup: pinned, signal: sent.signal, timeout: remaining }, resolve);
		req.on('timeout', () => req.destroy(new FetchRefused('timeout', `${url.host} did not answer in time`)));
		req.on('error', (error) => {
			if (error instanceof FetchRefused) return reject(error);
			if (sent.signal?.aborted) return reject(new FetchRefused('unreachable', 'the fetch was cancelled'));
			// Not the network error's text: that would tell a caller which ports are open.
			reject(new FetchRefused('unreachable', `${url.host} could not be reached`));
		});
		const timer = setTimeout(() => req.destroy(new FetchRefused('timeout', `${url.host} did not answer in time`)), remaining);
		req.on('close', () => clearTimeout(timer));
		req.end(sent.body);
	});
}

/** The body as a stream that fails once more than `maxBytes` arrive or the deadline passes. */
function capped(res: IncomingMessage, maxBytes: number, deadline: number): Readable {
	const declared = Number(res.headers['content-length']);
	let seen = 0;
	const limit = new Transform({
		transform(chunk: Buffer, _enc, done) {
			seen += chunk.length;
			if (seen > maxBytes) return done(new FetchRefused('size', `the response is larger than the ${formatBytes(maxBytes)} limit`));
			done(null, chunk);
		},
	});
	if (Number.isFinite(declared) && declared > maxBytes) {
		res.destroy();
		queueMicrotask(() => limit.destroy(new FetchRefused('size', `the response is ${formatBytes(declared)}, over the ${formatBytes(maxBytes)} limit`)));
		return limit;
	}
	const timer = setTimeout(() => {
		res.destroy();
		limit.destroy(new FetchRefused('timeout', 'the response did not finish in time'));
	}, Math.max(0, deadline - Date.now()));
	const stop = () => clearTimeout(timer);
	limit.once('close', stop);
	limit.once('end', stop);
	res.on('error', () => limit.destroy(new FetchRefused('unreachable', 'the connection broke while reading the response')));
	limit.on('error', () => res.destroy());
	return res.pipe(limit);
}

/** The next hop of a redirect, checked like the first URL, or why it is refused. */
function redirectTarget(location: string, from: URL, allow: AllowEntry[]): URL | FetchRefused {
	try {
		return checkUrl(new URL(location, from).href, allow);
	} catch (error) {
		const reason = error instanceof FetchRefused ? error : new FetchRefused('invalid_url', 'the redirect location is not a valid URL');
		return new FetchRefused(reason.rule, `redirect refused: ${reason.message}`);
	}
}

function withoutSecrets(headers: Record<string, string>): Record<string, string> {
	return Object.fromEntries(Object.entries(headers).filter(([k]) => !SECRET_HEADERS.includes(k.toLowerCase())));
}

function withDeadline<T>(promise: Promise<T>, deadline: number): Promise<T> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new FetchRefused('timeout', 'name resolution did not finish in time')), Math.max(0, deadline - Date.now()));
		promise.then(
			(v) => (clearTimeout(timer), resolve(v)),
			(e) => (clearTimeout(timer), reject(e)),
		);
	});
}

export function formatBytes(bytes: number): string {
	if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
	if (bytes >= 1024) return `${Math.round(bytes / 102.4) / 10} KB`;
	return `${bytes} bytes`;
}
