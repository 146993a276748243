/**
 * Evidence Fetch in n8n's engine, against real HTTP servers on loopback: sources fetched into
 * fields, refusals listed per source (not fatal), one output item per input item, and the item
 * runner's failure shape with and without Continue On Fail.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChain } from '../helpers/engine.ts';

let server: Server;
let port: number;
let other: Server;
let otherPort: number;

beforeAll(async () => {
	server = createServer((req, res) => {
		if (req.url === '/logs') return res.end('ERROR pool exhausted');
		if (req.url === '/redirect') return res.writeHead(302, { location: `http://127.0.0.1:${otherPort}/` }).end();
		if (req.url === '/missing') return res.writeHead(404).end('not here');
		res.end('ok');
	});
	other = createServer((_req, res) => res.end('internal'));
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
	port = (server.address() as AddressInfo).port;
	otherPort = (other.address() as AddressInfo).port;
});

afterAll(async () => {
	await new Promise((r) => server.close(r));
	await new Promise((r) => other.close(r));
});

const fetchStep = (parameters: Record<string, unknown>, continueOnFail = false) => ({
	name: 'Evidence Fetch',
	type: 'evidenceFetch' as const,
	parameters: {
		operation: 'urls',
		allowedHosts: `http://127.0.0.1:${port}`,
		sources: {
			source: [
				{ field: 'logs', url: '={{ $json.logs_url }}' },
				{ field: 'metrics', url: '={{ $json.metrics_url }}' },
				{ field: 'infrastructure', url: '={{ $json.infra_url }}' },
			],
		},
		...parameters,
	},
	continueOnFail,
});

describe('Evidence Fetch: URLs into fields', () => {
	it('fetches allowed sources, lists refused ones per field, and keeps one item per input item', async () => {
		const { items, error } = await runChain({
			chain: [fetchStep({})],
			items: [
				{ incident_id: 'A', logs_url: `http://127.0.0.1:${port}/logs`, metrics_url: `http://127.0.0.1:${port}/redirect`, infra_url: `http://127.0.0.1:${port}/missing` },
				{ incident_id: 'B', logs: 'inline logs win', logs_url: `http://127.0.0.1:${port}/logs`, metrics_url: `http://127.0.0.1:${otherPort}/` },
			],
			credentials: {},
		});
		expect(error).toBeUndefined();
		expect(items).toHaveLength(2);
		const [a, b] = items!.map((i) => i.json);
		expect(a.logs).toBe('ERROR pool exhausted');
		expect(a.evidence).toMatchObject({
			fetched: ['logs'],
			refused: expect.arrayContaining([
				expect.objectContaining({ field: 'metrics', rule: 'port', reason: expect.stringMatching(/^redirect refused/) }),
				expect.objectContaining({ field: 'infrastructure', rule: 'status', reason: expect.stringMatching(/HTTP 404/) }),
			]),
		});
		expect(a.metrics).toBeUndefined();
		expect(b.logs).toBe('inline logs win');
		expect(b.evidence).toMatchObject({ fetched: [], refused: [expect.objectContaining({ field: 'metrics', rule: 'port' })] });
		expect(items!.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it('a bad allow-list fails the item with the field and the fix; with Continue On Fail it is a failed item', async () => {
		const bad = { allowedHosts: 'https://logs.example.com/some/path' };
		const stopped = await runChain({ chain: [fetchStep(bad)], items: [{ logs_url: 'https://logs.example.com/x' }], credentials: {} });
		expect(stopped.error?.message).toMatch(/Allowed Hosts: .*origin only.*Fix/);
		expect(stopped.error?.context?.itemIndex).toBe(0);

		const kept = await runChain({ chain: [fetchStep(bad, true)], items: [{ a: 1 }, { a: 2 }], credentials: {} });
		expect(kept.error).toBeUndefined();
		expect(kept.items!.map((i) => i.json)).toEqual([
			{ status: 'failed', error: { type: 'input', message: expect.stringMatching(/Allowed Hosts/) } },
			{ status: 'failed', error: { type: 'input', message: expect.stringMatching(/Allowed Hosts/) } },
		]);
		expect(kept.items!.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});

describe('Evidence Fetch: Check URL (nothing fetched)', () => {
	it('says per item whether a URL passes the allow-list and which rule refused it, without a request', async () => {
		let requests = 0;
		const counter = createServer((_req, res) => {
			requests++;
			res.end('x');
		});
		await new Promise<void>((r) => counter.listen(0, '127.0.0.1', r));
		const counted = (counter.address() as AddressInfo).port;
		const origin = `http://127.0.0.1:${counted}`;
		try {
			const cases: Array<[string, Record<string, unknown>]> = [
				[`${origin}/exports/focus.csv`, { allowed: true, url: `${origin}/exports/focus.csv` }],
				[`http://127.0.0.1:${counted + 1}/x`, { allowed: false, rule: 'port' }],
				[`http://127.0.0.1:${counted}\\@billing.example.com/x`, { allowed: true, url: `${origin}/@billing.example.com/x` }],
				['http://169.254.169.254/latest/meta-data', { allowed: false, rule: 'host', reason: 'host 169.254.169.254 is not on the allow-list' }],
				[`https://127.0.0.1:${counted}/x`, { allowed: false, rule: 'scheme' }],
				[`http://user:pw@127.0.0.1:${counted}/x`, { allowed: false, rule: 'credentials' }],
				['not a url', { allowed: false, rule: 'invalid_url' }],
				['', { allowed: false, rule: 'invalid_url', reason: 'the URL is empty' }],
			];
			const { items, error } = await runChain({
				chain: [{ name: 'Check URL', type: 'evidenceFetch' as const, parameters: { operation: 'checkUrl', url: '={{ $json.u }}', allowedHosts: origin, outputField: 'check' } }],
				items: cases.map(([u], i) => ({ u, i })),
				credentials: {},
			});
			expect(error).toBeUndefined();
			items!.forEach((item, i) => expect(item.json, cases[i][0]).toEqual({ u: cases[i][0], i, check: expect.objectContaining(cases[i][1]) }));
			expect(requests).toBe(0);
		} finally {
			await new Promise((r) => counter.close(r));
		}
	});
});
