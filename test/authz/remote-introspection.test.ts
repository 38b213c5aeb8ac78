/**
 * RFC 7662 against a remote OP: a real node:http OP stub (an external peer) started per test.
 * Well-formed answers parsed; anything else (non-200, slow, down, malformed, oversized) is
 * IntrospectionUnavailable — never a pass; the cache in front keeps one request in flight per token.
 */
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createIntrospectionCache, IntrospectionUnavailable } from '../../src/authz/introspection-cache.js';
import { basicAuthorization, createRemoteIntrospection, parseIntrospectionResponse, type RemoteIntrospectionOptions } from '../../src/authz/remote-introspection.js';

const NOW_MS = 1_700_000_000_000;
const TOKEN = 'remote-opaque-token';

interface Seen { method: string; url: string; authorization: string; contentType: string; body: string }
type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

async function startOp(t: Test, handler: Handler): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization ?? '', contentType: req.headers['content-type'] ?? '', body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/oidc/introspection`, seen };
}

const json = (status: number, value: unknown): Handler => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof value === 'string' ? value : JSON.stringify(value));
};

function remote(t: Test, url: string, over: Partial<RemoteIntrospectionOptions> = {}) {
  const source = createRemoteIntrospection({ url, client_id: 'gatehouse verify', client_secret: 'p@ss:word', timeoutSeconds: 2, ...over });
  t.teardown(() => source.close());
  return source;
}

const ACTIVE = { active: true, client_id: 'app', scope: 'openid authelia.bearer.authz', aud: 'https://api.example.com', exp: NOW_MS / 1000 + 60, username: 'john', amr: ['pwd', 'mfa'] };

t.test('RFC 7662 §2.1: POST token + token_type_hint with client_secret_basic (RFC 6749 §2.3.1 form-encoded)', async (t) => {
  const op = await startOp(t, json(200, ACTIVE));
  await remote(t, op.url).introspect(TOKEN, NOW_MS);
  t.strictSame(op.seen, [{
    method: 'POST',
    url: '/api/oidc/introspection',
    authorization: `Basic ${Buffer.from('gatehouse+verify:p%40ss%3Aword').toString('base64')}`,
    contentType: 'application/x-www-form-urlencoded',
    body: 'token=remote-opaque-token&token_type_hint=access_token',
  }]);
  t.equal(basicAuthorization('a b', 'c'), `Basic ${Buffer.from('a+b:c').toString('base64')}`);
});

t.test('RFC 7662 §2.2: the answer parsed', async (t) => {
  const cases: Array<[string, unknown, unknown]> = [
    ['active, scope split on spaces, aud string → array, exp seconds → ms', ACTIVE,
      { active: true, client_id: 'app', scope: ['openid', 'authelia.bearer.authz'], aud: ['https://api.example.com'], exp_ms: NOW_MS + 60_000, username: 'john', amr: ['pwd', 'mfa'] }],
    ['aud as an array; no username → a client token', { active: true, client_id: 'm2m', aud: ['a', 'b'] }, { active: true, client_id: 'm2m', aud: ['a', 'b'], username: null }],
    ['inactive: nothing else is kept', { active: false, client_id: 'app' }, { active: false }],
  ];
  for (const [rule, body, expected] of cases) t.strictSame(parseIntrospectionResponse(body), expected, rule);
  const malformed: Array<[string, unknown, string]> = [
    ['an array', [], 'the introspection response is not a JSON object'],
    ['null', null, 'the introspection response is not a JSON object'],
    ['no active', { client_id: 'app' }, 'the introspection response has no boolean "active"'],
    ['active as a string', { active: 'true' }, 'the introspection response has no boolean "active"'],
  ];
  for (const [rule, body, message] of malformed) t.throws(() => parseIntrospectionResponse(body), new IntrospectionUnavailable(message), rule);
});

t.test('every failure is IntrospectionUnavailable (the endpoint answers 503, never a pass)', async (t) => {
  const cases: Array<[string, Handler, RegExp]> = [
    ['500', json(500, { error: 'server_error' }), /^the introspection endpoint answered 500$/],
    ['401: our client credentials were refused', json(401, { error: 'invalid_client' }), /^the introspection endpoint answered 401$/],
    ['not JSON', json(200, '<html>'), /^the introspection response is not JSON$/],
    ['no active member', json(200, { scope: 'x' }), /^the introspection response has no boolean "active"$/],
    ['declared too large', json(200, { active: false, pad: 'x'.repeat(70 * 1024) }), /^the introspection response exceeds 65536 bytes$/],
    ['streamed too large (no content-length)', (_req, res) => { res.writeHead(200); res.write('{"active":false,"pad":"'); res.end(`${'x'.repeat(70 * 1024)}"}`); }, /^the introspection response exceeds 65536 bytes$/],
  ];
  for (const [rule, handler, message] of cases) {
    const op = await startOp(t, handler);
    await t.rejects(remote(t, op.url).introspect(TOKEN, NOW_MS), { name: 'IntrospectionUnavailable', message }, rule);
  }
});

t.test('OP down (connection refused) → unavailable', async (t) => {
  const op = await startOp(t, json(200, ACTIVE));
  const url = op.url.replace(/:\d+\//, ':1/');
  await t.rejects(remote(t, url).introspect(TOKEN, NOW_MS), { name: 'IntrospectionUnavailable', message: /^the introspection endpoint could not be reached: / });
});

t.test('slow OP → timeout → unavailable', async (t) => {
  const op = await startOp(t, (_req, res) => { setTimeout(() => json(200, ACTIVE)(_req, res, ''), 2000).unref(); });
  const started = performance.now();
  await t.rejects(remote(t, op.url, { timeoutSeconds: 0.2 }).introspect(TOKEN, NOW_MS), { name: 'IntrospectionUnavailable', message: /^the introspection endpoint could not be reached: / });
  t.ok(performance.now() - started < 1500, 'gave up at the timeout, not when the OP answered');
});

t.test('behind the cache: one request in flight per token, negative caching, TTL ≤ exp and ≤ max_ttl', async (t) => {
  let answer: unknown = ACTIVE;
  const op = await startOp(t, (req, res, body) => setTimeout(() => json(200, body.includes('bad') ? { active: false } : answer)(req, res, body), 50));
  const source = remote(t, op.url);
  const cache = createIntrospectionCache(source, {
    maxTtlSeconds: 30,
    negativeTtlSeconds: 10,
    maxEntries: 100,
    keyOf: (token) => createHash('sha256').update(token).digest('base64url'),
  });

  const results = await Promise.all(Array.from({ length: 20 }, () => cache.lookup(TOKEN, NOW_MS)));
  t.equal(op.seen.length, 1, '20 concurrent look-ups, one request at the OP');
  t.ok(results.every((r) => r.active));

  await cache.lookup(TOKEN, NOW_MS + 29_999);
  t.equal(op.seen.length, 1, 'cached below max_ttl (30 s < exp 60 s)');
  await cache.lookup(TOKEN, NOW_MS + 30_000);
  t.equal(op.seen.length, 2, 'asked again at max_ttl');

  answer = { ...ACTIVE, exp: NOW_MS / 1000 + 40 };
  const shortLived = 'short-lived-token';
  await cache.lookup(shortLived, NOW_MS + 30_000);
  await cache.lookup(shortLived, NOW_MS + 39_999);
  t.equal(op.seen.length, 3, 'cached until its exp (10 s left < max_ttl)');
  await cache.lookup(shortLived, NOW_MS + 40_000);
  t.equal(op.seen.length, 4, 'asked again at exp');

  t.strictSame(await cache.lookup('bad-token', NOW_MS), { active: false });
  t.strictSame(await cache.lookup('bad-token', NOW_MS + 9_999), { active: false });
  t.equal(op.seen.length, 5, 'inactive cached for negative_ttl');
  await cache.lookup('bad-token', NOW_MS + 10_000);
  t.equal(op.seen.length, 6);
});

t.test('behind the cache: the OP failing is not cached', async (t) => {
  let status = 503;
  const op = await startOp(t, (req, res, body) => json(status, status === 200 ? ACTIVE : { error: 'temporarily_unavailable' })(req, res, body));
  const cache = createIntrospectionCache(remote(t, op.url), { maxTtlSeconds: 30, negativeTtlSeconds: 10, maxEntries: 10, keyOf: (token) => token });
  await t.rejects(cache.lookup(TOKEN, NOW_MS), { name: 'IntrospectionUnavailable' });
  status = 200;
  t.equal((await cache.lookup(TOKEN, NOW_MS)).active, true);
  t.equal(op.seen.length, 2);
});
