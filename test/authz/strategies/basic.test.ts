/**
 * `Authorization: Basic` (RFC 7617) for forward-auth: the users file password check under
 * regulation (auth_type basic), the short cache of verified credentials, one factor.
 */
import t, { type Test } from 'tap';
import { silentLogger } from '../../../src/observability/log.js';
import { createRegulator } from '../../../src/authn/regulation.js';
import { BASIC_CHALLENGE, createBasicVerifier, decodeBasicCredentials, type BasicVerifierDeps } from '../../../src/authz/strategies/basic.js';
import type { StrategyInput } from '../../../src/authz/strategies/types.js';
import { NOW_MS, openWorld, TARGET } from './fixtures.js';

const IP = '192.0.2.7';
const input = (over: Partial<StrategyInput> = {}): StrategyInput => ({ header: () => undefined, target: TARGET, clientIp: IP, nowMs: NOW_MS, ...over });
const basic = (userPass: string): string => Buffer.from(userPass).toString('base64');
const invalid = (reason: string) => ({ kind: 'invalid', challenge: BASIC_CHALLENGE, reason });

const JOHN = {
  kind: 'authenticated',
  identity: {
    subject: { username: 'john', groups: ['admins', 'dev'] },
    level: 'one_factor',
    username: 'john',
    groups: ['admins', 'dev'],
    displayName: 'JOHN',
    email: 'john@example.com',
    strategy: 'basic',
  },
};

async function setUp(t: Test, over: Partial<BasicVerifierDeps> = {}) {
  const world = await openWorld(t);
  const counter = { checks: 0 };
  // The real backend, with its password checks counted.
  const users: BasicVerifierDeps['users'] = {
    lookup: (username) => world.users.lookup(username),
    checkPassword: (username, password) => {
      counter.checks += 1;
      return world.users.checkPassword(username, password);
    },
    get version() {
      return world.users.version;
    },
  };
  const regulator = createRegulator({ max_retries: 3, find_time: 120, ban_time: 300, modes: ['user'] }, { authLog: world.storage.authLog, logger: silentLogger });
  const verifier = createBasicVerifier({ users, regulator, logger: silentLogger, timing: { minimumMs: 0, jitterMs: 0 }, ...over });
  return { world, counter, regulator, verifier };
}

t.test('RFC 7617 §2: decoding user-id:password', async (t) => {
  const cases: Array<[string, string, { username: string; password: string } | null]> = [
    ['user and password', basic('john:secret'), { username: 'john', password: 'secret' }],
    ['the password may contain colons', basic('john:se:cr:et'), { username: 'john', password: 'se:cr:et' }],
    ['an empty password is a (wrong) password', basic('john:'), { username: 'john', password: '' }],
    ['UTF-8', basic('jöhn:pässword'), { username: 'jöhn', password: 'pässword' }],
    ['no colon', basic('john'), null],
    ['empty user-id', basic(':secret'), null],
    ['not base64', 'john:secret', null],
    ['bad padding', 'am9objpzZWNyZXQ', null],
    ['empty', '', null],
  ];
  for (const [rule, credentials, expected] of cases) t.strictSame(decodeBasicCredentials(credentials), expected, rule);
});

t.test('the right password: the user, one factor', async (t) => {
  const { verifier } = await setUp(t);
  t.strictSame(await verifier.verify(basic('john:secret'), input()), JOHN);
});

t.test('refusals: one answer, Basic realm="Gatehouse"', async (t) => {
  const cases: Array<[string, string, string]> = [
    ['wrong password', basic('john:wrong'), 'invalid_credentials'],
    ['unknown user', basic('nobody:secret'), 'invalid_credentials'],
    ['disabled user with the right password', basic('dora:secret'), 'invalid_credentials'],
    ['malformed', 'not base64!', 'malformed'],
    ['no colon', basic('john'), 'malformed'],
  ];
  const { verifier } = await setUp(t);
  for (const [rule, credentials, reason] of cases) t.strictSame(await verifier.verify(credentials, input()), invalid(reason), rule);
});

t.test('regulation: failures are counted (auth_type basic) and a ban refuses even the right password, unchecked', async (t) => {
  const { verifier, regulator, counter } = await setUp(t);
  for (let i = 0; i < 3; i++) await verifier.verify(basic('john:wrong'), input({ nowMs: NOW_MS + i }));
  t.strictSame(await regulator.banned('john', IP, NOW_MS + 3), { until_ms: NOW_MS + 2 + 300_000 }, 'max_retries failures ban');
  const checks = counter.checks;
  t.strictSame(await verifier.verify(basic('john:secret'), input({ nowMs: NOW_MS + 3 })), invalid('banned'));
  t.equal(counter.checks, checks, 'no password check while banned');
  t.strictSame(await verifier.verify(basic('jane:secret'), input({ nowMs: NOW_MS + 3 })), { kind: 'authenticated', identity: { ...JOHN.identity, subject: { username: 'jane', groups: [] }, username: 'jane', groups: [], displayName: 'JANE', email: 'jane@example.com' } }, 'mode user: others are free');
  t.equal((await verifier.verify(basic('john:secret'), input({ nowMs: NOW_MS + 2 + 300_000 }))).kind, 'authenticated', 'free after ban_time');
});

t.test('malformed credentials are not recorded (there is no user to count)', async (t) => {
  const { verifier, world } = await setUp(t);
  for (let i = 0; i < 5; i++) await verifier.verify('!!!', input());
  t.equal(await world.storage.authLog.countFailures({ remote_ip: IP, sinceMs: 0 }), 0);
});

t.test('cache: verified credentials skip the hash until the TTL; failures are never cached', async (t) => {
  const { verifier, counter } = await setUp(t, { cache: { ttlSeconds: 60, maxEntries: 10 } });
  await verifier.verify(basic('john:secret'), input());
  t.strictSame(await verifier.verify(basic('john:secret'), input({ nowMs: NOW_MS + 59_999 })), JOHN);
  t.equal(counter.checks, 1, 'one hash within the TTL');
  await verifier.verify(basic('john:secret'), input({ nowMs: NOW_MS + 60_000 }));
  t.equal(counter.checks, 2, 'checked again at the TTL');
  t.strictSame(await verifier.verify(basic('john:wrong'), input()), invalid('invalid_credentials'), 'another password is another key');
  await verifier.verify(basic('john:wrong'), input());
  t.equal(counter.checks, 4, 'failures are checked every time');
});

t.test('cache: a disabled user or a users-file reload applies at once', async (t) => {
  const { verifier, world, counter } = await setUp(t);
  await verifier.verify(basic('john:secret'), input());
  await world.setUsers([{ name: 'john', groups: ['admins', 'dev'], disabled: true }]);
  t.strictSame(await verifier.verify(basic('john:secret'), input()), invalid('invalid_credentials'), 'disabled: refused');
  await world.setUsers([{ name: 'john', groups: ['dev'] }]);
  const checks = counter.checks;
  t.match(await verifier.verify(basic('john:secret'), input()), { kind: 'authenticated', identity: { groups: ['dev'] } }, 'fresh groups');
  t.equal(counter.checks, checks + 1, 'a reload (new version) re-checks the password, which may have changed');
});

t.test('cache: a ban placed here drops the user’s cached credentials', async (t) => {
  const { verifier } = await setUp(t);
  t.equal((await verifier.verify(basic('john:secret'), input())).kind, 'authenticated');
  for (let i = 1; i <= 3; i++) await verifier.verify(basic('john:wrong'), input({ nowMs: NOW_MS + i }));
  t.strictSame(await verifier.verify(basic('john:secret'), input({ nowMs: NOW_MS + 4 })), invalid('banned'));
});

t.test('cache: maxEntries 0 disables it', async (t) => {
  const { verifier, counter } = await setUp(t, { cache: { ttlSeconds: 60, maxEntries: 0 } });
  await verifier.verify(basic('john:secret'), input());
  await verifier.verify(basic('john:secret'), input());
  t.equal(counter.checks, 2);
});

t.test('storage down (regulation cannot be read) → unavailable, never a pass', async (t) => {
  const { verifier, world } = await setUp(t);
  await world.storage.close();
  t.strictSame(await verifier.verify(basic('john:secret'), input()), { kind: 'unavailable', reason: 'the credentials could not be checked' });
});
