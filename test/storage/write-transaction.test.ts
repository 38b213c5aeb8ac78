/** writeTransaction: contention is retried a bounded number of times; anything else rolls back at once. */
import t from 'tap';
import { sql } from 'kysely';
import { openSqlite } from '../../src/storage/sqlite.js';
import { MAX_ATTEMPTS, StorageContentionError, writeTransaction } from '../../src/storage/write-transaction.js';

const db = openSqlite(':memory:');
t.teardown(() => db.destroy());
await sql`CREATE TABLE marks (n integer)`.execute(db);
const marks = async (): Promise<number> => Number((await sql<{ n: number }>`SELECT count(*) AS n FROM marks`.execute(db)).rows[0].n);
const failing = (code: string): Error => Object.assign(new Error(code), { code });

t.test('a deadlock or serialisation failure runs the work again, from a rolled-back start', async (t) => {
  let attempts = 0;
  const result = await writeTransaction(db, 'test', async (trx) => {
    attempts++;
    await sql`INSERT INTO marks VALUES (${attempts})`.execute(trx);
    if (attempts < MAX_ATTEMPTS) throw failing(attempts === 1 ? '40P01' : '40001');
    return 'done';
  });
  t.same([result, attempts, await marks()], ['done', MAX_ATTEMPTS, 1], 'only the last attempt committed');
});

t.test(`still contended after ${MAX_ATTEMPTS} attempts: StorageContentionError, nothing committed`, async (t) => {
  await sql`DELETE FROM marks`.execute(db);
  let attempts = 0;
  await t.rejects(writeTransaction(db, 'redeem refresh_token', async (trx) => {
    attempts++;
    await sql`INSERT INTO marks VALUES (1)`.execute(trx);
    throw failing('55P03');
  }), { name: 'StorageContentionError', code: 'ERR_STORAGE_CONTENTION', message: `redeem refresh_token: still contended after ${MAX_ATTEMPTS} attempts` });
  t.same([attempts, await marks()], [MAX_ATTEMPTS, 0]);
  t.type(new StorageContentionError('x'), Error);
});

t.test('any other error rolls back at once and is rethrown as it is', async (t) => {
  let attempts = 0;
  const boom = new Error('disk I/O error');
  await t.rejects(writeTransaction(db, 'test', async (trx) => {
    attempts++;
    await sql`INSERT INTO marks VALUES (1)`.execute(trx);
    throw boom;
  }), boom);
  t.same([attempts, await marks()], [1, 0]);
});
