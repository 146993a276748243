/**
 * Redis connections for shared state in queue mode (budget ledger, metrics). One connection
 * per process and configuration, reused across executions.
 */
import Redis from 'ioredis';

export type RedisLike = Redis;

export interface RedisSettings {
	host: string;
	port: number;
	password?: string;
	database: number;
	tls: boolean;
	/** Prefix of every key this package writes, so several installations can share a Redis. */
	keyPrefix: string;
}

const connections = new Map<string, Redis>();

export function redisSettings(c: Record<string, unknown>): RedisSettings {
	return {
		host: String(c.host || '127.0.0.1'),
		port: Number(c.port || 6379),
		password: c.password ? String(c.password) : undefined,
		database: Number(c.database || 0),
		tls: c.ssl === true,
		keyPrefix: String(c.keyPrefix ?? 'agentswarm:'),
	};
}

export function redisConnection(s: RedisSettings): Redis {
	const id = `${s.host}:${s.port}/${s.database}/${s.tls}/${s.password ?? ''}`;
	let redis = connections.get(id);
	if (!redis || redis.status === 'end') {
		redis = new Redis({
			host: s.host,
			port: s.port,
			password: s.password,
			db: s.database,
			tls: s.tls ? {} : undefined,
			lazyConnect: false,
			maxRetriesPerRequest: 2,
			connectTimeout: 5000,
		});
		// Errors surface on the command that fails; an unhandled 'error' event would crash n8n.
		redis.on('error', () => undefined);
		connections.set(id, redis);
	}
	return redis;
}

/** Closes every connection (tests, shutdown). */
export async function closeRedisConnections(): Promise<void> {
	await Promise.all([...connections.values()].map((r) => r.quit().catch(() => r.disconnect())));
	connections.clear();
}
