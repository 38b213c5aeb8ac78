/**
 * The embedded engine: one better-sqlite3 connection (Kysely serialises access to it) in WAL
 * mode, so readers do not block the writer; foreign keys on; a busy timeout so a second process
 * (the CLI beside a running server) waits for the write lock instead of failing at once.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database as Tables } from './schema.js';

const BUSY_TIMEOUT_MS = 5000;

export function openSqlite(path: string): Kysely<Tables> {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true, mode: 0o700 });
  const database = new Database(path);
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  database.pragma('synchronous = NORMAL');
  return new Kysely<Tables>({ dialect: new SqliteDialect({ database }) });
}
