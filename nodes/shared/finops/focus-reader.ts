/**
 * Reads a FOCUS export the way the clouds deliver it and aggregates it in one pass:
 * CSV (AWS Data Exports, Azure Cost Management, OCI), gzip CSV (detected by its magic bytes,
 * whatever the file is called), Parquet (AWS, Azure; read row group by row group, only the
 * columns the aggregation needs), newline-delimited JSON (BigQuery extracts) and JSON arrays
 * or row objects (n8n's BigQuery node). The source is a byte stream or a file, never the whole
 * export as one string.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { parquetMetadataAsync, parquetScan, parquetSchema, type AsyncBuffer, type Compressors } from 'hyparquet';
import { parseJson } from '../json.ts';
import { ParameterError } from '../parameter-error.ts';
import { CsvByteTokenizer, fieldText, type CsvRecord } from './csv-bytes.ts';
import { CsvCells } from './csv-cells.ts';
import { FocusAggregator, type FocusOptions } from './focus-aggregator.ts';
import { FIELD_NAMES, matchHeader, type ColumnMap, type HeaderMatch } from './focus-columns.ts';
import { buildAggregate, checkRejected, type FocusAggregate, type FocusSourceInfo } from './focus-summary.ts';

export interface ReadOptions extends FocusOptions {
	/** The file's name, for the report only: the format is told by its content. */
	name?: string;
	/** Largest Parquet file buffered to a temporary file when it arrives as a stream. Default 4 GiB. */
	maxSpoolBytes?: number;
	signal?: AbortSignal;
}

const GZIP = [0x1f, 0x8b];
const PARQUET = [0x50, 0x41, 0x52, 0x31];
const ZIP = [0x50, 0x4b, 0x03, 0x04];
/** JSON arrays have to be parsed whole; NDJSON and CSV stream. */
const MAX_JSON_ARRAY_CHARS = 64 * 1024 * 1024;

const startsWith = (head: Uint8Array, magic: number[]) => magic.every((b, i) => head[i] === b);

function finish(agg: FocusAggregator, source: FocusSourceInfo): FocusAggregate {
	return buildAggregate(agg, source, checkRejected(agg, agg.options.maxRejectedShare ?? 0.01));
}

function sourceInfo(header: HeaderMatch, info: Omit<FocusSourceInfo, 'focusVersion' | 'columns'>): FocusSourceInfo {
	return { ...info, focusVersion: header.focusVersion, columns: header.names };
}

const BOM = [0xef, 0xbb, 0xbf];

/** CSV bytes fed in chunks: the first record is the header, the rest are rows. */
class CsvFeed {
	private tokenizer: CsvByteTokenizer | null = null;
	private head: Buffer | null = Buffer.alloc(0);
	private width = 0;
	private readonly cells = new CsvCells();
	agg: FocusAggregator | null = null;

	private readonly options: FocusOptions;

	constructor(options: FocusOptions) {
		this.options = options;
	}

	push(chunk: Uint8Array): void {
		if (this.head) {
			// The first line is gathered (up to 64 KB): the delimiter is read from it, a byte order mark dropped (as a UTF-8 decoder would).
			this.head = Buffer.concat([this.head, chunk]);
			if (this.head.length < 65536 && !this.head.includes(0x0a)) return;
			this.start();
			return;
		}
		this.tokenizer!.push(chunk);
	}

	private start(): void {
		let head = this.head!;
		this.head = null;
		if (startsWith(head, BOM)) head = head.subarray(BOM.length);
		this.tokenizer = new CsvByteTokenizer((record, problem) => this.record(record, problem), detectDelimiter(head.toString('utf8', 0, Math.min(head.length, 1 << 20))));
		this.tokenizer.push(head);
	}

	end(): FocusAggregator {
		if (this.head) this.start();
		this.tokenizer?.end();
		if (!this.agg) throw new ParameterError('The FOCUS export is empty: no header row. Fix: check that the export finished and the URL or file is the right one');
		return this.agg;
	}

	private record(record: CsvRecord, problem: string | null): void {
		const count = record.count;
		if (!this.agg) {
			const names: string[] = [];
			for (let i = 0; i < record.stored; i++) names.push(fieldText(record, i));
			const header = matchHeader(names, { currencyGiven: Boolean(this.options.defaultCurrency) });
			this.agg = new FocusAggregator(header, this.options);
			this.width = count;
			this.tokenizer!.limitFields(count);
			const c = header.columns;
			this.cells.intern([c.provider, c.currency, c.chargeCategory, c.service, c.serviceCategory, c.pricingUnit, c.pricingCategory, c.resourceType, c.commitmentDiscountId]);
			return;
		}
		if (problem) return this.agg.rejectRow(problem, `${count} fields`);
		if (count !== this.width) return this.agg.rejectRow('wrong number of fields', `${count} fields, the header has ${this.width}`);
		this.cells.record = record;
		this.agg.addCells(this.cells);
	}
}

/** The separator of the header line: FOCUS CSV uses commas, some tools semicolons or tabs. */
function detectDelimiter(text: string): string {
	const line = text.slice(0, Math.max(0, text.indexOf('\n')) || 4096);
	const counts = [',', ';', '\t', '|'].map((d) => [d, line.split(d).length] as const);
	return counts.reduce((best, c) => (c[1] > best[1] ? c : best))[0];
}

/** Row objects (JSON, NDJSON, n8n items): values are looked up by the header the first row gives. */
class ObjectFeed {
	agg: FocusAggregator | null = null;
	private keys: string[] = [];
	private values: unknown[] = [];

	private readonly options: FocusOptions;

	constructor(options: FocusOptions) {
		this.options = options;
	}

	add(row: unknown): void {
		if (!row || typeof row !== 'object' || Array.isArray(row)) {
			if (!this.agg) throw new ParameterError('The billing rows are not objects. Fix: send FOCUS rows as JSON objects (one per row) or a FOCUS CSV export');
			return this.agg.rejectRow('not an object', JSON.stringify(row)?.slice(0, 60) ?? String(row));
		}
		const record = row as Record<string, unknown>;
		if (!this.agg) this.start(Object.keys(record));
		for (let i = 0; i < this.keys.length; i++) this.values[i] = this.keys[i] ? record[this.keys[i]] : undefined;
		this.agg!.addRow(this.values);
	}

	end(): FocusAggregator {
		if (!this.agg) this.start([]);
		return this.agg!;
	}

	private start(keys: string[]): void {
		const header = matchHeader(keys, { currencyGiven: Boolean(this.options.defaultCurrency) });
		// Values are laid out by field: position i holds the field whose column index is i.
		const columns = {} as ColumnMap;
		this.keys = [];
		for (const field of FIELD_NAMES) {
			columns[field] = header.names[field] === undefined ? -1 : this.keys.push(header.names[field]!) - 1;
		}
		this.values = new Array(this.keys.length);
		this.agg = new FocusAggregator({ ...header, columns }, this.options);
	}
}

/** Aggregates rows that are already objects (n8n items, a parsed JSON array). */
export function aggregateFocusRows(rows: Iterable<unknown>, options: FocusOptions & { name?: string } = {}): FocusAggregate {
	const feed = new ObjectFeed(options);
	for (const row of rows) feed.add(row);
	const agg = feed.end();
	return finish(agg, sourceInfo(agg.header, { name: options.name, format: 'rows', compression: 'none', bytes: 0 }));
}

/** Aggregates export text already in memory (a small CSV, JSON or NDJSON given as a field). */
export function aggregateFocusText(text: string, options: FocusOptions & { name?: string } = {}): FocusAggregate {
	const body = text.replace(/^\uFEFF/, '');
	const first = /\S/.exec(body)?.[0];
	if (first === undefined) throw new ParameterError('The billing data is empty. Fix: send a FOCUS export (CSV, gzip CSV, Parquet or JSON rows)');
	const bytes = Buffer.byteLength(text);
	if (first === '[' || first === '{') {
		const format = first === '[' ? 'json' : 'ndjson';
		const feed = new ObjectFeed(options);
		for (const row of first === '[' ? parseJsonArray(body) : parseNdjsonLines(body)) feed.add(row);
		const agg = feed.end();
		return finish(agg, sourceInfo(agg.header, { name: options.name, format, compression: 'none', bytes }));
	}
	const feed = new CsvFeed(options);
	feed.push(Buffer.from(body));
	const agg = feed.end();
	return finish(agg, sourceInfo(agg.header, { name: options.name, format: 'csv', compression: 'none', bytes }));
}

function parseJsonArray(text: string): unknown[] {
	const read = parseJson(text);
	if (!read.ok) throw new ParameterError(`The billing data looks like JSON but does not parse (${read.error}). Fix: send a FOCUS CSV export or a JSON array of FOCUS rows`);
	if (!Array.isArray(read.value)) throw new ParameterError('The billing data is JSON but not an array of rows. Fix: send a JSON array of FOCUS rows');
	return read.value;
}

function* parseNdjsonLines(text: string): Generator<unknown> {
	let line = 0;
	for (const raw of text.split('\n')) {
		line++;
		if (!raw.trim()) continue;
		yield parseNdjsonLine(raw, line);
	}
}

function parseNdjsonLine(raw: string, line: number): unknown {
	const read = parseJson(raw);
	// A line that does not parse is counted as a rejected row by the feed (not an object), with the line as its example.
	return read.ok ? read.value : `line ${line}: ${raw.slice(0, 40)}`;
}

/** Bytes from a stream, counted, with a look at the first ones before anything is consumed. */
async function peek(source: AsyncIterable<Uint8Array>, n: number): Promise<{ head: Uint8Array; stream: AsyncIterable<Uint8Array> }> {
	const it = source[Symbol.asyncIterator]();
	const buffered: Uint8Array[] = [];
	let size = 0;
	while (size < n) {
		const next = await it.next();
		if (next.done) break;
		buffered.push(next.value);
		size += next.value.length;
	}
	async function* replay(): AsyncGenerator<Uint8Array> {
		try {
			yield* buffered;
			for (;;) {
				const next = await it.next();
				if (next.done) return;
				yield next.value;
			}
		} finally {
			await it.return?.();
		}
	}
	return { head: Buffer.concat(buffered).subarray(0, n), stream: replay() };
}

async function* counted(source: AsyncIterable<Uint8Array>, into: { bytes: number }, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
	for await (const chunk of source) {
		signal?.throwIfAborted();
		into.bytes += chunk.length;
		yield chunk;
	}
}

async function* gunzip(source: AsyncIterable<Uint8Array>, compressed: { bytes: number }): AsyncGenerator<Uint8Array> {
	const input = Readable.from(source, { objectMode: false });
	// Large output chunks (the CSV reader costs a little per chunk; 16 KB ones would be 400,000 for 10M rows), and
	// up to 8 MB inflated ahead: zlib works on libuv's thread pool, so it runs on the other core while rows are summed
	// here (with the default 64 KB it waits for each read). The stream options reach the Transform underneath.
	const options: zlib.ZlibOptions & { readableHighWaterMark: number } = { chunkSize: 256 * 1024, readableHighWaterMark: 8 * 1024 * 1024 };
	const inflate = zlib.createGunzip(options);
	input.on('error', (error) => inflate.destroy(error));
	input.pipe(inflate);
	const chunks = inflate[Symbol.asyncIterator]();
	try {
		for (;;) {
			const next = await chunks.next().then(
				(r) => r,
				(error: unknown) => ({ failed: gzipFailure(error, compressed.bytes) }),
			);
			if ('failed' in next) throw next.failed;
			if (next.done) return;
			yield next.value as Buffer;
		}
	} finally {
		input.destroy();
		inflate.destroy();
	}
}

/** What a failed decompression means for the user: zlib's own errors say the file is damaged. */
function gzipFailure(error: unknown, compressedBytes: number): Error {
	const e = error as NodeJS.ErrnoException;
	if (error instanceof ParameterError || e.name === 'AbortError') return e;
	if (e.code?.startsWith('Z_') || /gzip|inflate|header|end of file/i.test(e.message)) {
		return new ParameterError(
			`The export is gzip-compressed but does not decompress (${e.message}) after ${compressedBytes} compressed bytes. Fix: the file is truncated or corrupt; export or download it again`,
		);
	}
	return e;
}

/** Aggregates an export arriving as a stream of bytes (an HTTP body, n8n binary data). */
export async function aggregateFocusStream(source: AsyncIterable<Uint8Array>, options: ReadOptions = {}): Promise<FocusAggregate> {
	const raw = { bytes: 0 };
	let { head, stream } = await peek(counted(source, raw, options.signal), 4);
	let compression: FocusSourceInfo['compression'] = 'none';
	const decoded = { bytes: 0 };
	if (startsWith(head, GZIP)) {
		compression = 'gzip';
		({ head, stream } = await peek(counted(gunzip(stream, raw), decoded), 4));
	}
	const info = { name: options.name, compression, raw, decoded };
	if (head.length === 0) throw new ParameterError(`The FOCUS export${options.name ? ` ${options.name}` : ''} is empty (0 bytes). Fix: check that the export finished and the URL or file is the right one`);
	if (startsWith(head, ZIP)) {
		throw new ParameterError('The export is a ZIP archive. Fix: choose GZIP or Parquet for the export, or unzip it first (n8n Compression node) and pass the CSV inside');
	}
	if (startsWith(head, PARQUET)) return spoolParquet(stream, options, info);
	return aggregateTextStream(stream, options, info);
}

interface StreamInfo {
	name?: string;
	compression: FocusSourceInfo['compression'];
	raw: { bytes: number };
	decoded: { bytes: number };
}

function streamSource(header: HeaderMatch, format: FocusSourceInfo['format'], info: StreamInfo): FocusSourceInfo {
	return sourceInfo(header, {
		name: info.name,
		format,
		compression: info.compression,
		bytes: info.raw.bytes,
		...(info.compression === 'gzip' ? { decodedBytes: info.decoded.bytes } : {}),
	});
}

async function aggregateTextStream(stream: AsyncIterable<Uint8Array>, options: ReadOptions, info: StreamInfo): Promise<FocusAggregate> {
	const decoder = new TextDecoder('utf-8');
	let kind: 'csv' | 'json' | 'ndjson' | null = null;
	const csv = new CsvFeed(options);
	const objects = new ObjectFeed(options);
	/** Bytes read before the first non-blank character said what the export is. */
	let held: Uint8Array[] = [];
	let pending = '';
	let line = 0;
	const decide = (final: boolean) => {
		const first = /\S/.exec(pending)?.[0];
		if (first === undefined) {
			if (final) throw new ParameterError(`The FOCUS export${info.name ? ` ${info.name}` : ''} holds only blank text. Fix: check that the export finished and the URL or file is the right one`);
			return;
		}
		kind = first === '[' ? 'json' : first === '{' ? 'ndjson' : 'csv';
		// CSV is read as bytes from the start; JSON goes on from the text decoded so far.
		if (kind === 'csv') for (const chunk of held) csv.push(chunk);
		held = [];
	};
	const take = (text: string, final: boolean) => {
		pending += text;
		if (kind === 'json') {
			if (pending.length > MAX_JSON_ARRAY_CHARS) {
				throw new ParameterError('The export is a JSON array over 64 MB, which has to be read whole. Fix: export CSV, gzip CSV, Parquet or newline-delimited JSON, which stream');
			}
			return;
		}
		const lines = pending.split('\n');
		pending = final ? '' : lines.pop()!;
		for (const raw of lines) {
			line++;
			if (raw.trim()) objects.add(parseNdjsonLine(raw, line));
		}
	};
	for await (const chunk of stream) {
		if (kind === 'csv') csv.push(chunk);
		else if (kind !== null) take(decoder.decode(chunk, { stream: true }), false);
		else {
			held.push(chunk);
			pending += decoder.decode(chunk, { stream: true });
			decide(false);
			if (kind === 'json' || kind === 'ndjson') take('', false);
		}
	}
	if (kind === null) {
		pending += decoder.decode();
		decide(true);
		if (kind !== 'csv') take('', true);
	} else if (kind !== 'csv') take(decoder.decode(), true);
	if (kind === 'json') for (const row of parseJsonArray(pending.replace(/^\uFEFF/, ''))) objects.add(row);
	const agg = kind === 'csv' ? csv.end() : objects.end();
	return finish(agg, streamSource(agg.header, kind ?? 'csv', info));
}

/** Parquet keeps its index at the end of the file: a streamed one is written to a temporary file first. */
async function spoolParquet(stream: AsyncIterable<Uint8Array>, options: ReadOptions, info: StreamInfo): Promise<FocusAggregate> {
	const limit = options.maxSpoolBytes ?? 4 * 1024 ** 3;
	const dir = await mkdtemp(join(tmpdir(), 'focus-parquet-'));
	const path = join(dir, 'export.parquet');
	try {
		const out = createWriteStream(path);
		let size = 0;
		try {
			for await (const chunk of stream) {
				size += chunk.length;
				if (size > limit) {
					throw new ParameterError(`The Parquet export is over ${Math.round(limit / 1048576)} MB, the most this node buffers. Fix: raise the size limit or split the export by billing period`);
				}
				if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
			}
		} finally {
			out.end();
			await finished(out).catch(() => undefined);
		}
		return await aggregateParquetFile(path, options, info);
	} finally {
		await rm(dir, { recursive: true, force: true });
	}
}

/** Aggregates a local file: Parquet is read in place, anything else is streamed. */
export async function aggregateFocusFile(path: string, options: ReadOptions = {}): Promise<FocusAggregate> {
	const handle = await open(path, 'r');
	try {
		const head = Buffer.alloc(64 * 1024);
		const { bytesRead } = await handle.read(head, 0, head.length, 0);
		if (startsWith(head, PARQUET)) {
			const size = (await stat(path)).size;
			return await aggregateParquetFile(path, options, { name: options.name, compression: 'none', raw: { bytes: size }, decoded: { bytes: 0 } });
		}
		// Plain CSV (the common case) is read into one reused buffer; anything else is streamed.
		const first = /\S/.exec(head.toString('utf8', 0, bytesRead))?.[0];
		if (!startsWith(head, GZIP) && !startsWith(head, ZIP) && first !== undefined && first !== '[' && first !== '{') return await aggregateCsvFile(handle, options);
	} finally {
		await handle.close();
	}
	return aggregateFocusStream(createReadStream(path, { highWaterMark: 1 << 20 }), options);
}

async function aggregateCsvFile(handle: FileHandle, options: ReadOptions): Promise<FocusAggregate> {
	const feed = new CsvFeed(options);
	const chunk = Buffer.allocUnsafeSlow(1 << 20);
	let bytes = 0;
	for (;;) {
		options.signal?.throwIfAborted();
		const { bytesRead } = await handle.read(chunk, 0, chunk.length, bytes);
		if (bytesRead === 0) break;
		bytes += bytesRead;
		// The feed keeps nothing of a chunk, so the same buffer is read into again.
		feed.push(chunk.subarray(0, bytesRead));
	}
	const agg = feed.end();
	return finish(agg, sourceInfo(agg.header, { name: options.name, format: 'csv', compression: 'none', bytes }));
}

function fileBuffer(handle: FileHandle, size: number): AsyncBuffer {
	return {
		byteLength: size,
		async slice(start: number, end?: number): Promise<ArrayBuffer> {
			const stop = end ?? size;
			const bytes = new Uint8Array(stop - start);
			let done = 0;
			while (done < bytes.length) {
				const { bytesRead } = await handle.read(bytes, done, bytes.length - done, start + done);
				if (bytesRead === 0) break;
				done += bytesRead;
			}
			return bytes.buffer;
		},
	};
}

/** Codecs beyond hyparquet's built-in Snappy, from Node's own zlib (no native add-on). */
const COMPRESSORS: Compressors = {
	GZIP: (input) => zlib.gunzipSync(input),
	BROTLI: (input) => zlib.brotliDecompressSync(input),
	...('zstdDecompressSync' in zlib ? { ZSTD: (input: Uint8Array) => (zlib as unknown as { zstdDecompressSync(b: Uint8Array): Buffer }).zstdDecompressSync(input) } : {}),
};

async function aggregateParquetFile(path: string, options: ReadOptions, info: StreamInfo): Promise<FocusAggregate> {
	const handle = await open(path, 'r');
	try {
		return await readParquet(handle, options, info).then(
			(aggregate) => aggregate,
			(error: unknown) =>
				Promise.reject(
					error instanceof ParameterError ? error : new ParameterError(`The Parquet export could not be read (${(error as Error).message}). Fix: export it again, or choose gzip CSV for the export`),
				),
		);
	} finally {
		await handle.close();
	}
}

async function readParquet(handle: FileHandle, options: ReadOptions, info: StreamInfo): Promise<FocusAggregate> {
	const file = fileBuffer(handle, (await handle.stat()).size);
	const metadata = await parquetMetadataAsync(file).then(
		(m) => m,
		(error: unknown) => new ParameterError(`The export starts like Parquet but its footer does not read (${(error as Error).message}). Fix: the file is truncated or corrupt; export or download it again`),
	);
	if (metadata instanceof ParameterError) throw metadata;
	const names = parquetSchema(metadata).children.map((c) => c.element.name);
	const header = matchHeader(names, { currencyGiven: Boolean(options.defaultCurrency) });
	// Only the columns the aggregation reads, in the order of the row array handed to it.
	const wanted: string[] = [];
	const columns = {} as ColumnMap;
	for (const field of FIELD_NAMES) columns[field] = header.names[field] === undefined ? -1 : wanted.push(header.names[field]!) - 1;
	const agg = new FocusAggregator({ ...header, columns }, options);
	const scan = await parquetScan({ file, metadata, columns: wanted, compressors: COMPRESSORS });
	const row = new Array<unknown>(wanted.length);
	for (const range of scan.ranges) {
		options.signal?.throwIfAborted();
		const data = await Promise.all(wanted.map((column) => scan.readColumn({ column, rowStart: range.rowStart, rowEnd: range.rowEnd })));
		const count = range.rowEnd - range.rowStart;
		for (let i = 0; i < count; i++) {
			for (let k = 0; k < data.length; k++) row[k] = data[k][i];
			agg.addRow(row);
		}
	}
	return finish(agg, streamSource(agg.header, 'parquet', info));
}
