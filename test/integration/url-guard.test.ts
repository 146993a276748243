/**
 * The URL guard against real HTTP servers on loopback: each attack from issue 8 (backslash
 * host, redirect to an internal address, another port, a huge body, port probing) and the
 * DNS check (a permitted name that resolves to an internal address).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedFetch, readBody, type Resolver } from '../../nodes/shared/net/guarded-fetch.ts';
import { FetchRefused, parseAllowList } from '../../nodes/shared/net/url-guard.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ server: Server; port: number; hits: IncomingMessage[] }> {
	const hits: IncomingMessage[] = [];
	const server = createServer((req, res) => {
		hits.push(req);
		handler(req, res);
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	return { server, port: (server.address() as AddressInfo).port, hits };
}

let allowed: Awaited<ReturnType<typeof serve>>;
let internal: Awaited<ReturnType<typeof serve>>;
let closedPort: number;

beforeAll(async () => {
	allowed = await serve((req, res) => {
		if (req.url === '/to-internal') return res.writeHead(302, { location: `http://127.0.0.1:${internal.port}/secret` }).end();
		if (req.url === '/to-internal-307') return res.writeHead(307, { location: `http://127.0.0.1:${internal.port}/secret` }).end();
		if (req.url === '/to-self') return res.writeHead(302, { location: '/echo-auth' }).end();
		if (req.url === '/echo-auth') return res.end(JSON.stringify({ auth: req.headers.authorization ?? null }));
		if (req.url === '/loop') return res.writeHead(302, { location: '/loop' }).end();
		if (req.url === '/big') {
			// 5 MB without a content-length: only counting the stream can stop it.
			res.writeHead(200, { 'content-type': 'text/plain' });
			const chunk = Buffer.alloc(64 * 1024, 'x');
			let sent = 0;
			const pump = () => {
				while (sent < 80) {
					sent++;
					if (!res.write(chunk)) return res.once('drain', pump);
				}
				res.end();
			};
			return pump();
		}
		if (req.url === '/big-declared') return res.writeHead(200, { 'content-length': String(200 * 1024 * 1024) }).end();
		if (req.url === '/hang') return;
		res.end('hello from the allowed host');
	});
	internal = await serve((_req, res) => res.end('internal secret'));
	const probe = await serve(() => undefined);
	closedPort = probe.port;
	await new Promise((r) => probe.server.close(r));
});

afterAll(async () => {
	for (const s of [allowed, internal]) {
		s.server.closeAllConnections();
		await new Promise((r) => s.server.close(r));
	}
});

const allowSelf = () => parseAllowList(`http://127.0.0.1:${allowed.port}`);

async function refusal(promise: Promise<unknown>): Promise<FetchRefused> {
	try {
		const res = await promise;
		if (res && typeof res === 'object' && 'body' in res) await readBody(res as never);
	} catch (error) {
		if (error instanceof FetchRefused) return error;
		throw error;
	}
	throw new Error('expected a refusal');
}

describe('URL guard', () => {
	it('fetches from an allow-listed origin', async () => {
		const res = await guardedFetch(`http://127.0.0.1:${allowed.port}/hello`, { allow: allowSelf(), maxBytes: 1024 });
		expect(res.status).toBe(200);
		expect((await readBody(res)).toString()).toBe('hello from the allowed host');
	});

	it('reads a backslash URL as the HTTP client does: http://127.0.0.1:PORT\\@allowed-host/ is a request to 127.0.0.1, refused', async () => {
		const before = internal.hits.length;
		const error = await refusal(
			guardedFetch(`http://127.0.0.1:${internal.port}\\@logs.example.com/x`, { allow: parseAllowList('http://logs.example.com'), maxBytes: 1024 }),
		);
		expect(error.rule).toBe('host');
		expect(internal.hits.length).toBe(before);
	});

	it('re-checks every redirect: a 302 or 307 from an allowed host to an internal one is not followed', async () => {
		const before = internal.hits.length;
		for (const path of ['/to-internal', '/to-internal-307']) {
			const error = await refusal(guardedFetch(`http://127.0.0.1:${allowed.port}${path}`, { allow: allowSelf(), maxBytes: 1024 }));
			expect(error.rule).toBe('port');
			expect(error.message).toMatch(/^redirect refused/);
		}
		expect(internal.hits.length).toBe(before);
	});

	it('follows a redirect that stays allowed, and stops after the hop limit', async () => {
		const res = await guardedFetch(`http://127.0.0.1:${allowed.port}/to-self`, { allow: allowSelf(), maxBytes: 1024, headers: { authorization: 'Bearer same-origin' } });
		expect(JSON.parse((await readBody(res)).toString())).toEqual({ auth: 'Bearer same-origin' });
		const error = await refusal(guardedFetch(`http://127.0.0.1:${allowed.port}/loop`, { allow: allowSelf(), maxBytes: 1024, maxRedirects: 3 }));
		expect(error.rule).toBe('redirects');
	});

	it('drops credentials when a redirect leaves the origin, even to another allowed origin', async () => {
		const allow = parseAllowList([`http://127.0.0.1:${allowed.port}`, `http://127.0.0.1:${internal.port}`]);
		const res = await guardedFetch(`http://127.0.0.1:${allowed.port}/to-internal`, { allow, maxBytes: 1024, headers: { authorization: 'Bearer for-the-first-host' } });
		expect((await readBody(res)).toString()).toBe('internal secret');
		expect(internal.hits.at(-1)?.headers.authorization).toBeUndefined();
	});

	it('matches the port: another port on an allowed host is refused', async () => {
		const error = await refusal(guardedFetch(`http://127.0.0.1:${internal.port}/`, { allow: allowSelf(), maxBytes: 1024 }));
		expect(error.rule).toBe('port');
		const https = await refusal(guardedFetch(`https://127.0.0.1:${allowed.port}/`, { allow: allowSelf(), maxBytes: 1024 }));
		expect(https.rule).toBe('scheme');
	});

	it('checks DNS answers: an allowed name that resolves to loopback is refused unless that address is allowed too', async () => {
		const resolve: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
		const byName = parseAllowList(`http://metrics.example.com:${allowed.port}`);
		const error = await refusal(guardedFetch(`http://metrics.example.com:${allowed.port}/hello`, { allow: byName, maxBytes: 1024, resolve }));
		expect(error.rule).toBe('address');
		expect(error.message).toMatch(/loopback/);
		const both = parseAllowList([`http://metrics.example.com:${allowed.port}`, `http://127.0.0.1:${allowed.port}`]);
		const res = await guardedFetch(`http://metrics.example.com:${allowed.port}/hello`, { allow: both, maxBytes: 1024, resolve });
		expect((await readBody(res)).toString()).toBe('hello from the allowed host');
	});

	it('refuses a name with any internal answer (cloud metadata, private, mapped IPv6) among public ones', async () => {
		for (const address of ['169.254.169.254', '10.0.0.7', '::ffff:127.0.0.1', 'fd00::1']) {
			const resolve: Resolver = async () => [
				{ address: '93.184.216.34', family: 4 },
				{ address, family: address.includes(':') ? 6 : 4 },
			];
			const error = await refusal(guardedFetch('https://api.example.com/x', { allow: parseAllowList('api.example.com'), maxBytes: 1024, resolve }));
			expect(error.rule).toBe('address');
		}
	});

	it('normalises IP spellings before matching: decimal and mapped forms of 127.0.0.1 are still 127.0.0.1', async () => {
		for (const url of [`http://2130706433:${internal.port}/`, `http://[::ffff:127.0.0.1]:${internal.port}/`]) {
			const error = await refusal(guardedFetch(url, { allow: parseAllowList('http://logs.example.com'), maxBytes: 1024 }));
			expect(error.rule).toBe('host');
		}
	});

	it('caps the body while streaming, with or without a content-length', async () => {
		const error = await refusal(guardedFetch(`http://127.0.0.1:${allowed.port}/big`, { allow: allowSelf(), maxBytes: 1024 * 1024 }));
		expect(error.rule).toBe('size');
		expect(error.message).toMatch(/1 MB limit/);
		const declared = await refusal(guardedFetch(`http://127.0.0.1:${allowed.port}/big-declared`, { allow: allowSelf(), maxBytes: 1024 * 1024 }));
		expect(declared.rule).toBe('size');
	});

	it('never echoes the network error: a closed port and an unknown name read the same way', async () => {
		const allow = parseAllowList([`http://127.0.0.1:${closedPort}`, 'https://nowhere.invalid']);
		const closed = await refusal(guardedFetch(`http://127.0.0.1:${closedPort}/`, { allow, maxBytes: 1024 }));
		expect(closed.rule).toBe('unreachable');
		expect(closed.message).not.toMatch(/ECONN|refused|errno/i);
		const unknown = await refusal(guardedFetch('https://nowhere.invalid/', { allow, maxBytes: 1024, resolve: async () => Promise.reject(new Error('ENOTFOUND nowhere.invalid')) }));
		expect(unknown.rule).toBe('unreachable');
		expect(unknown.message).not.toMatch(/ENOTFOUND/);
	});

	it('gives up at the timeout', async () => {
		const error = await refusal(guardedFetch(`http://127.0.0.1:${allowed.port}/hang`, { allow: allowSelf(), maxBytes: 1024, timeoutMs: 300 }));
		expect(error.rule).toBe('timeout');
	});

	it('refuses user names in URLs and other schemes', async () => {
		expect((await refusal(guardedFetch(`http://user:pw@127.0.0.1:${allowed.port}/`, { allow: allowSelf(), maxBytes: 1024 }))).rule).toBe('credentials');
		expect((await refusal(guardedFetch('file:///etc/passwd', { allow: allowSelf(), maxBytes: 1024 }))).rule).toBe('scheme');
		expect((await refusal(guardedFetch('not a url', { allow: allowSelf(), maxBytes: 1024 }))).rule).toBe('invalid_url');
	});
});

describe('allow-list entries', () => {
	it('reads origins, bare hosts (https:443) and sub-domain wildcards', () => {
		expect(parseAllowList('logs.example.com, http://10.0.0.5:9090\nhttps://*.corp.example')).toEqual([
			{ scheme: 'https:', host: 'logs.example.com', subdomains: false, port: 443 },
			{ scheme: 'http:', host: '10.0.0.5', subdomains: false, port: 9090 },
			{ scheme: 'https:', host: 'corp.example', subdomains: true, port: 443 },
		]);
	});

	it('names the field and the fix for an entry that is not an origin', () => {
		expect(() => parseAllowList('https://logs.example.com/path')).toThrow(/Allowed Hosts: .*origin only.*Fix/);
		expect(() => parseAllowList('ftp://files.example.com')).toThrow(/Fix: only http/);
	});
});
