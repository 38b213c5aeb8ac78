/**
 * The storage contract on PostgreSQL: a private throwaway cluster (or GATEHOUSE_TEST_POSTGRES_URL)
 * and a fresh random schema, so this file can run beside any other using the same server.
 */
import t from 'tap';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { openStorage } from '../../src/storage/index.js';
import { revocationNoticeFor } from '../../src/storage/revocation-notice.js';
import type { PostgresConfig } from '../../src/storage/types.js';
import { silentLogger } from '../../src/observability/log.js';
import { randomSchema, startPostgres } from '../helpers/postgres.js';
import { storageContract } from './contract.js';

const server = await startPostgres();
t.teardown(() => server.stop());

const postgres: PostgresConfig = {
  host: server.host,
  port: server.port,
  database: server.database,
  schema: randomSchema('storage'),
  username: server.user,
  password: server.password,
  timeout: 10,
};
const location = { postgres };
const encryptionKey = 'a-postgres-test-encryption-key-of-some-length';

const raw = new pg.Client({ connectionString: server.url, options: `-c search_path=${postgres.schema}` });
await raw.connect();
t.teardown(() => raw.end());

/** `?` placeholders become `$1…$n`. */
const numbered = (text: string): string => {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};

t.test('contract', async (t) => {
  // As src/context.ts opens it: revocations are announced in their transaction (test/storage/revocation-notice.test.ts).
  const revocationNotice = revocationNoticeFor(postgres, randomUUID());
  storageContract(t, {
    engine: 'postgres',
    location,
    encryptionKey,
    open: (o = {}) => openStorage({ ...location, encryption_key: o.encryption_key ?? encryptionKey }, { logger: silentLogger, migrate: o.migrate ?? true, revocationNotice }),
    query: async (text, params = []) => (await raw.query(numbered(text), params)).rows as Array<Record<string, unknown>>,
  });
});

t.test('postgres: tables live in the configured schema, created when missing', async (t) => {
  const tables = await raw.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name', [postgres.schema]);
  t.ok(tables.rows.some((r: { table_name: string }) => r.table_name === 'oauth2_token_sessions'));
  t.ok(tables.rows.some((r: { table_name: string }) => r.table_name === 'gatehouse_migrations'));
  const elsewhere = await raw.query<{ n: number }>("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'oauth2_token_sessions'");
  t.equal(elsewhere.rows[0].n, 0, 'nothing leaks into public');
});

t.test('postgres: a schema name that is not a plain identifier is refused', async (t) => {
  await t.rejects(
    openStorage({ postgres: { ...postgres, schema: 'x; DROP TABLE y' }, encryption_key: encryptionKey }, { logger: silentLogger }),
    { message: "storage.postgres.schema 'x; DROP TABLE y' must be a plain identifier (letters, digits, underscores)" },
  );
});

t.test('postgres: health rejects once the server is unreachable', async (t) => {
  const storage = await openStorage({ postgres: { ...postgres, schema: randomSchema('health') }, encryption_key: encryptionKey }, { logger: silentLogger });
  await storage.health();
  await storage.close();
  await t.rejects(
    openStorage({ postgres: { ...postgres, port: 1, timeout: 2 }, encryption_key: encryptionKey }, { logger: silentLogger }),
    Error,
    'connection refused surfaces as an error',
  );
});
