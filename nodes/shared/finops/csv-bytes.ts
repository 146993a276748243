/**
 * A streaming RFC 4180 CSV tokenizer that works on the bytes: quoted fields, "" escapes,
 * newlines inside quotes, LF or CRLF, chunks split anywhere (inside a field, a CRLF or a
 * multi-byte UTF-8 character). It decodes nothing: each record is handed over as the start and
 * end of every field in the current buffer, so the caller reads numbers, dates and keys straight
 * from the bytes and decodes only the few texts it keeps.
 *
 * Why not a library: the fast parsers measured here (uDSV) silently merge a short row into the
 * next one and drop rows after an unclosed quote; the strict ones (csv-parse, Papa Parse) read
 * 2-12 MB/s on this machine, an hour for a month of a mid-size company's FOCUS data. This one
 * reports every record with its field count and any quoting problem, so the caller can reject
 * it by name.
 *
 * UTF-8 makes this safe: every byte of a multi-byte character is >= 0x80, so a delimiter, quote,
 * CR or LF byte is always that character.
 */
import { ParameterError } from '../parameter-error.ts';

export type CsvProblem = 'text after a closing quote' | 'quoted field never closed';

/**
 * One record: field i is `bytes[starts[i]..ends[i])` (inside the quotes for a quoted field),
 * `escaped[i]` is 1 when it holds "" escapes. Valid only during the sink call; fields past
 * `stored` (more than the header has) are counted but not located.
 */
export interface CsvRecord {
	bytes: Buffer;
	starts: Int32Array;
	ends: Int32Array;
	escaped: Uint8Array;
	count: number;
	stored: number;
}

export type CsvRecordSink = (record: CsvRecord, problem: CsvProblem | null) => void;

const QUOTE = 34;
const LF = 10;
const CR = 13;
const EMPTY = Buffer.alloc(0);

/** A field's text: decoded from UTF-8, "" turned back into ". */
export function fieldText(r: CsvRecord, i: number): string {
	const text = r.bytes.toString('utf8', r.starts[i], r.ends[i]);
	return r.escaped[i] ? text.replace(/""/g, '"') : text;
}

export class CsvByteTokenizer {
	private rest: Buffer = EMPTY;
	private work: Buffer = EMPTY;
	private records = 0;
	/** Fields located per record: grows for the header, then the header's width. */
	private limit = 1 << 20;
	private readonly record: CsvRecord = { bytes: EMPTY, starts: new Int32Array(64), ends: new Int32Array(64), escaped: new Uint8Array(64), count: 0, stored: 0 };
	private readonly sink: CsvRecordSink;
	private readonly delimiter: number;
	/** A record longer than this is an unclosed quote swallowing the file, not data. */
	private readonly maxRecordBytes: number;

	constructor(sink: CsvRecordSink, delimiter = ',', maxRecordBytes = 16 * 1024 * 1024) {
		this.sink = sink;
		this.delimiter = delimiter.charCodeAt(0);
		this.maxRecordBytes = maxRecordBytes;
	}

	/** From now on fields past `width` are counted, not located (the header's width). */
	limitFields(width: number): void {
		this.limit = width;
	}

	/** Reads a chunk; nothing of it is kept once this returns, so the caller may reuse its buffer. */
	push(chunk: Uint8Array): void {
		const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
		const rest = this.rest.length;
		if (rest === 0) this.rest = bytes;
		else {
			// The unfinished record and the new chunk, in a buffer kept between chunks (no new 1 MB buffer for the GC each time).
			if (this.work.length < rest + bytes.length) {
				const work = Buffer.allocUnsafeSlow(Math.max(rest + bytes.length, 2 * this.work.length));
				this.rest.copy(work, 0);
				this.work = work;
			} else if (this.rest.buffer !== this.work.buffer || this.rest.byteOffset !== this.work.byteOffset) this.work.set(this.rest, 0);
			bytes.copy(this.work, rest);
			this.rest = this.work.subarray(0, rest + bytes.length);
		}
		this.drain(false);
		if (this.rest.length > this.maxRecordBytes) {
			throw new ParameterError(
				`CSV record ${this.records + 1} is longer than ${Math.round(this.maxRecordBytes / 1048576)} MB: a quoted field is never closed, so the rest of the file cannot be split into rows. ` +
					'Fix: repair the quote in that row or re-export the data',
			);
		}
	}

	end(): void {
		this.drain(true);
		this.rest = EMPTY;
	}

	private grow(): void {
		const r = this.record;
		const size = r.starts.length * 2;
		const starts = new Int32Array(size);
		const ends = new Int32Array(size);
		const escaped = new Uint8Array(size);
		starts.set(r.starts);
		ends.set(r.ends);
		escaped.set(r.escaped);
		r.starts = starts;
		r.ends = ends;
		r.escaped = escaped;
	}

	private drain(final: boolean): void {
		const buf = this.rest;
		const len = buf.length;
		const delim = this.delimiter;
		const r = this.record;
		r.bytes = buf;
		let pos = 0;
		records: while (pos < len) {
			const first = buf[pos];
			if (first === LF || first === CR) {
				pos++;
				continue;
			}
			let p = pos;
			let count = 0;
			let problem: CsvProblem | null = null;
			const limit = this.limit;
			for (;;) {
				if (count >= r.starts.length && count < limit) this.grow();
				const store = count < limit;
				if (p < len && buf[p] === QUOTE) {
					let q = p + 1;
					let escaped = 0;
					let close = q;
					for (;;) {
						// A loop, not Buffer.indexOf: quoted fields are short and a native call per quote costs more.
						close = q;
						while (close < len && buf[close] !== QUOTE) close++;
						if (close >= len || (close + 1 >= len && !final)) {
							if (!final) break records;
							// The file ends inside a quoted field.
							if (store) {
								r.starts[count] = p + 1;
								r.ends[count] = len;
								r.escaped[count] = escaped;
							}
							this.emit(count + 1, 'quoted field never closed');
							pos = len;
							break records;
						}
						if (buf[close + 1] === QUOTE) {
							escaped = 1;
							q = close + 2;
							continue;
						}
						break;
					}
					if (store) {
						r.starts[count] = p + 1;
						r.ends[count] = close;
						r.escaped[count] = escaped;
					}
					count++;
					p = close + 1;
					if (p >= len) break;
					const next = buf[p];
					if (next === delim) {
						p++;
						continue;
					}
					if (next === LF) {
						p++;
						break;
					}
					let nl = buf.indexOf(LF, p);
					if (nl < 0) {
						if (!final) break records;
						nl = len;
					}
					if (next === CR && p + 1 >= nl) {
						p = nl + 1;
						break;
					}
					// Text after the closing quote: the record is malformed; skip to the next field.
					problem = 'text after a closing quote';
					const d = buf.indexOf(delim, p);
					if (d < 0 || d > nl) {
						p = nl + 1;
						break;
					}
					p = d + 1;
					continue;
				}
				let i = p;
				let c = -1;
				while (i < len) {
					c = buf[i];
					if (c === delim || c === LF) break;
					i++;
				}
				if (i >= len) {
					if (!final) break records;
					c = LF;
				}
				if (c === delim) {
					if (store) {
						r.starts[count] = p;
						r.ends[count] = i;
						r.escaped[count] = 0;
					}
					count++;
					p = i + 1;
					continue;
				}
				if (store) {
					r.starts[count] = p;
					r.ends[count] = i > p && buf[i - 1] === CR ? i - 1 : i;
					r.escaped[count] = 0;
				}
				count++;
				p = i + 1;
				break;
			}
			this.emit(count, problem);
			pos = p;
		}
		if (pos >= len) this.rest = EMPTY;
		else if (buf.buffer === this.work.buffer) this.rest = buf.subarray(pos);
		else {
			// The caller may reuse its chunk: the unfinished record is kept in our own buffer.
			const rest = len - pos;
			if (this.work.length < rest) this.work = Buffer.allocUnsafeSlow(Math.max(rest, 1 << 16));
			buf.copy(this.work, 0, pos, len);
			this.rest = this.work.subarray(0, rest);
		}
	}

	private emit(count: number, problem: CsvProblem | null): void {
		this.records++;
		const r = this.record;
		r.count = count;
		r.stored = Math.min(count, this.limit);
		this.sink(r, problem);
	}
}
