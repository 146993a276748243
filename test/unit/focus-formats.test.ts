/**
 * FOCUS exports as each cloud delivers them (fixtures written from the providers' documented
 * formats, see test/fixtures/focus/README.md), read through the same streamed path a URL or
 * n8n binary data takes. Expected totals were computed independently (Python's decimal module
 * over the fixture files) and are compared exactly, as decimal text.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { generateFocusCsv } from '../../bench/focus-generator.ts';
import {
	aggregateFocusFile,
	aggregateFocusRows,
	aggregateFocusStream,
	aggregateFocusText,
	billingFacts,
	FocusRejectedError,
	type FocusAggregate,
} from '../../nodes/shared/finops/focus.ts';

const FIXTURES = join(__dirname, '../fixtures/focus');
const fixture = (name: string) => join(FIXTURES, name);
const streamOf = (name: string) => createReadStream(fixture(name), { highWaterMark: 512 });
const totals = (a: FocusAggregate) => Object.fromEntries(a.totals.map((t) => [t.currency, { billed: t.billed, effective: t.effective, rows: t.rows }]));
const category = (a: FocusAggregate, currency: string) =>
	Object.fromEntries(a.totals.find((t) => t.currency === currency)!.byCategory.map((c) => [c.category, [c.billed, c.effective]]));
const summary = (a: FocusAggregate, scope: string, currency?: string) => a.summaries.find((s) => s.scope === scope && (!currency || s.currency === currency));

describe('AWS Data Exports, FOCUS 1.0 with AWS columns', () => {
	const expectAws = (a: FocusAggregate) => {
		expect(a.rows).toMatchObject({ read: 10, accepted: 10, rejected: 0 });
		expect(totals(a)).toEqual({ USD: { billed: '74.9596720667', effective: '2.0216720667', rows: 10 } });
		expect(category(a, 'USD')).toEqual({
			Purchase: ['73', '0'],
			Tax: ['6.12', '6.12'],
			Usage: ['0.8396720667', '0.9016720667'],
			Credit: ['-5', '-5'],
		});
		const usd = a.totals[0];
		expect(usd.list).toEqual({ total: '75.1296720667', rows: 10 });
		// Two rows have no ContractedCost: summed over the 8 that do, never counted as 0.
		expect(usd.contracted).toEqual({ total: '74.0096720667', rows: 8 });
		expect(a.period).toEqual({ from: '2024-09-01', to: '2024-09-08', days: 8 });
		const aws = summary(a, 'aws')!;
		expect(aws.candidates.map((c) => `${c.kind}:${c.resourceId}`)).toEqual(
			expect.arrayContaining(['network:', 'orphaned:arn:aws:ec2:us-east-1:777788889999:volume/vol-0f1e2d3c4b5a69788']),
		);
	};

	it('reads the gzip CSV by its magic bytes, whatever it is called', async () => {
		const a = await aggregateFocusStream(streamOf('aws-focus-1.0.csv.gz'), { name: 'export.csv' });
		expect(a.source).toMatchObject({ format: 'csv', compression: 'gzip', bytes: 1664, decodedBytes: readFileSync(fixture('aws-focus-1.0.csv')).length, focusVersion: '1.0' });
		expectAws(a);
	});

	it('reads the Parquet export (double costs, timestamp_milliseconds periods) row group by row group', async () => {
		const fromFile = await aggregateFocusFile(fixture('aws-focus-1.0.parquet'));
		expect(fromFile.source).toMatchObject({ format: 'parquet', compression: 'none' });
		expectAws(fromFile);
		// The same file arriving as a stream (an HTTP body) is buffered to a temporary file first.
		const fromStream = await aggregateFocusStream(streamOf('aws-focus-1.0.parquet'));
		expect(totals(fromStream)).toEqual(totals(fromFile));
	});

	it('streams an export from a loopback HTTP server without holding it as one string', async () => {
		const body = gzipSync(Buffer.from([...generateFocusCsv({ rows: 20_000, seed: 3 })].join('')));
		const server: Server = createServer((_, res) => {
			res.writeHead(200, { 'content-type': 'application/octet-stream' });
			Readable.from(chunks(body, 4096)).pipe(res);
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		try {
			const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/focus`);
			const a = await aggregateFocusStream(res.body as unknown as AsyncIterable<Uint8Array>);
			expect(a.rows).toMatchObject({ read: 20_000, accepted: 20_000 });
			expect(a.source.bytes).toBe(body.length);
			expect(totals(a)).toEqual(totals(aggregateFocusText([...generateFocusCsv({ rows: 20_000, seed: 3 })].join(''))));
		} finally {
			server.close();
		}
	});
});

function* chunks(buffer: Buffer, size: number): Generator<Buffer> {
	for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
}

describe('Azure Cost Management FOCUS export', () => {
	it('reads BillingCurrency (EUR), never the x_…InUsd columns, with the UTF-8 byte order mark', async () => {
		const a = await aggregateFocusStream(streamOf('azure-focus-1.0.csv'));
		expect(totals(a)).toEqual({ EUR: { billed: '2656.7569903226', effective: '14.4169903226', rows: 6 } });
		expect(category(a, 'EUR')).toMatchObject({ Purchase: ['2649.6', '0'] });
		const azure = summary(a, 'azure', 'EUR')!;
		expect(azure.byProvider).toEqual([expect.objectContaining({ provider: 'Microsoft', rows: 6 })]);
		// A disk in a subscription with no compute hours: orphaned.
		expect(azure.candidates.find((c) => c.kind === 'orphaned')?.resourceId).toMatch(/old-data-disk$/);
		expect(billingFacts(a, 'azure')).toMatchObject({ currency: 'EUR', rows: 6, spend: 2656.7569903226, effectiveSpend: 14.4169903226 });
	});
});

describe('GCP FOCUS export read through BigQuery', () => {
	it('reads the console CSV with "… UTC" timestamps', async () => {
		const a = await aggregateFocusStream(streamOf('gcp-bigquery-focus.csv'));
		expect(totals(a)).toEqual({ USD: { billed: '8.062741', effective: '8.062741', rows: 6 } });
		expect(a.period).toEqual({ from: '2024-09-01', to: '2024-09-08', days: 8 });
		const gcp = summary(a, 'gcp')!;
		expect(gcp.weekOverWeek).toMatchObject({ thisWeek: { from: '2024-09-02', to: '2024-09-08' }, lastWeek: { to: '2024-09-01', spend: 1.149104 } });
		expect(gcp.weekOverWeek!.changePct).not.toBeNull();
		// Before, these dates failed to parse: no period, run rate 0 and false "commitment" candidates.
		expect(gcp.monthlyRunRate).toBeGreaterThan(0);
		expect(gcp.candidates.filter((c) => c.kind === 'commitment')).toHaveLength(0);
	});

	it("reads n8n's BigQuery node rows: TIMESTAMP as float epoch seconds (1.7251488E9), NUMERIC as text", () => {
		const rows = JSON.parse(readFileSync(fixture('gcp-bigquery-n8n.json'), 'utf8')) as Array<Record<string, unknown>>;
		expect(rows[0].ChargePeriodStart).toBe('1.7251488E9');
		const fromItems = aggregateFocusRows(rows);
		const fromCsv = aggregateFocusText(readFileSync(fixture('gcp-bigquery-focus.csv'), 'utf8'));
		expect(totals(fromItems)).toEqual(totals(fromCsv));
		expect(fromItems.period).toEqual(fromCsv.period);
		expect(summary(fromItems, 'gcp')!.weekOverWeek).toEqual(summary(fromCsv, 'gcp')!.weekOverWeek);
	});

	it('reads client-library rows ({ value } timestamps) and epoch numbers in ms and µs', () => {
		const base = { BilledCost: '1.5', BillingCurrency: 'USD', ProviderName: 'Google Cloud', ChargeCategory: 'Usage' };
		const a = aggregateFocusRows([
			{ ...base, ChargePeriodStart: { value: '2024-09-01T00:00:00.000Z' } },
			{ ...base, ChargePeriodStart: 1725753600000 },
			{ ...base, ChargePeriodStart: '1725753600000000' },
			{ ...base, ChargePeriodStart: 1725148800 },
		]);
		expect(a.rows.rejected).toBe(0);
		expect(a.period).toEqual({ from: '2024-09-01', to: '2024-09-08', days: 8 });
	});
});

describe('FOCUS 1.3 and other header spellings', () => {
	it('reads ServiceProviderName (the 1.3 name) and attributes marketplace rows to the seller, not the host', async () => {
		const a = await aggregateFocusStream(streamOf('focus-1.3.csv'));
		expect(a.source.focusVersion).toBe('1.3');
		expect(a.source.columns.provider).toBe('ServiceProviderName');
		expect(totals(a)).toEqual({ USD: { billed: '54.442', effective: '54.442', rows: 5 } });
		const all = summary(a, 'all')!;
		expect(Object.fromEntries(all.byProvider.map((p) => [p.provider, p.billed]))).toEqual({ Snowflake: 40, Datadog: 12.5, 'Google Cloud': 1.75, AWS: 0.192 });
		expect(summary(a, 'aws')!.billed).toBe(0.192);
		expect(summary(a, 'azure')).toBeUndefined();
	});

	it('matches Athena lower-case headers and snake_case names', () => {
		const csv = [...generateFocusCsv({ rows: 500, seed: 11 })].join('');
		const [head, ...rest] = csv.split('\n');
		const lower = aggregateFocusText([head.toLowerCase(), ...rest].join('\n'));
		const snake = aggregateFocusText([head.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase(), ...rest].join('\n'));
		const original = aggregateFocusText(csv);
		expect(totals(lower)).toEqual(totals(original));
		expect(totals(snake)).toEqual(totals(original));
	});

	it('names the missing columns and the fix when the data is not FOCUS', () => {
		expect(() => aggregateFocusText('date,amount\n2024-09-01,3')).toThrow(
			/columns ServiceProviderName or ProviderName, BilledCost, ChargePeriodStart, BillingCurrency missing \(found 2 columns: date, amount\).*Fix: export FOCUS/,
		);
		expect(() => aggregateFocusText('[{"ProviderName": "AWS"')).toThrow(/looks like JSON but does not parse/);
	});
});

describe('currencies', () => {
	it('keeps a total per BillingCurrency and never adds them together', async () => {
		const a = await aggregateFocusStream(streamOf('mixed-currency.csv'));
		expect(totals(a)).toEqual({
			USD: { billed: '170.5', effective: '170.5', rows: 3 },
			EUR: { billed: '95.32', effective: '95.32', rows: 2 },
			JPY: { billed: '11500', effective: '10500', rows: 2 },
		});
		expect(a.conversion).toBeNull();
		expect(a.summaries.filter((s) => s.scope === 'all').map((s) => [s.currency, s.billed])).toEqual([
			['USD', 170.5],
			['EUR', 95.32],
			['JPY', 11500],
		]);
		const facts = billingFacts(a, 'aws');
		expect(facts).toMatchObject({ currency: 'USD', spend: 170.5, export: { spend: 170.5, otherCurrencies: [{ currency: 'EUR', spend: 95.32 }, { currency: 'JPY', spend: 11500 }] } });
	});

	it('converts exactly with the rates the user gives, and only then', () => {
		const text = readFileSync(fixture('mixed-currency.csv'), 'utf8');
		const a = aggregateFocusText(text, { reportCurrency: 'usd', rates: { EUR: '1.1', JPY: '0.0067' } });
		// 170.5 + 95.32 × 1.1 + 11500 × 0.0067 = 170.5 + 104.852 + 77.05
		expect(a.conversion).toMatchObject({ currency: 'USD', billed: '352.402' });
		expect(a.summaries.map((s) => [s.scope, s.currency, s.convertedFrom])).toContainEqual(['all', 'USD', ['EUR', 'JPY']]);
		expect(() => aggregateFocusText(text, { reportCurrency: 'USD', rates: { EUR: '1.1' } })).toThrow(/No exchange rate for JPY into USD.*Fix: add "JPY"/);
		expect(() => aggregateFocusText(text, { reportCurrency: 'USD', rates: { EUR: 'about 1.1' } })).toThrow(/Exchange rate EUR: "about 1.1" is not a positive number/);
	});
});

describe('every row accounted for', () => {
	const text = readFileSync(fixture('bad-rows.csv'), 'utf8');

	it('rejects unreadable rows by reason with examples, never as 0, and stops past the allowed share', () => {
		let error: FocusRejectedError | undefined;
		try {
			aggregateFocusText(text);
		} catch (e) {
			error = e as FocusRejectedError;
		}
		expect(error).toBeInstanceOf(FocusRejectedError);
		expect(error!.message).toMatch(/^11 of 14 rows of the FOCUS export \(78\.57%\) could not be read, more than the 1% allowed: BilledCost not a number \(2 rows, e\.g\. row 2: 1,234\.50\)/);
		expect(error!.message).toMatch(/Fix: .*Max Rejected Rows \(%\)/);
	});

	it('reports the rest when the user allows that share', () => {
		const a = aggregateFocusText(text, { maxRejectedShare: 0.9 });
		expect(a.rows).toMatchObject({ read: 14, accepted: 3, rejected: 11 });
		expect(totals(a)).toEqual({ USD: { billed: '4', effective: '4', rows: 3 } });
		const reasons = Object.fromEntries(a.rows.reasons.map((r) => [`${r.column} ${r.problem}`, [r.rows, r.examples.map((e) => `${e.row}:${e.value}`)]]));
		expect(reasons).toEqual({
			'BilledCost not a number': [2, ['2:1,234.50', '11:$7.00']],
			'BilledCost missing': [1, ['3:(empty)']],
			'ChargePeriodStart not a date': [2, ['4:31/09/2024 10:00', '5:2024-09-31T00:00:00Z']],
			'BillingCurrency missing': [1, ['6:(empty)']],
			'BillingCurrency not an ISO 4217 code': [1, ['7:US Dollar']],
			'EffectiveCost not a number': [1, ['8:n/a']],
			'row wrong number of fields': [1, ['9:5 fields, the header has 10']],
			'row text after a closing quote': [1, ['13:10 fields']],
			'row quoted field never closed': [1, ['14:4 fields']],
		});
	});
});

describe('formats that cannot be read say why', () => {
	it('refuses ZIP archives, truncated gzip, broken Parquet and empty files with the fix', async () => {
		const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]);
		await expect(aggregateFocusStream(Readable.from([zip]))).rejects.toThrow(/ZIP archive\. Fix: choose GZIP or Parquet/);
		const gz = readFileSync(fixture('aws-focus-1.0.csv.gz'));
		await expect(aggregateFocusStream(Readable.from([gz.subarray(0, gz.length - 40)]))).rejects.toThrow(/gzip-compressed but does not decompress \(unexpected end of file\).*Fix/);
		const parquet = readFileSync(fixture('aws-focus-1.0.parquet'));
		await expect(aggregateFocusStream(Readable.from([parquet.subarray(0, 2000)]))).rejects.toThrow(/Parquet but its footer does not read.*Fix/);
		await expect(aggregateFocusStream(Readable.from([]))).rejects.toThrow(/empty \(0 bytes\)/);
	});
});
