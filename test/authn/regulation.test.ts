/** Brute-force regulation (Authelia `regulation`) and the first-factor check, on a real SQLite storage and users file. */
import t, { type Test } from 'tap';
import { memoryLogger, silentLogger } from '../../src/observability/log.js';
import {
  checkFirstFactor,
  createRegulator,
  withUniformTiming,
  type RegulationSettings,
  type Regulator,
  type UniformTimingOptions,
} from '../../src/authn/regulation.js';
import { fixedClock } from '../../src/util/clock.js';
import type { UsersBackend } from '../../src/users/user.js';
import { NOW_MS, openWorld, type World } from './session/fixtures.js';

const SECOND = 1000;
const DEFAULTS: RegulationSettings = { max_retries: 3, find_time: 120, ban_time: 300, modes: ['user'] };
const IP = '192.0.2.10';

async function setUp(t: Test, settings: Partial<RegulationSettings> = {}): Promise<World & { regulator: Regulator }> {
  const world = await openWorld(t, [{ name: 'john' }, { name: 'jane' }, { name: 'dora', disabled: true }]);
  return { ...world, regulator: createRegulator({ ...DEFAULTS, ...settings }, { authLog: world.storage.authLog, logger: silentLogger }) };
}

/** One attempt whose check answers `successful`: whether it placed a ban (a refused attempt places none). */
async function attempt(r: Regulator, username: string, atMs: number, ip: string, successful: boolean): Promise<{ banned: boolean }> {
  const outcome = await r.attempt({ username, ip, auth_type: '1fa', nowMs: atMs }, () => Promise.resolve({ successful, value: null }));
  return { banned: !outcome.refused && outcome.banned };
}
const fail = (r: Regulator, username: string, atMs: number, ip = IP) => attempt(r, username, atMs, ip, false);
const succeed = (r: Regulator, username: string, atMs: number, ip = IP) => attempt(r, username, atMs, ip, true);

t.test('max_retries failures within find_time ban for ban_time, then the user is free', async (t) => {
  const { regulator } = await setUp(t);
  t.same(await fail(regulator, 'john', NOW_MS), { banned: false });
  t.same(await fail(regulator, 'john', NOW_MS + 10 * SECOND), { banned: false });
  t.equal(await regulator.banned('john', IP, NOW_MS + 10 * SECOND), null, 'two failures: not yet');
  t.same(await fail(regulator, 'john', NOW_MS + 20 * SECOND), { banned: true }, 'the third failure bans');
  t.same(await regulator.banned('john', IP, NOW_MS + 20 * SECOND), { until_ms: NOW_MS + 320 * SECOND });
  t.same(await regulator.banned('john', IP, NOW_MS + 319 * SECOND), { until_ms: NOW_MS + 320 * SECOND }, 'still banned just before ban_time');
  t.equal(await regulator.banned('john', IP, NOW_MS + 320 * SECOND), null, 'free at ban_time');
  t.equal(await regulator.banned('jane', IP, NOW_MS + 20 * SECOND), null, 'mode user: other users from the same IP are not banned');
  t.same(await fail(regulator, 'john', NOW_MS + 320 * SECOND), { banned: false }, 'old failures are outside find_time after the ban');
});

t.test('a success resets the count', async (t) => {
  const { regulator } = await setUp(t);
  await fail(regulator, 'john', NOW_MS);
  await fail(regulator, 'john', NOW_MS + SECOND);
  await succeed(regulator, 'john', NOW_MS + 2 * SECOND);
  t.same(await fail(regulator, 'john', NOW_MS + 3 * SECOND), { banned: false });
  t.same(await fail(regulator, 'john', NOW_MS + 4 * SECOND), { banned: false });
  t.same(await fail(regulator, 'john', NOW_MS + 5 * SECOND), { banned: true }, 'three failures after the success');
});

t.test('failures older than find_time do not count', async (t) => {
  const { regulator } = await setUp(t);
  await fail(regulator, 'john', NOW_MS);
  await fail(regulator, 'john', NOW_MS + 60 * SECOND);
  t.same(await fail(regulator, 'john', NOW_MS + 121 * SECOND), { banned: false }, 'the first failure left the 120 s window');
  t.same(await fail(regulator, 'john', NOW_MS + 122 * SECOND), { banned: true });
});

t.test('modes: user, ip, both', async (t) => {
  const cases: Array<{ modes: RegulationSettings['modes']; attempts: Array<[string, string]>; banned: boolean; user: boolean; ip: boolean }> = [
    { modes: ['user'], attempts: [['john', '192.0.2.1'], ['john', '192.0.2.2'], ['john', '192.0.2.3']], banned: true, user: true, ip: false },
    { modes: ['user'], attempts: [['a', IP], ['b', IP], ['c', IP]], banned: false, user: false, ip: false },
    { modes: ['ip'], attempts: [['a', IP], ['b', IP], ['c', IP]], banned: true, user: false, ip: true },
    { modes: ['ip'], attempts: [['john', '192.0.2.1'], ['john', '192.0.2.2'], ['john', '192.0.2.3']], banned: false, user: false, ip: false },
    { modes: ['user', 'ip'], attempts: [['john', IP], ['john', IP], ['john', IP]], banned: true, user: true, ip: true },
    { modes: ['user', 'ip'], attempts: [['a', IP], ['b', IP], ['c', IP]], banned: true, user: false, ip: true },
  ];
  for (const c of cases) {
    const name = `${c.modes.join('+')}: ${c.attempts.map(([u, ip]) => `${u}@${ip}`).join(', ')}`;
    await t.test(name, async (t) => {
      const { regulator, storage } = await setUp(t, { modes: c.modes });
      let banned = false;
      for (const [i, [username, ip]] of c.attempts.entries()) banned = (await fail(regulator, username, NOW_MS + i * SECOND, ip)).banned;
      t.equal(banned, c.banned, 'ban placed');
      const [lastUser, lastIp] = c.attempts.at(-1)!;
      t.equal((await storage.authLog.activeBan('user', lastUser, NOW_MS + 5 * SECOND)) !== null, c.user, 'user ban');
      t.equal((await storage.authLog.activeBan('ip', lastIp, NOW_MS + 5 * SECOND)) !== null, c.ip, 'ip ban');
      t.equal((await regulator.banned(lastUser, lastIp, NOW_MS + 5 * SECOND)) !== null, c.banned, 'banned() agrees');
    });
  }
});

t.test('banned() answers the latest expiry when both the user and the IP are banned', async (t) => {
  const { regulator, storage } = await setUp(t, { modes: ['user', 'ip'] });
  await storage.authLog.ban({ kind: 'user', value: 'john', expires_at_ms: NOW_MS + 10 * SECOND, reason: 'test' });
  await storage.authLog.ban({ kind: 'ip', value: IP, expires_at_ms: NOW_MS + 20 * SECOND, reason: 'test' });
  t.same(await regulator.banned('john', IP, NOW_MS), { until_ms: NOW_MS + 20 * SECOND });
  t.same(await regulator.banned('john', '192.0.2.99', NOW_MS), { until_ms: NOW_MS + 10 * SECOND });
});

t.test('max_retries 0 disables regulation; attempts are still logged', async (t) => {
  const { regulator, storage } = await setUp(t, { max_retries: 0 });
  for (let i = 0; i < 10; i++) t.same(await fail(regulator, 'john', NOW_MS + i), { banned: false });
  await storage.authLog.ban({ kind: 'user', value: 'john', expires_at_ms: NOW_MS + 10 * SECOND, reason: 'left over' });
  t.equal(await regulator.banned('john', IP, NOW_MS), null, 'an existing ban is not enforced');
  t.equal(await storage.authLog.countFailures({ username: 'john', sinceMs: 0 }), 10, 'the authentication log is kept');
});

t.test('a ban is logged at warn with who and until when', async (t) => {
  const world = await setUp(t);
  const logger = memoryLogger('info');
  const regulator = createRegulator(DEFAULTS, { authLog: world.storage.authLog, logger });
  for (let i = 0; i < 3; i++) await fail(regulator, 'john', NOW_MS);
  t.match(logger.records(), [{ level: 'warn', msg: 'regulation: banned after repeated authentication failures', ban_kind: 'user', username: 'john', remote_ip: IP, failures: 3, until_ms: NOW_MS + 300 * SECOND }]);
});

/** A fake monotonic clock: sleeping advances it, so timing is asserted without waiting. */
function fakeTiming(minimumMs: number, jitterMs = 0): { clock: ReturnType<typeof fixedClock>; timing: UniformTimingOptions } {
  const clock = fixedClock(0);
  return { clock, timing: { minimumMs, jitterMs, now: () => clock.nowMs(), sleep: (ms) => { clock.advance(ms); return Promise.resolve(); } } };
}

t.test('withUniformTiming: waits up to the floor whatever the outcome; never shortens a slow attempt', async (t) => {
  const { clock, timing } = fakeTiming(500);
  const cases: Array<[string, number, boolean, number]> = [
    ['instant success', 0, true, 500],
    ['120 ms success', 120, true, 500],
    ['120 ms failure (thrown)', 120, false, 500],
    ['overrun: 700 ms', 700, true, 700],
  ];
  for (const [name, costMs, succeeds, expectedMs] of cases) {
    clock.set(0);
    const run = withUniformTiming(() => {
      clock.advance(costMs);
      return succeeds ? Promise.resolve('ok') : Promise.reject(new Error('boom'));
    }, timing);
    if (succeeds) t.equal(await run, 'ok', `${name}: value`);
    else await t.rejects(run, { message: 'boom' }, `${name}: error rethrown`);
    t.equal(clock.nowMs(), expectedMs, `${name}: answered after ${expectedMs} ms`);
  }
  const jittered = fakeTiming(500, 100);
  const totals = new Set<number>();
  for (let i = 0; i < 50; i++) {
    jittered.clock.set(0);
    await withUniformTiming(() => Promise.resolve(1), jittered.timing);
    totals.add(jittered.clock.nowMs());
  }
  t.ok([...totals].every((ms) => ms >= 500 && ms <= 600), 'jitter stays within [minimumMs, minimumMs + jitterMs]');
  t.ok(totals.size > 1, 'jitter varies');
});

t.test('withUniformTiming: real clock and sleep by default', async (t) => {
  const started = performance.now();
  t.equal(await withUniformTiming(() => Promise.resolve('ok'), { minimumMs: 30, jitterMs: 0 }), 'ok');
  t.ok(performance.now() - started >= 29, 'waited for the floor');
});

t.test('checkFirstFactor: one answer for unknown, wrong and disabled; bans refuse the right password; equal time', async (t) => {
  const world = await setUp(t, { modes: ['user'] });
  const { clock, timing } = fakeTiming(500);
  // The real backend, with argon2's cost made visible on the fake clock.
  const users: UsersBackend = {
    peek: (username) => world.users.peek(username),
    lookup: (username) => world.users.lookup(username),
    checkPassword: async (username, password) => {
      clock.advance(120);
      return world.users.checkPassword(username, password);
    },
    get version() { return world.users.version; },
    close: () => undefined,
  };
  await world.storage.authLog.ban({ kind: 'user', value: 'jane', expires_at_ms: NOW_MS + 300 * SECOND, reason: 'test' });
  const deps = { users, regulator: world.regulator, timing };
  const cases: Array<[string, string, string, unknown]> = [
    ['right password', 'john', 'secret', { ok: true, user: { username: 'john', display_name: 'JOHN', emails: ['john@example.com'], groups: [], disabled: false } }],
    ['wrong password', 'john', 'wrong', { ok: false, reason: 'invalid_credentials' }],
    ['unknown user', 'nobody', 'secret', { ok: false, reason: 'invalid_credentials' }],
    ['disabled user with the right password', 'dora', 'secret', { ok: false, reason: 'invalid_credentials' }],
    ['banned user with the RIGHT password', 'jane', 'secret', { ok: false, reason: 'banned' }],
  ];
  for (const [name, username, password, expected] of cases) {
    clock.set(0);
    t.same(await checkFirstFactor({ username, password, ip: IP, nowMs: NOW_MS }, deps), expected, name);
    t.equal(clock.nowMs(), 500, `${name}: answered after exactly the floor`);
  }
  const failuresOf = (username: string) => world.storage.authLog.countFailures({ username, sinceMs: 0 });
  t.equal(await failuresOf('john'), 1, 'wrong password recorded');
  t.equal(await failuresOf('nobody'), 1, 'unknown user recorded');
  t.equal(await failuresOf('dora'), 1, 'disabled user recorded');
  t.equal(await failuresOf('jane'), 0, 'a banned attempt is not recorded');
});

t.test('checkFirstFactor: the third wrong password bans, and the right one is then refused', async (t) => {
  const world = await setUp(t, { modes: ['ip'] });
  const { timing } = fakeTiming(0);
  const deps = { users: world.users, regulator: world.regulator, timing };
  const attempt = (username: string, password: string, s: number) =>
    checkFirstFactor({ username, password, ip: IP, nowMs: NOW_MS + s * SECOND, request_uri: 'https://auth.example.com/api/firstfactor', request_method: 'POST' }, deps);
  for (const [s, username] of [[0, 'a'], [1, 'b'], [2, 'c']] as const) t.same(await attempt(username, 'guess', s), { ok: false, reason: 'invalid_credentials' });
  t.same(await attempt('john', 'secret', 3), { ok: false, reason: 'banned' }, 'a password spray from one IP bans the IP (mode ip)');
  t.same(await attempt('john', 'secret', 303), { ok: true, user: world.users.get('john') }, 'free after ban_time');
});

t.test('attempt: beyond max_retries attempts under way, the check does not run; a thrown check frees its slot', async (t) => {
  const { regulator, storage } = await setUp(t, { max_retries: 2 });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let ran = 0;
  const slow = () => regulator.attempt({ username: 'john', ip: IP, auth_type: '1fa', nowMs: NOW_MS }, async () => {
    ran++;
    await gate;
    return { successful: false, value: null };
  });
  const under = [slow(), slow()];
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.same(await slow(), { refused: true, until_ms: null }, 'two under way: refused, no ban yet');
  t.equal(ran, 2, 'the third check never ran');
  release();
  t.same((await Promise.all(under)).map((o) => !o.refused && o.banned), [false, true], 'the second settled failure bans');
  t.same(await slow(), { refused: true, until_ms: NOW_MS + 300 * SECOND }, 'then refused with the ban');

  await t.rejects(regulator.attempt({ username: 'jane', ip: IP, auth_type: '1fa', nowMs: NOW_MS }, () => Promise.reject(new Error('ldap down'))), { message: 'ldap down' });
  t.equal(await storage.authLog.countFailures({ username: 'jane', sinceMs: 0 }), 0, 'an error is not a failure');
  const next = await regulator.attempt({ username: 'jane', ip: IP, auth_type: '1fa', nowMs: NOW_MS }, () => Promise.resolve({ successful: true, value: 'ok' }));
  t.same(next, { refused: false, successful: true, value: 'ok', banned: false }, 'and its slot is free again');
});

t.test('a storage failure while settling keeps the verdict: the right password signs in (no 500), a failure still counts', async (t) => {
  const world = await openWorld(t, [{ name: 'john' }]);
  const logger = memoryLogger('warn');
  let failSettle = true;
  const authLog = {
    ...world.storage.authLog,
    settleAttempt: (...args: Parameters<typeof world.storage.authLog.settleAttempt>) =>
      failSettle ? Promise.reject(new Error('disk full')) : world.storage.authLog.settleAttempt(...args),
  };
  const regulator = createRegulator(DEFAULTS, { authLog, logger });
  const input = { username: 'john', ip: IP, auth_type: '1fa' as const, nowMs: NOW_MS };
  const right = await regulator.attempt(input, () => Promise.resolve({ successful: true, value: 'ok' }));
  t.same(right, { refused: false, successful: true, value: 'ok', banned: false }, 'the verdict, not a thrown storage error');
  t.match(logger.records().at(-1), { level: 'warn', msg: 'regulation: an attempt could not be settled', successful: true, error: 'disk full' });
  for (let i = 0; i < 3; i++) t.equal((await regulator.attempt(input, () => Promise.resolve({ successful: false, value: null }))).refused, false, `failure ${i + 1} is checked`);
  failSettle = false;
  t.equal((await regulator.attempt(input, () => Promise.resolve({ successful: true, value: 'ok' }))).refused, true, 'three unsettled failures stay pending and count against max_retries; the released success does not');
});
