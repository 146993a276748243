import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { bucketFor, toMicroUsd, type Bucket, type Ledger } from '../../nodes/shared/budget/budget.ts';
import { RedisLedger } from '../../nodes/shared/budget/redis-ledger.ts';
import { SqliteLedger } from '../../nodes/shared/budget/sqlite-ledger.ts';

const dir = mkdtempSync(join(tmpdir(), 'agent-swarm-ledger-'));
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

type Store = { name: string; ledgers: () => Ledger[] };
const stores: Store[] = [
	{ name: 'embedded SQLite', ledgers: () => [new SqliteLedger(join(dir, `${randomUUID()}.sqlite`))] },
	// Two connections: two queue-mode workers sharing one Redis.
	{ name: 'Redis', ledgers: () => [new RedisLedger(redisA, PREFIX), new RedisLedger(redisB, PREFIX)] },
];

for (const store of stores) {
	describe(`${store.name} ledger`, () => {
		it('50 concurrent reservations never overspend and lose no settlement', async () => {
			const ledgers = store.ledgers();
			const bucket: Bucket = { ...bucketFor({ scope: `run-${randomUUID()}`, window: 'day', maxUsd: 2 }, new Date(), 'x') };
			const estimate = toMicroUsd(0.1);
			let settledActual = 0;
			const outcomes = await Promise.all(
				Array.from({ length: 50 }, async (_, i) => {
					const ledger = ledgers[i % ledgers.length];
					const r = await ledger.reserve([bucket], { tokens: 1000, microUsd: estimate });
					if (!r.ok) return false;
					await sleep(Math.random() * 30);
					// Real spend: 50-100% of the estimate.
					const actual = Math.round(estimate * (0.5 + ((i * 7) % 10) / 20));
					settledActual += actual;
					await ledger.settle(r.id, [bucket], { tokens: 500, microUsd: actual });
					return true;
				}),
			);
			const usage = (await ledgers[0].usage([bucket.id]))[bucket.id];
			const admitted = outcomes.filter(Boolean).length;
			expect(admitted).toBeGreaterThanOrEqual(20);
			expect(admitted).toBeLessThan(50);
			expect(usage.usedMicroUsd).toBe(settledActual);
			expect(usage.usedMicroUsd).toBeLessThanOrEqual(toMicroUsd(2) + estimate);
			expect(usage).toMatchObject({ reservedMicroUsd: 0, reservedTokens: 0, usedTokens: admitted * 500 });
		});

		it('refuses a reservation that does not fit any one of several budgets, holding nothing', async () => {
			const [ledger] = store.ledgers();
			const now = new Date();
			const roomy = bucketFor({ scope: `a-${randomUUID()}`, window: 'month', maxUsd: 100 }, now, 'x');
			const tight = bucketFor({ scope: `b-${randomUUID()}`, window: 'execution', maxTokens: 10 }, now, 'x');
			const r = await ledger.reserve([roomy, tight], { tokens: 11, microUsd: 1 });
			expect(r).toMatchObject({ ok: false, bucket: tight.id });
			expect((await ledger.usage([roomy.id]))[roomy.id].reservedMicroUsd).toBe(0);
		});

		it('the day window rolls over at UTC midnight', async () => {
			const [ledger] = store.ledgers();
			const scope = `day-${randomUUID()}`;
			const before = bucketFor({ scope, window: 'day', maxUsd: 1 }, new Date('2026-11-25T23:59:59.900Z'), 'x');
			const after = bucketFor({ scope, window: 'day', maxUsd: 1 }, new Date('2026-11-26T00:00:00.000Z'), 'x');
			expect(before.id).not.toBe(after.id);
			const spent = await ledger.reserve([before], { tokens: 1, microUsd: toMicroUsd(1) });
			expect(spent.ok).toBe(true);
			expect((await ledger.reserve([before], { tokens: 1, microUsd: 1 })).ok).toBe(false);
			expect((await ledger.reserve([after], { tokens: 1, microUsd: toMicroUsd(1) })).ok).toBe(true);
		});
	});
}

describe('embedded ledger', () => {
	it('keeps its totals across a restart', async () => {
		const path = join(dir, 'restart.sqlite');
		const bucket = bucketFor({ scope: 'team:sre', window: 'month', maxUsd: 10 }, new Date(), 'x');
		const first = new SqliteLedger(path);
		const r = await first.reserve([bucket], { tokens: 100, microUsd: 5000 });
		await first.settle((r as { id: string }).id, [bucket], { tokens: 80, microUsd: 4000 });
		const pending = await first.reserve([bucket], { tokens: 10, microUsd: 10 });
		expect(pending.ok).toBe(true);
		first.close();
		const second = new SqliteLedger(path);
		expect((await second.usage([bucket.id]))[bucket.id]).toEqual({ usedTokens: 80, usedMicroUsd: 4000, reservedTokens: 10, reservedMicroUsd: 10 });
		second.close();
	});

	it('releases reservations that were never settled (a crashed execution) after 30 minutes', async () => {
		let now = Date.now();
		const ledger = new SqliteLedger(join(dir, 'stale.sqlite'), () => now);
		const bucket = bucketFor({ scope: 's', window: 'month', maxUsd: 1 }, new Date(now), 'x');
		expect((await ledger.reserve([bucket], { tokens: 1, microUsd: toMicroUsd(1) })).ok).toBe(true);
		expect((await ledger.reserve([bucket], { tokens: 1, microUsd: 1 })).ok).toBe(false);
		now += 31 * 60_000;
		expect((await ledger.reserve([bucket], { tokens: 1, microUsd: 1 })).ok).toBe(true);
		ledger.close();
	});

	it('names the fix for a budget without a limit', () => {
		expect(() => bucketFor({ scope: '', window: 'day' }, new Date(), 'x')).toThrow(/has no limit\. Fix: set "Max USD" and\/or "Max Tokens"/);
	});
});
