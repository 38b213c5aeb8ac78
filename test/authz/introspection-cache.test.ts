/**
 * The introspection cache: keyed by signature, TTL ≤ exp and ≤ max_ttl, negative caching, bounded
 * entries, one introspection in flight per key, errors never cached, eviction on revocation.
 * The source is a counting wrapper around the real local introspection (real tokens, real SQLite).
 */
import t, { type Test } from 'tap';
import {
  createIntrospectionCache,
  createLocalIntrospection,
  ENTRY_BYTES,
  entrySizeEstimate,
  entryTtlMs,
  grantSizeEstimate,
  IntrospectionUnavailable,
  type IntrospectionCacheOptions,
  type IntrospectionResult,
  type IntrospectionSource,
} from '../../src/authz/introspection-cache.js';
import { createRevocationBus } from '../../src/authz/revocation-bus.js';
import { API_AUDIENCE, NOW_MS, openWorld, type World } from './strategies/fixtures.js';

const SECOND = 1000;

interface Counted extends IntrospectionSource {
  calls: number;
  /** When set, the next calls throw IntrospectionUnavailable. */
  down: boolean;
}

/** The real local source, counted (and switchable off, as a database outage would be). */
function counted(source: IntrospectionSource): Counted {
  const wrapper: Counted = {
    calls: 0,
    down: false,
    async introspect(token, nowMs) {
      wrapper.calls += 1;
      if (wrapper.down) throw new IntrospectionUnavailable('the token storage could not be read');
      return source.introspect(token, nowMs);
    },
  };
  return wrapper;
}

async function setUp(t: Test, over: Partial<IntrospectionCacheOptions> = {}) {
  const world: World = await openWorld(t);
  const source = counted(createLocalIntrospection(world));
  const events = { hit: 0, miss: 0, eviction: 0 };
  const revocations = createRevocationBus();
  const cache = createIntrospectionCache(source, {
    maxTtlSeconds: 300,
    negativeTtlSeconds: 10,
    maxEntries: 100,
    keyOf: (token) => world.tokens.signatureOf(token, 'at'),
    claimedKeyOf: (token) => world.tokens.claimedSignatureOf(token, 'at'),
    metrics: { hit: () => events.hit++, miss: () => events.miss++, eviction: () => events.eviction++ },
    revocations,
    ...over,
  });
  t.teardown(() => cache.close());
  return { world, source, cache, events, revocations };
}

t.test('local introspection: RFC 7662 §2.2 fields from the stored record', async (t) => {
  const { world, source } = await setUp(t);
  const { token } = await world.seed({ amr: ['pwd', 'otp', 'mfa'] });
  t.strictSame(await source.introspect(token, NOW_MS), {
    active: true,
    client_id: 'app',
    scope: ['openid', 'authelia.bearer.authz'],
    aud: [API_AUDIENCE],
    exp_ms: NOW_MS + 3_600_000,
    iat_ms: NOW_MS,
    username: 'john',
    amr: ['pwd', 'otp', 'mfa'],
    sub: 'sub-john',
  });
});

t.test('a hit is the grant the tokens of one grant share, without exp_ms: the entry expires no later than the token', async (t) => {
  const { world, cache } = await setUp(t);
  const a = await world.seed();
  const b = await world.seed();
  const other = await world.seed({ username: 'harry' });
  for (const { token } of [a, b, other]) await cache.lookup(token, NOW_MS);
  const grantA = cache.peek(a.token, NOW_MS);
  t.equal(grantA, cache.peek(b.token, NOW_MS), 'one object for two tokens of one grant');
  t.not(grantA, cache.peek(other.token, NOW_MS), 'another user: another grant');
  t.equal(grantA?.exp_ms, undefined);
  t.ok(Object.isFrozen(grantA));
  t.equal(cache.peek(a.token, NOW_MS + 300 * SECOND), undefined, 'gone at max_ttl');
});

t.test('introspect: the answer with exp and iat in seconds, from the source and then from the cache; null for what is not a key', async (t) => {
  const { world, source, cache } = await setUp(t);
  const { token } = await world.seed({ expiresAtMs: NOW_MS + 3_600_500 });
  const fromSource = await cache.introspect(token, NOW_MS);
  const fromCache = await cache.introspect(token, NOW_MS + 1);
  t.equal(source.calls, 1);
  for (const answer of [fromSource, fromCache]) {
    t.equal(answer?.result.active, true);
    t.equal(answer?.result.sub, 'sub-john');
    t.equal(answer?.exp_s, Math.floor((NOW_MS + 3_600_500) / 1000));
    t.equal(answer?.iat_s, Math.floor(NOW_MS / 1000));
  }
  t.equal(await cache.introspect('gatehouse_rt_not-an-access-token', NOW_MS), null);
  t.strictSame(await cache.introspect(`${token.slice(0, -2)}xx`, NOW_MS), null, 'a forged signature is no key');
});

t.test('entryTtlMs: an active entry lives ≤ exp and ≤ max_ttl; an inactive one negative_ttl', async (t) => {
  const opts = { maxTtlSeconds: 300, negativeTtlSeconds: 10 };
  const cases: Array<[string, IntrospectionResult, number]> = [
    ['exp far away → max_ttl', { active: true, exp_ms: NOW_MS + 3600 * SECOND }, 300 * SECOND],
    ['exp sooner than max_ttl → exp', { active: true, exp_ms: NOW_MS + 42 * SECOND }, 42 * SECOND],
    ['no exp → max_ttl', { active: true }, 300 * SECOND],
    ['already expired → not cached (≤ 0)', { active: true, exp_ms: NOW_MS - 1 }, -1],
    ['inactive → negative_ttl', { active: false }, 10 * SECOND],
  ];
  for (const [rule, result, ttl] of cases) t.equal(entryTtlMs(result, NOW_MS, opts), ttl, rule);
});

t.test('a hit does not reach the source until the entry ends at max_ttl', async (t) => {
  const { world, source, cache, events } = await setUp(t);
  const { token } = await world.seed();
  await cache.lookup(token, NOW_MS);
  await cache.lookup(token, NOW_MS + 299 * SECOND);
  t.equal(source.calls, 1, 'one introspection within max_ttl');
  t.strictSame(events, { hit: 1, miss: 1, eviction: 0 });
  await cache.lookup(token, NOW_MS + 300 * SECOND);
  t.equal(source.calls, 2, 'asked again at max_ttl');
});

t.test('an active entry never outlives the token exp', async (t) => {
  const { world, source, cache } = await setUp(t);
  const { token } = await world.seed({ expiresAtMs: NOW_MS + 30 * SECOND });
  t.equal((await cache.lookup(token, NOW_MS)).active, true);
  t.equal((await cache.lookup(token, NOW_MS + 29_999)).active, true);
  t.equal(source.calls, 1);
  t.equal((await cache.lookup(token, NOW_MS + 30 * SECOND)).active, false, 'at exp: asked again, inactive');
  t.equal(source.calls, 2);
});

t.test('negative caching: an unknown token is inactive for negative_ttl without asking again', async (t) => {
  const { world, source, cache } = await setUp(t);
  const { token, signature } = world.tokens.generate('at'); // valid HMAC, never stored
  t.strictSame(await cache.lookup(token, NOW_MS), { active: false });
  t.strictSame(await cache.lookup(token, NOW_MS + 9_999), { active: false });
  t.equal(source.calls, 1);
  await world.storage.tokens.create('access_token', {
    signature, request_id: 'r', client_id: 'app', subject: 's', requested_at_ms: NOW_MS, expires_at_ms: NOW_MS + 3_600_000,
    requested_scopes: [], granted_scopes: [], requested_audience: [], granted_audience: [],
    session: { username: 'john', auth_time_s: 1, amr: [], requested_at_s: 1 },
  });
  t.equal((await cache.lookup(token, NOW_MS + 10 * SECOND)).active, true, 'after negative_ttl the source is asked again');
  t.equal(source.calls, 2);
});

t.test('a token that is not ours (keyOf null) is inactive without asking the source or filling the cache', async (t) => {
  const { source, cache } = await setUp(t);
  for (const token of ['not-a-token', 'gatehouse_at_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
    t.strictSame(await cache.lookup(token, NOW_MS), { active: false }, token);
  }
  t.equal(source.calls, 0);
  t.equal(cache.size, 0);
});

t.test('keyed by the signature, never the token', async (t) => {
  const { world, cache, revocations } = await setUp(t);
  const { token, signature } = await world.seed();
  await cache.lookup(token, NOW_MS);
  t.equal(cache.size, 1);
  cache.evict(token);
  t.equal(cache.size, 1, 'the token is no key');
  revocations.emit([signature]);
  t.equal(cache.size, 0, 'the signature is');
});

t.test('peek: a hit is answered synchronously, with the cached object; a miss is undefined', async (t) => {
  const { world, cache } = await setUp(t);
  const { token } = await world.seed();
  t.equal(cache.peek(token, NOW_MS), undefined, 'not cached yet');
  const first = await cache.lookup(token, NOW_MS);
  const peeked = cache.peek(token, NOW_MS + 1);
  t.notOk(peeked instanceof Promise);
  t.equal(peeked, first, 'the same answer object');
  t.equal(cache.peek(token, NOW_MS + 300 * SECOND), undefined, 'ended at max_ttl');
});

t.test('a forged token carrying a cached token\'s signature is inactive and leaves the genuine entry alone', async (t) => {
  const { world, source, cache } = await setUp(t);
  const { token, signature } = await world.seed();
  t.equal((await cache.lookup(token, NOW_MS)).active, true);
  // Whoever read the signature (it is stored in the database) can put it after any random part.
  const dot = token.indexOf('.');
  const forged = `${token.slice(0, dot - 1)}${token[dot - 1] === 'A' ? 'B' : 'A'}.${signature}`;
  t.equal(cache.peek(forged, NOW_MS), undefined, 'no hit: the digest of the whole token differs');
  t.strictSame(await cache.lookup(forged, NOW_MS), { active: false }, 'refused by the HMAC on the miss path');
  t.equal(source.calls, 1, 'the forgery never reached the source');
  t.equal(cache.peek(token, NOW_MS)?.active, true, 'the genuine token still hits');
});

t.test('IntrospectionUnavailable is not cached: the next request asks again', async (t) => {
  const { world, source, cache } = await setUp(t);
  const { token } = await world.seed();
  source.down = true;
  await t.rejects(cache.lookup(token, NOW_MS), new IntrospectionUnavailable('the token storage could not be read'));
  t.equal(cache.size, 0);
  source.down = false;
  t.equal((await cache.lookup(token, NOW_MS)).active, true);
  t.equal(source.calls, 2);
});

t.test('one introspection in flight per key: 20 concurrent look-ups share one', async (t) => {
  const { world, source, cache } = await setUp(t);
  const a = await world.seed();
  const b = await world.seed();
  const results = await Promise.all([...Array.from({ length: 20 }, () => cache.lookup(a.token, NOW_MS)), cache.lookup(b.token, NOW_MS)]);
  t.equal(source.calls, 2, 'one per distinct token');
  t.ok(results.every((r) => r.active));
  t.equal(new Set(results.slice(0, 20)).size, 1, 'the same answer object');
});

t.test('a revocation during an in-flight look-up keeps the stale answer out of the cache', async (t) => {
  const { world, cache, revocations } = await setUp(t);
  const { token, signature } = await world.seed();
  const pending = cache.lookup(token, NOW_MS);
  revocations.emit([signature]);
  await pending;
  t.equal(cache.size, 0);
});

t.test('evictAll evicts a refresh family at once', async (t) => {
  const { world, cache } = await setUp(t);
  const tokens = await Promise.all([world.seed(), world.seed(), world.seed()]);
  for (const { token } of tokens) await cache.lookup(token, NOW_MS);
  t.equal(cache.size, 3);
  cache.evictAll(tokens.slice(0, 2).map((x) => x.signature));
  t.equal(cache.size, 1);
});

t.test('max_entries bounds the cache; the least recently used goes, counted as an eviction', async (t) => {
  const { world, source, cache, events } = await setUp(t, { maxEntries: 2 });
  const [a, b, c] = [await world.seed(), await world.seed(), await world.seed()];
  await cache.lookup(a.token, NOW_MS);
  await cache.lookup(b.token, NOW_MS);
  await cache.lookup(a.token, NOW_MS); // a is now the most recent
  await cache.lookup(c.token, NOW_MS);
  t.equal(cache.size, 2);
  t.equal(events.eviction, 1);
  const before = source.calls;
  await cache.lookup(a.token, NOW_MS);
  t.equal(source.calls, before, 'a stayed');
  await cache.lookup(b.token, NOW_MS);
  t.equal(source.calls, before + 1, 'b was evicted');
});

t.test('the size bound keeps a huge entry out', async (t) => {
  const { world, cache } = await setUp(t, { maxEntries: 10, maxSizeBytes: 4096 });
  const big = await world.seed({ audience: Array.from({ length: 200 }, (_, i) => `https://api.example.com/v${i}`) });
  const small = await world.seed();
  t.equal((await cache.lookup(big.token, NOW_MS)).active, true, 'still answered');
  await cache.lookup(small.token, NOW_MS);
  t.equal(cache.size, 1, 'only the small one is kept');
});

t.test('size accounting: each entry its fixed part and strings; a grant once, by the entry that interned it', async (t) => {
  const { world, cache } = await setUp(t);
  const a = await world.seed();
  const b = await world.seed();
  await cache.lookup(a.token, NOW_MS);
  const first = cache.sizeBytes;
  await cache.lookup(b.token, NOW_MS);
  const grant = cache.peek(a.token, NOW_MS)!;
  const perEntry = entrySizeEstimate('k'.repeat(43), 'd'.repeat(22), null);
  t.equal(cache.sizeBytes - first, perEntry, 'the second token of the grant adds only its entry');
  t.equal(first, perEntry + grantSizeEstimate(grant), 'the first carries the grant');
  t.equal(perEntry, ENTRY_BYTES + 64 + 40, 'a 43-character key and a 22-character digest, as V8 lays them out');
});

t.test('max_entries 0: no caching, but still one in flight', async (t) => {
  const { world, source, cache } = await setUp(t, { maxEntries: 0 });
  const { token } = await world.seed();
  await Promise.all(Array.from({ length: 5 }, () => cache.lookup(token, NOW_MS)));
  t.equal(source.calls, 1);
  await cache.lookup(token, NOW_MS);
  t.equal(source.calls, 2);
  t.equal(cache.size, 0);
});

t.test('close() stops listening to revocations', async (t) => {
  const { world, cache, revocations } = await setUp(t);
  const { token, signature } = await world.seed();
  await cache.lookup(token, NOW_MS);
  cache.close();
  revocations.emit([signature]);
  t.equal(cache.size, 1);
});

t.test('createLocalIntrospection: a storage failure is IntrospectionUnavailable', async (t) => {
  const { world } = await setUp(t);
  const { token } = await world.seed();
  await world.storage.close();
  const source = createLocalIntrospection(world);
  await t.rejects(source.introspect(token, NOW_MS), { name: 'IntrospectionUnavailable', message: 'the token storage could not be read' });
});
