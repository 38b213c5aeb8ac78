/**
 * One write transaction for a multi-write operation (a grant: ARCHITECTURE "Grants are
 * transactions"), on either engine, retried when the database gives up on it for contention.
 * - SQLite: BEGIN IMMEDIATE on the one connection Kysely lends for the callback, so the write lock
 *   is taken at the start and another process on the file waits (busy_timeout) instead of failing
 *   at its first write after reading.
 * - PostgreSQL: READ COMMITTED; `work` takes its row locks (SELECT … FOR UPDATE) in a fixed order,
 *   each waited for at most LOCK_TIMEOUT_MS.
 * A deadlock, serialisation failure or lock timeout rolls everything back; the work runs again, at
 * most MAX_ATTEMPTS times, then StorageContentionError. Any other error rolls back and is rethrown.
 */
import { sql, SqliteAdapter, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { StorageEngine } from './types.js';

export const MAX_ATTEMPTS = 3;
/** PostgreSQL: how long one statement may wait for a row lock (below `storage.postgres.timeout`'s default 5 s). */
export const LOCK_TIMEOUT_MS = 2000;

/** PostgreSQL: serialization_failure, deadlock_detected, lock_not_available. SQLite: the file stayed locked past busy_timeout. */
const CONTENTION_CODES: ReadonlySet<string> = new Set(['40001', '40P01', '55P03', 'SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED']);

export class StorageContentionError extends Error {
  override readonly name = 'StorageContentionError';
  readonly code = 'ERR_STORAGE_CONTENTION';
  constructor(what: string, options?: { cause?: unknown }) {
    super(`${what}: still contended after ${MAX_ATTEMPTS} attempts`, options);
  }
}

export const isContention = (err: unknown): boolean => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONTENTION_CODES.has(code);
};

/** The engine behind a Kysely instance (plugins, as the tests' fault injection adds, keep the adapter). */
export const engineOf = (db: Kysely<Database>): StorageEngine => (db.getExecutor().adapter instanceof SqliteAdapter ? 'sqlite' : 'postgres');

async function once<T>(db: Kysely<Database>, engine: StorageEngine, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  if (engine === 'postgres') {
    return db.transaction().execute(async (trx) => {
      // A lock wait ends well before the pool's query timeout (a 500) as a retryable 55P03.
      await sql`SELECT set_config('lock_timeout', ${String(LOCK_TIMEOUT_MS)}, true)`.execute(trx);
      return work(trx);
    });
  }
  return db.connection().execute(async (conn) => {
    let result: T;
    try {
      // Inside the try: a BEGIN that ran but whose answer was lost must not leave the connection in a transaction.
      await sql`BEGIN IMMEDIATE`.execute(conn);
      result = await work(conn);
    } catch (err) {
      await sql`ROLLBACK`.execute(conn).catch(() => undefined);
      throw err;
    }
    try {
      await sql`COMMIT`.execute(conn);
    } catch (err) {
      // A failed COMMIT may leave the transaction open (SQLITE_BUSY): end it so the connection is clean.
      await sql`ROLLBACK`.execute(conn).catch(() => undefined);
      throw err;
    }
    return result;
  });
}

export async function writeTransaction<T>(db: Kysely<Database>, what: string, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  // Inside a caller's transaction: the work is part of it, and the caller commits, rolls back or retries.
  if (db.isTransaction) return work(db);
  const engine = engineOf(db);
  let last: unknown;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    try {
      return await once(db, engine, work);
    } catch (err) {
      if (!isContention(err)) throw err;
      last = err;
    }
  }
  throw new StorageContentionError(what, { cause: last });
}
