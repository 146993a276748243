/**
 * Queue mode: every worker has its own registry, so a scrape of one process misses the others.
 * Each process publishes a snapshot of its registry to a Redis hash (one field per process);
 * an export reads all snapshots and sums them with prom-client's AggregatorRegistry.
 */
import { hostname } from 'node:os';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { RedisLike } from '../redis/connection.ts';

/** Snapshots of processes that stopped publishing are dropped after this long. */
const SNAPSHOT_TTL_SECONDS = 7 * 24 * 3600;

export function processId(): string {
	return `${hostname()}:${process.pid}`;
}

export async function publishSnapshot(redis: RedisLike, prefix: string, registry: Registry, id = processId()): Promise<void> {
	const key = `${prefix}metrics`;
	const snapshot = JSON.stringify(await registry.getMetricsAsJSON());
	await redis.multi().hset(key, id, snapshot).hset(`${key}:seen`, id, String(Date.now())).expire(key, SNAPSHOT_TTL_SECONDS).expire(`${key}:seen`, SNAPSHOT_TTL_SECONDS).exec();
}

/** All processes' metrics summed (counters and histograms add up; gauges are summed too). */
export async function aggregatedExposition(redis: RedisLike, prefix: string): Promise<{ text: string; processes: number }> {
	const snapshots = await redis.hgetall(`${prefix}metrics`);
	const parsed = Object.values(snapshots).map((s) => JSON.parse(s));
	if (parsed.length === 0) return { text: '', processes: 0 };
	const registry = AggregatorRegistry.aggregate(parsed);
	return { text: await registry.metrics(), processes: parsed.length };
}
