/** The storage contract on the embedded engine (SQLite, WAL), plus what only SQLite has: its file. */
import t from 'tap';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { migrationStatus, migrateUp, openStorage } from '../../src/storage/index.js';
import { memoryLogger, silentLogger } from '../../src/observability/log.js';
import { storageContract } from './contract.js';
import { migrationsFor } from '../../src/storage/migrations/index.js';

/** Every shipped migration, in order: the lists below follow the code, each new file joins them. */
const MIGRATIONS = Object.keys(migrationsFor('sqlite')).sort();

const dir = t.testdir({});
const path = join(dir, 'data', 'nested', 'db.sqlite3');
const encryptionKey = 'a-sqlite-test-encryption-key-of-some-length';
const location = { local: { path } };

// A second connection on the same file reads past the API (WAL lets it run beside the store's).
let raw: Database.Database | undefined;
const rawDb = (): Database.Database => (raw ??= new Database(path));
t.teardown(() => raw?.close());

t.test('contract', async (t) => {
  storageContract(t, {
    engine: 'sqlite',
    location,
    encryptionKey,
    open: (o = {}) => openStorage({ ...location, encryption_key: o.encryption_key ?? encryptionKey }, { logger: silentLogger, migrate: o.migrate ?? true }),
    query: (text, params = []) => {
      const statement = rawDb().prepare(text);
      if (statement.reader) return Promise.resolve(statement.all(...params) as Array<Record<string, unknown>>);
      statement.run(...params);
      return Promise.resolve([]);
    },
  });
});

t.test('sqlite: the data directory is created 0700, the journal is WAL', async (t) => {
  t.equal(statSync(join(dir, 'data', 'nested')).mode & 0o777, 0o700);
  t.equal(rawDb().pragma('journal_mode', { simple: true }), 'wal');
  const storage = await openStorage({ local: { path: join(dir, 'pragmas.sqlite3') }, encryption_key: encryptionKey }, { logger: silentLogger });
  await storage.close();
  const check = new Database(join(dir, 'pragmas.sqlite3'));
  t.equal(check.pragma('journal_mode', { simple: true }), 'wal', 'WAL persists in the file');
  check.close();
});

t.test('sqlite: the token table carries the indexes its queries use, and no more (migration 0007)', async (t) => {
  const storage = await openStorage({ local: { path: join(dir, 'indexes.sqlite3') }, encryption_key: encryptionKey }, { logger: silentLogger });
  await storage.close();
  const check = new Database(join(dir, 'indexes.sqlite3'));
  const indexes = check.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'oauth2_token_sessions' ORDER BY name").all() as Array<{ name: string }>;
  check.close();
  t.strictSame(
    indexes.map((i) => i.name),
    ['oauth2_token_sessions_expires_at_idx', 'oauth2_token_sessions_request_id_idx', 'sqlite_autoindex_oauth2_token_sessions_1'],
    'primary key, request id (families, logout), expiry (sweeper); the unused subject index is gone',
  );
});

t.test('sqlite: migrate false on an empty database names the pending migrations', async (t) => {
  await t.rejects(
    openStorage({ local: { path: join(dir, 'empty.sqlite3') }, encryption_key: encryptionKey }, { logger: silentLogger, migrate: false }),
    { message: `storage schema is not up to date: pending migrations ${MIGRATIONS.join(', ')}; run 'gatehouse storage migrate up'` },
  );
});

t.test('sqlite: status of a database that does not exist lists every migration pending and creates nothing', async (t) => {
  const path = join(dir, 'absent', 'db.sqlite3');
  t.same(await migrationStatus({ local: { path } }), MIGRATIONS.map((name) => ({ name, executed_at_ms: null })));
  t.notOk(existsSync(join(dir, 'absent')), 'no directory created');
  t.same(await migrateUp({ local: { path }, encryption_key: encryptionKey }), MIGRATIONS, 'migrate up applies them');
  const [state] = await migrationStatus({ local: { path } });
  t.type(state?.executed_at_ms, 'number');
});

t.test('storage: exactly one engine must be configured', async (t) => {
  await t.rejects(openStorage({ encryption_key: encryptionKey }, { logger: silentLogger }), { message: 'storage: neither local nor postgres is configured' });
  await t.rejects(
    openStorage({ encryption_key: encryptionKey, local: { path }, postgres: { host: 'h', port: 1, database: 'd', schema: 'public', username: 'u', password: 'p', timeout: 1 } }, { logger: silentLogger }),
    { message: 'storage: configure either local or postgres, not both' },
  );
  await t.rejects(openStorage({ encryption_key: '', local: { path } }, { logger: silentLogger }), { message: 'no storage.encryption_key' });
});

t.test('storage: applied migrations are logged once, at info', async (t) => {
  const logger = memoryLogger('info');
  const fresh = { local: { path: join(dir, 'logged.sqlite3') }, encryption_key: encryptionKey };
  await (await openStorage(fresh, { logger })).close();
  await (await openStorage(fresh, { logger })).close();
  t.same(logger.records().map((r) => [r.level, r.msg, r.engine, r.migrations]), [['info', 'storage migrations applied', 'sqlite', MIGRATIONS]]);
});
