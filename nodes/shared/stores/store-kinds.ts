/**
 * The one list of places shared state can live. Budget ledgers and once-stores both come from
 * here, and so do the editor options that offer them: adding a store is one entry.
 */
import type { Ledger } from '../budget/budget.ts';
import { RedisLedger } from '../budget/redis-ledger.ts';
import { embeddedLedgerPath, SqliteLedger } from '../budget/sqlite-ledger.ts';
import type { RedisLike } from '../redis/connection.ts';
import { embeddedPath } from './embedded-db.ts';
import { RedisOnceStore, SqliteOnceStore, type OnceStore } from './once-store.ts';

export interface RedisAccess {
	redis: RedisLike;
	keyPrefix: string;
}

export interface StoreKind {
	value: string;
	/** Editor label and description. */
	name: string;
	description: string;
	/** A Redis credential is needed to open it. */
	needsRedis: boolean;
	ledger(access?: RedisAccess): Ledger;
	once(access?: RedisAccess): OnceStore;
}

/** One embedded store object per file and process (the path can be moved by environment). */
const byPath = <T>(path: () => string, make: (path: string) => T) => {
	const made = new Map<string, T>();
	return () => {
		const p = path();
		let value = made.get(p);
		if (!value) made.set(p, (value = make(p)));
		return value;
	};
};
const embeddedLedger = byPath(embeddedLedgerPath, (p) => new SqliteLedger(p));
const embeddedOnce = byPath(
	() => process.env.AGENT_SWARM_ONCE_PATH ?? embeddedPath('once.sqlite'),
	(p) => new SqliteOnceStore(p),
);

function redisOf(access: RedisAccess | undefined): RedisAccess {
	if (!access) throw new Error('The Redis store needs an "Agent Swarm Redis" credential');
	return access;
}

export const STORE_KINDS: readonly StoreKind[] = [
	{
		value: 'embedded',
		name: 'Embedded (SQLite File on This Instance)',
		description: 'No set-up; survives restarts; for one n8n instance (not queue mode)',
		needsRedis: false,
		ledger: () => embeddedLedger(),
		once: () => embeddedOnce(),
	},
	{
		value: 'redis',
		name: 'Redis (Shared by All Workers)',
		description: 'For queue mode: every main and worker process sees the same state',
		needsRedis: true,
		ledger: (access) => new RedisLedger(redisOf(access).redis, redisOf(access).keyPrefix),
		once: (access) => new RedisOnceStore(redisOf(access).redis, redisOf(access).keyPrefix),
	},
];

export function storeKind(value: string): StoreKind | undefined {
	return STORE_KINDS.find((kind) => kind.value === value);
}
