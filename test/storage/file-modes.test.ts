/**
 * The data directory is the server's alone (0700), and so are the SQLite database and the WAL and
 * shared-memory files beside it (0600), under the usual umask 022 that would leave new files
 * world-readable. Secrets generated into the directory are 0600 as well.
 */
import t from 'tap';
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openSqlite } from '../../src/storage/sqlite.js';
import { loadOrCreateSecrets, SECRET_FILES } from '../../src/crypto/generated-secrets.js';
import { silentLogger } from '../../src/observability/log.js';

const previousUmask = process.umask(0o022);
t.teardown(() => void process.umask(previousUmask));

const modeOf = (path: string): number => statSync(path).mode & 0o777;
const octal = (mode: number): string => mode.toString(8).padStart(4, '0');

/** Opens, writes one row (so the WAL exists), and returns the close. */
async function openAndWrite(path: string): Promise<() => Promise<void>> {
  const db = openSqlite(path);
  await sql`create table if not exists t (x integer)`.execute(db);
  await sql`insert into t (x) values (1)`.execute(db);
  return () => db.destroy();
}

t.test('a new data directory is 0700 at every level made, the database and its -wal and -shm 0600', async (t) => {
  const root = t.testdir({});
  const path = join(root, 'data', 'nested', 'db.sqlite3');
  const close = await openAndWrite(path);
  t.teardown(close);
  t.equal(octal(modeOf(join(root, 'data'))), '0700', 'data/');
  t.equal(octal(modeOf(join(root, 'data', 'nested'))), '0700', 'data/nested/');
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    t.ok(existsSync(file), `${file} exists`);
    t.equal(octal(modeOf(file)), '0600', file);
  }
});

t.test('files made wider by an earlier version are narrowed at the next open; the -wal SQLite makes again is 0600', async (t) => {
  const root = t.testdir({});
  const path = join(root, 'db.sqlite3');
  await (await openAndWrite(path))();
  for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) chmodSync(file, 0o644);
  const close = await openAndWrite(path);
  for (const file of [path, `${path}-wal`, `${path}-shm`]) t.equal(octal(modeOf(file)), '0600', `${file} narrowed`);
  await close();
  // A clean close checkpoints and removes the WAL; the next open makes it again, with the database's mode.
  const again = await openAndWrite(path);
  t.teardown(again);
  t.equal(octal(modeOf(`${path}-wal`)), '0600', 'a new -wal');
});

t.test('an existing data directory keeps its mode (the operator chose it)', async (t) => {
  const root = t.testdir({});
  const dir = join(root, 'shared');
  mkdirSync(dir, { mode: 0o750 });
  chmodSync(dir, 0o750);
  const close = await openAndWrite(join(dir, 'db.sqlite3'));
  t.teardown(close);
  t.equal(octal(modeOf(dir)), '0750');
  t.equal(octal(modeOf(join(dir, 'db.sqlite3'))), '0600');
});

t.test('an existing database file keeps its content (opened for appending, never truncated)', async (t) => {
  const root = t.testdir({});
  const path = join(root, 'db.sqlite3');
  await (await openAndWrite(path))();
  const db = openSqlite(path);
  t.teardown(() => db.destroy());
  const rows = await sql<{ n: number }>`select count(*) as n from t`.execute(db);
  t.equal(rows.rows[0].n, 1);
});

t.test('generated secrets: a new data directory is 0700, each secret file 0600', async (t) => {
  const root = t.testdir({});
  const dir = join(root, 'data', 'secrets');
  await loadOrCreateSecrets(dir, { hmacSecret: true, issuerKey: false, encryptionKey: true }, silentLogger);
  t.equal(octal(modeOf(join(root, 'data'))), '0700');
  t.equal(octal(modeOf(dir)), '0700');
  t.equal(octal(modeOf(join(dir, SECRET_FILES.hmac_secret))), '0600');
  t.equal(octal(modeOf(join(dir, SECRET_FILES.encryption_key))), '0600');
});

t.test('the umask of this test would have made files world-readable', async (t) => {
  const root = t.testdir({});
  writeFileSync(join(root, 'plain'), '');
  t.equal(octal(modeOf(join(root, 'plain'))), '0644', 'a control: a plain new file is 0644 under umask 022');
});
