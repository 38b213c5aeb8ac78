/**
 * A client's public keys (OIDC Core §9 private_key_jwt; RFC 7591 §2 jwks_uri): fetched from a local
 * node:http stub with bounded time and size, cached, fetched again for an unknown kid at most once
 * per refetch interval. Time is a number passed in, never slept.
 */
import t, { type Test } from 'tap';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KeyObject } from 'node:crypto';
import { ClientKeyError, createClientKeyStore, keyFitsAlg, keysOfJwks, selectKey } from '../../src/oauth/client-keys.js';
import { fetchJwks, JwksFetchError } from '../../src/oauth/fetch-jwks.js';
import type { OidcClientConfig } from '../../src/config/index.js';
import { fixtureKeyPair } from '../helpers/fixture-keys.js';

const rsa = (name: 'rsa' | 'rsaB' = 'rsa'): KeyObject => fixtureKeyPair(name).publicKey;
const jwkOf = (key: KeyObject, kid: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ ...key.export({ format: 'jwk' }), kid, ...extra });

interface Stub {
  url: string;
  hits: number;
  /** What the next requests are answered with. */
  handler: (res: ServerResponse) => void;
}

async function startStub(t: Test): Promise<Stub> {
  const stub: Stub = { url: '', hits: 0, handler: (res) => res.end('{"keys":[]}') };
  const server = createServer((_req, res) => {
    stub.hits += 1;
    stub.handler(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  t.teardown(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  return stub;
}

const serveKeys = (keys: unknown[]) => (res: ServerResponse): void => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ keys }));
};

const clientWithUri = (jwks_uri: string): OidcClientConfig => ({ client_id: 'rp', jwks_uri } as unknown as OidcClientConfig);

t.test('jwks_uri: cached per client, fetched again for an unknown kid at most once per 30 s, and after the TTL', async (t) => {
  const stub = await startStub(t);
  const [k1, k2] = [rsa('rsa'), rsa('rsaB')];
  stub.handler = serveKeys([jwkOf(k1, 'k1')]);
  const store = createClientKeyStore();
  const rp = clientWithUri(stub.url);
  const t0 = 1_700_000_000_000;

  t.ok((await store.keyFor(rp, { alg: 'RS256', kid: 'k1' }, t0)).equals(k1), 'the first use fetches');
  t.ok((await store.keyFor(rp, { alg: 'RS256', kid: 'k1' }, t0 + 1_000)).equals(k1));
  t.equal(stub.hits, 1, 'the second use is served from the cache');

  // The client rotates to k2.
  stub.handler = serveKeys([jwkOf(k1, 'k1'), jwkOf(k2, 'k2')]);
  await t.rejects(store.keyFor(rp, { alg: 'RS256', kid: 'k2' }, t0 + 10_000), new ClientKeyError("The client has no key with kid 'k2' for the algorithm 'RS256'."));
  t.equal(stub.hits, 1, 'an unknown kid within 30 s of the last fetch does not fetch again');
  t.ok((await store.keyFor(rp, { alg: 'RS256', kid: 'k2' }, t0 + 30_000)).equals(k2), 'after 30 s an unknown kid fetches again');
  t.equal(stub.hits, 2);
  await t.rejects(store.keyFor(rp, { alg: 'RS256', kid: 'k3' }, t0 + 40_000), new ClientKeyError("The client has no key with kid 'k3' for the algorithm 'RS256'."));
  t.equal(stub.hits, 2, 'random kids cannot make us fetch on every request');

  t.ok((await store.keyFor(rp, { alg: 'RS256', kid: 'k1' }, t0 + 30_000 + 5 * 60_000)).equals(k1), 'after the 5 min TTL the keys are fetched again');
  t.equal(stub.hits, 3);

  stub.handler = (res) => { res.statusCode = 503; res.end(); };
  t.ok((await store.keyFor(rp, { alg: 'RS256', kid: 'k2' }, t0 + 30_000 + 10 * 60_000)).equals(k2), 'keys already held are used while the jwks_uri is down');
});

t.test('jwks_uri: concurrent uses share one fetch', async (t) => {
  const stub = await startStub(t);
  const k1 = rsa();
  stub.handler = serveKeys([jwkOf(k1, 'k1')]);
  const store = createClientKeyStore();
  const rp = clientWithUri(stub.url);
  await Promise.all([1, 2, 3].map(() => store.keyFor(rp, { alg: 'RS256', kid: 'k1' }, 0)));
  t.equal(stub.hits, 1);
});

t.test('jwks_uri: a failure with no keys held is a ClientKeyError naming the cause', async (t) => {
  const stub = await startStub(t);
  stub.handler = (res) => { res.statusCode = 404; res.end(); };
  const store = createClientKeyStore();
  await t.rejects(store.keyFor(clientWithUri(stub.url), { alg: 'RS256', kid: 'k1' }, 0), new ClientKeyError(`The client's keys are not available: the jwks_uri '${stub.url}' answered HTTP 404.`));
});

t.test('fetchJwks: bounded size and time, a JWK Set or nothing', async (t) => {
  const stub = await startStub(t);
  const cases: Array<{ rule: string; handler: (res: ServerResponse) => void; message: (url: string) => string }> = [
    { rule: 'more than the size bound', handler: (res) => res.end(JSON.stringify({ keys: [], pad: 'x'.repeat(300 * 1024) })), message: (u) => `the jwks_uri '${u}' answered more than 262144 bytes` },
    { rule: 'a non-200 status', handler: (res) => { res.statusCode = 500; res.end('{}'); }, message: (u) => `the jwks_uri '${u}' answered HTTP 500` },
    { rule: 'not JSON', handler: (res) => res.end('<html>'), message: (u) => `the jwks_uri '${u}' did not answer JSON` },
    { rule: 'JSON without keys', handler: (res) => res.end('{"key":[]}'), message: (u) => `the jwks_uri '${u}' did not answer a JWK Set ({"keys": [...]})` },
    { rule: 'headers slower than the timeout', handler: () => undefined, message: (u) => `the jwks_uri '${u}' could not be fetched: Headers Timeout Error` },
    { rule: 'a body slower than the timeout', handler: (res) => { res.writeHead(200); res.write('{"keys":'); }, message: (u) => `the jwks_uri '${u}' could not be fetched: Body Timeout Error` },
  ];
  for (const c of cases) {
    t.test(c.rule, async (t) => {
      stub.handler = c.handler;
      await t.rejects(fetchJwks(stub.url, { timeoutMs: 200 }), new JwksFetchError(c.message(stub.url)));
    });
  }
  t.test('a JWK Set within bounds', async (t) => {
    stub.handler = (res) => res.end('{"keys":[{"kty":"EC"}]}');
    t.same(await fetchJwks(stub.url), [{ kty: 'EC' }]);
  });
});

t.test('RFC 7517 §5: only public signing keys of a fetched set are kept', async (t) => {
  const key = rsa();
  const keys = keysOfJwks([
    jwkOf(key, 'sig'),
    jwkOf(key, 'enc', { use: 'enc' }),
    { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' },
    { ...fixtureKeyPair('p256').privateKey.export({ format: 'jwk' }), kid: 'private' },
    { kty: 'RSA', kid: 'broken', n: 'AQAB' },
    'not an object',
  ]);
  t.same(keys.map((k) => k.kid), ['sig']);
});

t.test('RFC 7518 §3.1: a key is chosen by kid, alg and key type', async (t) => {
  const rsaKey = rsa();
  const ecKey = fixtureKeyPair('p256').publicKey;
  t.ok(keyFitsAlg(rsaKey, 'RS256') && keyFitsAlg(rsaKey, 'PS384') && keyFitsAlg(ecKey, 'ES256'));
  t.notOk(keyFitsAlg(ecKey, 'ES384'), 'ES384 needs P-384');
  t.notOk(keyFitsAlg(rsaKey, 'ES256') || keyFitsAlg(rsaKey, 'HS256'));
  const keys = [{ kid: 'r', key: rsaKey }, { kid: 'e', key: ecKey }];
  t.equal(selectKey(keys, { alg: 'ES256' }), ecKey, 'without kid, the only key that fits');
  t.equal(selectKey(keys, { alg: 'ES256', kid: 'r' }), null, 'a kid naming a key of the wrong type');
  t.equal(selectKey([{ kid: 'r', alg: 'PS256', key: rsaKey }], { alg: 'RS256', kid: 'r' }), null, "a key registered for one alg is not used for another");
  t.throws(() => selectKey([...keys, { kid: 'r2', key: rsa('rsaB') }], { alg: 'RS256' }), new ClientKeyError("The client has several keys for 'RS256'; the JWS header must name one with 'kid'."));
});

t.test('config jwks: PEM public keys and certificates', async (t) => {
  const { publicKey } = fixtureKeyPair('p256');
  const store = createClientKeyStore();
  const rp = { client_id: 'rp', jwks: [{ key_id: 'a', use: 'sig', key: publicKey.export({ type: 'spki', format: 'pem' }).toString() }] } as unknown as OidcClientConfig;
  t.ok((await store.keyFor(rp, { alg: 'ES256', kid: 'a' }, 0)).equals(publicKey));
  await t.rejects(store.keyFor({ client_id: 'x' } as unknown as OidcClientConfig, { alg: 'RS256' }, 0), new ClientKeyError('The client has no registered keys (jwks or jwks_uri).'));
});
