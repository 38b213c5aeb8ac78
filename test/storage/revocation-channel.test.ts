/**
 * The revocation channel on a real PostgreSQL (a private cluster, or GATEHOUSE_TEST_POSTGRES_URL):
 * replicas on one schema hear each other's revocations, big families are split under the NOTIFY
 * payload limit, a terminated LISTEN connection comes back and resynchronises, close() ends it all.
 */
import t, { type Test } from 'tap';
import pg from 'pg';
import { createRevocationBus, type RevocationBus } from '../../src/authz/revocation-bus.js';
import { memoryLogger, silentLogger } from '../../src/observability/log.js';
import {
  channelNameFor,
  LISTENER_APPLICATION_NAME,
  MAX_PAYLOAD_BYTES,
  openRevocationChannel,
  parsePayload,
  payloadsFor,
  reconnectDelayMs,
  type RevocationChannel,
} from '../../src/storage/revocation-channel.js';
import type { PostgresConfig } from '../../src/storage/types.js';
import { randomSchema, startPostgres } from '../helpers/postgres.js';

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

interface Replica {
  bus: RevocationBus;
  heard: string[][];
  resyncs: number;
  channel: RevocationChannel;
  logger: ReturnType<typeof memoryLogger>;
}

async function replica(t: Test, schema: string): Promise<Replica> {
  const bus = createRevocationBus();
  const logger = memoryLogger('debug');
  const state = { bus, heard: [] as string[][], resyncs: 0, logger } as Omit<Replica, 'channel'> & { channel?: RevocationChannel };
  bus.subscribe((signatures) => state.heard.push([...signatures]));
  state.channel = await openRevocationChannel(postgresFor(schema), { bus, logger, onResync: () => state.resyncs++, backoff: { initialMs: 20, maxMs: 200 } });
  t.teardown(() => state.channel!.close());
  return state as Replica;
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

t.test('channel names: one per schema, always a valid identifier (at most 63 bytes)', async (t) => {
  t.equal(channelNameFor('public'), 'gatehouse_revocations_public');
  const long = 'a'.repeat(63);
  t.ok(channelNameFor(long).length <= 63);
  t.equal(channelNameFor(long), channelNameFor(long), 'stable');
  t.not(channelNameFor(long), channelNameFor('b'.repeat(63)));
  t.throws(() => channelNameFor('x; DROP'), /must be a plain identifier/);
});

t.test('PostgreSQL NOTIFY: payloads stay under 8000 bytes; a big family is split, in order', async (t) => {
  const signatures = Array.from({ length: 1000 }, (_, n) => signature(n));
  const payloads = payloadsFor('origin-1', signatures);
  t.ok(payloads.length >= 6, `${payloads.length} payloads`);
  t.ok(payloads.every((p) => Buffer.byteLength(p) <= MAX_PAYLOAD_BYTES), 'each under the limit');
  t.ok(payloads.slice(0, -1).every((p) => Buffer.byteLength(p) > MAX_PAYLOAD_BYTES - 50), 'all but the last full');
  t.strictSame(payloads.flatMap((p) => parsePayload(p)!.signatures), signatures);
  t.strictSame(payloadsFor('o', []), []);
  t.strictSame(payloadsFor('o', ['a', 'b'], 37), ['{"origin":"o","signatures":["a","b"]}'], 'exactly at the limit still fits');
  t.strictSame(payloadsFor('o', ['a', 'b'], 36), ['{"origin":"o","signatures":["a"]}', '{"origin":"o","signatures":["b"]}']);
});

t.test('payloads not in our shape are refused', async (t) => {
  for (const payload of [undefined, '', 'x', 'null', '[]', '{"origin":1,"signatures":[]}', '{"origin":"o","signatures":[1]}', '{"origin":"o"}']) {
    t.equal(parsePayload(payload), null, String(payload));
  }
});

t.test('reconnect backoff doubles up to its ceiling', async (t) => {
  t.strictSame([0, 1, 2, 3, 10].map((n) => reconnectDelayMs(n, { initialMs: 100, maxMs: 1000 })), [100, 200, 400, 800, 1000]);
});

t.test('RFC 7009 §2: a revocation on one replica reaches the others once, and is not echoed back', async (t) => {
  const schema = randomSchema('channel');
  const a = await replica(t, schema);
  const b = await replica(t, schema);
  const c = await replica(t, schema);
  const elsewhere = await replica(t, randomSchema('other'));
  t.equal(a.channel.name, `gatehouse_revocations_${schema}`);

  a.bus.emit([signature(1), signature(2)]);
  t.ok(await eventually(() => b.heard.length === 1 && c.heard.length === 1), 'both other replicas heard it');
  t.strictSame(b.heard, [[signature(1), signature(2)]]);
  // Time for an echo or a duplicate to arrive, if there were one.
  b.bus.emit([signature(3)]);
  t.ok(await eventually(() => a.heard.length === 2 && c.heard.length === 2));
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.strictSame(a.heard, [[signature(1), signature(2)], [signature(3)]], 'its own notification is skipped: once each');
  t.strictSame(b.heard, [[signature(1), signature(2)], [signature(3)]]);
  t.strictSame(c.heard, [[signature(1), signature(2)], [signature(3)]], 'relayed signatures are not published again');
  t.strictSame(elsewhere.heard, [], 'another schema, another channel');
});

t.test('PostgreSQL NOTIFY: a refresh family bigger than one payload arrives whole, in several notifications', async (t) => {
  const schema = randomSchema('family');
  const a = await replica(t, schema);
  const b = await replica(t, schema);
  const observer = new pg.Client({ connectionString: server.url });
  await observer.connect();
  t.teardown(() => observer.end());
  const seen: string[] = [];
  observer.on('notification', (n) => seen.push(n.payload ?? ''));
  await observer.query(`LISTEN "${a.channel.name}"`);

  const family = Array.from({ length: 1000 }, (_, n) => signature(n));
  a.bus.emit(family);
  t.ok(await eventually(() => b.heard.flat().length === family.length));
  t.strictSame(b.heard.flat(), family);
  t.ok(b.heard.length >= 6, `${b.heard.length} notifications`);
  t.equal(seen.length, b.heard.length, 'nothing more went over the wire');
  t.ok(seen.every((p) => Buffer.byteLength(p) < 8000));
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
  t.notOk(now.includes(pid!), 'on a new connection');

  other.bus.emit([signature(7)]);
  t.ok(await eventually(() => lost.heard.some((s) => s[0] === signature(7))), 'revocations reach it again');
  lost.bus.emit([signature(8)]);
  t.ok(await eventually(() => other.heard.some((s) => s[0] === signature(8))), 'and it still publishes');
});

t.test('close() sends what is pending, then ends both connections and every timer, even mid-reconnect', async (t) => {
  const schema = randomSchema('close');
  // Earlier tests' sockets may still be closing: count from a quiet start.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const sockets = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
  const resourcesBefore = process.getActiveResourcesInfo().sort();
  const bus = createRevocationBus();
  const logger = memoryLogger('debug');
  const channel = await openRevocationChannel(postgresFor(schema), { bus, logger, onResync: () => undefined, backoff: { initialMs: 100, maxMs: 100 } });
  t.ok(sockets() > resourcesBefore.filter((r) => r === 'TCPSocketWrap').length, 'open while listening');
  const observer = new pg.Client({ connectionString: server.url });
  await observer.connect();
  const seen: string[] = [];
  observer.on('notification', (n) => seen.push(n.payload ?? ''));
  await observer.query(`LISTEN "${channel.name}"`);

  const [pid] = await listenerPids(schema);
  await raw.query('SELECT pg_terminate_backend($1)', [pid]);
  t.ok(await eventually(() => logger.records().some((r) => r.level === 'warn')), 'lost, waiting to reconnect');
  bus.emit([signature(1)]);
  await Promise.all([channel.close(), channel.close()]);
  t.ok(await eventually(() => seen.length > 0));
  t.strictSame(seen.map((p) => parsePayload(p)?.signatures), [[signature(1)]], 'the revocation emitted just before close was sent');
  await observer.end();
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.strictSame(await listenerPids(schema), [], 'no reconnect after close');
  t.strictSame(process.getActiveResourcesInfo().sort(), resourcesBefore, 'no socket or timer left behind');
  t.doesNotThrow(() => bus.emit([signature(2)]), 'no longer subscribed');
});

t.test('start-up fails when the channel cannot listen', async (t) => {
  await t.rejects(
    openRevocationChannel({ ...postgresFor('public'), port: 1, timeout: 2 }, { bus: createRevocationBus(), logger: silentLogger, onResync: () => undefined }),
    Error,
  );
});
