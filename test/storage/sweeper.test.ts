/**
 * The expiry sweeper on real storage, SQLite and PostgreSQL alike: each test opens a fresh
 * database (a file, or a random schema) so the deleted counts are exact. Time is a fixed clock;
 * the only waits are on the sweeper's own timer or on gates the test opens itself.
 */
import t, { type Test } from 'tap';
import { join } from 'node:path';
import { openStorage, type OpenedStorage } from '../../src/storage/index.js';
import type { ConsentResponse, Storage, TokenSessions } from '../../src/storage/types.js';
import { CONSENT_CHALLENGE_LIFESPAN_MS } from '../../src/storage/stores/consents.js';
import { MIN_TOTP_HISTORY_MS, startExpirySweeper, totpHistoryRetentionMs, type ExpirySweeper, type SweptStore } from '../../src/storage/sweeper.js';
import { generateTotpSecret, matchTotp, totpCodeAt, totpStep, type TotpMatchPolicy } from '../../src/authn/totp.js';
import { memoryLogger, silentLogger } from '../../src/observability/log.js';
import { fixedClock } from '../../src/util/clock.js';
import { randomSchema, startPostgres } from '../helpers/postgres.js';
import { startTestServer } from '../helpers/server.js';
import { HOUR, NOW, sha256, token } from './contract.js';

const encryptionKey = 'a-sweeper-test-encryption-key-of-some-length';
/** Long enough that the timer never fires during a test that drives sweeps with sweepNow(). */
const NEVER_MS = 10 * HOUR;
/** Shorter than HOUR, so the seeded live TOTP step is gone once the clock moves an hour on. */
const TOTP_HISTORY_MS = HOUR / 2;
/** Likewise for the seeded recent authentication log row. */
const AUTH_LOG_RETENTION_MS = HOUR / 2;
const DAY = 24 * HOUR;
/** The retention every sweeper here is started with. */
const RETENTION = { totpHistoryMs: TOTP_HISTORY_MS, authLogRetentionMs: AUTH_LOG_RETENTION_MS };

/** A consent challenge requested at `requestedAtMs`, answered (or not) as `answer` says; `used` marks it granted. */
async function consent(storage: Storage, id: string, requestedAtMs: number, answer: Omit<ConsentResponse, 'responded_at_ms'> | null, used = false): Promise<void> {
  await storage.consents.create({ challenge_id: id, client_id: 'client-a', subject: 'subj-a', requested_at_ms: requestedAtMs, requested_scopes: ['openid'], requested_audience: [], form: 'response_type=code' });
  if (answer) await storage.consents.respond(id, { ...answer, responded_at_ms: requestedAtMs + 1 });
  if (used) await storage.consents.markGranted(id);
}
const ACCEPTED = { authorized: true, granted_scopes: ['openid'], granted_audience: [] };
const DENIED = { authorized: false, granted_scopes: [], granted_audience: [] };
const rememberedUntil = (ms: number): Omit<ConsentResponse, 'responded_at_ms'> => ({ ...ACCEPTED, pre_configured_until_ms: ms });

type OpenFresh = () => Promise<OpenedStorage>;

/** An authentication log row for `username` logged at `timeMs`. */
function logAttempt(storage: Storage, username: string, timeMs: number, successful = false): Promise<void> {
  return storage.authLog.record({ time_ms: timeMs, successful, username, remote_ip: '192.0.2.1', auth_type: '1fa' });
}

/** One expired row (at its expiry instant, which counts as expired) and one live row per store. */
async function seed(storage: Storage): Promise<void> {
  await storage.tokens.create('access_token', token('at-expired', { expires_at_ms: NOW }));
  await storage.tokens.create('refresh_token', token('rt-live', { expires_at_ms: NOW + HOUR }));
  const parameters = { response_type: 'code', client_id: 'client-a' };
  await storage.par.create({ request_uri: 'urn:ietf:params:oauth:request_uri:expired', client_id: 'client-a', expires_at_ms: NOW - 1, parameters });
  await storage.par.create({ request_uri: 'urn:ietf:params:oauth:request_uri:live', client_id: 'client-a', expires_at_ms: NOW + HOUR, parameters });
  await storage.interactions.create({ id: 'interaction-expired', client_id: 'client-a', expires_at_ms: NOW, auth_time_min_s: null, parameters });
  await storage.interactions.create({ id: 'interaction-live', client_id: 'client-a', expires_at_ms: NOW + HOUR, auth_time_min_s: null, parameters });
  await storage.jwtBlacklist.add('client-a:jti-expired', NOW - 1, NOW - 2);
  await storage.jwtBlacklist.add('client-a:jti-live', NOW + HOUR, NOW - 2);
  await storage.sessions.put(sha256('cookie-expired'), { username: 'alice' }, NOW);
  await storage.sessions.put(sha256('cookie-live'), { username: 'bob', sid: 'sid-bob' }, NOW + HOUR);
  // A session's clients go once no live session has their sid (and a minute has passed).
  const signedInto = { request_id: 'req-a', client_id: 'client-a', subject: 'subj-a', offline_access: false, created_at_ms: NOW - 60_000 };
  await storage.sessionClients.record({ ...signedInto, sid: 'sid-gone' });
  await storage.sessionClients.record({ ...signedInto, sid: 'sid-bob' });
  await consent(storage, 'consent-expired', NOW - 2 * DAY, rememberedUntil(NOW));
  await consent(storage, 'consent-live', NOW - 2 * DAY, rememberedUntil(NOW + HOUR));
  await storage.totp.markUsed('alice', 1, NOW - TOTP_HISTORY_MS - 1);
  await storage.totp.markUsed('alice', 2, NOW);
  await storage.webauthnChallenges.create({ challenge: 'challenge-expired', ceremony: 'passkey', binding: 'b', username: null, expires_at_ms: NOW - 1 });
  await storage.webauthnChallenges.create({ challenge: 'challenge-live', ceremony: 'passkey', binding: 'b', username: null, expires_at_ms: NOW + HOUR });
  await storage.oneTimeCodes.create({ id: 'code-expired', username: 'alice', intent: 'elevation', code_hash: 'h1', created_at_ms: NOW - HOUR, expires_at_ms: NOW - 1 });
  await storage.oneTimeCodes.create({ id: 'code-live', username: 'alice', intent: 'elevation', code_hash: 'h2', created_at_ms: NOW, expires_at_ms: NOW + HOUR });
  await logAttempt(storage, 'alice', NOW - AUTH_LOG_RETENTION_MS - 1);
  await logAttempt(storage, 'alice', NOW);
}

const ONE_EACH = { tokens: 1, par: 1, interactions: 1, jwt_blacklist: 1, sessions: 1, session_clients: 1, consents: 1, totp_history: 1, webauthn_challenges: 1, one_time_codes: 1, authentication_logs: 1 };
const NONE = { tokens: 0, par: 0, interactions: 0, jwt_blacklist: 0, sessions: 0, session_clients: 0, consents: 0, totp_history: 0, webauthn_challenges: 0, one_time_codes: 0, authentication_logs: 0 };

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
  const open = async (t: Test): Promise<OpenedStorage> => {
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
    const sweeper = start(t, startExpirySweeper({ storage, clock, logger: silentLogger, intervalMs: NEVER_MS, ...RETENTION }));

    t.same(await sweeper.sweepNow(), ONE_EACH, 'the expired row of each store, expiry instant included');
    t.equal(await storage.tokens.get('access_token', 'at-expired'), null, 'the expired token row is gone');
    t.not(await storage.tokens.get('refresh_token', 'rt-live'), null, 'the live token row is kept');
    t.same(await storage.sessions.get(sha256('cookie-live'), NOW), { username: 'bob', sid: 'sid-bob' }, 'the live session is kept');
    t.equal(await storage.jwtBlacklist.add('client-a:jti-live', NOW + HOUR, NOW), false, 'the live jti still blocks a replay');
    t.not(await storage.consents.get('consent-live'), null, 'the unexpired pre-configured consent is kept');
    t.equal(await storage.totp.markUsed('alice', 2, NOW), false, 'the recent TOTP step still blocks a replay');
    t.same(await sweeper.sweepNow(), NONE, 'nothing more is expired at the same now');

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
        if (store === 'authentication_logs') swept.open();
      },
    };
    const sweeper = start(t, startExpirySweeper({ storage, clock: fixedClock(NOW), logger, intervalMs: 10, ...RETENTION, metrics }));
    await whileAlive(swept.wait);
    await sweeper.stop();

    const everyStore = [['tokens', 1], ['par', 1], ['interactions', 1], ['jwt_blacklist', 1], ['sessions', 1], ['session_clients', 1], ['consents', 1], ['totp_history', 1], ['webauthn_challenges', 1], ['one_time_codes', 1], ['authentication_logs', 1]];
    t.same(recorded.slice(0, everyStore.length), everyStore, 'metrics hear every store, by its snake_case label');
    const lines = logger.records().map((r) => [r.level, r.msg, r.deleted]);
    t.same(lines, [['debug', 'expired rows deleted', ONE_EACH]], 'one debug line for the sweep that deleted rows, none for empty sweeps');
  });

  t.test('firstSweepMs: a first sweep soon after start, long before the first interval', async (t) => {
    const storage = await open(t);
    await seed(storage);
    const swept = gate();
    const metrics = { recordExpiredRowsDeleted: (store: SweptStore) => { if (store === 'authentication_logs') swept.open(); } };
    const sweeper = start(t, startExpirySweeper({ storage, clock: fixedClock(NOW), logger: silentLogger, intervalMs: NEVER_MS, firstSweepMs: 10, ...RETENTION, metrics }));
    await whileAlive(swept.wait);
    await sweeper.stop();
    t.equal(await storage.tokens.get('access_token', 'at-expired'), null, 'the expired token is gone');
    t.not(await storage.tokens.get('refresh_token', 'rt-live'), null, 'the live one stays');
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
    const sweeper = startExpirySweeper({ storage: { ...storage, tokens }, clock: fixedClock(NOW), logger: silentLogger, intervalMs: NEVER_MS, ...RETENTION });

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
    const sweeper = start(t, startExpirySweeper({ storage: { ...storage, tokens }, clock: fixedClock(NOW), logger: silentLogger, intervalMs: NEVER_MS, ...RETENTION }));

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
    const sweeper = start(t, startExpirySweeper({ storage: { ...storage, tokens }, clock: fixedClock(NOW), logger, intervalMs: 10, ...RETENTION, metrics }));

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
    const tokens = withDeleteExpired(storage.tokens, () => Promise.reject(new Error('connection terminated')));
    const sweeper = start(t, startExpirySweeper({ storage: { ...storage, tokens }, clock: fixedClock(NOW), logger: silentLogger, intervalMs: NEVER_MS, ...RETENTION }));
    t.same(await sweeper.sweepNow(), { par: 1, interactions: 1, jwt_blacklist: 1, sessions: 1, session_clients: 1, consents: 1, totp_history: 1, webauthn_challenges: 1, one_time_codes: 1, authentication_logs: 1 });
  });

  t.test('consents: rows nothing can use any more go, rows the consent flow could still use stay (OIDC Core §3.1.2.4)', async (t) => {
    const storage = await open(t);
    const old = NOW - CONSENT_CHALLENGE_LIFESPAN_MS;
    const young = old + 1;
    // [challenge_id, requested at, answer, used to issue tokens, kept]
    const cases: Array<[string, number, Omit<ConsentResponse, 'responded_at_ms'> | null, boolean, boolean]> = [
      ['pending, requested exactly one lifespan ago', old, null, false, false],
      ['pending, within the lifespan', young, null, false, true],
      ['denied, past the lifespan', old, DENIED, false, false],
      ['denied, within the lifespan (the client still hears access_denied)', young, DENIED, false, true],
      ['accepted and unused, past the lifespan', old, ACCEPTED, false, false],
      ['accepted and unused, within the lifespan', young, ACCEPTED, false, true],
      ['accepted and used, past the lifespan', old, ACCEPTED, true, false],
      ['pre-configured, unexpired, challenge long past', NOW - 30 * DAY, rememberedUntil(NOW + 1), true, true],
      ['pre-configured, expired at now, challenge long past', NOW - 30 * DAY, rememberedUntil(NOW), true, false],
      ['pre-configured, expired, challenge still resumable', young, rememberedUntil(NOW - 1), false, true],
    ];
    for (const [id, requestedAtMs, answer, used] of cases) await consent(storage, id, requestedAtMs, answer, used);
    const sweeper = start(t, startExpirySweeper({ storage, clock: fixedClock(NOW), logger: silentLogger, intervalMs: NEVER_MS, ...RETENTION }));

    const counts = await sweeper.sweepNow();
    t.equal(counts.consents, cases.filter(([, , , , kept]) => !kept).length, 'exactly the dead consents are deleted');
    for (const [id, , , , kept] of cases) t.equal((await storage.consents.get(id)) !== null, kept, `${id}: ${kept ? 'kept' : 'deleted'}`);
    const remembered = await storage.consents.findPreConfigured({ client_id: 'client-a', subject: 'subj-a', scopes: ['openid'], audience: [], nowMs: NOW });
    t.equal(remembered?.challenge_id, 'pre-configured, unexpired, challenge long past', 'the remembered consent still skips the prompt');
  });

  t.test('TOTP history: steps used before the retention window go, later ones stay (RFC 6238 §5.2)', async (t) => {
    const storage = await open(t);
    await storage.totp.markUsed('alice', 1, NOW - TOTP_HISTORY_MS - 1);
    await storage.totp.markUsed('alice', 2, NOW - TOTP_HISTORY_MS);
    await storage.totp.markUsed('bob', 3, NOW - 1);
    const sweeper = start(t, startExpirySweeper({ storage, clock: fixedClock(NOW), logger: silentLogger, intervalMs: NEVER_MS, ...RETENTION }));

    t.equal((await sweeper.sweepNow()).totp_history, 1, 'only the step used before the window');
    t.equal(await storage.totp.markUsed('alice', 2, NOW), false, 'a step used at the window\'s start is still remembered');
    t.equal(await storage.totp.markUsed('bob', 3, NOW), false, 'a recent step is still remembered');
    t.equal(await storage.totp.markUsed('alice', 1, NOW), true, 'the old step was forgotten');
  });

  t.test('authentication log: rows logged before the retention window go, later ones stay', async (t) => {
    const storage = await open(t);
    // [username, logged at, kept]
    const cases: Array<[string, number, boolean]> = [
      ['logged a month before the window', NOW - AUTH_LOG_RETENTION_MS - 30 * DAY, false],
      ['logged 1 ms before the window', NOW - AUTH_LOG_RETENTION_MS - 1, false],
      ['logged at the window\'s start', NOW - AUTH_LOG_RETENTION_MS, true],
      ['logged just now', NOW - 1, true],
    ];
    for (const [username, timeMs] of cases) await logAttempt(storage, username, timeMs);
    const sweeper = start(t, startExpirySweeper({ storage, clock: fixedClock(NOW), logger: silentLogger, intervalMs: NEVER_MS, ...RETENTION }));

    t.equal((await sweeper.sweepNow()).authentication_logs, cases.filter(([, , kept]) => !kept).length, 'exactly the rows before the window');
    for (const [username, , kept] of cases) {
      t.equal(await storage.authLog.countFailures({ username, sinceMs: 0 }), kept ? 1 : 0, `${username}: ${kept ? 'kept' : 'deleted'}`);
    }
  });

  t.test('regulation counts the same failures after a sweep when the retention equals regulation.find_time', async (t) => {
    const storage = await open(t);
    const findTimeMs = AUTH_LOG_RETENTION_MS;
    const window = { keys: [{ kind: 'user' as const, value: 'alice' }], sinceMs: NOW - findTimeMs, max_retries: 2 };
    await logAttempt(storage, 'alice', NOW - findTimeMs - 1); // outside find_time: never counted
    await logAttempt(storage, 'alice', NOW - findTimeMs); // the oldest failure that counts
    await logAttempt(storage, 'alice', NOW - 1);
    const before = await storage.authLog.countFailures({ username: 'alice', sinceMs: window.sinceMs });
    const sweeper = start(t, startExpirySweeper({ storage, clock: fixedClock(NOW), logger: silentLogger, intervalMs: NEVER_MS, ...RETENTION }));

    t.equal((await sweeper.sweepNow()).authentication_logs, 1, 'the failure outside find_time is deleted');
    t.equal(before, 2);
    t.equal(await storage.authLog.countFailures({ username: 'alice', sinceMs: window.sinceMs }), before, 'the failures within find_time are all still counted');
    t.same(await storage.authLog.reserveAttempt({ username: 'alice', remote_ip: '192.0.2.1', auth_type: '1fa', time_ms: NOW }, window, NOW), { reserved: false, banned_until_ms: null }, 'max_retries failures within find_time still refuse the next attempt');
  });

  t.test('a TOTP code replay is still refused right after a sweep, up to its last accepted instant (RFC 6238 §5.2)', async (t) => {
    const storage = await open(t);
    const policies: Array<[string, TotpMatchPolicy]> = [
      ['defaults', { algorithm: 'SHA1', digits: 6, period: 30, skew: 1 }],
      ['no skew', { algorithm: 'SHA1', digits: 6, period: 30, skew: 0 }],
      ['a period long enough that the doubled window exceeds the one-day floor', { algorithm: 'SHA1', digits: 6, period: 20_000, skew: 2 }],
    ];
    for (const [name, policy] of policies) {
      const username = `user-${name}`;
      const secret = generateTotpSecret({ secret_size: 20 });
      await storage.totp.save({ username, issuer: 'Gatehouse', algorithm: policy.algorithm, digits: policy.digits, period: policy.period, secret, created_at_ms: NOW });
      // The worst case: a code `skew` steps ahead (clock drift) stays valid longest after its use.
      const step = totpStep(NOW, policy.period) + policy.skew;
      const code = totpCodeAt(secret, policy, step * policy.period * 1000);
      t.equal(matchTotp(code, secret, policy, NOW), step, `${name}: the code is accepted now`);
      t.equal(await storage.totp.markUsed(username, step, NOW), true, `${name}: first use`);

      const lastAcceptedMs = (step + policy.skew + 1) * policy.period * 1000 - 1;
      const clock = fixedClock(lastAcceptedMs);
      const sweeper = startExpirySweeper({ storage, clock, logger: silentLogger, intervalMs: NEVER_MS, totpHistoryMs: totpHistoryRetentionMs(policy), authLogRetentionMs: AUTH_LOG_RETENTION_MS });
      await sweeper.sweepNow();
      await sweeper.stop();
      t.equal(matchTotp(code, secret, policy, lastAcceptedMs), step, `${name}: the code would still match at its last accepted instant`);
      t.equal(await storage.totp.markUsed(username, step, lastAcceptedMs), false, `${name}: the replay is refused after the sweep`);
      t.equal(matchTotp(code, secret, policy, lastAcceptedMs + 1), null, `${name}: one millisecond later the code no longer matches anyway`);
    }
  });
}

t.test('totpHistoryRetentionMs: twice the longest a used code stays acceptable, never under a day', async (t) => {
  const cases: Array<[{ period: number; skew: number }, number]> = [
    [{ period: 30, skew: 1 }, MIN_TOTP_HISTORY_MS],
    [{ period: 20_000, skew: 2 }, 2 * 5 * 20_000 * 1000],
  ];
  for (const [policy, expected] of cases) t.equal(totpHistoryRetentionMs(policy), expected, `period ${policy.period}, skew ${policy.skew}`);
});

t.test('the running app sweeps with storage.retention.authentication_logs and counts it in gatehouse_storage_expired_rows_deleted_total', async (t) => {
  const clock = fixedClock(NOW);
  const server = await startTestServer(t, { storage: { retention: { authentication_logs: '1h' } }, telemetry: { metrics: { enabled: true, address: 'tcp://127.0.0.1:0' } } }, { clock });
  const { storage, sweeper } = server.app.context;
  await logAttempt(storage, 'alice', NOW - HOUR - 1);
  await logAttempt(storage, 'bob', NOW - HOUR);
  t.equal((await sweeper.sweepNow()).authentication_logs, 1, 'the row logged before the hour is deleted');
  t.equal(await storage.authLog.countFailures({ username: 'bob', sinceMs: 0 }), 1, 'the row logged within it is kept');
  const text = await (await fetch(server.app.metricsUrl!)).text();
  t.match(text, /\ngatehouse_storage_expired_rows_deleted_total\{store="authentication_logs"\} 1\n/);
  t.match(text, /\ngatehouse_storage_expired_rows_deleted_total\{store="jwt_blacklist"\} 0\n/);
  t.notMatch(text, /store="[a-z_]*[A-Z]/, 'every store label is snake_case');
});

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
