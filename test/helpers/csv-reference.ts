/**
 * The reference for the byte tokenizer (nodes/shared/finops/csv-bytes.ts): the string tokenizer
 * the FOCUS reader used before it read bytes, kept unchanged as the oracle its tests compare
 * against. RFC 4180: quoted fields, "" escapes, newlines inside quotes, LF or CRLF, text fed in
 * chunks of any size; every record with its field count and any quoting problem.
 */
import { ParameterError } from '../../nodes/shared/parameter-error.ts';
import { detach } from '../../nodes/shared/finops/detach.ts';

export type CsvProblem = 'text after a closing quote' | 'quoted field never closed';

/** Called once per record; `fields` is reused between calls, only wanted positions are filled. */
export type CsvRecordSink = (fields: string[], count: number, problem: CsvProblem | null) => void;

const QUOTE = 34;
const LF = 10;
const CR = 13;

export class CsvTokenizer {
	private buf = '';
	private fields: string[] = [];
	/** Which field positions to materialise; null means all (the header). */
	private wanted: Uint8Array | null = null;
	/** Recent values of low-cardinality columns, reused when the bytes match (no new string per row). */
	private interned: Array<string[] | undefined> = [];
	private records = 0;
	private readonly sink: CsvRecordSink;
	private readonly delimiter: string;
	/** A record longer than this is an unclosed quote swallowing the file, not data. */
	private readonly maxRecordChars: number;

	constructor(sink: CsvRecordSink, delimiter = ',', maxRecordChars = 16 * 1024 * 1024) {
		this.sink = sink;
		this.delimiter = delimiter;
		this.maxRecordChars = maxRecordChars;
	}

	/** From now on only these positions are read (the columns the aggregation uses). */
	want(positions: readonly number[], width: number): void {
		this.wanted = new Uint8Array(width);
		for (const p of positions) if (p >= 0 && p < width) this.wanted[p] = 1;
		this.fields = new Array<string>(width).fill('');
	}

	/**
	 * Columns with few distinct values (currency, category, provider, unit): a field equal to one
	 * of their recent values is given that same string instead of a new one.
	 */
	intern(positions: readonly number[]): void {
		for (const p of positions) if (p >= 0) this.interned[p] = [];
	}

	private take(count: number, buf: string, start: number, end: number): string {
		const recent = this.interned[count];
		if (recent === undefined) return buf.slice(start, end);
		const length = end - start;
		for (let i = 0; i < recent.length; i++) {
			const v = recent[i];
			if (v.length === length && buf.startsWith(v, start)) return v;
		}
		// A copy, not a view on the chunk: it is kept past this row.
		const value = detach(buf.slice(start, end));
		if (recent.length >= 16) recent.pop();
		recent.unshift(value);
		return value;
	}

	push(text: string): void {
		this.buf = this.buf.length ? this.buf + text : text;
		this.drain(false);
		if (this.buf.length > this.maxRecordChars) {
			throw new ParameterError(
				`CSV record ${this.records + 1} is longer than ${Math.round(this.maxRecordChars / 1048576)} MB: a quoted field is never closed, so the rest of the file cannot be split into rows. ` +
					'Fix: repair the quote in that row or re-export the data',
			);
		}
	}

	end(): void {
		this.drain(true);
		this.buf = '';
	}

	private drain(final: boolean): void {
		const buf = this.buf;
		const len = buf.length;
		const delim = this.delimiter;
		const delimCode = delim.charCodeAt(0);
		let fields = this.fields;
		let wanted = this.wanted;
		let pos = 0;
		records: while (pos < len) {
			const first = buf.charCodeAt(pos);
			if (first === LF || first === CR) {
				pos++;
				continue;
			}
			let nl = buf.indexOf('\n', pos);
			if (nl < 0) {
				if (!final) break;
				nl = len;
			}
			let p = pos;
			let count = 0;
			let problem: CsvProblem | null = null;
			for (;;) {
				const keep = wanted === null || (count < wanted.length && wanted[count] === 1);
				if (buf.charCodeAt(p) === QUOTE) {
					let q = p + 1;
					let seg = q;
					let value = '';
					for (;;) {
						const close = buf.indexOf('"', q);
						if (close < 0 || (close + 1 >= len && !final)) {
							if (!final) break records;
							// The file ends inside a quoted field.
							if (keep) fields[count] = value + buf.slice(seg);
							this.emit(count + 1, 'quoted field never closed');
							pos = len;
							break records;
						}
						if (buf.charCodeAt(close + 1) === QUOTE) {
							if (keep) value += buf.slice(seg, close + 1);
							q = close + 2;
							seg = q;
							continue;
						}
						if (keep) value += buf.slice(seg, close);
						p = close + 1;
						break;
					}
					if (keep) fields[count] = value;
					count++;
					if (p > nl) {
						nl = buf.indexOf('\n', p);
						if (nl < 0) {
							if (!final) break records;
							nl = len;
						}
					}
					const next = buf.charCodeAt(p);
					if (p >= len || next === LF || (next === CR && p + 1 >= nl)) {
						p = nl + 1;
						break;
					}
					if (next === delimCode) {
						p++;
						continue;
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
				const d = buf.indexOf(delim, p);
				if (d < 0 || d > nl) {
					if (keep) fields[count] = this.take(count, buf, p, nl > p && buf.charCodeAt(nl - 1) === CR ? nl - 1 : nl);
					count++;
					p = nl + 1;
					break;
				}
				if (keep) fields[count] = this.take(count, buf, p, d);
				count++;
				p = d + 1;
			}
			this.emit(count, problem);
			pos = p;
			// The sink may have narrowed the fields to read (after the header).
			fields = this.fields;
			wanted = this.wanted;
		}
		this.buf = pos >= len ? '' : buf.slice(pos);
	}

	private emit(count: number, problem: CsvProblem | null): void {
		this.records++;
		if (this.wanted === null) this.fields.length = count;
		this.sink(this.fields, count, problem);
	}
}
