/**
 * Read a FOCUS export: from an allow-listed URL (through the URL guard, streamed, under a size
 * cap suited to billing exports) or from n8n binary data, in any format the clouds deliver
 * (CSV, gzip CSV, Parquet, JSON rows), aggregated once. The aggregate goes into one field for
 * every cost specialist to read, so the export is parsed once per run, never per specialist.
 */
import { Readable } from 'node:stream';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { aggregateFocusStream, type ReadOptions } from '../../shared/finops/focus.ts';
import { guardedFetch } from '../../shared/net/guarded-fetch.ts';
import { FetchRefused } from '../../shared/net/url-guard.ts';
import { parseJson } from '../../shared/json.ts';
import { ParameterError } from '../../shared/parameter-error.ts';
import { allowListField, readGuard } from './guard-fields.ts';
import type { NodeOperation } from '../../shared/n8n/operations.ts';

/** A month of a mid-size company's FOCUS data is gigabytes of CSV; the fetch may take minutes. */
const LIMITS = { maxSizeMb: 4096, timeoutSeconds: 900 };

const fromUrl = { show: { source: ['url'] } };
const fromBinary = { show: { source: ['binary'] } };

const properties: INodeProperties[] = [
	{
		displayName: 'Source',
		name: 'source',
		type: 'options',
		default: 'url',
		options: [
			{ name: 'URL', value: 'url', description: 'Fetch the export from an allow-listed URL (e.g. a pre-signed S3 or Azure Blob link)' },
			{ name: 'Binary Data', value: 'binary', description: 'Read the export a previous node downloaded (S3, Azure Blob Storage, Google Cloud Storage, Read Files From Disk)' },
		],
	},
	{
		displayName: 'Export URL',
		name: 'url',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://billing.example.com/exports/focus-2024-09.csv.gz',
		description: 'CSV, gzip CSV, Parquet or JSON rows; the format is read from the content, not the name',
		displayOptions: fromUrl,
	},
	{ ...allowListField, displayOptions: fromUrl },
	{
		displayName: 'Input Binary Field',
		name: 'binaryProperty',
		type: 'string',
		default: 'data',
		required: true,
		description: 'Name of the binary field holding the export file',
		displayOptions: fromBinary,
	},
	{
		displayName: 'Output Field',
		name: 'outputField',
		type: 'string',
		default: 'focus',
		description: 'Field the aggregate goes into, for the cost specialists to read as their input',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Default Currency',
				name: 'defaultCurrency',
				type: 'string',
				default: '',
				placeholder: 'USD',
				description: 'BillingCurrency for exports without that column (FOCUS makes it mandatory; only older or hand-made files lack it)',
			},
			{
				displayName: 'Exchange Rates',
				name: 'rates',
				type: 'json',
				default: '{}',
				placeholder: '{ "EUR": "1.08", "JPY": "0.0067" }',
				description:
					'Units of the report currency per unit of each billing currency. Without rates every currency is reported on its own, never added together.',
			},
			{ displayName: 'Max Redirects', name: 'maxRedirects', type: 'number', default: 5, typeOptions: { minValue: 0, maxValue: 20 } },
			{
				displayName: 'Max Rejected Rows (%)',
				name: 'maxRejectedPercent',
				type: 'number',
				default: 1,
				typeOptions: { minValue: 0, maxValue: 100, numberPrecision: 3 },
				description: 'Share of rows that may be unreadable (listed by reason, never counted as 0) before the run stops with an error',
			},
			{
				displayName: 'Max Size (MB)',
				name: 'maxSizeMb',
				type: 'number',
				default: 4096,
				typeOptions: { minValue: 0.001, numberPrecision: 3 },
				description: 'Largest export downloaded (compressed size); a larger one is refused while it streams',
			},
			{
				displayName: 'Report Currency',
				name: 'reportCurrency',
				type: 'string',
				default: 'USD',
				description: 'Currency the exchange rates convert into (used only with rates)',
			},
			{ displayName: 'Timeout (Seconds)', name: 'timeoutSeconds', type: 'number', default: 900, typeOptions: { minValue: 1 } },
			{
				displayName: 'Top N',
				name: 'top',
				type: 'number',
				default: 25,
				typeOptions: { minValue: 1, maxValue: 200 },
				description: 'Length of the top lists (services, resources, savings candidates) per cloud and currency',
			},
		],
	},
];

export const focusOperation: NodeOperation = {
	value: 'focus',
	name: 'Read FOCUS Export',
	action: 'Read a FOCUS billing export',
	description: 'Read a FOCUS export (CSV, gzip, Parquet, JSON) from a URL or binary data and aggregate it once for the cost specialists',
	properties,
	async execute(ctx, itemIndex, item, signal) {
		const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
		const outputField = String(ctx.getNodeParameter('outputField', itemIndex, 'focus') || 'focus').trim();
		const read: ReadOptions = { ...aggregationOptions(options), signal };
		const source = ctx.getNodeParameter('source', itemIndex, 'url') as string;
		const { stream, name } = source === 'binary' ? await binaryStream(ctx, itemIndex) : await urlStream(ctx, itemIndex, options, signal);
		const aggregate = await aggregateFocusStream(stream, { ...read, name });
		const json: IDataObject = { ...item.json, [outputField]: aggregate as unknown as IDataObject };
		return json;
	},
};

function aggregationOptions(options: IDataObject): ReadOptions {
	const percent = options.maxRejectedPercent === undefined || options.maxRejectedPercent === '' ? 1 : Number(options.maxRejectedPercent);
	if (!(percent >= 0 && percent <= 100)) throw new ParameterError(`Max Rejected Rows (%) must be between 0 and 100, got "${String(options.maxRejectedPercent)}"`);
	return {
		maxRejectedShare: percent / 100,
		rates: readRates(options.rates),
		reportCurrency: String(options.reportCurrency ?? 'USD'),
		defaultCurrency: String(options.defaultCurrency ?? '').trim() || undefined,
		top: options.top === undefined ? undefined : Number(options.top),
	};
}

function readRates(value: unknown): Record<string, string | number> | undefined {
	if (value === undefined || value === '' || value === null) return undefined;
	let parsed: unknown = value;
	if (typeof value === 'string') {
		const read = parseJson(value);
		if (!read.ok) throw new ParameterError(`Exchange Rates is not valid JSON (${read.error}). Fix: write rates as { "EUR": "1.08" } (units of the report currency per unit)`);
		parsed = read.value;
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new ParameterError('Exchange Rates must be an object of currency codes to rates. Fix: write rates as { "EUR": "1.08" }');
	}
	return parsed as Record<string, string | number>;
}

async function urlStream(ctx: IExecuteFunctions, itemIndex: number, options: IDataObject, signal: AbortSignal) {
	const url = String(ctx.getNodeParameter('url', itemIndex, '')).trim();
	if (!url) throw new ParameterError('Export URL is empty. Fix: set the URL of the FOCUS export (or choose Binary Data as the source)');
	const guard = readGuard(ctx, itemIndex, options, LIMITS, signal);
	const res = await guardedFetch(url, guard);
	if (res.status < 200 || res.status >= 300) {
		res.body.resume();
		throw new FetchRefused('status', `${new URL(res.url).host} answered HTTP ${res.status} for the FOCUS export`);
	}
	return { stream: res.body as AsyncIterable<Uint8Array>, name: decodeURIComponent(new URL(res.url).pathname.split('/').pop() || '') || undefined };
}

async function binaryStream(ctx: IExecuteFunctions, itemIndex: number) {
	const property = String(ctx.getNodeParameter('binaryProperty', itemIndex, 'data')).trim();
	const binary = ctx.helpers.assertBinaryData(itemIndex, property);
	// Binary data kept on disk or in object storage is streamed; in-memory data is already a buffer.
	const stream = binary.id ? await ctx.helpers.getBinaryStream(binary.id) : Readable.from([await ctx.helpers.getBinaryDataBuffer(itemIndex, property)]);
	return { stream: stream as AsyncIterable<Uint8Array>, name: binary.fileName };
}
