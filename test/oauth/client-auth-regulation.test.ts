/**
 * Client authentication regulated like sign-ins (issue #11): failed client authentications are
 * counted per client_id (mode user) and per source address (mode ip); after max_retries the right
 * secret is refused too, with the wrong secret's answer and without verifying anything, until
 * ban_time passes. Real services over real storage (SQLite and PostgreSQL), a fixed clock, a
 * counting secret verifier; then the real token endpoint and its metric.
 */
import t, { type Test } from 'tap';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { parseConfig, type OidcConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/observability/log.js';
import { OAuthError } from '../../src/oauth/errors.js';
import type { SecretVerifier } from '../../src/oauth/secret-cache.js';
import { createOAuthServices } from '../../src/oauth/services.js';
import type { RegulationSettings } from '../../src/authn/regulation.js';
import { openStorage, type Storage, type StorageConfig } from '../../src/storage/index.js';
import { fixedClock } from '../../src/util/clock.js';
import { randomSchema, startPostgres } from '../helpers/postgres.js';
import { CLIENT_SECRET, startOidcServer } from '../helpers/oidc-fixtures.js';

const NOW_MS = 1_700_000_000_000;
const SECOND = 1000;
const KEY = 'a-client-auth-regulation-test-encryption-key';
const SETTINGS: RegulationSettings = { max_retries: 3, find_time: 120, ban_time: 300, modes: ['user'] };
const IP = '198.51.100.20';
/** The answer a wrong secret gets (src/oauth/client-auth/failure.ts), Basic challenge included. */
const WRONG_SECRET = {
  error: 'invalid_client',
  description: 'Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).',
  status: 401,
  headers: { 'WWW-Authenticate': 'Basic realm="gatehouse"' },
};

function oidcConfig(): OidcConfig {
  const { config } = parseConfig(stringify({
    storage: { local: { path: '/tmp/gatehouse-unused.sqlite3' } },
    identity_providers: { oidc: { issuer: 'https://auth.example.com', clients: [
      { client_id: 'app', client_secret: '$plaintext$right-secret', redirect_uris: ['https://a.example.com/cb'] },
      { client_id: 'other', client_secret: '$plaintext$other-secret', redirect_uris: ['https://a.example.com/cb'] },
      { client_id: 'spa', public: true, redirect_uris: ['https://a.example.com/cb'] },
    ] } },
  }), { env: {}, nowMs: NOW_MS });
  return config.identity_providers!.oidc!;
}

const basic = (id: string, secret: string) => ({
  authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
  params: new URLSearchParams('grant_type=client_credentials'),
});
const post = (id: string, secret: string) => ({ authorization: undefined, params: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret }) });

/** tap's typings want an Error-shaped pattern; the match is by fields. */
const like = (pattern: object): Error => pattern as Error;

/** Each test starts its own hour on the one storage, so no test's attempts fall inside another's window. */
let hour = 0;

function world(storage: Storage, settings: Partial<RegulationSettings> = {}) {
  const startMs = NOW_MS + hour++ * 3_600_000;
  const clock = fixedClock(startMs);
  let verified = 0;
  let bans = 0;
  const verify: SecretVerifier = async (digest, secret) => {
    verified++;
    return digest.verify(secret);
  };
  const services = createOAuthServices({
    config: oidcConfig(),
    logger: silentLogger,
    clock,
    // An hour: every use in a test is remembered (the cache runs on its own monotonic clock).
    secretCache: { verify, ttlSeconds: 3600 },
    regulation: { settings: { ...SETTINGS, ...settings }, authLog: storage.authLog, onBan: () => bans++ },
  });
  return { clock, startMs, services, verified: () => verified, bans: () => bans };
}

function suite(t: Test, engine: string, open: () => Promise<Storage>): void {
  let storage!: Storage;
  t.before(async () => {
    storage = await open();
  });
  t.teardown(() => storage?.close());

  t.test(`${engine}: after max_retries wrong secrets the right secret is refused too, unverified, until ban_time passes`, async (t) => {
    const w = world(storage);
    for (let i = 0; i < 3; i++) await t.rejects(w.services.authenticateClient(basic('app', `wrong-${i}`), IP), like(WRONG_SECRET), `wrong secret ${i + 1}`);
    t.equal(w.verified(), 3);
    t.equal(w.bans(), 1, 'one ban: gatehouse_client_auth_bans_total + 1');
    w.clock.advance(SECOND);
    await t.rejects(w.services.authenticateClient(basic('app', 'right-secret'), '203.0.113.1'), like(WRONG_SECRET), 'the right secret, from anywhere: the wrong secret\'s answer');
    await t.rejects(w.services.authenticateClient(post('app', 'right-secret'), IP), like({ ...WRONG_SECRET, headers: {} }), 'client_secret_post: no Basic challenge, as for a wrong secret');
    t.equal(w.verified(), 3, 'nothing verified while banned');
    t.same(await w.services.authenticateClient(basic('other', 'other-secret'), IP), { client: w.services.clients.get('other'), method: 'client_secret_basic' }, 'mode user: another client from the same address is not banned');
    t.not(await storage.authLog.activeBan('client', 'app', w.clock.nowMs()), null);
    t.equal(await storage.authLog.activeBan('user', 'app', w.clock.nowMs()), null, 'a client ban is not a ban on a person of that name');

    w.clock.set(w.startMs + 300 * SECOND);
    t.same(await w.services.authenticateClient(basic('app', 'right-secret'), IP), { client: w.services.clients.get('app'), method: 'client_secret_basic' }, 'free once ban_time has passed');
    t.equal(w.bans(), 1);
  });

  t.test(`${engine}: mode ip bans the address across client_ids, and only it`, async (t) => {
    const w = world(storage, { modes: ['ip'] });
    const prober = '192.0.2.200';
    await t.rejects(w.services.authenticateClient(basic('app', 'guess'), prober), like(WRONG_SECRET));
    await t.rejects(w.services.authenticateClient(basic('other', 'guess'), prober), like(WRONG_SECRET));
    await t.rejects(w.services.authenticateClient(basic('nobody', 'guess'), prober), like(WRONG_SECRET), 'an unknown client_id counts too');
    t.equal(w.bans(), 1);
    const before = w.verified();
    await t.rejects(w.services.authenticateClient(basic('other', 'other-secret'), prober), like(WRONG_SECRET), 'the address is banned for every client');
    t.equal(w.verified(), before, 'unverified');
    t.ok(await w.services.authenticateClient(basic('app', 'right-secret'), '192.0.2.201'), 'the client itself, from elsewhere, is not');
    t.not(await storage.authLog.activeBan('client_ip', prober, w.clock.nowMs()), null);
    t.equal(await storage.authLog.activeBan('ip', prober, w.clock.nowMs()), null, 'people signing in from that address are not banned');
  });

  t.test(`${engine}: a success resets the client_id's count, not the address's; malformed requests are not counted`, async (t) => {
    const w = world(storage, { modes: ['user'] });
    const ip = '192.0.2.210';
    for (let round = 0; round < 3; round++) {
      await t.rejects(w.services.authenticateClient(basic('other', 'guess-a'), ip), like(WRONG_SECRET));
      await t.rejects(w.services.authenticateClient(basic('other', 'guess-b'), ip), like(WRONG_SECRET));
      // Not remembered (as once the secret cache's TTL has passed): verified, and the success is logged.
      w.services.secrets.clear();
      t.ok(await w.services.authenticateClient(basic('other', 'other-secret'), ip));
    }
    t.equal(w.bans(), 0, 'mode user: two failures between successes never ban');
    const byIp = world(storage, { modes: ['ip'] });
    const sprayer = '192.0.2.211';
    await t.rejects(byIp.services.authenticateClient(basic('other', 'guess-a'), sprayer), like(WRONG_SECRET));
    await t.rejects(byIp.services.authenticateClient(basic('app', 'guess-b'), sprayer), like(WRONG_SECRET));
    t.ok(await byIp.services.authenticateClient(basic('other', 'other-secret'), sprayer), 'a success of its own in between');
    await t.rejects(byIp.services.authenticateClient(basic('app', 'guess-c'), sprayer), like(WRONG_SECRET));
    t.equal(byIp.bans(), 1, 'mode ip: the success did not reset the address: its third failure bans it');
    const twoMethods = { authorization: basic('other', 'x').authorization, params: new URLSearchParams({ client_id: 'other', client_secret: 'y' }) };
    for (let i = 0; i < 5; i++) await t.rejects(w.services.authenticateClient(twoMethods, ip), like({ error: 'invalid_request' }));
    t.equal(w.bans(), 0, 'invalid_request is no verdict on a secret');
    t.ok(await w.services.authenticateClient({ authorization: undefined, params: new URLSearchParams('client_id=spa') }, ip), 'a public client (none) still authenticates');
  });

  t.test(`${engine}: a remembered secret and a public client are answered without the reservation's writes; a ban refuses a remembered secret too (no right/wrong oracle while banned)`, async (t) => {
    const writes = { reserve: 0, settle: 0 };
    const authLog = {
      ...storage.authLog,
      reserveAttempt: (...a: Parameters<Storage['authLog']['reserveAttempt']>) => (writes.reserve++, storage.authLog.reserveAttempt(...a)),
      settleAttempt: (...a: Parameters<Storage['authLog']['settleAttempt']>) => (writes.settle++, storage.authLog.settleAttempt(...a)),
    };
    const w = world({ ...storage, authLog });
    t.ok(await w.services.authenticateClient(basic('app', 'right-secret'), IP), 'first use: verified, regulated');
    t.same(writes, { reserve: 1, settle: 1 });
    for (let i = 0; i < 20; i++) await w.services.authenticateClient(basic('app', 'right-secret'), IP);
    t.same(writes, { reserve: 1, settle: 1 }, '20 more uses of the remembered secret: no reservation, no settlement');
    t.equal(w.verified(), 1, 'and no digest checked');
    t.ok(await w.services.authenticateClient({ authorization: undefined, params: new URLSearchParams('client_id=spa') }, IP), 'a public client (none)');
    t.same(writes, { reserve: 1, settle: 1 }, 'none: nothing to guess, nothing written');
    for (let i = 0; i < 3; i++) await t.rejects(w.services.authenticateClient(basic('app', `guess-${i}`), IP), like(WRONG_SECRET));
    t.equal(w.bans(), 1, 'guesses are regulated as before: banned');
    await t.rejects(w.services.authenticateClient(basic('app', 'guess-4'), IP), like(WRONG_SECRET), 'a further guess is refused unverified');
    t.equal(w.verified(), 4);
    await t.rejects(
      w.services.authenticateClient(basic('app', 'right-secret'), IP),
      like(WRONG_SECRET),
      'banned: the remembered secret gets the answer a wrong guess gets, so a banned guesser cannot tell a right guess by its 200',
    );
    t.equal(w.verified(), 4, 'unverified');
    t.ok(await w.services.authenticateClient({ authorization: undefined, params: new URLSearchParams('client_id=spa') }, IP), 'mode user: another client (none) is not banned');
    w.clock.advance(300 * SECOND);
    t.ok(await w.services.authenticateClient(basic('app', 'right-secret'), IP), 'once ban_time has passed, the remembered secret works again');
    t.equal(w.verified(), 4, 'from the cache');
    t.same(writes, { reserve: 5, settle: 4 }, 'a refused reservation is not settled; the remembered secret reserved nothing');
  });

  t.test(`${engine}: 100 racing wrong secrets verify max_retries and ban once`, async (t) => {
    const w = world(storage);
    const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => w.services.authenticateClient(basic('app', `race-${i}`), `192.0.2.${i}`)));
    t.ok(results.every((r) => r.status === 'rejected' && r.reason instanceof OAuthError && r.reason.error === 'invalid_client'), 'every answer is invalid_client');
    t.comment(`${engine}: 100 parallel wrong client secrets → ${w.verified()} verified, ${w.bans()} ban(s)`);
    t.equal(w.verified(), 3);
    t.equal(w.bans(), 1);
  });
}

t.test('sqlite', async (t) => {
  const dir = t.testdir({});
  suite(t, 'sqlite', () => openStorage({ local: { path: join(dir, 'db.sqlite3') }, encryption_key: KEY }, { logger: silentLogger }));
});

t.test('postgres', async (t) => {
  const server = await startPostgres();
  t.teardown(() => server.stop());
  const config: StorageConfig = {
    postgres: { host: server.host, port: server.port, database: server.database, schema: randomSchema('clientauth'), username: server.user, password: server.password, timeout: 10 },
    encryption_key: KEY,
  };
  suite(t, 'postgres', () => openStorage(config, { logger: silentLogger }));
});

t.test('token endpoint: a banned client is answered 401 invalid_client, and the ban is counted in gatehouse_client_auth_bans_total', async (t) => {
  const clock = fixedClock(Date.now());
  const server = await startOidcServer(t, { clock });
  const token = (secret: string) =>
    fetch(`${server.url}/api/oidc/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`app:${secret}`).toString('base64')}` },
      body: 'grant_type=client_credentials',
    });
  const answerOf = async (response: Response) => ({ status: response.status, challenge: response.headers.get('www-authenticate'), body: await response.json() });
  const wrong = [];
  for (let i = 0; i < 3; i++) wrong.push(await answerOf(await token(`wrong-${i}`)));
  // RFC 6749 §5.2's general wording: the same for a wrong secret, an unknown client and a ban.
  t.same(wrong[0], {
    status: 401,
    challenge: 'Basic realm="gatehouse"',
    body: { error: 'invalid_client', error_description: 'Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).' },
  });
  t.same(await answerOf(await token(CLIENT_SECRET)), wrong[0], 'the right secret, while banned: exactly a wrong secret\'s answer');
  const metrics = await server.app.context.metrics.registry.getSingleMetricAsString('gatehouse_client_auth_bans_total');
  t.match(metrics, /^gatehouse_client_auth_bans_total 1$/m);
  clock.advance(300 * SECOND);
  t.not((await token(CLIENT_SECRET)).status, 401, 'free after ban_time');
});
