/**
 * Two replicas on one PostgreSQL schema: a bearer token cached as active by one is refused by it
 * right after being revoked through the other (NOTIFY in the revoking transaction, one per
 * revocation; LISTEN on the other side), and a replica whose LISTEN
 * connection is terminated comes back with an empty cache. SQLite opens no channel.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import pg from 'pg';
import { LISTENER_APPLICATION_NAME } from '../../src/storage/revocation-channel.js';
import { channelNameFor, parsePayload } from '../../src/storage/revocation-notice.js';
import { listenTo, randomSchema, startPostgres } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { bearerProvider, issueBearerToken, revokeToken, verifyBearer } from '../helpers/bearer-client.js';

const ISSUER_KEY = readFileSync(fileURLToPath(new URL('../fixtures/keys/rsa-2048.key.pem', import.meta.url)), 'utf8');

const database = await startPostgres();
t.teardown(() => database.stop());
const raw = new pg.Client({ connectionString: database.url });
await raw.connect();
t.teardown(() => raw.end());

const provider = bearerProvider({ hmac_secret: 'a-very-long-hmac-secret-for-the-tests-0123456789', jwks: [{ key: ISSUER_KEY }] });

/** Replicas share the database, the schema and every secret (config checks require it). */
const replicaConfig = (schema: string) => ({
  ...provider,
  storage: {
    local: undefined,
    encryption_key: 'a-postgres-test-encryption-key-of-some-length',
    postgres: { address: `tcp://${database.host}:${database.port}`, database: database.database, schema, username: database.user, password: database.password },
  },
});

async function twoReplicas(t: Test): Promise<{ schema: string; a: TestServer; b: TestServer }> {
  const schema = randomSchema('replicas');
  // One after the other: the first applies the migrations.
  const a = await startTestServer(t, replicaConfig(schema));
  const b = await startTestServer(t, replicaConfig(schema));
  return { schema, a, b };
}

const issueToken = (server: TestServer): Promise<string> => issueBearerToken(server.url);
const revoke = (server: TestServer, token: string): Promise<Response> => revokeToken(server.url, token);

async function verify(server: TestServer, token: string): Promise<number> {
  const res = await verifyBearer(server.url, token);
  await res.arrayBuffer();
  return res.status;
}

/** Polls (up to ~1 s) instead of sleeping a fixed time; true once `check` holds. */
async function within(timeoutMs: number, check: () => boolean | Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return check();
}

const cacheOf = (server: TestServer) => server.app.context.authz.introspection!;


t.test('RFC 7009 §2: a token cached as active by replica B is refused by B right after A revokes it', async (t) => {
  const { schema, a, b } = await twoReplicas(t);
  const wire = await listenTo(t, database.url, channelNameFor(schema));
  const token = await issueToken(a);
  t.equal(await verify(b, token), 200, 'B admits the token');
  t.equal(await verify(b, token), 200, 'and serves it from its cache');
  t.equal(cacheOf(b).size, 1);

  t.equal((await revoke(a, token)).status, 200);
  t.ok(await within(1000, async () => (await verify(b, token)) === 401), 'B refuses it within a second (its max_ttl is 5 minutes)');
  t.equal(await verify(a, token), 401, 'A, of course, too');

  const other = await issueToken(b);
  t.equal(await verify(a, other), 200);
  t.equal((await revoke(b, other)).status, 200);
  t.ok(await within(1000, async () => (await verify(a, other)) === 401), 'and the other way round');

  // Nothing else is sent later: a duplicate would arrive within milliseconds.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const messages = wire.map((p) => parsePayload(p));
  t.equal(messages.length, 2, 'one notification per revocation, no duplicate');
  t.ok(messages.every((m) => m?.signatures.length === 1), 'each names the one access token revoked');
  t.not(messages[0]?.origin, messages[1]?.origin, 'each replica sends under its own origin');
});

t.test('a replica whose LISTEN connection is terminated reconnects, drops its cache, and hears revocations again', async (t) => {
  const { schema, a, b } = await twoReplicas(t);
  const listeners = async (): Promise<number[]> =>
    (
      await raw.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query = $2', [
        LISTENER_APPLICATION_NAME,
        `LISTEN "${channelNameFor(schema)}"`,
      ])
    ).rows.map((r) => r.pid);
  t.equal((await listeners()).length, 2, 'one LISTEN connection per replica');

  const token = await issueToken(a);
  t.equal(await verify(b, token), 200);
  t.equal(cacheOf(b).size, 1);
  // Both replicas lose their connection; B's cache must not outlive what it may have missed.
  await raw.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ANY($1)', [await listeners()]);
  t.ok(await within(2000, () => cacheOf(b).size === 0), 'the cache was cleared');
  t.ok(await within(2000, async () => (await listeners()).length === 2), 'both listen again');
  t.match(
    b.logger.records().filter((r) => r.level === 'warn'),
    [{ msg: 'revocation channel: the LISTEN connection was lost; reconnecting', component: 'revocation-channel' }],
  );

  t.equal(await verify(b, token), 200, 'cached again');
  t.equal((await revoke(a, token)).status, 200);
  t.ok(await within(1000, async () => (await verify(b, token)) === 401), 'revocations reach B after the reconnect');
});

t.test('SQLite: one process owns the file, no channel is opened', async (t) => {
  const server = await startTestServer(t, provider);
  t.equal(server.app.context.revocationChannel, null);
});
