/**
 * Authelia "OAuth 2.0 Bearer Token Usage for Authorization Endpoints": each admission rule, on
 * real tokens in a real SQLite storage, through the local introspection cache.
 */
import t, { type Test } from 'tap';
import { memoryLogger, silentLogger } from '../../../src/observability/log.js';
import { createIntrospectionCache, createLocalIntrospection, IntrospectionUnavailable } from '../../../src/authz/introspection-cache.js';
import { createRevocationBus } from '../../../src/authz/revocation-bus.js';
import { admitBearer, createBearerVerifier, levelFromAmr, type BearerVerifierDeps } from '../../../src/authz/strategies/bearer.js';
import type { StrategyInput } from '../../../src/authz/strategies/types.js';
import { API_AUDIENCE, bearerClient, ISSUER, NOW_MS, openWorld, TARGET, type World } from './fixtures.js';

const input = (over: Partial<StrategyInput> = {}): StrategyInput => ({ header: () => undefined, target: TARGET, clientIp: '192.0.2.1', nowMs: NOW_MS, ...over });
const INVALID = `Bearer realm="${ISSUER}", error="invalid_token"`;

async function setUp(t: Test, over: Partial<BearerVerifierDeps> = {}) {
  const world = await openWorld(t);
  const revocations = createRevocationBus();
  const cache = createIntrospectionCache(createLocalIntrospection(world), {
    maxTtlSeconds: 300,
    negativeTtlSeconds: 10,
    maxEntries: 100,
    keyOf: (token) => world.tokens.signatureOf(token, 'at'),
    revocations,
  });
  t.teardown(() => cache.close());
  const verifier = createBearerVerifier({ introspection: cache, clients: world.clients, users: world.users, realm: ISSUER, debugMessages: false, logger: silentLogger, ...over });
  return { world, cache, revocations, verifier };
}

t.test('a user token with authelia.bearer.authz whose audience covers the target: the user, fresh from the users file', async (t) => {
  const { world, verifier } = await setUp(t);
  const { token } = await world.seed();
  t.strictSame(await verifier.verify(token, input()), {
    kind: 'authenticated',
    identity: {
      subject: { username: 'john', groups: ['admins', 'dev'] },
      level: 'one_factor',
      username: 'john',
      groups: ['admins', 'dev'],
      displayName: 'JOHN',
      email: 'john@example.com',
      strategy: 'bearer',
    },
  });
});

t.test('the level comes from the token amr (RFC 8176): mfa or otp → two_factor', async (t) => {
  const cases: Array<[string[] | undefined, 'one_factor' | 'two_factor']> = [
    [['pwd'], 'one_factor'],
    [['pwd', 'otp', 'mfa'], 'two_factor'],
    [['otp'], 'two_factor'],
    [['mfa'], 'two_factor'],
    [[], 'one_factor'],
    [undefined, 'one_factor'],
  ];
  for (const [amr, level] of cases) t.equal(levelFromAmr(amr), level, `amr ${JSON.stringify(amr)}`);
  const { world, verifier } = await setUp(t);
  const { token } = await world.seed({ amr: ['pwd', 'otp', 'mfa'] });
  t.match(await verifier.verify(token, input()), { kind: 'authenticated', identity: { level: 'two_factor' } }, 'end to end');
});

t.test('client_credentials token: the subject is the client (oauth2:client:<id>), no Remote-User', async (t) => {
  const { world, verifier } = await setUp(t);
  const { token } = await world.seed({ username: null });
  t.strictSame(await verifier.verify(token, input()), {
    kind: 'authenticated',
    identity: { subject: { groups: [], client_id: 'app' }, level: 'one_factor', username: '', groups: [], displayName: '', email: '', strategy: 'bearer' },
  });
});

t.test('admission failures: all the same 401 invalid_token, the precise reason logged at debug', async (t) => {
  const cases: Array<{ rule: string; reason: string; seed?: Parameters<World['seed']>[0]; target?: string; reload?: (w: World) => Promise<void> | void; credentials?: string }> = [
    { rule: 'the token was not granted authelia.bearer.authz', reason: 'missing_scope', seed: { scopes: ['openid'] } },
    { rule: 'the audience does not cover another path', reason: 'audience_mismatch', target: 'https://api.example.com/v2/items' },
    { rule: 'audience match stops at a segment boundary (/v1 does not cover /v1x)', reason: 'audience_mismatch', target: 'https://api.example.com/v1x' },
    { rule: 'the audience does not cover another host', reason: 'audience_mismatch', target: 'https://evil.example.com/v1/items' },
    { rule: 'a token with no audience covers nothing', reason: 'audience_mismatch', seed: { audience: [] } },
    { rule: 'the client was removed from the config', reason: 'client_unknown', reload: (w) => w.setClients([bearerClient({ client_id: 'other' })]) },
    { rule: 'authelia.bearer.authz was removed from the client scopes', reason: 'client_scope_removed', reload: (w) => w.setClients([bearerClient({ scopes: ['openid'] })]) },
    { rule: 'the covering audience was removed from the client', reason: 'client_audience_removed', reload: (w) => w.setClients([bearerClient({ audience: ['https://other.example.com/'] })]) },
    { rule: 'the token expired (storage says inactive)', reason: 'inactive', seed: { expiresAtMs: NOW_MS } },
    { rule: 'the user was deleted', reason: 'user_unknown', reload: (w) => w.setUsers([{ name: 'jane' }]) },
    { rule: 'the user is disabled', reason: 'user_disabled', seed: { username: 'dora' } },
    { rule: 'a forged token (bad HMAC)', reason: 'inactive', credentials: 'gatehouse_at_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    { rule: 'RFC 6750 §2.1: not a b64token', reason: 'malformed', credentials: 'two words' },
    { rule: 'RFC 6750 §2.1: empty credentials', reason: 'malformed', credentials: '' },
  ];
  for (const c of cases) {
    const logger = memoryLogger('debug');
    const { world, verifier } = await setUp(t, { logger });
    const { token } = await world.seed(c.seed);
    await c.reload?.(world);
    const result = await verifier.verify(c.credentials ?? token, input(c.target ? { target: new URL(c.target) } : {}));
    t.strictSame(result, { kind: 'invalid', challenge: INVALID, reason: c.reason }, c.rule);
    t.match(logger.records(), [{ level: 'debug', msg: 'bearer token refused', reason: c.reason }], `${c.rule}: logged`);
  }
});

t.test('enable_client_debug_messages adds error_description to the challenge', async (t) => {
  const { world, verifier } = await setUp(t, { debugMessages: true });
  const { token } = await world.seed({ scopes: ['openid'] });
  t.strictSame(await verifier.verify(token, input()), {
    kind: 'invalid',
    challenge: `Bearer realm="${ISSUER}", error="invalid_token", error_description="The access token was not granted the 'authelia.bearer.authz' scope."`,
    reason: 'missing_scope',
  });
});

t.test('a client or user change applies at once, even to a cached token', async (t) => {
  const { world, cache, verifier } = await setUp(t);
  const { token } = await world.seed();
  t.equal((await verifier.verify(token, input())).kind, 'authenticated');
  t.equal(cache.size, 1, 'cached');
  world.setClients([bearerClient({ scopes: ['openid'] })]);
  t.match(await verifier.verify(token, input()), { kind: 'invalid', reason: 'client_scope_removed' }, 'the registry is read per request, not cached');
  world.setClients([bearerClient()]);
  await world.setUsers([{ name: 'john', disabled: true }]);
  t.match(await verifier.verify(token, input()), { kind: 'invalid', reason: 'user_disabled' }, 'the user is read per request');
});

t.test('RFC 7009: a revoked token is evicted at once through the revocation bus', async (t) => {
  const { world, cache, revocations, verifier } = await setUp(t);
  const { token, signature } = await world.seed();
  t.equal((await verifier.verify(token, input())).kind, 'authenticated');
  await world.storage.tokens.revoke('access_token', signature);
  t.equal((await verifier.verify(token, input())).kind, 'authenticated', 'without the bus, the cache would answer until max_ttl');
  revocations.emit([signature]);
  t.equal(cache.size, 0, 'evicted');
  t.match(await verifier.verify(token, input()), { kind: 'invalid', reason: 'inactive' });
});

t.test('a cached token stops at its exp: the cache entry ends, storage says inactive', async (t) => {
  const { world, verifier } = await setUp(t);
  const { token } = await world.seed({ expiresAtMs: NOW_MS + 60_000 });
  t.equal((await verifier.verify(token, input())).kind, 'authenticated');
  t.equal((await verifier.verify(token, input({ nowMs: NOW_MS + 59_999 }))).kind, 'authenticated');
  t.match(await verifier.verify(token, input({ nowMs: NOW_MS + 60_000 })), { kind: 'invalid', reason: 'inactive' });
});

t.test('admitBearer: exp is checked against now even when the source still says active (remote clock skew)', async (t) => {
  const result = { active: true, client_id: 'app', scope: ['authelia.bearer.authz'], aud: [API_AUDIENCE], exp_ms: NOW_MS, username: null };
  t.strictSame(admitBearer(result, { target: TARGET, nowMs: NOW_MS }, { clients: null, users: null }), { ok: false, failure: 'expired' });
  t.match(admitBearer(result, { target: TARGET, nowMs: NOW_MS - 1 }, { clients: null, users: null }), { ok: true });
});

t.test('remote mode (clients: null, users: null): the OP owns clients, the identity comes from the token', async (t) => {
  const result = { active: true, client_id: 'elsewhere', scope: ['authelia.bearer.authz'], aud: [API_AUDIENCE], username: 'alice', amr: ['mfa'] };
  t.strictSame(admitBearer(result, { target: TARGET, nowMs: NOW_MS }, { clients: null, users: null }), {
    ok: true,
    identity: { subject: { username: 'alice', groups: [] }, level: 'two_factor', username: 'alice', groups: [], displayName: '', email: '', strategy: 'bearer' },
  });
});

t.test('introspection unavailable → unavailable, never a pass', async (t) => {
  const logger = memoryLogger('debug');
  const verifier = createBearerVerifier({
    introspection: { peek: () => undefined, lookup: () => Promise.reject(new IntrospectionUnavailable('the introspection endpoint answered 500')) },
    clients: null,
    users: null,
    realm: ISSUER,
    debugMessages: false,
    logger,
  });
  t.strictSame(await verifier.verify('some-token', input()), { kind: 'unavailable', reason: 'the introspection endpoint answered 500' });
  t.match(logger.records(), [{ level: 'warn', msg: 'bearer token introspection unavailable' }]);
});
