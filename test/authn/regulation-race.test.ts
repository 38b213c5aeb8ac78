/**
 * Issue #11: 200 wrong passwords for one user, all at once, with `max_retries: 3`. Before the
 * reservation, 66 passwords were verified and 64 duplicate bans written. Now, on SQLite, on
 * PostgreSQL, and on two Gatehouse instances sharing one PostgreSQL database: at most max_retries
 * verifications (counted by a wrapping users backend over the real file backend), exactly one ban.
 */
import t, { type Test } from 'tap';
import { join } from 'node:path';
import { silentLogger } from '../../src/observability/log.js';
import { checkFirstFactor, createRegulator, type RegulationSettings, type Regulator } from '../../src/authn/regulation.js';
import { openStorage, type Storage, type StorageConfig } from '../../src/storage/index.js';
import { openFileBackend } from '../../src/users/file-backend.js';
import type { UsersBackend } from '../../src/users/user.js';
import { randomSchema, startPostgres } from '../helpers/postgres.js';
import { NOW_MS, usersYaml } from './session/fixtures.js';

const SETTINGS: RegulationSettings = { max_retries: 3, find_time: 120, ban_time: 300, modes: ['user'] };
const ATTEMPTS = 200;
const KEY = 'a-regulation-race-test-encryption-key';
const NO_DELAY = { minimumMs: 0, jitterMs: 0 };

/** One Gatehouse's view: its own storage connection(s), users backend and regulator. */
interface Instance {
  storage: Storage;
  users: UsersBackend;
  regulator: Regulator;
  /** Passwords this instance verified. */
  verified: () => number;
  /** Bans this instance reported (what feeds gatehouse_regulation_bans_total). */
  bans: () => number;
}

async function openInstance(t: Test, config: StorageConfig, usersPath: string): Promise<Instance> {
  const storage = await openStorage(config, { logger: silentLogger });
  const backend = await openFileBackend({ path: usersPath, watch: false, logger: silentLogger });
  t.teardown(async () => {
    backend.close();
    await storage.close();
  });
  let verified = 0;
  let bans = 0;
  const users: UsersBackend = {
    peek: (username) => backend.peek(username),
    lookup: (username) => backend.lookup(username),
    checkPassword: async (username, password) => {
      verified++;
      return backend.checkPassword(username, password);
    },
    get version() { return backend.version; },
    close: () => undefined,
  };
  const regulator = createRegulator(SETTINGS, { authLog: storage.authLog, logger: silentLogger, onBan: () => bans++ });
  return { storage, users, regulator, verified: () => verified, bans: () => bans };
}

/** Fires ATTEMPTS wrong passwords for john at once, spread over the instances, from many addresses. */
async function race(t: Test, engine: string, instances: Instance[]): Promise<void> {
  const outcomes = await Promise.all(
    Array.from({ length: ATTEMPTS }, (_, i) => {
      const at = instances[i % instances.length];
      return checkFirstFactor({ username: 'john', password: `guess-${i}`, ip: `192.0.2.${i % 250}`, nowMs: NOW_MS }, { users: at.users, regulator: at.regulator, timing: NO_DELAY });
    }),
  );
  const verified = instances.reduce((n, i) => n + i.verified(), 0);
  const bans = instances.reduce((n, i) => n + i.bans(), 0);
  t.comment(`${engine}: ${ATTEMPTS} parallel wrong passwords → ${verified} verified, ${bans} ban(s)`);
  t.equal(verified, SETTINGS.max_retries, 'max_retries passwords verified, no more');
  t.equal(outcomes.filter((o) => !o.ok && o.reason === 'invalid_credentials').length, verified, 'each verified guess answers invalid_credentials');
  t.equal(outcomes.filter((o) => !o.ok && o.reason === 'banned').length, ATTEMPTS - verified, 'every other attempt is refused unchecked');
  t.equal(bans, 1, 'one ban reported: gatehouse_regulation_bans_total + 1');
  const { storage } = instances[0];
  t.equal(await storage.authLog.countFailures({ username: 'john', sinceMs: 0 }), SETTINGS.max_retries, 'only the verified attempts are logged');
  t.same(await storage.authLog.activeBan('user', 'john', NOW_MS), { expires_at_ms: NOW_MS + SETTINGS.ban_time * 1000, reason: 'too many failed authentication attempts' });

  const right = await checkFirstFactor({ username: 'john', password: 'secret', ip: '192.0.2.1', nowMs: NOW_MS + 1000 }, { users: instances[0].users, regulator: instances[0].regulator, timing: NO_DELAY });
  t.same(right, { ok: false, reason: 'banned' }, 'the right password is refused while banned');
  t.equal(instances.reduce((n, i) => n + i.verified(), 0), verified, '…without being verified');
  const later = await checkFirstFactor({ username: 'john', password: 'secret', ip: '192.0.2.1', nowMs: NOW_MS + SETTINGS.ban_time * 1000 }, { users: instances[0].users, regulator: instances[0].regulator, timing: NO_DELAY });
  t.equal(later.ok, true, 'and accepted once ban_time has passed');
}

t.test('sqlite: 200 parallel wrong passwords for one user verify max_retries and ban once', async (t) => {
  const dir = t.testdir({ 'users.yml': usersYaml([{ name: 'john' }]) });
  const instance = await openInstance(t, { local: { path: join(dir, 'db.sqlite3') }, encryption_key: KEY }, join(dir, 'users.yml'));
  await race(t, 'sqlite', [instance]);
});

t.test('postgres', async (t) => {
  const server = await startPostgres();
  t.teardown(() => server.stop());
  const postgresAt = (schema: string): StorageConfig => ({
    postgres: { host: server.host, port: server.port, database: server.database, schema, username: server.user, password: server.password, timeout: 30 },
    encryption_key: KEY,
  });

  await t.test('one instance: 200 parallel wrong passwords verify max_retries and ban once', async (t) => {
    const dir = t.testdir({ 'users.yml': usersYaml([{ name: 'john' }]) });
    await race(t, 'postgres', [await openInstance(t, postgresAt(randomSchema('race')), join(dir, 'users.yml'))]);
  });

  await t.test('two instances sharing one database: still max_retries verifications and one ban in all', async (t) => {
    const dir = t.testdir({ 'users.yml': usersYaml([{ name: 'john' }]) });
    const schema = randomSchema('race2');
    const first = await openInstance(t, postgresAt(schema), join(dir, 'users.yml'));
    const second = await openInstance(t, postgresAt(schema), join(dir, 'users.yml'));
    await race(t, 'postgres, two instances', [first, second]);
  });
});
