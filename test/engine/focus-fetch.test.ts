/**
 * Evidence Fetch's FOCUS operation in n8n's engine: the export read once (URL through the guard,
 * or binary data; gzip, Parquet), aggregated, and handed to a cost specialist team that reads
 * the same aggregate. Real HTTP on loopback; Claude is the project's simulator.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChain, type ChainStep } from '../helpers/engine.ts';
import { TEST_KEY, useSimulator } from '../helpers/simulator.ts';

const FIXTURES = join(__dirname, '../fixtures/focus');
const GZIP = readFileSync(join(FIXTURES, 'aws-focus-1.0.csv.gz'));
const PARQUET = readFileSync(join(FIXTURES, 'aws-focus-1.0.parquet'));
const BAD = readFileSync(join(FIXTURES, 'bad-rows.csv'));

let server: Server;
let base = '';
const requests: string[] = [];

beforeAll(async () => {
	server = createServer((req, res) => {
		requests.push(req.url!);
		if (req.url === '/exports/focus.csv.gz') return res.end(GZIP);
		if (req.url === '/exports/bad.csv') return res.end(BAD);
		if (req.url === '/exports/moved') return res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
		res.writeHead(404).end('no such export');
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await new Promise((r) => server.close(r));
});

const readStep = (parameters: Record<string, unknown>, continueOnFail = false): ChainStep => ({
	name: 'Read FOCUS Export',
	type: 'evidenceFetch',
	parameters: { operation: 'focus', source: 'url', allowedHosts: base, outputField: 'focus', ...parameters },
	continueOnFail,
});

const rec = { resource: 'i-0a1b2c3d4e5f60718', action: 'Rightsize', category: 'rightsizing', monthly_savings_usd: 20, effort_hours: 2, risk: 'low', rationale: 'rows' };

describe('Evidence Fetch: Read FOCUS Export', () => {
	const { sim, url } = useSimulator();

	it('fetches a gzip export once and every specialist of the team reads the same aggregate', async () => {
		requests.length = 0;
		sim.script({ match: { contains: 'AWS Cost Specialist' }, behaviour: { content: { summary: 'ok', total_monthly_spend_usd: 75, recommendations: [rec] } } });
		const team: ChainStep = {
			name: 'Cloud Cost Specialists',
			type: 'specialistAgent',
			parameters: {
				mode: 'team',
				specialists: { specialist: ['aws', 'gcp', 'azure'].map((cloud) => ({ role: `cost.${cloud}`, name: cloud, input: '={{ $json.focus }}' })) },
				options: { maxAttempts: 1 },
			},
		};
		const { outputs, items, error } = await runChain({
			chain: [readStep({ url: `${base}/exports/focus.csv.gz` }), team],
			items: [{}],
			credentials: { apiKey: TEST_KEY, baseUrl: url() },
		});
		expect(error).toBeUndefined();
		expect(requests).toEqual(['/exports/focus.csv.gz']);
		const focus = outputs['Read FOCUS Export']![0].json.focus as { source: Record<string, unknown>; totals: Array<{ currency: string; billed: string }> };
		expect(focus.source).toMatchObject({ name: 'focus.csv.gz', format: 'csv', compression: 'gzip', bytes: GZIP.length });
		expect(focus.totals).toEqual([expect.objectContaining({ currency: 'USD', billed: '74.9596720667', effective: '2.0216720667' })]);
		const byAgent = Object.fromEntries(items!.map((i) => [i.json.agent as string, i.json]));
		expect((byAgent.aws as { input: { billing: { spend: number; rows: number } } }).input.billing).toMatchObject({ spend: 74.9596720667, rows: 10 });
		// GCP and Azure have no rows: no model call for them.
		expect(sim.messageRequests()).toHaveLength(1);
		expect(JSON.stringify(sim.messageRequests()[0].messages)).toContain('aggregated in code from 10 of 10 rows');
	});

	it('reads a Parquet export from binary data', async () => {
		const { items, error } = await runChain({
			chain: [readStep({ source: 'binary', binaryProperty: 'data' })],
			items: [{ period: '2024-09' }],
			binary: [{ data: { data: PARQUET.toString('base64'), mimeType: 'application/vnd.apache.parquet', fileName: 'part-00001.snappy.parquet' } }],
			credentials: { apiKey: TEST_KEY, baseUrl: url() },
		});
		expect(error).toBeUndefined();
		expect(items![0].json.period).toBe('2024-09');
		expect(items![0].json.focus).toMatchObject({ source: { name: 'part-00001.snappy.parquet', format: 'parquet' }, totals: [{ currency: 'USD', billed: '74.9596720667' }] });
	});

	it('refuses hosts off the allow-list, redirects to internal addresses and exports over the size cap, naming the rule', async () => {
		requests.length = 0;
		const run = (parameters: Record<string, unknown>) =>
			runChain({ chain: [readStep(parameters, true)], items: [{}], credentials: { apiKey: TEST_KEY, baseUrl: url() } }).then((r) => r.items![0].json);
		expect(await run({ url: 'http://169.254.169.254/latest/meta-data' })).toMatchObject({ status: 'failed', error: { type: 'refused', message: expect.stringMatching(/host 169\.254\.169\.254 is not on the allow-list/) } });
		expect(await run({ url: `${base}/exports/moved` })).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/redirect refused: host 169\.254\.169\.254/) } });
		expect(await run({ url: `${base}/exports/focus.csv.gz`, options: { maxSizeMb: 0.001 } })).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/over the 1 KB limit/) } });
		expect(requests).toEqual(['/exports/moved', '/exports/focus.csv.gz']);
	});

	it('stops with the rejected rows by reason past the allowed share, and reports them within it', async () => {
		const stopped = await runChain({ chain: [readStep({ url: `${base}/exports/bad.csv` })], items: [{}], credentials: { apiKey: TEST_KEY, baseUrl: url() } });
		expect(stopped.error?.message).toMatch(/11 of 14 rows of the FOCUS export .* could not be read, more than the 1% allowed: BilledCost not a number/);
		const allowed = await runChain({ chain: [readStep({ url: `${base}/exports/bad.csv`, options: { maxRejectedPercent: 90 } })], items: [{}], credentials: { apiKey: TEST_KEY, baseUrl: url() } });
		expect(allowed.items![0].json.focus).toMatchObject({ rows: { read: 14, accepted: 3, rejected: 11 }, totals: [{ billed: '4' }] });
	});
});
