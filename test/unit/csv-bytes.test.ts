/**
 * The byte-level CSV reader against the simple string one it replaced (test/helpers/csv-reference.ts):
 * generated CSV that varies on purpose (quoted fields, embedded delimiters, quotes and newlines,
 * CRLF, blank lines, malformed quoting, short and long rows, multi-byte UTF-8), split into chunks
 * at every byte offset, must give the same records; costs, timestamps, the egress test and the
 * resource index read from bytes must agree with their text versions; and a whole export read
 * from bytes must aggregate exactly as the same rows given as values.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { generateFocusRows, header, random, type GeneratorOptions } from '../../bench/focus-generator.ts';
import { CsvByteTokenizer, fieldText } from '../../nodes/shared/finops/csv-bytes.ts';
import { ByteKeyIndex, egressBytes } from '../../nodes/shared/finops/csv-cells.ts';
import { formatUnits, newAmount, parseDecimal, parseDecimalBytes, unitsOf } from '../../nodes/shared/finops/decimal.ts';
import { aggregateFocusFile, aggregateFocusRows, aggregateFocusStream, aggregateFocusText, type FocusAggregate } from '../../nodes/shared/finops/focus.ts';
import { ChargeTimeParser, isoBytesToMs } from '../../nodes/shared/finops/focus-time.ts';
import { EGRESS } from '../../nodes/shared/finops/savings-rules.ts';
import { CsvTokenizer } from '../helpers/csv-reference.ts';

type Rec = [string[], number, string | null];

/** Records from the reference tokenizer, fed the decoded text in one piece. */
function reference(text: string, delimiter = ','): Rec[] {
	const out: Rec[] = [];
	const t = new CsvTokenizer((fields, count, problem) => out.push([fields.slice(0, count), count, problem]), delimiter);
	t.push(text);
	t.end();
	return out;
}

/**
 * Records from the byte tokenizer, the bytes fed in the given pieces. Each piece is copied into one
 * reused buffer that is overwritten after the push, as the file reader does: nothing may be kept.
 */
function bytewise(bytes: Buffer, cuts: number[], delimiter = ','): Rec[] {
	const out: Rec[] = [];
	const t = new CsvByteTokenizer((r, problem) => {
		const fields: string[] = [];
		for (let i = 0; i < r.stored; i++) fields.push(fieldText(r, i));
		out.push([fields, r.count, problem]);
	}, delimiter);
	const reused = Buffer.alloc(bytes.length + 1);
	let from = 0;
	for (const cut of [...cuts, bytes.length]) {
		const piece = reused.subarray(0, cut - from);
		bytes.copy(piece, 0, from, cut);
		t.push(piece);
		piece.fill(0x2c);
		from = cut;
	}
	t.end();
	return out;
}

const PIECES = ['a', 'B', '7', '-', '.', ' ', ',', ';', '"', '""', '\n', '\r\n', '\r', 'é', '€', '😀', 'NULL', '12.50', 'x"y'];

/** A random field: sometimes quoted (always when it has to be), sometimes malformed. */
function field(rng: () => number, delimiter: string): string {
	let value = '';
	const n = Math.floor(rng() * 6);
	for (let i = 0; i < n; i++) value += PIECES[Math.floor(rng() * PIECES.length)];
	const needs = /["\n\r]/.test(value) || value.includes(delimiter);
	const r = rng();
	if (needs || r < 0.2) {
		const quoted = `"${value.replace(/"/g, '""')}"`;
		// Now and then text after the closing quote, as broken exporters write.
		return r > 0.97 ? `${quoted}${rng() < 0.5 ? 'x' : '\r'}` : quoted;
	}
	return value.replace(/["\r\n]/g, '').split(delimiter).join('');
}

function generatedCsv(seed: number, delimiter = ','): string {
	const rng = random(seed);
	const width = 2 + Math.floor(rng() * 4);
	let text = '';
	const records = 3 + Math.floor(rng() * 8);
	for (let r = 0; r < records; r++) {
		// Short and long rows, blank lines, LF or CRLF.
		const n = rng() < 0.1 ? width + (rng() < 0.5 ? -1 : 1) : width;
		const fields = Array.from({ length: Math.max(1, n) }, () => field(rng, delimiter));
		text += fields.join(delimiter) + (rng() < 0.5 ? '\r\n' : '\n');
		if (rng() < 0.1) text += rng() < 0.5 ? '\n' : '\r\n';
	}
	// Sometimes no final newline, sometimes an unclosed quote at the end.
	const end = rng();
	if (end < 0.15) text = text.replace(/\r?\n$/, '');
	else if (end < 0.25) text += '"never closed, é\n1,2';
	return text;
}

describe('byte tokenizer against the reference string tokenizer', () => {
	it('gives the same records for 400 generated files, with the bytes split at random places', () => {
		for (let seed = 1; seed <= 400; seed++) {
			const delimiter = seed % 5 === 0 ? ';' : seed % 7 === 0 ? '\t' : ',';
			const text = generatedCsv(seed, delimiter);
			const bytes = Buffer.from(text);
			const rng = random(seed * 31);
			const cuts = [...new Set(Array.from({ length: Math.floor(rng() * 6) }, () => Math.floor(rng() * bytes.length)))].sort((a, b) => a - b);
			expect([seed, bytewise(bytes, cuts, delimiter)]).toEqual([seed, reference(text, delimiter)]);
		}
	});

	it('gives the same records with the bytes split in two at every byte offset (inside quotes, CRLF pairs and multi-byte characters)', () => {
		const text = 'Name,"Déscription, €",Cost\r\n"a ""quoted"" 😀",x,1.5\n\nb,"multi\r\nline ,é",-2\r\n"c"tail,y,3\n"€",,"NULL"\r\n,"",""\n"d"\r,z,"e"\r\n"open, 😀\n';
		const bytes = Buffer.from(text);
		const expected = reference(text);
		expect(expected.map((r) => [r[1], r[2]])).toEqual([[3, null], [3, null], [3, null], [3, 'text after a closing quote'], [3, null], [3, null], [3, 'text after a closing quote'], [1, 'quoted field never closed']]);
		for (let cut = 0; cut <= bytes.length; cut++) expect([cut, bytewise(bytes, [cut])]).toEqual([cut, expected]);
		// And one byte at a time.
		expect(bytewise(bytes, Array.from({ length: bytes.length }, (_, i) => i))).toEqual(expected);
	});

	it('counts the fields past the header width without locating them', () => {
		const seen: Array<[number, number]> = [];
		const t = new CsvByteTokenizer((r) => {
			if (seen.length === 0) t.limitFields(r.count);
			seen.push([r.count, r.stored]);
		});
		t.push(Buffer.from('a,b\n1,2,3,4\n5\n'));
		t.end();
		expect(seen).toEqual([
			[2, 2],
			[4, 2],
			[1, 1],
		]);
	});

	it('stops with a clear error when an unclosed quote would swallow the rest of the file', () => {
		const t = new CsvByteTokenizer(() => undefined, ',', 1000);
		t.push(Buffer.from('a,b\n"never closed,'));
		expect(() => t.push(Buffer.from('x'.repeat(2000)))).toThrow(/CSV record 2 is longer than 0 MB: a quoted field is never closed.*Fix/);
	});
});

describe('values read from bytes equal the text readers', () => {
	it('costs: the plain form from bytes, everything else left to the text parser', () => {
		const rng = random(11);
		const texts = ['0', '-0', '12.5', '-12.50', '.5', '5.', '-', '', '1,234.50', ' 1', '1e3', '123456789012345', '1234567890123456', '0.00000080000', '--1', '1.2.3', '١٢'];
		for (let i = 0; i < 2000; i++) {
			const digits = Array.from({ length: 1 + Math.floor(rng() * 17) }, () => Math.floor(rng() * 10)).join('');
			const point = Math.floor(rng() * (digits.length + 1));
			texts.push(`${rng() < 0.3 ? '-' : ''}${digits.slice(0, point)}${rng() < 0.8 ? '.' : ''}${digits.slice(point)}`);
		}
		for (const text of texts) {
			const bytes = Buffer.from(`,${text},`);
			const a = newAmount();
			const b = newAmount();
			const fromBytes = parseDecimalBytes(bytes, 1, bytes.length - 1, a);
			const fromText = parseDecimal(text, b);
			// Bytes read the plain form (sign, up to 15 digits, one point) and leave the rest to the text parser.
			const plain = /^-?(?=\.?\d)\d*\.?\d*$/.test(text) && text.replace(/\D/g, '').length <= 15;
			expect([text, fromBytes]).toEqual([text, plain]);
			if (fromBytes) expect([text, formatUnits(unitsOf(a), a.scale)]).toEqual([text, fromText ? formatUnits(unitsOf(b), b.scale) : 'refused']);
		}
	});

	it('timestamps: the common ISO forms from bytes give what the text parser gives, the rest are left to it', () => {
		const parser = new ChargeTimeParser();
		const rng = random(5);
		const texts = ['2024-09-01T00:00:00Z', '2024-09-01T00:00:00.123Z', '2024-09-01 13:45:30', '2024-02-29T00:00:00Z', '2023-02-29T00:00:00Z', '1970-01-01T00:00:00Z', '2024-13-01T00:00:00Z', '2024-09-01T24:00:00Z', '2024-09-01T00:00:00+02:00', '2024-09-01 00:00:00 UTC', '2024-09-01', '1725148800', '2024-09-0é00:00:00Z'];
		for (let i = 0; i < 3000; i++) {
			const ms = Date.UTC(1985, 0, 1) + Math.floor(rng() * 300 * 365 * 86_400_000);
			const iso = new Date(ms).toISOString();
			texts.push(iso, `${iso.slice(0, 19)}Z`, `${iso.slice(0, 10)} ${iso.slice(11, 19)}`, `${iso.slice(0, 10)}T${iso.slice(11, 19)}`);
		}
		for (const text of texts) {
			const bytes = Buffer.from(text);
			const fast = isoBytesToMs(bytes, 0, bytes.length);
			if (fast !== null) expect([text, fast]).toEqual([text, parser.parse(text)]);
		}
		expect(isoBytesToMs(Buffer.from('2024-09-01 00:00:00 UTC'), 0, 23)).toBeNull();
		expect(isoBytesToMs(Buffer.from('2300-01-01T00:00:00Z'), 0, 20)).toBe('out of range');
	});

	it('egress: the byte search matches the pattern, ASCII letters in either case only', () => {
		const rng = random(9);
		const parts = ['Data Transfer Out', 'DATA TRANSFER OUT', 'data transfer', ' out', 'EgReSs', 'egres', 'INTERNET', 'ınternet', 'İnternet', 'internеt', 'ſ', 'x', ' ', 'é', '😀', 'data\ttransfer out', 'Internet-facing'];
		for (let i = 0; i < 3000; i++) {
			const text = Array.from({ length: Math.floor(rng() * 4) }, () => parts[Math.floor(rng() * parts.length)]).join('');
			const bytes = Buffer.from(`"${text}"`);
			expect([text, egressBytes(bytes, 1, bytes.length - 1)]).toEqual([text, EGRESS(text)]);
		}
	});

	it('the resource index finds by bytes what a Map finds by text, across growth and collisions', () => {
		const index = new ByteKeyIndex<number>();
		const map = new Map<string, number>();
		const rng = random(3);
		for (let i = 0; i < 20_000; i++) {
			const key = rng() < 0.5 ? `i-${Math.floor(rng() * 5000).toString(16)}` : `/subscriptions/s1/disks/d${Math.floor(rng() * 5000)}é`;
			const bytes = Buffer.from(`,${key},`);
			const h = ByteKeyIndex.hash(bytes, 1, bytes.length - 1);
			const found = index.get(bytes, 1, bytes.length - 1, h);
			expect(found).toBe(map.get(key));
			if (found === undefined) {
				index.add(bytes, 1, bytes.length - 1, h, i);
				map.set(key, i);
			}
		}
		expect(index.size).toBe(map.size);
	});
});

const withoutSource = (a: FocusAggregate) => ({ ...a, source: null });

describe('an export read from bytes aggregates exactly as its rows given as values', () => {
	/** The rows the reference tokenizer reads, as objects keyed by the header (what n8n items would be). */
	function asRows(text: string): Array<Record<string, string>> {
		const records = reference(text.replace(/^\uFEFF/, ''));
		const names = records[0][0];
		return records.slice(1).map(([fields]) => Object.fromEntries(names.map((n, i) => [n, fields[i]])));
	}

	for (const [seed, variant] of [
		[1, { timestamps: 'iso-ms', badEvery: 37 }],
		[2, { timestamps: 'utc', lowerCaseHeader: true, eurShare: 0.5 }],
		[3, { timestamps: 'epoch-s', focus13: true, badEvery: 11 }],
		[4, { timestamps: 'space', resourcesPerProvider: 40 }],
	] as Array<[number, Omit<GeneratorOptions, 'rows' | 'seed'>]>) {
		it(`seed ${seed}: ${JSON.stringify(variant)}, with CRLF, quoted costs, NULLs and a BOM`, async () => {
			const rng = random(seed * 101);
			const names = header(variant);
			const lines = [names.join(',')];
			for (const row of generateFocusRows({ rows: 1500, seed, ...variant })) {
				// Vary the CSV itself: quote some plain fields, write NULL for some empty ones, escape quotes.
				const cells = row.map((v) => {
					if (v === '' && rng() < 0.2) return 'NULL';
					if (/[",\n\r]/.test(v) || rng() < 0.05) return `"${v.replace(/"/g, '""')}"`;
					return v;
				});
				lines.push(cells.join(','));
			}
			const text = `\uFEFF${lines.join(rng() < 0.5 ? '\r\n' : '\n')}\r\n`;
			const fromValues = aggregateFocusRows(asRows(text), { maxRejectedShare: 1 });
			const fromText = aggregateFocusText(text, { maxRejectedShare: 1 });
			// Streamed in small uneven chunks, so records, fields and characters straddle chunk boundaries.
			const bytes = Buffer.from(text);
			const chunks: Buffer[] = [];
			for (let at = 0; at < bytes.length; ) {
				const size = 1 + Math.floor(rng() * 5000);
				chunks.push(bytes.subarray(at, at + size));
				at += size;
			}
			const fromStream = await aggregateFocusStream(Readable.from(chunks), { maxRejectedShare: 1 });
			expect(fromText.rows.read).toBe(1500);
			if (variant.badEvery) expect(fromText.rows.rejected).toBeGreaterThan(0);
			expect(withoutSource(fromText)).toEqual(withoutSource(fromValues));
			expect(withoutSource(fromStream)).toEqual(withoutSource(fromValues));
			expect(fromStream.source).toMatchObject({ format: 'csv', bytes: bytes.length });
		});
	}

	it('reads the delimiter from the whole header line and drops the byte order mark, even when the stream arrives a byte at a time', async () => {
		const rows = [...generateFocusRows({ rows: 40, seed: 8 })].map((r) => r.map((v) => (/[";\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(';'));
		const text = `\uFEFF${header().join(';')}\n${rows.join('\n')}\n`;
		const bytes = Buffer.from(text);
		const single = await aggregateFocusStream(Readable.from(Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1))));
		expect(single.rows).toMatchObject({ read: 40, accepted: 40, rejected: 0 });
		expect(single.source.columns.billedCost).toBe('BilledCost');
		expect(withoutSource(single)).toEqual(withoutSource(aggregateFocusText(text)));
	});

	it('reads a CSV file of several 1 MB reads into one reused buffer, with records straddling the reads, as it reads the same text in memory', async () => {
		const text = [header().join(','), ...[...generateFocusRows({ rows: 8000, seed: 12, badEvery: 97 })].map((r) => r.map((v) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(','))].join('\r\n');
		expect(Buffer.byteLength(text)).toBeGreaterThan(4.5 * 1048576);
		const dir = mkdtempSync(join(tmpdir(), 'csv-bytes-'));
		try {
			const path = join(dir, 'export.csv');
			writeFileSync(path, text);
			const fromFile = await aggregateFocusFile(path, { maxRejectedShare: 1 });
			expect(fromFile.source).toMatchObject({ format: 'csv', compression: 'none', bytes: Buffer.byteLength(text) });
			expect(withoutSource(fromFile)).toEqual(withoutSource(aggregateFocusText(text, { maxRejectedShare: 1 })));
			expect(fromFile.rows).toMatchObject({ read: 8000 });
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
