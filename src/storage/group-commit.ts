/**
 * Group commit: independent single-row writes that arrive in the same turn of the event loop (the
 * tokens of 32 concurrent client_credentials requests) are written in one transaction, and each
 * caller is answered once that transaction has committed — the same durability as a transaction of
 * its own, for one commit's worth of locking and WAL frames instead of one per row (a token alone
 * cost ~12 pwrite64 and 6 fcntl; issue #14).
 * - Nothing is answered before its row is committed: a crash loses only unanswered writes.
 * - One bad row does not fail its neighbours: when the batch fails, each row is written again in
 *   a transaction of its own, and only its own error reaches its caller (a duplicate key stays a
 *   StorageConflictError for exactly the caller that made it).
 * - Inside a caller's transaction the write joins that transaction at once, as before.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { writeTransaction } from './write-transaction.js';

/** Rows per transaction at most; a larger burst is split. */
export const MAX_BATCH = 256;

interface Pending<T> {
  item: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export function createGroupCommit<T>(db: Kysely<Database>, what: string, write: (trx: Kysely<Database>, item: T) => Promise<void>): (item: T) => Promise<void> {
  const queue: Array<Pending<T>> = [];

  const alone = (p: Pending<T>): Promise<void> => write(db, p.item).then(p.resolve, p.reject);

  const flush = async (): Promise<void> => {
    const batch = queue.splice(0, MAX_BATCH);
    if (queue.length > 0) setImmediate(() => void flush());
    if (batch.length === 1) return alone(batch[0]);
    try {
      await writeTransaction(db, what, async (trx) => {
        for (const p of batch) await write(trx, p.item);
      });
    } catch {
      // Rolled back as a whole: each row on its own, so each caller gets its own outcome.
      await Promise.all(batch.map(alone));
      return;
    }
    for (const p of batch) p.resolve();
  };

  return (item) => {
    if (db.isTransaction) return write(db, item);
    return new Promise<void>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      // The first of a turn schedules the flush after the turn's I/O callbacks and microtasks.
      if (queue.length === 1) setImmediate(() => void flush());
    });
  };
}
