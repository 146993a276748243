/**
 * The one place that loads Node's built-in SQLite. It is loaded when an embedded store is first
 * used, never at import time, so the package loads on Node versions without node:sqlite and
 * only the embedded stores say they cannot run there.
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { ParameterError } from '../parameter-error.ts';

type SqliteModule = typeof import('node:sqlite');

/** node:sqlite without a flag: Node 22.13 and newer (23.4+, 24). */
export const SQLITE_NODE_VERSION = '22.13';

export function loadSqlite(getBuiltin: (id: string) => unknown = builtin): SqliteModule {
	const sqlite = getBuiltin('node:sqlite') as SqliteModule | undefined;
	if (!sqlite?.DatabaseSync) {
		throw new ParameterError(
			`The embedded store needs Node's built-in SQLite (node:sqlite), which this n8n's Node ${process.version} does not provide. ` +
				`Fix: choose the Redis store (with an "Agent Swarm Redis" credential), or run n8n on Node ${SQLITE_NODE_VERSION} or newer`,
		);
	}
	return sqlite;
}

function builtin(id: string): unknown {
	// process.getBuiltinModule (Node >= 20.16) loads a core module without a static import.
	const get = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
	if (typeof get !== 'function') return undefined;
	try {
		return get(id);
	} catch {
		return undefined; // flagged (Node 22.5-22.12) or absent
	}
}

/** Where embedded stores keep their files: beside n8n's own data. */
export function embeddedPath(file: string): string {
	const folder = process.env.N8N_USER_FOLDER ?? homedir();
	return join(folder, '.n8n', 'agent-swarm', file);
}

const open = new Map<string, DatabaseSync>();

/** One connection per file and process, in WAL mode so several processes can share the file. */
export function openEmbeddedDatabase(path: string): DatabaseSync {
	let db = open.get(path);
	if (!db) {
		const { DatabaseSync } = loadSqlite();
		mkdirSync(dirname(path), { recursive: true });
		db = new DatabaseSync(path);
		db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000;');
		open.set(path, db);
	}
	return db;
}

/** Runs `work` in one IMMEDIATE transaction: concurrent writers wait instead of interleaving. */
export function immediateTransaction<T>(db: DatabaseSync, work: () => T): T {
	db.exec('BEGIN IMMEDIATE');
	let committed = false;
	try {
		const out = work();
		db.exec('COMMIT');
		committed = true;
		return out;
	} finally {
		if (!committed) db.exec('ROLLBACK');
	}
}

/** Closes a file's connection (tests). */
export function closeEmbeddedDatabase(path: string): void {
	open.get(path)?.close();
	open.delete(path);
}
