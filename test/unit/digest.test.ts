import { describe, expect, it } from 'vitest';
import { groupingAccuracy } from '../../bench/grouping-accuracy.ts';
import { buildDigest, renderDigest } from '../../nodes/shared/digest/log-digest.ts';
import { HeaderModel } from '../../nodes/shared/digest/header.ts';
import { maskedTokens, mineLog } from '../../nodes/shared/digest/log-miner.ts';
import { collapseRepeats, maskToken, maskTokens, normaliseDigits, shapeHash, ShapeTable, tokenize } from '../../nodes/shared/digest/masking.ts';
import { jsonMessage } from '../../nodes/shared/digest/structured.ts';
import { TemplateMiner } from '../../nodes/shared/digest/template-miner.ts';
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
	it('masks key=value values, wrapped values, written-out dates and units apart from their number', () => {
		expect(maskToken('ts=0-0-0T0:0:0.0Z')).toBe('ts=<*>');
		expect(maskToken('(0ms)')).toBe('(<*>)');
		expect(maskToken('fcbcdbcd')).toBe('<*>');
		expect(maskToken('feedback')).toBe('feedback');
		expect(maskTokens(tokenize(normaliseDigits('at Fri Jun 17 03:55:13 2005 sent 512 KB, took 3 seconds')))).toEqual([
			'at', '<*>', '<*>', '<*>', '<*>', '<*>', 'sent', '<*>', '<*>,', 'took', '<*>', '<*>',
		]);
		expect(maskTokens(['May', 'the', 'force'])).toEqual(['May', 'the', 'force']);
		expect(collapseRepeats(['delete', 'blk_<*>', 'blk_<*>', 'blk_<*>', 'now', 'now'])).toEqual(['delete', 'blk_<*>', 'now', 'now']);
	});
	it('finds lines by their digit-normalised shape without building it', () => {
		const table = new ShapeTable<string>();
		expect(table.get('took 12ms for id 7')).toBeUndefined();
		table.add('a');
		expect(table.get('took 3456ms for id 0')).toBe('a');
		expect(table.get('took 12s for id 7')).toBeUndefined();
		expect(table.hits).toBe(1);
	});
	it('splits on pipes and keeps quoted text together', () => {
		expect(tokenize('0-0-0 0:0|WARN|billing|Failed for "draft plan", retry')).toEqual([
			'0-0-0', '0:0', '|', 'WARN', '|', 'billing', '|', 'Failed', 'for', '"draft plan",', 'retry',
		]);
		expect(tokenize("msg=\"User bob said 'hi there'\" can't stop")).toEqual(['msg="User', 'bob', 'said', "'hi there'\"", "can't", 'stop']);
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

describe('timestamps in formats no rule names', () => {
	it('parses dates and times written in the usual orders', () => {
		expect(parseTimestamp('127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /"')).toBe(Date.UTC(2000, 9, 10, 20, 55, 36));
		expect(parseTimestamp('20171223-22:15:29:606|Step')).toBe(Date.UTC(2017, 11, 23, 22, 15, 29, 606));
		expect(parseTimestamp('03-17 16:13:38.811  1702  2395 D x', 2026)).toBe(Date.UTC(2026, 2, 17, 16, 13, 38, 811));
		expect(parseTimestamp('28.09.2016 04:30:30 x')).toBe(Date.UTC(2016, 8, 28, 4, 30, 30));
		expect(parseTimestamp('12:38:50.731 2026/03/04 host x')).toBe(Date.UTC(2026, 2, 4, 12, 38, 50, 731));
		expect(parseTimestamp('1772600767123 E billing: x')).toBe(1772600767123);
		expect(parseTimestamp('order 2026-13-45 12:99:00 is not a time')).toBeUndefined();
	});
});

describe('header model', () => {
	const learn = (lines: string[]) => new HeaderModel().learn(lines.map((l) => maskedTokens(normaliseDigits(l))));
	const message = (model: HeaderModel, line: string) => {
		const tokens = maskedTokens(normaliseDigits(line));
		return tokens.slice(model.messageStart(tokens)).join(' ');
	};
	it('learns where the message starts from level, separator, bracket and source anchors', () => {
		const hosts = ['atlas', 'boreas', 'cygnus'];
		const lines = Array.from({ length: 60 }, (_, i) => `2026-03-04 05:06:${String(i % 60).padStart(2, '0')} ${hosts[i % 3]} WARN [pool-${i % 4}] - job ${['started', 'stopped', 'queued'][i % 3]} now`);
		const model = learn(lines);
		expect(message(model, lines[0])).toBe('job started now');
		expect(message(model, '2026-03-04 05:06:07 hermes ERROR [pool-1] - disk full on /var')).toBe('disk full on /var');
		expect(model.level(maskedTokens(normaliseDigits(lines[0])), 5)).toBe('WARN');
	});
	it('does not take a masked word after the last anchor for header ("attempt_1 opened")', () => {
		const lines = Array.from({ length: 20 }, (_, i) => `2026-03-04 05:06:07 INFO org.acme.Worker: attempt_${i} opened`);
		expect(message(learn(lines), lines[3])).toBe('attempt_<*> opened');
	});
});

describe('records and structured messages', () => {
	it('keeps indented continuation lines with their record in a log without time', () => {
		const text = ['ERROR: worker: job failed', '    at a.b(C.java:1)', '    at d.e(F.java:2)', 'INFO: worker: job done', 'INFO: worker: job done'].join('\n');
		const mined = mineLog(text);
		expect(mined.recordStart).toEqual([0, 3, 4]);
		expect(mined.recordLines).toEqual([3, 1, 1]);
	});
	it('treats an indent shared by every line as no indent', () => {
		const mined = mineLog(['  job 1 done', '  job 2 done', '    detail', '  job 3 failed'].join('\n'));
		expect(mined.recordLines).toEqual([1, 2, 1]);
	});
	it('turns a JSON object into key=value columns, nested keys dotted, multi-word strings spread', () => {
		const json = jsonMessage('0:0 {"level":"warn","msg":"disk \\"data 1\\" full","ctx":{"host":"atlas","n":0}} ');
		expect(json?.start).toBe(4);
		expect(json?.message).toEqual({ tokens: ['level=warn', 'msg=', 'disk', '"data 1"', 'full', 'ctx.host=atlas', 'ctx.n=0'], level: 'warn' });
		expect(jsonMessage('not {json} at all')).toBeUndefined();
	});
});

describe('template miner', () => {
	it('tells names from constants by how they vary, not by what they are', () => {
		const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
		const messages = [
			...users.map((u, i) => ({ tokens: ['session', 'opened', 'for', u], weight: 1 + i })),
			...users.slice(0, 3).map((u) => ({ tokens: ['password', 'changed', 'by', u, 'today'], weight: 2 })),
			{ tokens: ['cache', 'hit'], weight: 40 },
			{ tokens: ['cache', 'miss'], weight: 30 },
		];
		const miner = new TemplateMiner();
		const assignment = miner.group(messages);
		expect(miner.clusters.map((c) => miner.template(c)).sort()).toEqual(['cache hit', 'cache miss', 'password changed by <*> today', 'session opened for <*>']);
		expect(new Set(assignment.slice(0, 6)).size).toBe(1);
		expect(miner.match(['session', 'opened', 'for', 'zoe'])).toBe(assignment[0]);
		expect(miner.match(['cache', 'flushed'])).toBe(-1);
	});

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
