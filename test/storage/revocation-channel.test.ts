/**
 * The revocation channel on a real PostgreSQL (a private cluster, or GATEHOUSE_TEST_POSTGRES_URL):
 * replicas on one schema hear each other's revocations, sent by their token stores inside the
 * revoking transaction, once each and never echoed; big families arrive whole; a terminated LISTEN
 * connection comes back and resynchronises; close() ends it all.
 */
import { randomUUID } from 'node:crypto';
import t, { type Test } from 'tap';
import pg from 'pg';
import { observeRevocations } from '../../src/authz/observe-revocations.js';
import { createRevocationBus, type RevocationBus } from '../../src/authz/revocation-bus.js';
import { memoryLogger, silentLogger } from '../../src/observability/log.js';
import { openStorage } from '../../src/storage/index.js';
import { LISTENER_APPLICATION_NAME, openRevocationChannel, reconnectDelayMs, type RevocationChannel } from '../../src/storage/revocation-channel.js';
import { channelNameFor, revocationNoticeFor } from '../../src/storage/revocation-notice.js';
import type { PostgresConfig, TokenSessions } from '../../src/storage/types.js';
import { listenTo, randomSchema, startPostgres } from '../helpers/postgres.js';
import { token } from './contract.js';

const server = await startPostgres();
t.teardown(() => server.stop());

const raw = new pg.Client({ connectionString: server.url });
await raw.connect();
t.teardown(() => raw.end());

const postgresFor = (schema: string): PostgresConfig => ({
  host: server.host,
  port: server.port,
  database: server.database,
  schema,
  username: server.user,
  password: server.password,
  timeout: 10,
});

/** A 43-character signature, like the HMAC-SHA-512/256 ones the tokens carry. */
const signature = (n: number): string => `sig${String(n).padStart(40, '0')}`;

/** One process, wired as src/context.ts wires it: a store that notifies, its bus, its channel. */
interface Replica {
  bus: RevocationBus;
  tokens: TokenSessions;
  heard: string[][];
  resyncs: number;
  channel: RevocationChannel;
  logger: ReturnType<typeof memoryLogger>;
}

async function replica(t: Test, schema: string): Promise<Replica> {
  const bus = createRevocationBus();
  const logger = memoryLogger('debug');
  const notice = revocationNoticeFor(postgresFor(schema), randomUUID());
  const storage = await openStorage({ postgres: postgresFor(schema), encryption_key: 'a-postgres-test-encryption-key-of-some-length' }, { logger: silentLogger, revocationNotice: notice });
  t.teardown(() => storage.close());
  const state = { bus, tokens: observeRevocations(storage.tokens, bus), heard: [] as string[][], resyncs: 0, logger } as Omit<Replica, 'channel'> & { channel?: RevocationChannel };
  bus.subscribe((signatures) => state.heard.push([...signatures]));
  state.channel = await openRevocationChannel(postgresFor(schema), { notice, bus, logger, onResync: () => state.resyncs++, backoff: { initialMs: 20, maxMs: 200 } });
  t.teardown(() => state.channel!.close());
  return state as Replica;
}

/** Creates access tokens through the replica's store, then revokes them: one by one, or as one family. */
async function revoke(r: Replica, signatures: string[], asFamily = false): Promise<void> {
  const requestId = `req-${randomUUID()}`;
  for (const sig of signatures) await r.tokens.create('access_token', token(sig, { request_id: requestId }));
  if (asFamily) await r.tokens.revokeByRequestId(requestId);
  else for (const sig of signatures) await r.tokens.revoke('access_token', sig);
}

/** Polls instead of sleeping a fixed time: notifications arrive within milliseconds, usually. */
async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 2000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return check();
}

const listenerPids = async (schema: string): Promise<number[]> => {
  const { rows } = await raw.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query = $2', [
    LISTENER_APPLICATION_NAME,
    `LISTEN "${channelNameFor(schema)}"`,
  ]);
  return rows.map((r) => r.pid);
};

t.test('reconnect backoff doubles up to its ceiling', async (t) => {
  t.strictSame([0, 1, 2, 3, 10].map((n) => reconnectDelayMs(n, { initialMs: 100, maxMs: 1000 })), [100, 200, 400, 800, 1000]);
});

/** Each emission's signatures sorted: a family is listed in whatever order the UPDATE … RETURNING gave. */
const sorted = (heard: string[][]): string[][] => heard.map((signatures) => [...signatures].sort());


t.test('RFC 7009 §2: a revocation on one replica reaches the others once, and is not echoed back', async (t) => {
  const schema = randomSchema('channel');
  const a = await replica(t, schema);
  const b = await replica(t, schema);
  const c = await replica(t, schema);
  const elsewhere = await replica(t, randomSchema('other'));
  t.equal(a.channel.name, `gatehouse_revocations_${schema}`);
  const wire = await listenTo(t, server.url, a.channel.name);

  await revoke(a, [signature(1), signature(2)], true);
  t.strictSame(sorted(a.heard), [[signature(1), signature(2)]], 'its own bus heard it at once');
  t.ok(await eventually(() => b.heard.length === 1 && c.heard.length === 1), 'both other replicas heard it');
  t.strictSame(sorted(b.heard), [[signature(1), signature(2)]]);
  await revoke(b, [signature(3)]);
  t.ok(await eventually(() => a.heard.length === 2 && c.heard.length === 2));
  // Time for an echo or a duplicate to arrive, if there were one.
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.strictSame(sorted(a.heard), [[signature(1), signature(2)], [signature(3)]], 'its own notification is skipped: once each');
  t.strictSame(sorted(b.heard), [[signature(1), signature(2)], [signature(3)]]);
  t.strictSame(sorted(c.heard), [[signature(1), signature(2)], [signature(3)]], 'relayed signatures are not published again');
  t.equal(wire.length, 2, 'one notification per revocation went over the wire');
  t.strictSame(elsewhere.heard, [], 'another schema, another channel');
});

t.test('PostgreSQL NOTIFY: a refresh family bigger than one payload arrives whole, in several notifications', async (t) => {
  const schema = randomSchema('family');
  const a = await replica(t, schema);
  const b = await replica(t, schema);
  const wire = await listenTo(t, server.url, a.channel.name);

  const family = Array.from({ length: 1000 }, (_, n) => signature(n));
  await revoke(a, family, true);
  // The test's own LISTEN connection is a third listener: wait for it too before counting.
  t.ok(await eventually(() => b.heard.flat().length === family.length && wire.length >= b.heard.length));
  t.strictSame(b.heard.flat().sort(), family);
  t.ok(b.heard.length >= 6, `${b.heard.length} notifications`);
  t.equal(wire.length, b.heard.length, 'nothing more went over the wire');
  t.ok(wire.every((p) => Buffer.byteLength(p) < 8000));
});

t.test('a terminated LISTEN connection reconnects (warn), resynchronises, and hears again', async (t) => {
  const schema = randomSchema('reconnect');
  const lost = await replica(t, schema);
  const [pid] = await listenerPids(schema);
  const other = await replica(t, schema);

  const { rows } = await raw.query<{ killed: boolean }>('SELECT pg_terminate_backend($1) AS killed', [pid]);
  t.ok(rows[0]?.killed);
  t.ok(await eventually(() => lost.resyncs === 1), 'the replica that lost its connection resynchronised');
  t.equal(other.resyncs, 0, 'the other did not');
  t.match(lost.logger.records().filter((r) => r.level === 'warn'), [{ msg: 'revocation channel: the LISTEN connection was lost; reconnecting', channel: lost.channel.name }]);
  t.match(lost.logger.records().filter((r) => r.level === 'info'), [{ msg: /listening again/ }]);
  const now = await listenerPids(schema);
  t.equal(now.length, 2, 'both listening');
  t.notOk(now.includes(pid), 'on a new connection');

  await revoke(other, [signature(7)]);
  t.ok(await eventually(() => lost.heard.some((s) => s[0] === signature(7))), 'revocations reach it again');
  await revoke(lost, [signature(8)]);
  t.ok(await eventually(() => other.heard.some((s) => s[0] === signature(8))), 'and its own still reach the others');
});

t.test('close() ends the LISTEN connection and every timer, even mid-reconnect', async (t) => {
  const schema = randomSchema('close');
  // Earlier tests' sockets may still be closing: count from a quiet start.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const sockets = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
  const resourcesBefore = process.getActiveResourcesInfo().sort();
  const bus = createRevocationBus();
  const heard: string[][] = [];
  bus.subscribe((signatures) => heard.push([...signatures]));
  const logger = memoryLogger('debug');
  const notice = revocationNoticeFor(postgresFor(schema), randomUUID());
  const channel = await openRevocationChannel(postgresFor(schema), { notice, bus, logger, onResync: () => undefined, backoff: { initialMs: 100, maxMs: 100 } });
  t.ok(sockets() > resourcesBefore.filter((r) => r === 'TCPSocketWrap').length, 'open while listening');

  const [pid] = await listenerPids(schema);
  await raw.query('SELECT pg_terminate_backend($1)', [pid]);
  t.ok(await eventually(() => logger.records().some((r) => r.level === 'warn')), 'lost, waiting to reconnect');
  await Promise.all([channel.close(), channel.close()]);
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.strictSame(await listenerPids(schema), [], 'no reconnect after close');
  t.strictSame(process.getActiveResourcesInfo().sort(), resourcesBefore, 'no socket or timer left behind');
  await raw.query('SELECT pg_notify($1, $2)', [channel.name, JSON.stringify({ origin: 'another', signatures: [signature(1)] })]);
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.strictSame(heard, [], 'nothing is relayed after close');
});

t.test('start-up fails when the channel cannot listen', async (t) => {
  const config = { ...postgresFor('public'), port: 1, timeout: 2 };
  await t.rejects(
    openRevocationChannel(config, { notice: revocationNoticeFor(config, randomUUID()), bus: createRevocationBus(), logger: silentLogger, onResync: () => undefined }),
    Error,
  );
});
