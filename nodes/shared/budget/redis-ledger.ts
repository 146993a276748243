/**
 * The Redis ledger for queue mode: every worker reserves against the same counters. Reserve
 * and settle are Lua scripts, so each runs atomically inside Redis.
 */
import { randomUUID } from 'node:crypto';
import type { RedisLike } from '../redis/connection.ts';
import { EMPTY_USAGE, type Amount, type Bucket, type BucketUsage, type Ledger, type Reservation } from './budget.ts';

const STALE_RESERVATION_MS = 30 * 60_000;

// KEYS: reservation key, bucket keys...  ARGV: tokens, micro, reservation ttl ms, then per
// bucket: max tokens (-1 = none), max micro (-1 = none), expire-at ms.
const RESERVE = `
local tokens, micro, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
for i = 2, #KEYS do
  local a = 4 + (i - 2) * 3
  local maxT, maxM = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  local v = redis.call('HMGET', KEYS[i], 'used_tokens', 'used_micro', 'reserved_tokens', 'reserved_micro')
  local ut, um, rt, rm = tonumber(v[1] or 0), tonumber(v[2] or 0), tonumber(v[3] or 0), tonumber(v[4] or 0)
  if (maxT >= 0 and ut + rt + tokens > maxT) or (maxM >= 0 and um + rm + micro > maxM) then
    return {0, i - 1, ut, um, rt, rm}
  end
end
for i = 2, #KEYS do
  local a = 4 + (i - 2) * 3
  redis.call('HINCRBY', KEYS[i], 'reserved_tokens', tokens)
  redis.call('HINCRBY', KEYS[i], 'reserved_micro', micro)
  redis.call('PEXPIREAT', KEYS[i], tonumber(ARGV[a + 2]))
end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'micro', micro)
redis.call('PEXPIRE', KEYS[1], ttl)
return {1}
`;

// KEYS: reservation key, bucket keys...  ARGV: actual tokens, actual micro, then expire-at per bucket.
// A reservation that expired was already released (see the reserved counters' floor at 0).
const SETTLE = `
local v = redis.call('HMGET', KEYS[1], 'tokens', 'micro')
local ht, hm = tonumber(v[1] or 0), tonumber(v[2] or 0)
redis.call('DEL', KEYS[1])
for i = 2, #KEYS do
  redis.call('HINCRBY', KEYS[i], 'used_tokens', tonumber(ARGV[1]))
  redis.call('HINCRBY', KEYS[i], 'used_micro', tonumber(ARGV[2]))
  local rt = redis.call('HINCRBY', KEYS[i], 'reserved_tokens', -ht)
  local rm = redis.call('HINCRBY', KEYS[i], 'reserved_micro', -hm)
  if rt < 0 then redis.call('HSET', KEYS[i], 'reserved_tokens', 0) end
  if rm < 0 then redis.call('HSET', KEYS[i], 'reserved_micro', 0) end
  redis.call('PEXPIREAT', KEYS[i], tonumber(ARGV[i + 1]))
end
return 1
`;

export class RedisLedger implements Ledger {
	private readonly redis: RedisLike;
	private readonly prefix: string;

	constructor(redis: RedisLike, prefix: string) {
		this.redis = redis;
		this.prefix = prefix;
	}

	private key(bucketId: string): string {
		return `${this.prefix}budget:${bucketId}`;
	}

	async reserve(buckets: Bucket[], amount: Amount): Promise<Reservation> {
		const id = randomUUID();
		const args = [amount.tokens, amount.microUsd, STALE_RESERVATION_MS];
		for (const b of buckets) args.push(b.maxTokens ?? -1, b.maxMicroUsd ?? -1, b.expiresAt);
		const keys = [`${this.prefix}budget-reservation:${id}`, ...buckets.map((b) => this.key(b.id))];
		const out = (await this.redis.eval(RESERVE, keys.length, ...keys, ...args)) as number[];
		if (out[0] === 1) return { ok: true, id };
		return {
			ok: false,
			bucket: buckets[out[1] - 1].id,
			usage: { usedTokens: out[2], usedMicroUsd: out[3], reservedTokens: out[4], reservedMicroUsd: out[5] },
		};
	}

	async settle(id: string, buckets: Bucket[], actual: Amount): Promise<void> {
		const keys = [`${this.prefix}budget-reservation:${id}`, ...buckets.map((b) => this.key(b.id))];
		await this.redis.eval(SETTLE, keys.length, ...keys, actual.tokens, actual.microUsd, ...buckets.map((b) => b.expiresAt));
	}

	async usage(bucketIds: string[]): Promise<Record<string, BucketUsage>> {
		const out: Record<string, BucketUsage> = {};
		for (const id of bucketIds) {
			const v = await this.redis.hgetall(this.key(id));
			out[id] = v.used_tokens === undefined && v.reserved_tokens === undefined
				? { ...EMPTY_USAGE }
				: {
						usedTokens: Number(v.used_tokens ?? 0),
						usedMicroUsd: Number(v.used_micro ?? 0),
						reservedTokens: Number(v.reserved_tokens ?? 0),
						reservedMicroUsd: Number(v.reserved_micro ?? 0),
					};
		}
		return out;
	}

	async reset(bucketIds: string[]): Promise<void> {
		if (bucketIds.length) await this.redis.del(...bucketIds.map((id) => this.key(id)));
	}
}
