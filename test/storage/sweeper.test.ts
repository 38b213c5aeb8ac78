/**
 * The expiry sweeper on real storage, SQLite and PostgreSQL alike: each test opens a fresh
 * database (a file, or a random schema) so the deleted counts are exact. Time is a fixed clock;
 * the only waits are on the sweeper's own timer or on gates the test opens itself.
 */
import t, { type Test } from 'tap';
import { join } from 'node:path';
import { openStorage } from '../../src/storage/index.js';
import type { Storage, TokenSessions } from '../../src/storage/types.js';
import { startExpirySweeper, type ExpirySweeper, type SweptStore } from '../../src/storage/sweeper.js';
import { memoryLogger, silentLogger } from '../../src/observability/log.js';
import { fixedClock } from '../../src/util/clock.js';
import { randomSchema, startPostgres } from '../helpers/postgres.js';
import { HOUR, NOW, sha256, token } from './contract.js';

const encryptionKey = 'a-sweeper-test-encryption-key-of-some-length';
/** Long enough that the timer never fires during a test that drives sweeps with sweepNow(). */
const NEVER_MS = 10 * HOUR;

type OpenFresh = () => Promise<Storage>;

/** One expired row (at its expiry instant, which counts as expired) and one live row per store. */
async function seed(storage: Storage): Promise<void> {
  await storage.tokens.create('access_token', token('at-expired', { expires_at_ms: NOW }));
  await storage.tokens.create('refresh_token', token('rt-live', { expires_at_ms: NOW + HOUR }));
  const parameters = { response_type: 'code', client_id: 'client-a' };
  await storage.par.create({ request_uri: 'urn:ietf:params:oauth:request_uri:expired', client_id: 'client-a', expires_at_ms: NOW - 1, parameters });
  await storage.par.create({ request_uri: 'urn:ietf:params:oauth:request_uri:live', client_id: 'client-a', expires_at_ms: NOW + HOUR, parameters });
  await storage.jwtBlacklist.add('client-a:jti-expired', NOW - 1, NOW - 2);
  await storage.jwtBlacklist.add('client-a:jti-live', NOW + HOUR, NOW - 2);
  await storage.sessions.put(sha256('cookie-expired'), { username: 'alice' }, NOW);
  await storage.sessions.put(sha256('cookie-live'), { username: 'bob' }, NOW + HOUR);
}

const ONE_EACH = { tokens: 1, par: 1, jwtBlacklist: 1, sessions: 1 };

/** A gate a wrapped store waits on, so a test can hold a sweep in progress. */
function gate(): { wait: Promise<void>; open(): void } {
  let open = (): void => undefined;
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

/**
 * The sweeper's timer is unref()ed, so while a test waits on it nothing else may keep the process
 * alive (SQLite answers synchronously): hold it open until the wait is over.
 */
async function whileAlive<T>(waiting: Promise<T>): Promise<T> {
  const holder = setInterval(() => undefined, 1000);
  try {
    return await waiting;
  } finally {
    clearInterval(holder);
  }
}

/** Fault injection: the real token store, with its deleteExpired replaced. */
function withDeleteExpired(tokens: TokenSessions, deleteExpired: TokenSessions['deleteExpired']): TokenSessions {
  return { ...tokens, deleteExpired };
}

function sweeperSuite(t: Test, openFresh: OpenFresh): void {
  const open = async (t: Test): Promise<Storage> => {
    const storage = await openFresh();
    t.teardown(() => storage.close());
    return storage;
  };
  const start = (t: Test, sweeper: ExpirySweeper): ExpirySweeper => {
    t.teardown(() => sweeper.stop());
    return sweeper;
  };

  t.test('expired rows of every store are deleted at the clock\'s now, live rows are kept', async (t) => {
    const storage = await open(t);
    await seed(storage);
    const clock = fixedClock(NOW);
    const sweeper = start(t, startExpirySweeper({ storage, clock, logger: silentLogger, intervalMs: NEVER_MS }));

    t.same(await sweeper.sweepNow(), ONE_EACH, 'the expired row of each store, expiry instant included');
    t.equal(await storage.tokens.get('access_token', 'at-expired'), null, 'the expired token row is gone');
    t.not(await storage.tokens.get('refresh_token', 'rt-live'), null, 'the live token row is kept');
    t.same(await storage.sessions.get(sha256('cookie-live'), NOW), { username: 'bob' }, 'the live session is kept');
    t.equal(await storage.jwtBlacklist.add('client-a:jti-live', NOW + HOUR, NOW), false, 'the live jti still blocks a replay');
    t.same(await sweeper.sweepNow(), { tokens: 0, par: 0, jwtBlacklist: 0, sessions: 0 }, 'nothing more is expired at the same now');

    clock.advance(HOUR);
    t.same(await sweeper.sweepNow(), ONE_EACH, 'once the clock passes them, the live rows go too (and only they were left)');
  });

  t.test('the timer sweeps on its own, and counts are logged at debug only when rows were deleted', async (t) => {
    const storage = await open(t);
    await seed(storage);
    const logger = memoryLogger('debug');
    const swept = gate();
    const recorded: Array<[SweptStore, number]> = [];
    const metrics = {
      recordExpiredRowsDeleted(store: SweptStore, count: number) {
        recorded.push([store, count]);
        if (store === 'sessions') swept.open();
      },
    };
    const sweeper = start(t, startExpirySweeper({ storage, clock: fixedClock(NOW), logger, intervalMs: 10, metrics }));
    await whileAlive(swept.wait);
    await sweeper.stop();

    t.same(recorded.slice(0, 4), [['tokens', 1], ['par', 1], ['jwtBlacklist', 1], ['sessions', 1]], 'metrics hear every store');
    const lines = logger.records().map((r) => [r.level, r.msg, r.deleted]);
    t.same(lines, [['debug', 'expired rows deleted', ONE_EACH]], 'one debug line for the sweep that deleted rows, none for empty sweeps');
  });

  t.test('stop() waits for the sweep in progress; sweepNow() after stop is refused', async (t) => {
    const storage = await open(t);
    await seed(storage);
    const held = gate();
    const started = gate();
    const tokens = withDeleteExpired(storage.tokens, async (nowMs) => {
      started.open();
      await held.wait;
      return storage.tokens.deleteExpired(nowMs);
    });
    const sweeper = startExpirySweeper({ storage: { ...storage, tokens }, clock: fixedClock(NOW), logger: silentLogger, intervalMs: NEVER_MS });

    const sweep = sweeper.sweepNow();
    await started.wait;
    let stopped = false;
    const stopping = sweeper.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    t.equal(stopped, false, 'stop() is still waiting while the sweep is held');

    held.open();
    await stopping;
    t.same(await sweep, ONE_EACH, 'the sweep in progress finished before stop() resolved');
    await t.rejects(sweeper.sweepNow(), { message: 'the expiry sweeper is stopped' });
  });

  t.test('sweeps never overlap: a sweepNow() during a sweep runs after it', async (t) => {
    const storage = await open(t);
    const held = gate();
    let running = 0;
    let mostAtOnce = 0;
    const tokens = withDeleteExpired(storage.tokens, async (nowMs) => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await held.wait;
      running -= 1;
      return storage.tokens.deleteExpired(nowMs);
    });
    const sweeper = start(t, startExpirySweeper({ storage: { ...storage, tokens }, clock: fixedClock(NOW), logger: silentLogger, intervalMs: NEVER_MS }));

    const sweeps = [sweeper.sweepNow(), sweeper.sweepNow(), sweeper.sweepNow()];
    await new Promise((resolve) => setImmediate(resolve));
    held.open();
    await Promise.all(sweeps);
    t.equal(mostAtOnce, 1, 'one deleteExpired at a time');
  });

  t.test('a failing store is logged at warn, the other stores are still swept, and the next sweep runs', async (t) => {
    const storage = await open(t);
    await seed(storage);
    const logger = memoryLogger('warn');
    let calls = 0;
    const tokens = withDeleteExpired(storage.tokens, async (nowMs) => {
      calls += 1;
      if (calls === 1) throw new Error('database is locked');
      return storage.tokens.deleteExpired(nowMs);
    });
    const secondSweep = gate();
    const metrics = {
      recordExpiredRowsDeleted(store: SweptStore) {
        if (store === 'tokens') secondSweep.open();
      },
    };
    const sweeper = start(t, startExpirySweeper({ storage: { ...storage, tokens }, clock: fixedClock(NOW), logger, intervalMs: 10, metrics }));

    // The timer's first sweep fails on tokens; a later tick sweeps them all the same.
    await whileAlive(secondSweep.wait);
    await sweeper.stop();
    t.ok(calls >= 2, 'the timer kept sweeping after the failure');
    t.equal(await storage.tokens.get('access_token', 'at-expired'), null, 'the failing store was swept on a later tick');
    t.equal(await storage.sessions.get(sha256('cookie-expired'), NOW - 1), null, 'the other stores were swept despite the failure');
    t.same(logger.records().map((r) => [r.level, r.msg, r.store, r.error]), [['warn', 'expired rows could not be deleted', 'tokens', 'database is locked']]);
  });

  t.test('sweepNow() answers without the failing store', async (t) => {
    const storage = await open(t);
    await seed(storage);
    const tokens = withDeleteExpired(storage.tokens, async () => {
      throw new Error('connection terminated');
    });
    const sweeper = start(t, startExpirySweeper({ storage: { ...storage, tokens }, clock: fixedClock(NOW), logger: silentLogger, intervalMs: NEVER_MS }));
    t.same(await sweeper.sweepNow(), { par: 1, jwtBlacklist: 1, sessions: 1 });
  });
}

t.test('sqlite', async (t) => {
  const dir = t.testdir({});
  let n = 0;
  sweeperSuite(t, () => openStorage({ local: { path: join(dir, `sweep-${++n}.sqlite3`) }, encryption_key: encryptionKey }, { logger: silentLogger }));
});

t.test('postgres', async (t) => {
  const server = await startPostgres();
  t.teardown(() => server.stop());
  const postgres = { host: server.host, port: server.port, database: server.database, username: server.user, password: server.password, timeout: 10 };
  sweeperSuite(t, () => openStorage({ postgres: { ...postgres, schema: randomSchema('sweep') }, encryption_key: encryptionKey }, { logger: silentLogger }));
});
