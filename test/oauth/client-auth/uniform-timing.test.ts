/**
 * RFC 6749 §10 / RFC 6819 §5.1.4.2.2: client authentication must not tell a prober which client ids
 * exist. Every failure after a secret was presented verifies one digest of the configured kind, so an
 * unknown client, an empty secret and a public client presenting a secret cost what a known client's
 * wrong secret costs. And when the verification queue is full, every one of them is the same 503.
 */
import t from 'tap';
import { stringify } from 'yaml';
import type { OidcClientConfig } from '../../../src/config/index.js';
import { parseConfig } from '../../../src/config/index.js';
import { hashPassword, HashVerificationBusyError } from '../../../src/crypto/password-hash/index.js';
import { authenticateClient, type ClientAuthRequest } from '../../../src/oauth/client-auth/index.js';
import { createClientRegistry } from '../../../src/oauth/clients.js';
import { createSecretCache, type SecretVerifier } from '../../../src/oauth/secret-cache.js';

function clientsOf(clients: Record<string, unknown>[]): readonly OidcClientConfig[] {
  const { config } = parseConfig(stringify({
    storage: { local: { path: '/tmp/gatehouse-unused.sqlite3' } },
    identity_providers: { oidc: { issuer: 'https://auth.example.com', clients } },
  }), { env: {}, nowMs: Date.now() });
  return config.identity_providers!.oidc!.clients;
}

const SECRET = 'the-right-secret-0123456789';
// A real digest of moderate cost (tens of ms): the signal must dominate scheduling noise.
const digest = await hashPassword(SECRET, { algorithm: 'pbkdf2', variant: 'sha512', iterations: 60000 });
const clients = createClientRegistry(clientsOf([
  { client_id: 'app', client_secret: digest, redirect_uris: ['https://a.example.com/cb'] },
  { client_id: 'spa', public: true, redirect_uris: ['https://a.example.com/cb'] },
]));

const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
const requestOf = (id: string, secret: string): ClientAuthRequest => ({ authorization: basic(id, secret), params: new URLSearchParams('grant_type=client_credentials') });

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Wall-clock milliseconds of one failed authentication. */
async function timeFailure(deps: Parameters<typeof authenticateClient>[0], request: ClientAuthRequest): Promise<number> {
  const started = process.hrtime.bigint();
  await authenticateClient(deps, request).catch(() => undefined);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

t.test('an unknown client costs the same time as a known client with a wrong secret (medians of 30 within 10 %)', async (t) => {
  const deps = { clients, secrets: createSecretCache() };
  // The right secret once, so the known client's cache holds a success: a wrong secret must still pay.
  await authenticateClient(deps, requestOf('app', SECRET));
  const known = () => requestOf('app', 'a-wrong-secret-0123456789');
  const unknown = () => requestOf('nobody', 'a-wrong-secret-0123456789');
  await timeFailure(deps, known());
  await timeFailure(deps, unknown());
  // The machine is shared (other suites, other work): a measurement that noise spoiled is taken
  // again, up to three times. A real difference (an unknown client answered at once, in well under
  // a millisecond, against tens of ms) fails every one of them.
  const tries: Array<{ known: number; unknown: number }> = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const times = { known: [] as number[], unknown: [] as number[] };
    for (let i = 0; i < 30; i++) {
      // Interleaved, the order alternating, so drift in the machine's load hits both alike.
      if (i % 2) {
        times.known.push(await timeFailure(deps, known()));
        times.unknown.push(await timeFailure(deps, unknown()));
      } else {
        times.unknown.push(await timeFailure(deps, unknown()));
        times.known.push(await timeFailure(deps, known()));
      }
    }
    const measured = { known: median(times.known), unknown: median(times.unknown) };
    tries.push(measured);
    if (measured.known > 5 && Math.abs(measured.unknown - measured.known) <= measured.known * 0.1) break;
  }
  const report = tries.map((m) => `unknown ${m.unknown.toFixed(1)} ms vs known with a wrong secret ${m.known.toFixed(1)} ms`).join('; ');
  const last = tries.at(-1)!;
  t.ok(last.known > 5, `a wrong secret costs a real verification (${report})`);
  t.ok(Math.abs(last.unknown - last.known) <= last.known * 0.1, `medians within 10 % (${report})`);
});

t.test('every failure after a secret was presented verifies exactly one digest of the configured kind', async (t) => {
  const cases: Array<{ rule: string; request: ClientAuthRequest; verified: string[] }> = [
    { rule: 'known client, wrong secret', request: requestOf('app', 'wrong'), verified: ['app\'s digest'] },
    { rule: 'unknown client: the dummy, which is the configured clients\' kind', request: requestOf('nobody', 'wrong'), verified: ['app\'s digest'] },
    { rule: 'known client, empty secret', request: requestOf('app', ''), verified: ['app\'s digest'] },
    { rule: 'unknown client, empty secret', request: requestOf('nobody', ''), verified: ['app\'s digest'] },
    { rule: 'public client presenting a secret', request: requestOf('spa', 'wrong'), verified: ['app\'s digest'] },
    { rule: 'unknown client presenting no secret (none): no digest, as for a known one', request: { authorization: undefined, params: new URLSearchParams('client_id=nobody') }, verified: [] },
  ];
  for (const c of cases) {
    const verified: string[] = [];
    const verify: SecretVerifier = async (digest, secret) => {
      verified.push(digest.encoded === clients.get('app')!.secret!.encoded ? 'app\'s digest' : digest.encoded);
      return digest.verify(secret);
    };
    await t.rejects(authenticateClient({ clients, secrets: createSecretCache({ verify }) }, c.request), { error: 'invalid_client' } as unknown as Error, c.rule);
    t.same(verified, c.verified, c.rule);
  }
});

t.test('a full verification queue is 503 temporarily_unavailable with Retry-After, known or unknown client alike', async (t) => {
  const busy = (): Promise<boolean> => Promise.reject(new HashVerificationBusyError('full'));
  const deps = { clients, secrets: createSecretCache({ verify: busy }) };
  const expected = {
    error: 'temporarily_unavailable',
    description: 'The server is too busy to verify client credentials; try again later.',
    status: 503,
    headers: { 'Retry-After': '1' },
  };
  for (const [rule, request] of [
    ['known client, wrong secret', requestOf('app', 'wrong')],
    ['known client, right secret (not yet cached)', requestOf('app', SECRET)],
    ['unknown client', requestOf('nobody', 'wrong')],
    ['public client presenting a secret', requestOf('spa', 'wrong')],
  ] as const) {
    await t.rejects(authenticateClient(deps, request), expected as unknown as Error, rule);
  }
});

t.test('the dummy is not a way in: an unknown client presenting a real client\'s secret still fails', async (t) => {
  const deps = { clients, secrets: createSecretCache() };
  await t.rejects(authenticateClient(deps, requestOf('nobody', SECRET)), { error: 'invalid_client', status: 401 } as unknown as Error);
  await t.rejects(authenticateClient(deps, requestOf('nobody', SECRET)), { error: 'invalid_client', status: 401 } as unknown as Error, 'twice');
});
