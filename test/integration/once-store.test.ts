import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSqlite } from '../../nodes/shared/stores/embedded-db.ts';
import { RedisOnceStore, SqliteOnceStore, type OnceStore } from '../../nodes/shared/stores/once-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'agent-swarm-once-'));
const PREFIX = `agentswarm-test-${randomUUID().slice(0, 8)}:`;
const redisA = new Redis({ host: '127.0.0.1', port: 6379 });
const redisB = new Redis({ host: '127.0.0.1', port: 6379 });

afterAll(async () => {
	const keys = await redisA.keys(`${PREFIX}*`);
	if (keys.length) await redisA.del(...keys);
	redisA.disconnect();
	redisB.disconnect();
	rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Two handles on one store: two queue-mode workers (Redis) or two executions (one SQLite file).
const stores: Array<{ name: string; open: () => [OnceStore, OnceStore] }> = [
	{
		name: 'embedded SQLite',
		open: () => {
			const path = join(dir, `${randomUUID()}.sqlite`);
			return [new SqliteOnceStore(path), new SqliteOnceStore(path)];
		},
	},
	{ name: 'Redis', open: () => [new RedisOnceStore(redisA, PREFIX), new RedisOnceStore(redisB, PREFIX)] },
];

for (const store of stores) {
	describe(`${store.name} once-store`, () => {
		it('of 20 concurrent claims of one key exactly one is first; the others see its value', async () => {
			const [a, b] = store.open();
			const key = `group-${randomUUID()}`;
			const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).claim(key, 60_000, `run-${i}`)));
			const first = claims.map((c, i) => (c.first ? i : -1)).filter((i) => i >= 0);
			expect(first).toHaveLength(1);
			for (const c of claims) if (!c.first) expect(c.value).toBe(`run-${first[0]}`);
		});

		it('set replaces the value later claims see; release lets the next claim run', async () => {
			const [a, b] = store.open();
			const key = `group-${randomUUID()}`;
			expect(await a.claim(key, 60_000, 'pending')).toEqual({ first: true });
			await a.set(key, 'report-42', 60_000);
			expect(await b.claim(key, 60_000, 'other')).toEqual({ first: false, value: 'report-42' });
			expect(await b.get(key)).toBe('report-42');
			await b.release(key);
			expect(await b.get(key)).toBeNull();
			expect(await a.claim(key, 60_000, 'again')).toEqual({ first: true });
		});

		it('a claim expires after its window', async () => {
			const [a, b] = store.open();
			const key = `group-${randomUUID()}`;
			expect((await a.claim(key, 150, 'x')).first).toBe(true);
			expect((await b.claim(key, 150, 'y')).first).toBe(false);
			await sleep(300);
			expect(await b.claim(key, 150, 'y')).toEqual({ first: true });
		});
	});
}

describe('embedded store loader', () => {
	it('without node:sqlite says so and names the alternatives, instead of failing at import', () => {
		expect(() => loadSqlite(() => undefined)).toThrow(/node:sqlite.*Fix: choose the Redis store.*Node 22\.13 or newer/s);
	});

	it('loads the built-in module where it exists', () => {
		expect(typeof loadSqlite().DatabaseSync).toBe('function');
	});
});
