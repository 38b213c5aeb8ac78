/**
 * The embedded engine: one better-sqlite3 connection (Kysely serialises access to it) in WAL
 * mode, so readers do not block the writer; foreign keys on; a busy timeout so a second process
 * (the CLI beside a running server) waits for the write lock instead of failing at once.
 * Statements are prepared once per SQL text and reused (Kysely's driver prepares every query
 * afresh: 6–10 % of the token and introspection endpoints' CPU, issue #14's profiles).
 */
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { Database as Tables } from './schema.js';

const BUSY_TIMEOUT_MS = 5000;
/** The data directory: only the server's user may list or enter it. */
export const DATA_DIR_MODE = 0o700;
/** The database and its WAL and shared-memory files hold sessions and token records: the owner's alone. */
export const DATABASE_FILE_MODE = 0o600;
/** The files SQLite keeps beside the database in WAL mode (https://sqlite.org/wal.html, "Files"). */
const WAL_SUFFIXES = ['-wal', '-shm'] as const;

export function openSqlite(path: string): Kysely<Tables> {
  const file = path === ':memory:' ? null : resolve(path);
  if (file) prepareFile(file);
  const database = new Database(path);
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  database.pragma('synchronous = NORMAL');
  if (file) restrictFiles(file);
  return new Kysely<Tables>({ dialect: new SqliteDialect({ database: withPreparedStatements(database) }) });
}

/** Distinct SQL texts kept prepared; a query built with a varying IN list makes a new text per length. */
const PREPARED_STATEMENTS = 256;

/**
 * The connection as Kysely sees it, its `prepare` answering from a cache of prepared statements.
 * A statement still iterating (Kysely's streamQuery) cannot run a second query: one busy is
 * prepared afresh instead.
 */
export function withPreparedStatements(database: Database.Database): SqliteDatabase {
  const statements = new LRUCache<string, Database.Statement>({ max: PREPARED_STATEMENTS });
  return {
    prepare(sql) {
      const cached = statements.get(sql);
      if (cached !== undefined && !cached.busy) return cached;
      const statement = database.prepare(sql);
      if (cached === undefined) statements.set(sql, statement);
      return statement;
    },
    close() {
      statements.clear();
      database.close();
    },
  };
}

/**
 * The directory 0700 when it is made (mode bits a umask cannot widen), and a new database file
 * made 0600 before SQLite writes to it. SQLite gives the -wal and -shm files it creates later the
 * database file's permissions, so they are 0600 too. An existing directory is left as it is.
 */
function prepareFile(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: DATA_DIR_MODE });
  // 'a': create when missing, never truncate.
  closeSync(openSync(file, 'a', DATABASE_FILE_MODE));
}

/** Files made before this version (or by another tool) with wider modes are narrowed on every open. */
function restrictFiles(file: string): void {
  for (const path of [file, ...WAL_SUFFIXES.map((suffix) => file + suffix)]) {
    try {
      chmodSync(path, DATABASE_FILE_MODE);
    } catch (err) {
      // Not there (no -wal yet), or not ours to change (owned by another user, a read-only mount): SQLite opened it, so it serves.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EPERM' && code !== 'EROFS') throw err;
    }
  }
}
