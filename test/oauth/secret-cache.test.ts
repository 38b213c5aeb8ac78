import t from 'tap';
import { parseDigest } from '../../src/crypto/password-hash/index.js';
import { createSecretCache, type SecretVerifier } from '../../src/oauth/secret-cache.js';

const counting = (): SecretVerifier & { calls: number } => {
  const verify = Object.assign(async (digest: Parameters<SecretVerifier>[0], secret: string) => {
    verify.calls++;
    return digest.verify(secret);
  }, { calls: 0 });
  return verify;
};

t.test('a verified secret is served from the cache: the digest is checked once', async (t) => {
  const verify = counting();
  const cache = createSecretCache({ verify });
  const digest = parseDigest('$plaintext$s3cret');
  t.equal(await cache.verify('app', digest, 's3cret'), true);
  t.equal(await cache.verify('app', digest, 's3cret'), true);
  t.equal(verify.calls, 1);
});

t.test('failures are never cached: every wrong secret pays the verification', async (t) => {
  const verify = counting();
  const cache = createSecretCache({ verify });
  const digest = parseDigest('$plaintext$s3cret');
  for (let i = 0; i < 3; i++) t.equal(await cache.verify('app', digest, 'wrong'), false);
  t.equal(verify.calls, 3);
});

t.test('concurrent checks of one secret share one verification; a later wrong one still pays its own', async (t) => {
  const verify = counting();
  const cache = createSecretCache({ verify });
  const digest = parseDigest('$plaintext$s3cret');
  const burst = await Promise.all(Array.from({ length: 32 }, () => cache.verify('app', digest, 's3cret')));
  t.ok(burst.every((ok) => ok === true));
  t.equal(verify.calls, 1, 'a cold-cache burst of 32 runs one digest check');
  const wrong = await Promise.all(Array.from({ length: 4 }, () => cache.verify('app', digest, 'wrong')));
  t.strictSame(wrong, [false, false, false, false]);
  t.equal(verify.calls, 2, 'the same wrong guess at once: one check');
  t.equal(await cache.verify('app', digest, 'wrong'), false);
  t.equal(verify.calls, 3, 'and again later: never cached');
});

t.test('the key binds client, digest and secret', async (t) => {
  const verify = counting();
  const cache = createSecretCache({ verify });
  const digest = parseDigest('$plaintext$s3cret');
  await cache.verify('app', digest, 's3cret');
  t.equal(await cache.verify('other', digest, 's3cret'), true);
  t.equal(verify.calls, 2, 'another client id misses');
  t.equal(await cache.verify('app', parseDigest('$plaintext$changed'), 's3cret'), false, 'a changed digest misses and fails');
  t.equal(verify.calls, 3);
});

t.test('bounded: the least recently used entry is evicted', async (t) => {
  const verify = counting();
  const cache = createSecretCache({ verify, maxEntries: 1 });
  const digest = parseDigest('$plaintext$s3cret');
  await cache.verify('a', digest, 's3cret');
  await cache.verify('b', digest, 's3cret');
  await cache.verify('a', digest, 's3cret');
  t.equal(verify.calls, 3);
  cache.clear();
  await cache.verify('a', digest, 's3cret');
  t.equal(verify.calls, 4, 'clear() forgets');
});

t.test('a real PBKDF2 digest: the second verification does not derive again', async (t) => {
  const verify = counting();
  const cache = createSecretCache({ verify });
  const digest = parseDigest('$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng');
  t.equal(await cache.verify('app', digest, 'insecure_secret'), true);
  const started = performance.now();
  t.equal(await cache.verify('app', digest, 'insecure_secret'), true);
  t.ok(performance.now() - started < 20, 'a cache hit is fast');
  t.equal(verify.calls, 1);
});

/** A verifier whose checks finish when the test says so. */
const gated = () => {
  const waiting: Array<() => void> = [];
  const verify = Object.assign(
    (digest: Parameters<SecretVerifier>[0], secret: string) => {
      verify.calls++;
      return new Promise<boolean>((resolve) => waiting.push(() => resolve(digest.verify(secret))));
    },
    { calls: 0 },
  );
  return { verify, release: () => waiting.splice(0).forEach((go) => go()) };
};

t.test('a secret in use is verified again in the background before it expires: no request waits on the digest', async (t) => {
  let now = 0;
  const { verify, release } = gated();
  const cache = createSecretCache({ verify, ttlSeconds: 60, nowMs: () => now });
  const digest = parseDigest('$plaintext$s3cret');
  const first = cache.verify('app', digest, 's3cret');
  release();
  t.equal(await first, true);
  t.equal(verify.calls, 1);

  now = 44_000;
  t.equal(await cache.verify('app', digest, 's3cret'), true, 'before three quarters of the TTL: a plain hit');
  t.equal(verify.calls, 1);

  now = 46_000;
  const during = await Promise.all(Array.from({ length: 8 }, () => cache.verify('app', digest, 's3cret')));
  t.ok(during.every((ok) => ok === true), 'every request due for a refresh is answered at once, the check still running');
  t.equal(verify.calls, 2, 'one background verification for them all');
  release();
  await new Promise((r) => setImmediate(r));

  now = 90_000; // past the first success's 60 s, before the refreshed one is due again (46 + 45)
  t.equal(await cache.verify('app', digest, 's3cret'), true, 'the refreshed entry still counts');
  t.equal(cache.remembers('app', digest, 's3cret'), true);
  t.equal(verify.calls, 2);
});

t.test('an entry not used within its TTL expires: the next request verifies again', async (t) => {
  let now = 0;
  const verify = counting();
  const cache = createSecretCache({ verify, ttlSeconds: 60, nowMs: () => now });
  const digest = parseDigest('$plaintext$s3cret');
  t.equal(await cache.verify('app', digest, 's3cret'), true);
  now = 60_000;
  t.equal(cache.remembers('app', digest, 's3cret'), false, 'expired at exactly the TTL');
  t.equal(await cache.verify('app', digest, 's3cret'), true);
  t.equal(verify.calls, 2);
});

t.test('a background verification that fails leaves the entry until it expires, and the next hit retries', async (t) => {
  let now = 0;
  let busy = false;
  let calls = 0;
  const verify: SecretVerifier = async (digest, secret) => {
    calls++;
    if (busy) throw new Error('hash queue full');
    return digest.verify(secret);
  };
  const cache = createSecretCache({ verify, ttlSeconds: 60, nowMs: () => now });
  const digest = parseDigest('$plaintext$s3cret');
  t.equal(await cache.verify('app', digest, 's3cret'), true);
  busy = true;
  now = 50_000;
  t.equal(await cache.verify('app', digest, 's3cret'), true);
  await new Promise((r) => setImmediate(r));
  t.equal(calls, 2);
  busy = false;
  t.equal(await cache.verify('app', digest, 's3cret'), true, 'still remembered');
  await new Promise((r) => setImmediate(r));
  t.equal(calls, 3, 'the next hit tried again');
  now = 100_000;
  t.equal(cache.remembers('app', digest, 's3cret'), true, 'and its success renewed the entry');
});
