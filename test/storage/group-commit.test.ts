import { Kysely, sql } from 'kysely';
import t, { type Test } from 'tap';
import { createGroupCommit, MAX_BATCH } from '../../src/storage/group-commit.js';
import type { Database } from '../../src/storage/schema.js';
import { openSqlite } from '../../src/storage/sqlite.js';
import { insertOnce, StorageConflictError } from '../../src/storage/errors.js';

/** An in-memory database with one table, and a group commit that inserts into it, recording each write's transaction. */
async function setup(t: Test) {
  const db = openSqlite(':memory:') as unknown as Kysely<{ rows: { id: string } }>;
  t.teardown(() => db.destroy());
  await sql`CREATE TABLE rows (id TEXT PRIMARY KEY)`.execute(db);
  const transactions: unknown[] = [];
  const write = createGroupCommit<string>(db as unknown as Kysely<Database>, 'store rows', async (trx, id) => {
    transactions.push(trx);
    await insertOnce(`row ${id}`, () => (trx as unknown as Kysely<{ rows: { id: string } }>).insertInto('rows').values({ id }).execute());
  });
  const stored = async () => (await db.selectFrom('rows').select('id').orderBy('id').execute()).map((r) => r.id);
  return { db, write, transactions, stored };
}

t.test('writes made in one turn share one transaction, and each caller is answered after it committed', async (t) => {
  const { write, transactions, stored } = await setup(t);
  await Promise.all(['a', 'b', 'c', 'd'].map((id) => write(id)));
  t.strictSame(await stored(), ['a', 'b', 'c', 'd']);
  t.equal(new Set(transactions).size, 1, 'one transaction for the four');
  await write('e');
  t.equal(new Set(transactions).size, 2, 'a write alone later: its own');
});

t.test('one bad row fails only its own caller: the others are stored', async (t) => {
  const { write, stored } = await setup(t);
  await write('taken');
  const results = await Promise.allSettled(['x', 'taken', 'y'].map((id) => write(id)));
  t.equal(results[0].status, 'fulfilled');
  t.equal(results[2].status, 'fulfilled');
  t.ok(results[1].status === 'rejected' && results[1].reason instanceof StorageConflictError, 'the duplicate is a StorageConflictError');
  t.strictSame(await stored(), ['taken', 'x', 'y']);
});

t.test(`a burst larger than ${MAX_BATCH} rows is split into transactions of at most ${MAX_BATCH}`, async (t) => {
  const { write, transactions, stored } = await setup(t);
  const ids = Array.from({ length: MAX_BATCH + 10 }, (_, i) => String(i).padStart(4, '0'));
  await Promise.all(ids.map((id) => write(id)));
  t.equal((await stored()).length, ids.length);
  t.equal(new Set(transactions).size, 2);
});

t.test("over a caller's transaction the write joins it at once: rolled back with it", async (t) => {
  const { db, stored } = await setup(t);
  await t.rejects(
    db.transaction().execute(async (trx) => {
      const write = createGroupCommit<string>(trx as unknown as Kysely<Database>, 'store rows', async (inner, id) => {
        t.equal(inner, trx, 'the caller\'s transaction');
        await (inner as unknown as Kysely<{ rows: { id: string } }>).insertInto('rows').values({ id }).execute();
      });
      await write('inside');
      throw new Error('roll back');
    }),
  );
  t.strictSame(await stored(), []);
});
