/**
 * The pieces under the FOCUS reader: exact decimals, charge timestamps in every form the clouds
 * deliver, and the CSV tokenizer fed in chunks split at every possible position.
 */
import { describe, expect, it } from 'vitest';
import { random } from '../../bench/focus-generator.ts';
import { CsvByteTokenizer, fieldText } from '../../nodes/shared/finops/csv-bytes.ts';
import { DecimalSum, formatUnits, newAmount, parseDecimal, unitsOf } from '../../nodes/shared/finops/decimal.ts';
import { ChargeTimeParser } from '../../nodes/shared/finops/focus-time.ts';

const dec = (text: string) => {
	const a = newAmount();
	return parseDecimal(text, a) ? formatUnits(unitsOf(a), a.scale) : null;
};

describe('exact decimals', () => {
	it('reads FOCUS numeric values (https://focus.finops.org/focus-specification/v1-3/ Numeric Format) and exponent forms', () => {
		expect(['0.00000080000', '-100.2', '-3', '4', '1.234', '+5', '.5', '5.', ' 12.50 '].map(dec)).toEqual(['0.0000008', '-100.2', '-3', '4', '1.234', '5', '0.5', '5', '12.5']);
		// BigQuery FLOAT64 and JavaScript numbers print exponents.
		expect(['8.0E-7', '1.5e3', '-2E+2'].map(dec)).toEqual(['0.0000008', '1500', '-200']);
	});

	it('refuses what is not a number rather than reading it as 0', () => {
		for (const bad of ['', ' ', '1,234.50', '$32', '32 GiB', '1 1/2', 'NaN', 'Infinity', '1e999', '--1', '1.2.3', '0x10', '.', '-', 'e5']) {
			expect([bad, dec(bad)]).toEqual([bad, null]);
		}
	});

	it('sums a million-row-like series exactly where floats drift', () => {
		const rng = random(42);
		const sum = new DecimalSum();
		let float = 0;
		let units = 0n;
		const a = newAmount();
		for (let i = 0; i < 200_000; i++) {
			const cents = Math.floor(rng() * 1e9) - 3e8;
			const text = formatUnits(BigInt(cents), 9);
			parseDecimal(text, a);
			sum.addAmount(a);
			float += Number(text);
			units += BigInt(cents);
		}
		expect(sum.toString()).toBe(formatUnits(units, 9));
		// The float sum of the same values is off (which is why the reader does not use one).
		expect(float.toFixed(9)).not.toBe(sum.toString());
	});

	it('stays exact past 2^53 units and with amounts of more than 15 digits', () => {
		const sum = new DecimalSum();
		const a = newAmount();
		let expected = 0n;
		const rng = random(7);
		for (let i = 0; i < 5000; i++) {
			// Mixed scales and sizes: 2 to 16 decimals, up to 18 significant digits.
			const places = 2 + Math.floor(rng() * 15);
			const digits = String(Math.floor(rng() * 1e9)) + String(Math.floor(rng() * 1e9));
			const units = BigInt(digits) * (rng() < 0.3 ? -1n : 1n);
			expect(parseDecimal(formatUnits(units, places), a)).toBe(true);
			sum.addAmount(a);
			expected += units * 10n ** BigInt(16 - places);
		}
		expect(sum.toString()).toBe(formatUnits(expected, 16));
	});

	it('grows its scale to the finest amount and multiplies exactly by a rate', () => {
		const sum = new DecimalSum();
		for (const t of ['0.1', '0.2', '0.0000000001', '-0.3']) {
			const a = newAmount();
			parseDecimal(t, a);
			sum.addAmount(a);
		}
		expect(sum.toString()).toBe('0.0000000001');
		const rate = newAmount();
		parseDecimal('1.08', rate);
		expect(sum.times(rate).toString()).toBe('0.000000000108');
	});
});

describe('charge timestamps', () => {
	const parse = (v: unknown) => {
		const r = new ChargeTimeParser().parse(v);
		return typeof r === 'number' ? new Date(r).toISOString() : r;
	};
	const t = '2024-09-01T13:45:30.000Z';

	it('reads the ISO form FOCUS requires, with any fraction, and the forms exports really carry', () => {
		expect(
			[
				'2024-09-01T13:45:30Z',
				'2024-09-01T13:45:30.000Z',
				'2024-09-01T13:45:30.000000Z',
				'2024-09-01 13:45:30 UTC',
				'2024-09-01 13:45:30',
				'2024-09-01T15:45:30+02:00',
				'2024-09-01T08:45:30-0500',
				{ value: '2024-09-01T13:45:30.000Z' },
				new Date(t),
			].map(parse),
		).toEqual(Array(9).fill(t));
		expect(parse('2024-09-01')).toBe('2024-09-01T00:00:00.000Z');
		expect(parse('2024-09-01 13:45:30.123456 UTC')).toBe('2024-09-01T13:45:30.123Z');
	});

	it('reads epoch seconds, milliseconds and microseconds, as numbers or BigQuery text', () => {
		const s = Date.parse(t) / 1000;
		expect([s, s * 1000, String(s * 1e6), '1.72519833E9', BigInt(s * 1000), { value: s }].map(parse)).toEqual([t, t, t, t, t, t]);
	});

	it('rejects what is not a date or out of any billing range, by name', () => {
		expect(['31/09/2024 10:00', '2024-09-31T00:00:00Z', '2023-02-29', '2024-13-01', 'yesterday', '09/01/2024'].map(parse)).toEqual(Array(6).fill('unreadable'));
		expect([0, 20240901, '1e20'].map(parse)).toEqual(Array(3).fill('out of range'));
		expect([null, undefined, '', 'NULL'].map(parse)).toEqual(Array(4).fill('missing'));
	});
});

describe('CSV tokenizer', () => {
	const csv = 'a,b,c\r\n1,"x, ""y""",3\r\n"multi\nline",,"z"\n4,5,6\n';
	const expected = [
		['a', 'b', 'c'],
		['1', 'x, "y"', '3'],
		['multi\nline', '', 'z'],
		['4', '5', '6'],
	];

	const tokenize = (parts: string[]) => {
		const out: Array<[string[], number, string | null]> = [];
		const t = new CsvByteTokenizer((r, problem) => out.push([Array.from({ length: r.stored }, (_, i) => fieldText(r, i)), r.count, problem]));
		for (const p of parts) t.push(Buffer.from(p));
		t.end();
		return out;
	};

	it('reads quoted fields, escaped quotes, newlines in quotes and CRLF, however the text is split', () => {
		for (let i = 0; i <= csv.length; i++) {
			for (let j = i; j <= csv.length; j += 7) {
				const rows = tokenize([csv.slice(0, i), csv.slice(i, j), csv.slice(j)]);
				expect([i, j, rows.map((r) => r[0])]).toEqual([i, j, expected]);
			}
		}
	});

	it('reports short and long records with their field count, and quoting problems, instead of merging rows', () => {
		const rows = tokenize(['a,b,c\n1,2\n3,4,5,6\n"q"x,y,z\n7,8,9\n"open,1,2\n8,9,10']);
		expect(rows.map(([f, n, p]) => [n, p, f[0]])).toEqual([
			[3, null, 'a'],
			[2, null, '1'],
			[4, null, '3'],
			[3, 'text after a closing quote', 'q'],
			[3, null, '7'],
			[1, 'quoted field never closed', 'open,1,2\n8,9,10'],
		]);
	});

	it('stops with a clear error when an unclosed quote would swallow the rest of the file', () => {
		const t = new CsvByteTokenizer(() => undefined, ',', 1000);
		t.push(Buffer.from('a,b\n"never closed,'));
		expect(() => t.push(Buffer.from('x'.repeat(2000)))).toThrow(/CSV record 2 is longer than 0 MB: a quoted field is never closed.*Fix/);
	});
});
