import { describe, expect, it } from 'vitest';
import { groupingAccuracy } from '../../bench/grouping-accuracy.ts';
import { buildDigest, renderDigest } from '../../nodes/shared/digest/log-digest.ts';
import { maskToken, normaliseDigits, shapeHash, tokenize } from '../../nodes/shared/digest/masking.ts';
import { lineTemplates } from '../../bench/digest-accuracy.ts';
import { parseTimestamp } from '../../nodes/shared/digest/timestamps.ts';

/** A synthetic service log with known templates, in three header styles. */
function syntheticLog(style: 'iso' | 'syslog' | 'log4j', lines = 600) {
	const templates = [
		(i: number) => `Accepted connection from 10.0.${i % 7}.${i % 250}:${40000 + i}`,
		(i: number) => `Request ${i} GET /api/orders/${i * 13} completed in ${i % 90}ms`,
		(i: number) => `Cache miss for key user:${i}:profile`,
		(i: number) => `Failed to charge card for order ${i}: gateway timeout after ${i % 30}s`,
		(i: number) => `Worker pool resized from ${i % 8} to ${(i % 8) + 1} workers`,
		(i: number) => `Session ${(i * 7919).toString(16)}abcdef expired for user ${['alice', 'bob', 'carol'][i % 3]}`,
	];
	const out: string[] = [];
	const truth: string[] = [];
	for (let i = 0; i < lines; i++) {
		const t = (i * 7) % templates.length;
		const level = t === 3 ? 'ERROR' : 'INFO';
		const sec = String(i % 60).padStart(2, '0');
		const min = String(Math.floor(i / 60) % 60).padStart(2, '0');
		const head =
			style === 'iso'
				? `2026-11-25T03:${min}:${sec}.${String(i % 1000).padStart(3, '0')}Z ${level}`
				: style === 'syslog'
					? `Nov 25 03:${min}:${sec} web-${i % 3} app[${1000 + (i % 50)}]: ${level}`
					: `2026-11-25 03:${min}:${sec},123 ${level} [worker-${i % 4}] com.shop.Service${t}: `;
		out.push(`${head} ${templates[t](i)}`);
		truth.push(`E${t}`);
	}
	return { text: out.join('\n'), truth };
}

describe('masking', () => {
	it('masks values but keeps words', () => {
		expect(maskToken('10.251.73.220:50010')).toBe('<*>');
		expect(maskToken('blk_-6952295868487656571')).toBe('blk_<*>');
		expect(maskToken('sshd(pam_unix)[19939]:')).toBe('sshd(pam_unix)[<*>]:');
		expect(maskToken('12ms')).toBe('<*>');
		expect(maskToken(normaliseDigits('9f86d081884c7d65'))).toBe('<*>');
		expect(maskToken(normaliseDigits('003a90fc'))).toBe('<*>');
		expect(maskToken('checkout')).toBe('checkout');
	});
	it('hashes lines that differ only in their numbers alike, and others apart', () => {
		expect(shapeHash('took 12ms for id 7')).toBe(shapeHash('took 3456ms for id 0'));
		expect(shapeHash('took 12ms for id 7')).toBe(shapeHash(normaliseDigits('took 12ms for id 7')));
		expect(shapeHash('took 12ms for id 7')).not.toBe(shapeHash('took 12s for id 7'));
		const hashes = new Set(Array.from({ length: 20000 }, (_, i) => shapeHash(`event kind${String.fromCharCode(97 + (i % 26))}${i.toString(36).replace(/\d/g, '')} done`)));
		expect(hashes.size).toBe(new Set(Array.from({ length: 20000 }, (_, i) => `${String.fromCharCode(97 + (i % 26))}${i.toString(36).replace(/\d/g, '')}`)).size);
	});
	it('keeps a bracketed thread name as one token', () => {
		expect(tokenize('INFO [IPC Server handler 5 on 8020] org.Foo: hi  there')).toEqual([
			'INFO',
			'[IPC Server handler 5 on 8020]',
			'org.Foo:',
			'hi',
			'there',
		]);
	});
});

describe('timestamps', () => {
	it('parses common header formats', () => {
		expect(parseTimestamp('2026-11-25T03:04:05.123Z INFO x')).toBe(Date.UTC(2026, 10, 25, 3, 4, 5, 123));
		expect(parseTimestamp('2015-10-18 18:01:47,978 INFO x')).toBe(Date.UTC(2015, 9, 18, 18, 1, 47, 978));
		expect(parseTimestamp('2026-11-25T05:04:05+02:00 x')).toBe(Date.UTC(2026, 10, 25, 3, 4, 5));
		expect(parseTimestamp('Jun 14 15:16:01 combo sshd', 2005)).toBe(Date.UTC(2005, 5, 14, 15, 16, 1));
		expect(parseTimestamp('[Sun Dec 04 04:47:44 2005] [notice] x')).toBe(Date.UTC(2005, 11, 4, 4, 47, 44));
		expect(parseTimestamp('17/06/09 20:10:40 INFO x')).toBe(Date.UTC(2017, 5, 9, 20, 10, 40));
		expect(parseTimestamp('081109 203615 148 INFO x')).toBe(Date.UTC(2008, 10, 9, 20, 36, 15));
		expect(parseTimestamp('no time here')).toBeUndefined();
	});
});

describe('template miner', () => {
	for (const style of ['iso', 'syslog', 'log4j'] as const) {
		it(`groups a ${style} log by template without being told the format`, () => {
			const { text, truth } = syntheticLog(style);
			const { perLine, templates } = lineTemplates(text.split('\n'));
			expect(groupingAccuracy(perLine, truth)).toBe(1);
			expect(templates).toBe(6);
		});
	}
	it('grouping accuracy is 1 for a perfect grouping and punishes merges and splits', () => {
		expect(groupingAccuracy([1, 1, 2], ['a', 'a', 'b'])).toBe(1);
		expect(groupingAccuracy([1, 1, 1], ['a', 'a', 'b'])).toBe(0);
		expect(groupingAccuracy([1, 2, 3], ['a', 'a', 'b'])).toBeCloseTo(1 / 3);
	});
});

describe('log digest', () => {
	it('counts every line per template with first/last seen and peak per minute', () => {
		const { text } = syntheticLog('iso', 600);
		const digest = buildDigest(text);
		expect(digest.lines).toBe(600);
		expect(digest.templates.reduce((n, t) => n + t.count, 0)).toBe(600);
		expect(digest.templates).toHaveLength(6);
		const failures = digest.templates.find((t) => t.template.startsWith('Failed to charge'))!;
		expect(failures.level).toBe('ERROR');
		expect(failures.count).toBe(100);
		expect(failures.firstSeen).toBe('2026-11-25T03:00:03.003Z');
		expect(failures.lastSeen).toMatch(/^2026-11-25T03:09:5\d/);
		expect(failures.peakPerMinute).toBe(10);
		expect(failures.samples).toHaveLength(3);
		expect(digest.start).toBe('2026-11-25T03:00:00Z');
	});
	it('renders within its budget, severe templates first, and accounts for every line', () => {
		const lines = Array.from({ length: 3000 }, (_, i) => `2026-11-25T03:00:00Z INFO event kind${i % 400} happened ${i}`);
		lines.push('2026-11-25T03:00:01Z ERROR database unreachable: connection refused');
		const digest = buildDigest(lines.join('\n'));
		const text = renderDigest(digest, 6000);
		expect(text.length).toBeLessThanOrEqual(6000);
		expect(text).toMatch(/^Log digest: 3001 lines/);
		expect(text.indexOf('database unreachable')).toBeLessThan(text.indexOf('event kind'));
		const shown = [...text.matchAll(/^T\d+ count=(\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
		const rest = /more templates covering (\d+) lines/.exec(text);
		expect(shown + Number(rest?.[1] ?? 0)).toBe(3001);
	});
});
