/**
 * The allow-list every fetch the workflows make goes through. A URL is read with the WHATWG
 * parser (the one the HTTP client uses, so `http://a\@b/` means host `a` to both), then its
 * scheme, host and port must match an entry, and every address its host resolves to must be
 * public unless that address is itself allow-listed. Refusals name the rule, never a network
 * error's text (which would let a caller probe ports).
 */
import ipaddr from 'ipaddr.js';
import { ParameterError } from '../parameter-error.ts';

export interface AllowEntry {
	scheme: 'http:' | 'https:';
	/** Lower-case host name or IP literal (IPv6 without brackets). */
	host: string;
	/** `*.example.com`: any sub-domain of `host` (not `host` itself). */
	subdomains: boolean;
	port: number;
}

export type RefusalRule =
	| 'invalid_url'
	| 'scheme'
	| 'credentials'
	| 'host'
	| 'port'
	| 'address'
	| 'redirects'
	| 'size'
	| 'timeout'
	| 'unreachable'
	| 'status';

/** A fetch the guard would not make, or could not finish; the message is safe to show. */
export class FetchRefused extends Error {
	override name = 'FetchRefused';
	readonly type = 'refused';

	readonly rule: RefusalRule;

	constructor(rule: RefusalRule, message: string) {
		super(message);
		this.rule = rule;
	}
}

const DEFAULT_PORT = { 'http:': 80, 'https:': 443 } as const;

/**
 * Reads an allow-list: entries separated by commas, spaces or new lines, each a URL origin
 * (`https://prometheus.internal:9090`, `http://10.0.0.5:8080`), a bare host (https on 443) or
 * `https://*.example.com` for sub-domains.
 */
export function parseAllowList(value: string | string[] | undefined, field = 'Allowed Hosts'): AllowEntry[] {
	const raw = (Array.isArray(value) ? value.join(',') : String(value ?? '')).split(/[\s,]+/).filter(Boolean);
	return raw.map((entry) => {
		const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ? entry : `https://${entry}`;
		const wildcard = /^(https?:\/\/)\*\./i.exec(withScheme);
		const url = parseUrl(wildcard ? withScheme.replace('*.', 'wildcard-placeholder.') : withScheme);
		if (!url) throw new ParameterError(`${field}: "${entry}" is not a host or origin. Fix: write entries like https://logs.example.com or http://10.0.0.5:9090`);
		if (url.protocol !== 'http:' && url.protocol !== 'https:') {
			throw new ParameterError(`${field}: "${entry}" uses ${url.protocol} Fix: only http:// and https:// origins can be allowed`);
		}
		if (url.username || url.password || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
			throw new ParameterError(`${field}: "${entry}" must be an origin only (scheme, host, port). Fix: remove the path, query or user name`);
		}
		const scheme = url.protocol as AllowEntry['scheme'];
		const host = bare(url.hostname).replace(/^wildcard-placeholder\./, '');
		return { scheme, host, subdomains: Boolean(wildcard), port: url.port ? Number(url.port) : DEFAULT_PORT[scheme] };
	});
}

export function describeEntry(entry: AllowEntry): string {
	const host = entry.host.includes(':') ? `[${entry.host}]` : entry.host;
	return `${entry.scheme}//${entry.subdomains ? '*.' : ''}${host}:${entry.port}`;
}

/** Parses and checks a URL against the list (not yet its addresses). */
export function checkUrl(raw: string, allow: AllowEntry[]): URL {
	const url = parseUrl(String(raw).trim());
	if (!url) throw new FetchRefused('invalid_url', `"${clip(raw)}" is not a valid URL`);
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new FetchRefused('scheme', `${url.protocol} URLs are not fetched; only http and https`);
	}
	if (url.username || url.password) {
		throw new FetchRefused('credentials', 'URLs with a user name or password are refused; put credentials in the node\'s authentication instead');
	}
	const host = bare(url.hostname);
	const port = url.port ? Number(url.port) : DEFAULT_PORT[url.protocol as AllowEntry['scheme']];
	const forHost = allow.filter((e) => hostMatches(e, host));
	if (forHost.length === 0) throw new FetchRefused('host', `host ${host} is not on the allow-list`);
	const forScheme = forHost.filter((e) => e.scheme === url.protocol);
	if (forScheme.length === 0) throw new FetchRefused('scheme', `${url.protocol}// is not allowed for ${host} (allowed: ${forHost.map(describeEntry).join(', ')})`);
	if (!forScheme.some((e) => e.port === port)) {
		throw new FetchRefused('port', `port ${port} is not allowed for ${host} (allowed: ${forScheme.map(describeEntry).join(', ')})`);
	}
	return url;
}

/**
 * Whether a resolved address may be connected to: public addresses may; loopback, private,
 * link-local (cloud metadata), CGNAT, reserved and the like only when allow-listed themselves.
 */
export function checkAddress(address: string, url: URL, allow: AllowEntry[]): void {
	if (!ipaddr.isValid(address)) throw new FetchRefused('address', `${bare(url.hostname)} resolved to an address that cannot be checked`);
	const parsed = ipaddr.process(address);
	if (parsed.range() === 'unicast') return;
	const literal = parsed.toString();
	const port = url.port ? Number(url.port) : DEFAULT_PORT[url.protocol as AllowEntry['scheme']];
	const listed = allow.some((e) => !e.subdomains && e.scheme === url.protocol && e.port === port && sameAddress(e.host, literal));
	if (!listed) {
		throw new FetchRefused(
			'address',
			`${bare(url.hostname)} resolves to a ${parsed.range()} address, which is refused unless that address itself is on the allow-list`,
		);
	}
}

function parseUrl(text: string): URL | undefined {
	return URL.canParse(text) ? new URL(text) : undefined;
}

function hostMatches(entry: AllowEntry, host: string): boolean {
	if (entry.subdomains) return host.endsWith(`.${entry.host}`);
	return entry.host === host || sameAddress(entry.host, host);
}

function sameAddress(a: string, b: string): boolean {
	if (!ipaddr.isValid(a) || !ipaddr.isValid(b)) return false;
	return ipaddr.process(a).toString() === ipaddr.process(b).toString();
}

/** Host without IPv6 brackets and a trailing dot, lower case. */
function bare(hostname: string): string {
	return hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

function clip(text: unknown): string {
	const s = String(text);
	return s.length > 120 ? `${s.slice(0, 119)}…` : s;
}
