/**
 * The embedded ledger: a SQLite file (Node's built-in node:sqlite) in n8n's user folder. No
 * set-up; survives restarts; each reservation is one IMMEDIATE transaction, so concurrent
 * executions in one process (and even several processes on one disk) cannot overspend.
 */
import { randomUUID } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import { closeEmbeddedDatabase, embeddedPath, immediateTransaction, openEmbeddedDatabase } from '../stores/embedded-db.ts';
import { EMPTY_USAGE, fits, type Amount, type Bucket, type BucketUsage, type Ledger, type Reservation } from './budget.ts';

/** Reservations of calls that never settled (a crashed process) are released after this. */
const STALE_RESERVATION_MS = 30 * 60_000;

export class SqliteLedger implements Ledger {
	private readonly db: DatabaseSync;
	private readonly now: () => number;
	private readonly path: string;

	constructor(path: string = embeddedLedgerPath(), now: () => number = Date.now) {
		this.now = now;
		this.path = path;
		this.db = openEmbeddedDatabase(path);
		this.db.exec(`
			CREATE TABLE IF NOT EXISTS buckets (
				id TEXT PRIMARY KEY, used_tokens INTEGER NOT NULL DEFAULT 0, used_micro INTEGER NOT NULL DEFAULT 0,
				reserved_tokens INTEGER NOT NULL DEFAULT 0, reserved_micro INTEGER NOT NULL DEFAULT 0, expires_at INTEGER NOT NULL);
			CREATE TABLE IF NOT EXISTS reservations (
				id TEXT PRIMARY KEY, buckets TEXT NOT NULL, tokens INTEGER NOT NULL, micro INTEGER NOT NULL, created_at INTEGER NOT NULL);
		`);
	}

	async reserve(buckets: Bucket[], amount: Amount): Promise<Reservation> {
		return this.transaction(() => {
			this.releaseStale();
			for (const bucket of buckets) {
				const usage = this.read(bucket.id);
				if (!fits(bucket, usage, amount)) return { ok: false, bucket: bucket.id, usage };
			}
			const id = randomUUID();
			for (const bucket of buckets) this.add(bucket, { reservedTokens: amount.tokens, reservedMicroUsd: amount.microUsd });
			this.db
				.prepare('INSERT INTO reservations (id, buckets, tokens, micro, created_at) VALUES (?, ?, ?, ?, ?)')
				.run(id, JSON.stringify(buckets.map((b) => b.id)), amount.tokens, amount.microUsd, this.now());
			return { ok: true, id };
		});
	}

	async settle(id: string, buckets: Bucket[], actual: Amount): Promise<void> {
		this.transaction(() => {
			const held = this.db.prepare('SELECT tokens, micro FROM reservations WHERE id = ?').get(id) as { tokens: number; micro: number } | undefined;
			this.db.prepare('DELETE FROM reservations WHERE id = ?').run(id);
			for (const bucket of buckets) {
				this.add(bucket, {
					usedTokens: actual.tokens,
					usedMicroUsd: actual.microUsd,
					reservedTokens: -(held?.tokens ?? 0),
					reservedMicroUsd: -(held?.micro ?? 0),
				});
			}
		});
	}

	async usage(bucketIds: string[]): Promise<Record<string, BucketUsage>> {
		return Object.fromEntries(bucketIds.map((id) => [id, this.read(id)]));
	}

	async reset(bucketIds: string[]): Promise<void> {
		this.transaction(() => {
			for (const id of bucketIds) this.db.prepare('DELETE FROM buckets WHERE id = ?').run(id);
		});
	}

	close(): void {
		closeEmbeddedDatabase(this.path);
	}

	private transaction<T>(work: () => T): T {
		return immediateTransaction(this.db, work);
	}

	private read(id: string): BucketUsage {
		const row = this.db
			.prepare('SELECT used_tokens, used_micro, reserved_tokens, reserved_micro FROM buckets WHERE id = ?')
			.get(id) as { used_tokens: number; used_micro: number; reserved_tokens: number; reserved_micro: number } | undefined;
		if (!row) return { ...EMPTY_USAGE };
		return { usedTokens: row.used_tokens, usedMicroUsd: row.used_micro, reservedTokens: row.reserved_tokens, reservedMicroUsd: row.reserved_micro };
	}

	private add(bucket: Bucket, delta: Partial<BucketUsage>): void {
		this.db
			.prepare(
				`INSERT INTO buckets (id, used_tokens, used_micro, reserved_tokens, reserved_micro, expires_at) VALUES (?, ?, ?, ?, ?, ?)
				 ON CONFLICT(id) DO UPDATE SET used_tokens = used_tokens + excluded.used_tokens, used_micro = used_micro + excluded.used_micro,
				 reserved_tokens = MAX(0, reserved_tokens + excluded.reserved_tokens), reserved_micro = MAX(0, reserved_micro + excluded.reserved_micro)`,
			)
			.run(bucket.id, delta.usedTokens ?? 0, delta.usedMicroUsd ?? 0, delta.reservedTokens ?? 0, delta.reservedMicroUsd ?? 0, bucket.expiresAt);
	}

	private releaseStale(): void {
		const cutoff = this.now() - STALE_RESERVATION_MS;
		const stale = this.db.prepare('SELECT id, buckets, tokens, micro FROM reservations WHERE created_at < ?').all(cutoff) as Array<{
			id: string;
			buckets: string;
			tokens: number;
			micro: number;
		}>;
		for (const r of stale) {
			for (const id of JSON.parse(r.buckets) as string[]) {
				this.db.prepare('UPDATE buckets SET reserved_tokens = MAX(0, reserved_tokens - ?), reserved_micro = MAX(0, reserved_micro - ?) WHERE id = ?').run(r.tokens, r.micro, id);
			}
			this.db.prepare('DELETE FROM reservations WHERE id = ?').run(r.id);
		}
		this.db.prepare('DELETE FROM buckets WHERE expires_at < ?').run(this.now());
	}
}

/** The embedded ledger's file (override with AGENT_SWARM_LEDGER_PATH). */
export function embeddedLedgerPath(): string {
	return process.env.AGENT_SWARM_LEDGER_PATH ?? embeddedPath('ledger.sqlite');
}
