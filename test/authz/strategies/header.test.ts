/**
 * HeaderAuthorization / HeaderProxyAuthorization: reading the credentials (RFC 7235 §2.1) and
 * dispatching by scheme to the real bearer and basic verifiers; absent moves on, invalid stops
 * the chain with 401 WWW-Authenticate or 407 Proxy-Authenticate (RFC 7235 §3.1, §3.2).
 */
import t, { type Test } from 'tap';
import { createIntrospectionCache, createLocalIntrospection, IntrospectionUnavailable } from '../../../src/authz/introspection-cache.js';
import { createBasicVerifier } from '../../../src/authz/strategies/basic.js';
import { createBearerVerifier } from '../../../src/authz/strategies/bearer.js';
import { createHeaderStrategy, type HeaderStrategyOptions, type StrategyInput } from '../../../src/authz/strategies/index.js';
import { silentLogger } from '../../../src/observability/log.js';
import { createRegulator } from '../../../src/authn/regulation.js';
import { ISSUER, NOW_MS, openWorld, TARGET } from './fixtures.js';

async function setUp(t: Test) {
  const world = await openWorld(t);
  const cache = createIntrospectionCache(createLocalIntrospection(world), {
    maxTtlSeconds: 300, negativeTtlSeconds: 10, maxEntries: 100, keyOf: (token) => world.tokens.signatureOf(token, 'at'),
  });
  const bearer = createBearerVerifier({ introspection: cache, clients: world.clients, users: world.users, realm: ISSUER, debugMessages: false, logger: silentLogger });
  const regulator = createRegulator({ max_retries: 3, find_time: 120, ban_time: 300, modes: ['user'] }, { authLog: world.storage.authLog, logger: silentLogger });
  const basic = createBasicVerifier({ users: world.users, regulator, logger: silentLogger, timing: { minimumMs: 0, jitterMs: 0 } });
  const { token } = await world.seed();
  const strategy = (opts: Omit<HeaderStrategyOptions, 'bearer' | 'basic'>) => createHeaderStrategy({ ...opts, bearer, basic });
  return { token, strategy };
}

const request = (headers: Record<string, string>): StrategyInput => ({
  header: (name) => headers[name.toLowerCase()],
  target: TARGET,
  clientIp: '192.0.2.1',
  nowMs: NOW_MS,
});
const BASIC_JOHN = `Basic ${Buffer.from('john:secret').toString('base64')}`;

t.test('dispatch by scheme (case-insensitive); a scheme not accepted or no header is absent', async (t) => {
  const { token, strategy } = await setUp(t);
  const bearerOnly = strategy({ header: 'authorization', schemes: ['Bearer'] });
  const both = strategy({ header: 'authorization', schemes: ['Basic', 'Bearer'] });
  const cases: Array<[string, typeof both, Record<string, string>, string, string?]> = [
    ['Bearer accepted', bearerOnly, { authorization: `Bearer ${token}` }, 'authenticated', 'bearer'],
    ['scheme is case-insensitive', bearerOnly, { authorization: `bEaReR ${token}` }, 'authenticated', 'bearer'],
    ['Basic not accepted by a Bearer-only strategy → absent', bearerOnly, { authorization: BASIC_JOHN }, 'absent'],
    ['Basic accepted when listed', both, { authorization: BASIC_JOHN }, 'authenticated', 'basic'],
    ['an unknown scheme → absent', both, { authorization: 'Token abc' }, 'absent'],
    ['no header → absent', both, {}, 'absent'],
    ['the other header is not read', both, { 'proxy-authorization': `Bearer ${token}` }, 'absent'],
  ];
  for (const [rule, s, headers, kind, via] of cases) {
    const result = await s.authenticate(request(headers));
    t.equal(result.kind, kind, rule);
    if (via !== undefined) t.match(result, { identity: { strategy: via } }, `${rule}: via ${via}`);
  }
  t.equal(bearerOnly.name, 'bearer');
});

t.test('invalid stops the chain: 401 WWW-Authenticate for Authorization, 407 Proxy-Authenticate for Proxy-Authorization', async (t) => {
  const { strategy } = await setUp(t);
  const cases: Array<[HeaderStrategyOptions['header'], string, unknown]> = [
    ['authorization', 'Bearer not-ours', { kind: 'invalid', status: 401, challengeHeader: 'WWW-Authenticate', wwwAuthenticate: `Bearer realm="${ISSUER}", error="invalid_token"`, reason: 'inactive' }],
    ['authorization', 'Bearer', { kind: 'invalid', status: 401, challengeHeader: 'WWW-Authenticate', wwwAuthenticate: `Bearer realm="${ISSUER}", error="invalid_token"`, reason: 'malformed' }],
    ['proxy-authorization', 'Bearer not-ours', { kind: 'invalid', status: 407, challengeHeader: 'Proxy-Authenticate', wwwAuthenticate: `Bearer realm="${ISSUER}", error="invalid_token"`, reason: 'inactive' }],
    ['proxy-authorization', `Basic ${Buffer.from('john:wrong').toString('base64')}`, { kind: 'invalid', status: 407, challengeHeader: 'Proxy-Authenticate', wwwAuthenticate: 'Basic realm="Gatehouse"', reason: 'invalid_credentials' }],
  ];
  for (const [header, value, expected] of cases) {
    const s = strategy({ header, schemes: ['Basic', 'Bearer'] });
    t.strictSame(await s.authenticate(request({ [header]: value })), expected, `${header}: ${value}`);
  }
});

t.test('unavailable → 503', async (t) => {
  const down = createBearerVerifier({
    introspection: { peek: () => undefined, lookup: () => Promise.reject(new IntrospectionUnavailable('the introspection endpoint answered 502')) },
    clients: null, users: null, realm: ISSUER, debugMessages: false, logger: silentLogger,
  });
  const s = createHeaderStrategy({ header: 'authorization', schemes: ['Bearer'], bearer: down });
  t.strictSame(await s.authenticate(request({ authorization: 'Bearer abc' })), { kind: 'unavailable', status: 503, reason: 'the introspection endpoint answered 502' });
});

t.test('a scheme listed without its verifier is a wiring error at start-up', async (t) => {
  t.throws(() => createHeaderStrategy({ header: 'authorization', schemes: ['Basic'] }), new Error('createHeaderStrategy: scheme Basic is accepted but has no verifier'));
});
