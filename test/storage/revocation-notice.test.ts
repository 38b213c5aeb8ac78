/**
 * Revocation notices on a real PostgreSQL (a private cluster, or GATEHOUSE_TEST_POSTGRES_URL): the
 * token store sends access-token revocations with `pg_notify` inside the revoking transaction, so a
 * listener hears exactly the revocations that committed; big families are split under the NOTIFY
 * payload limit. SQLite ignores the notice.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import t from 'tap';
import pg from 'pg';
import { silentLogger } from '../../src/observability/log.js';
import { createFieldCipher } from '../../src/storage/encryption.js';
import { openStorage } from '../../src/storage/index.js';
import { openPostgres } from '../../src/storage/postgres.js';
import {
  channelNameFor,
  MAX_PAYLOAD_BYTES,
  parsePayload,
  payloadsFor,
  revocationNoticeFor,
  type RevocationMessage,
} from '../../src/storage/revocation-notice.js';
import type { RevocationNotice } from '../../src/storage/revocation-types.js';
import { createTokenSessions } from '../../src/storage/stores/token-sessions.js';
import type { PostgresConfig, Storage } from '../../src/storage/types.js';
import { randomSchema, startPostgres } from '../helpers/postgres.js';
import { token } from './contract.js';

const server = await startPostgres();
t.teardown(() => server.stop());

const encryptionKey = 'a-postgres-test-encryption-key-of-some-length';
const postgres: PostgresConfig = {
  host: server.host,
  port: server.port,
  database: server.database,
  schema: randomSchema('notice'),
  username: server.user,
  password: server.password,
  timeout: 10,
};
const notice: RevocationNotice = revocationNoticeFor(postgres, randomUUID());

const storage: Storage = await openStorage({ postgres, encryption_key: encryptionKey }, { logger: silentLogger, revocationNotice: notice });
t.teardown(() => storage.close());

/** A raw client LISTENing on the channel, as another replica's would. */
const listener = new pg.Client({ connectionString: server.url });
await listener.connect();
t.teardown(() => listener.end());
const payloads: string[] = [];
listener.on('notification', (n) => payloads.push(n.payload ?? ''));
await listener.query(`LISTEN ${listener.escapeIdentifier(notice.channel)}`);

/**
 * What was delivered since the last call. A marker NOTIFY is sent after the action and awaited:
 * PostgreSQL delivers in commit order, so whatever the action sent arrived before it.
 */
async function delivered(): Promise<RevocationMessage[]> {
  const marker = `marker-${randomUUID()}`;
  await listener.query('SELECT pg_notify($1, $2)', [notice.channel, marker]);
  const deadline = Date.now() + 2000;
  while (!payloads.includes(marker) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  const upToMarker = payloads.splice(0, payloads.indexOf(marker) + 1);
  if (upToMarker.at(-1) !== marker) throw new Error('the marker notification never arrived');
  return upToMarker.slice(0, -1).map((p) => parsePayload(p)!);
}

/** A 43-character signature, like the HMAC-SHA-512/256 ones the tokens carry. */
const signature = (n: number): string => `sig${String(n).padStart(40, '0')}`;

t.test('channel names: one per schema, always a valid identifier (at most 63 bytes)', async (t) => {
  t.equal(channelNameFor('public'), 'gatehouse_revocations_public');
  const long = 'a'.repeat(63);
  t.ok(channelNameFor(long).length <= 63);
  t.equal(channelNameFor(long), channelNameFor(long), 'stable');
  t.not(channelNameFor(long), channelNameFor('b'.repeat(63)));
  t.throws(() => channelNameFor('x; DROP'), /must be a plain identifier/);
  t.strictSame(revocationNoticeFor({ ...postgres, schema: '' }, 'o'), { channel: 'gatehouse_revocations_public', origin: 'o' }, 'the default schema');
});

t.test('PostgreSQL NOTIFY: payloads stay under 8000 bytes; a big family is split, in order', async (t) => {
  const signatures = Array.from({ length: 1000 }, (_, n) => signature(n));
  const split = payloadsFor('origin-1', signatures);
  t.ok(split.length >= 6, `${split.length} payloads`);
  t.ok(split.every((p) => Buffer.byteLength(p) <= MAX_PAYLOAD_BYTES), 'each under the limit');
  t.ok(split.slice(0, -1).every((p) => Buffer.byteLength(p) > MAX_PAYLOAD_BYTES - 50), 'all but the last full');
  t.strictSame(split.flatMap((p) => parsePayload(p)!.signatures), signatures);
  t.strictSame(payloadsFor('o', []), []);
  t.strictSame(payloadsFor('o', ['a', 'b'], 37), ['{"origin":"o","signatures":["a","b"]}'], 'exactly at the limit still fits');
  t.strictSame(payloadsFor('o', ['a', 'b'], 36), ['{"origin":"o","signatures":["a"]}', '{"origin":"o","signatures":["b"]}']);
});

t.test('payloads not in our shape are refused', async (t) => {
  for (const payload of [undefined, '', 'x', 'null', '[]', '{"origin":1,"signatures":[]}', '{"origin":"o","signatures":[1]}', '{"origin":"o"}']) {
    t.equal(parsePayload(payload), null, String(payload));
  }
});

t.test('RFC 7009 §2: revoking an access token sends one notification with its signature and this process\'s origin', async (t) => {
  await storage.tokens.create('access_token', token(signature(1)));
  await delivered();
  t.equal(await storage.tokens.revoke('access_token', signature(1)), true);
  t.strictSame(await delivered(), [{ origin: notice.origin, signatures: [signature(1)] }]);
  t.equal((await storage.tokens.get('access_token', signature(1)))?.revoked, true);
});

t.test('a refresh token or an unknown signature sends nothing', async (t) => {
  await storage.tokens.create('refresh_token', token(signature(2)));
  await delivered();
  t.equal(await storage.tokens.revoke('refresh_token', signature(2)), true);
  t.equal(await storage.tokens.revoke('access_token', 'unknown'), false);
  t.strictSame(await delivered(), []);
});

t.test('an access token revoked again is announced again: an earlier revocation may never have been (revoked by hand in SQL)', async (t) => {
  await storage.tokens.create('access_token', token(signature(3)));
  await delivered();
  await listener.query(`UPDATE ${listener.escapeIdentifier(postgres.schema)}.oauth2_token_sessions SET active = 0, revoked = 1 WHERE signature = $1`, [signature(3)]);
  t.strictSame(await delivered(), [], 'nothing was said of the revocation made in SQL');
  t.equal(await storage.tokens.revoke('access_token', signature(3)), true, 'revoking again still answers true');
  t.strictSame(await delivered(), [{ origin: notice.origin, signatures: [signature(3)] }]);
});

t.test('RFC 9700 §4.14.2: revokeByRequestId sends the family\'s access tokens, split under the payload limit', async (t) => {
  await storage.tokens.create('refresh_token', token('family-rt', { request_id: 'req-small' }));
  await storage.tokens.create('access_token', token(signature(10), { request_id: 'req-small' }));
  await storage.tokens.create('access_token', token(signature(11), { request_id: 'req-small' }));
  await delivered();
  const small = await storage.tokens.revokeByRequestId('req-small');
  t.equal(small.length, 3, 'the whole family is revoked and listed');
  const [message, ...rest] = await delivered();
  t.strictSame(rest, [], 'one notification');
  t.equal(message?.origin, notice.origin);
  t.strictSame([...(message?.signatures ?? [])].sort(), [signature(10), signature(11)], 'its access tokens only');

  const big = Array.from({ length: 400 }, (_, n) => signature(1000 + n));
  for (const sig of big) await storage.tokens.create('access_token', token(sig, { request_id: 'req-big' }));
  await storage.tokens.revokeByRequestId('req-big');
  const messages = await delivered();
  t.ok(messages.length >= 3, `${messages.length} notifications`);
  t.strictSame(messages.flatMap((m) => m.signatures).sort(), big, 'together they carry the whole family');

  await storage.tokens.revokeByRequestId('req-none');
  await storage.tokens.create('refresh_token', token('lonely-rt', { request_id: 'req-no-access' }));
  await storage.tokens.revokeByRequestId('req-no-access');
  t.strictSame(await delivered(), [], 'a family without access tokens, or no family, sends nothing');
});

t.test('NOTIFY is transactional: a revoke inside a transaction that is rolled back sends nothing and revokes nothing', async (t) => {
  const db = await openPostgres(postgres);
  t.teardown(() => db.destroy());
  await storage.tokens.create('access_token', token(signature(20), { request_id: 'req-rollback' }));
  await storage.tokens.create('access_token', token(signature(21)));
  await delivered();

  const rollback = new Error('rolled back on purpose');
  await t.rejects(
    db.transaction().execute(async (trx) => {
      const tokens = createTokenSessions(trx, createFieldCipher(encryptionKey), notice);
      t.equal(await tokens.revoke('access_token', signature(21)), true);
      t.equal((await tokens.revokeByRequestId('req-rollback')).length, 1);
      throw rollback;
    }),
    rollback,
  );
  t.strictSame(await delivered(), []);
  t.equal((await storage.tokens.get('access_token', signature(20)))?.revoked, false);
  t.equal((await storage.tokens.get('access_token', signature(21)))?.revoked, false);

  await db.transaction().execute(async (trx) => {
    await createTokenSessions(trx, createFieldCipher(encryptionKey), notice).revoke('access_token', signature(21));
  });
  t.strictSame(await delivered(), [{ origin: notice.origin, signatures: [signature(21)] }], 'the same revoke, committed, is sent');
});

t.test('a revoke whose notification PostgreSQL refuses fails whole: the token stays active, nothing is sent', async (t) => {
  // A signature this long cannot fit a NOTIFY payload; ours are 43 bytes, so this is the only way to make the NOTIFY fail.
  const huge = 'h'.repeat(MAX_PAYLOAD_BYTES + 1);
  await storage.tokens.create('access_token', token(huge));
  await delivered();
  await t.rejects(storage.tokens.revoke('access_token', huge), /payload string too long/);
  t.strictSame(await delivered(), []);
  t.strictSame(await storage.tokens.get('access_token', huge).then((r) => [r?.active, r?.revoked]), [true, false], 'the UPDATE was rolled back with it');
});

t.test('SQLite: the notice is ignored; revocations work as before', async (t) => {
  const sqlite = await openStorage({ local: { path: join(t.testdir({}), 'db.sqlite3') }, encryption_key: encryptionKey }, { logger: silentLogger, revocationNotice: notice });
  t.teardown(() => sqlite.close());
  await sqlite.tokens.create('access_token', token(signature(30), { request_id: 'req-sqlite' }));
  t.equal(await sqlite.tokens.revoke('access_token', signature(30)), true);
  t.same(await sqlite.tokens.revokeByRequestId('req-sqlite'), [{ kind: 'access_token', signature: signature(30) }]);
  t.strictSame(await delivered(), []);
});
