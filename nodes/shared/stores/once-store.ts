/**
 * "Once" state shared by executions: the first delivery of an alert group or a webhook claims
 * its key, repeats within the window see who claimed it (and what it recorded, e.g. a report
 * id). Two stores: an embedded SQLite file (one n8n) and Redis (queue mode, every worker).
 */
import type { DatabaseSync } from 'node:sqlite';
import type { RedisLike } from '../redis/connection.ts';
import { embeddedPath, immediateTransaction, openEmbeddedDatabase } from './embedded-db.ts';

export type Claim = { first: true } | { first: false; value: string };

export interface OnceStore {
	/** Atomically: if nobody holds `key`, hold it for `ttlMs` with `value`; else say what the holder recorded. */
	claim(key: string, ttlMs: number, value: string): Promise<Claim>;
	/** Records a new value for `key` (e.g. the report id once known), for `ttlMs` from now. */
	set(key: string, value: string, ttlMs: number): Promise<void>;
	get(key: string): Promise<string | null>;
	/** Gives a key up, so a later delivery can run again (e.g. after a failed run). */
	release(key: string): Promise<void>;
}

export class SqliteOnceStore implements OnceStore {
	private readonly db: DatabaseSync;
	private readonly now: () => number;

	constructor(path: string = embeddedPath('once.sqlite'), now: () => number = Date.now) {
		this.now = now;
		this.db = openEmbeddedDatabase(path);
		this.db.exec('CREATE TABLE IF NOT EXISTS once_keys (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER NOT NULL)');
	}

	async claim(key: string, ttlMs: number, value: string): Promise<Claim> {
		return immediateTransaction(this.db, () => {
			const held = this.read(key);
			if (held !== null) return { first: false, value: held };
			this.write(key, value, ttlMs);
			return { first: true };
		});
	}

	async set(key: string, value: string, ttlMs: number): Promise<void> {
		immediateTransaction(this.db, () => this.write(key, value, ttlMs));
	}

	async get(key: string): Promise<string | null> {
		return this.read(key);
	}

	async release(key: string): Promise<void> {
		this.db.prepare('DELETE FROM once_keys WHERE key = ?').run(key);
	}

	private read(key: string): string | null {
		const row = this.db.prepare('SELECT value FROM once_keys WHERE key = ? AND expires_at > ?').get(key, this.now()) as
			| { value: string }
			| undefined;
		return row?.value ?? null;
	}

	private write(key: string, value: string, ttlMs: number): void {
		this.db.prepare('DELETE FROM once_keys WHERE expires_at <= ?').run(this.now());
		this.db
			.prepare('INSERT INTO once_keys (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at')
			.run(key, value, this.now() + ttlMs);
	}
}

export class RedisOnceStore implements OnceStore {
	private readonly redis: RedisLike;
	private readonly prefix: string;

	constructor(redis: RedisLike, prefix: string) {
		this.redis = redis;
		this.prefix = prefix;
	}

	async claim(key: string, ttlMs: number, value: string): Promise<Claim> {
		const k = this.key(key);
		for (let tries = 0; tries < 3; tries++) {
			if ((await this.redis.set(k, value, 'PX', ttlMs, 'NX')) === 'OK') return { first: true };
			const held = await this.redis.get(k);
			if (held !== null) return { first: false, value: held };
			// It expired between SET and GET: try to claim again.
		}
		throw new Error(`Could not claim "${key}" in Redis: the key kept expiring`);
	}

	async set(key: string, value: string, ttlMs: number): Promise<void> {
		await this.redis.set(this.key(key), value, 'PX', ttlMs);
	}

	async get(key: string): Promise<string | null> {
		return this.redis.get(this.key(key));
	}

	async release(key: string): Promise<void> {
		await this.redis.del(this.key(key));
	}

	private key(key: string): string {
		return `${this.prefix}once:${key}`;
	}
}
