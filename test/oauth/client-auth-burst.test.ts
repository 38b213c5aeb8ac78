/**
 * A client's burst at a cold secret cache under `regulation` (issue #14's bench found it: the first
 * 160 of 32-connection client_credentials requests were refused): equal presentations in flight are
 * one guess — one reservation, one digest check, one verdict shared — while different guesses
 * racing are still each reserved and bounded by max_retries (RFC 6749 §2.3.1 and §5.2 invalid_client).
 * Real services over SQLite, a fixed clock, a counting, slow secret verifier.
 */
import t from 'tap';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { RegulationSettings } from '../../src/authn/regulation.js';
import { parseConfig, type OidcConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/observability/log.js';
import type { SecretVerifier } from '../../src/oauth/secret-cache.js';
import { createOAuthServices } from '../../src/oauth/services.js';
import { openStorage } from '../../src/storage/index.js';
import { fixedClock } from '../../src/util/clock.js';

const NOW_MS = 1_700_000_000_000;
const SETTINGS: RegulationSettings = { max_retries: 3, find_time: 120, ban_time: 300, modes: ['user'] };
const BURST = 32;

const storage = await openStorage({ local: { path: join(t.testdir({}), 'burst.sqlite3') }, encryption_key: 'a-client-auth-burst-test-encryption-key' }, { logger: silentLogger });
t.teardown(() => storage.close());

function oidcConfig(): OidcConfig {
  const { config } = parseConfig(stringify({
    storage: { local: { path: '/tmp/gatehouse-unused.sqlite3' } },
    identity_providers: { oidc: { issuer: 'https://auth.example.com', clients: [
      { client_id: 'app', client_secret: '$plaintext$right-secret', redirect_uris: ['https://a.example.com/cb'] },
    ] } },
  }), { env: {}, nowMs: NOW_MS });
  return config.identity_providers!.oidc!;
}

const basic = (id: string, secret: string) => ({
  authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
  params: new URLSearchParams('grant_type=client_credentials'),
});

let hour = 0;
/** Services on their own hour of the shared storage; each digest check takes 20 ms, so a burst overlaps it. */
function world(settings: Partial<RegulationSettings> = {}) {
  const clock = fixedClock(NOW_MS + hour++ * 3_600_000);
  let verified = 0;
  let bans = 0;
  const verify: SecretVerifier = async (digest, secret) => {
    verified++;
    await new Promise((resolve) => setTimeout(resolve, 20));
    return digest.verify(secret);
  };
  const services = createOAuthServices({
    config: oidcConfig(),
    logger: silentLogger,
    clock,
    secretCache: { verify, ttlSeconds: 3600 },
    regulation: { settings: { ...SETTINGS, ...settings }, authLog: storage.authLog, onBan: () => bans++ },
  });
  const burst = (secret: string, n = BURST) => Promise.allSettled(Array.from({ length: n }, () => services.authenticateClient(basic('app', secret), '198.51.100.7')));
  return { services, burst, verified: () => verified, bans: () => bans };
}

const errorOf = (r: PromiseSettledResult<unknown>): string | undefined => (r.status === 'rejected' ? (r.reason as { error?: string }).error : undefined);

t.test('RFC 6749 §2.3.1: 32 requests with the right secret at a cold cache all authenticate, with one digest check and no ban', async (t) => {
  const w = world();
  const results = await w.burst('right-secret');
  t.strictSame(results.map((r) => r.status), Array(BURST).fill('fulfilled'), 'none refused as a wrong secret');
  t.equal(w.verified(), 1, 'one verification, shared');
  t.equal(w.bans(), 0);
  t.ok(await w.services.authenticateClient(basic('app', 'right-secret'), '198.51.100.7'), 'and the next one from the cache');
  t.equal(w.verified(), 1);
});

t.test('RFC 6749 §5.2: 32 equal wrong guesses are one guess: all invalid_client, one check, one count, no ban', async (t) => {
  const w = world();
  const results = await w.burst('wrong-secret');
  t.strictSame(results.map(errorOf), Array(BURST).fill('invalid_client'));
  t.equal(w.verified(), 1, 'the guess was checked once');
  t.equal(w.bans(), 0, 'one failure of max_retries 3: not banned');
  t.ok(await w.services.authenticateClient(basic('app', 'right-secret'), '198.51.100.7'), 'the client that holds its secret is not locked out by a repeated guess');
});

t.test('RFC 6749 §5.2: different wrong guesses racing are still each reserved: at most max_retries checked, then a ban', async (t) => {
  const w = world();
  const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => w.services.authenticateClient(basic('app', `guess-${i}`), '198.51.100.7')));
  t.strictSame(results.map(errorOf), Array(10).fill('invalid_client'));
  t.ok(w.verified() <= SETTINGS.max_retries, `${w.verified()} of 10 guesses checked`);
  t.equal(w.bans(), 1);
  const rightDuringBan = await w.burst('right-secret', 4);
  t.strictSame(rightDuringBan.map(errorOf), Array(4).fill('invalid_client'), 'banned: the right secret gets the wrong secret’s answer, shared or not');
});

t.test('mode ip: equal presentations share a verdict only from the same address; a banned address does not refuse another', async (t) => {
  const w = world({ modes: ['ip'] });
  const banned = '192.0.2.66';
  for (let i = 0; i < 3; i++) await t.rejects(w.services.authenticateClient(basic('app', `guess-${i}`), banned), { error: 'invalid_client' } as unknown as Error);
  t.equal(w.bans(), 1, 'the address is banned');
  const [fromBanned, fromElsewhere] = await Promise.allSettled([
    w.services.authenticateClient(basic('app', 'right-secret'), banned),
    w.services.authenticateClient(basic('app', 'right-secret'), '198.51.100.8'),
  ]);
  t.equal(errorOf(fromBanned), 'invalid_client', 'the banned address is refused');
  t.equal(fromElsewhere.status, 'fulfilled', 'the same secret at the same moment from another address is its own guess, and accepted');
});
