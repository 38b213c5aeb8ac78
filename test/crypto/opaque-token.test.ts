import t from 'tap';
import { createHmac, hkdfSync } from 'node:crypto';
import { createOpaqueTokenStrategy, type OpaqueTokenKind } from '../../src/crypto/opaque-token.js';

const SECRET = 'a-very-long-and-random-hmac-secret-for-tests-0123456789';
const strategy = createOpaqueTokenStrategy(SECRET);
const KINDS: OpaqueTokenKind[] = ['at', 'rt', 'ac'];
const FORMAT = /^gatehouse_(at|rt|ac)_[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/;

/** Flips one character to another of the base64url alphabet that is not the same. */
function flip(token: string, index: number): string {
  const char = token[index];
  return token.slice(0, index) + (char === 'A' ? 'B' : 'A') + token.slice(index + 1);
}

t.test('format: gatehouse_<kind>_<random>.<signature> (ARCHITECTURE.md, Tokens)', async (t) => {
  for (const kind of KINDS) {
    const { token, signature } = strategy.generate(kind);
    t.match(token, FORMAT, kind);
    t.ok(token.startsWith(`gatehouse_${kind}_`), `${kind} prefix`);
    t.equal(token.split('.')[1], signature, `${kind}: the signature is the part after the dot`);
  }
});

t.test('the random part carries 256 bits from the CSPRNG, never repeating', async (t) => {
  const randoms = new Set<string>();
  const lengths = new Set<number>();
  for (let i = 0; i < 1000; i++) {
    // The random part may itself hold '_' and '-': cut by position, not by separator.
    const random = strategy.generate('at').token.slice('gatehouse_at_'.length, 'gatehouse_at_'.length + 43);
    lengths.add(Buffer.from(random, 'base64url').length);
    randoms.add(random);
  }
  t.same([...lengths], [32], 'each decodes to 32 bytes');
  t.equal(randoms.size, 1000);
});

t.test('the signature is HMAC-SHA-512/256 keyed by HKDF-SHA256(hmac_secret, "gatehouse opaque tokens")', async (t) => {
  const { token, signature } = strategy.generate('rt');
  const key = Buffer.from(hkdfSync('sha256', SECRET, Buffer.alloc(0), 'gatehouse opaque tokens', 32));
  t.equal(signature, createHmac('sha512-256', key).update(token.slice(0, token.lastIndexOf('.'))).digest('base64url'));
});

t.test('signatureOf accepts a valid token of its kind, and returns the same signature every time', async (t) => {
  for (const kind of KINDS) {
    const { token, signature } = strategy.generate(kind);
    t.equal(strategy.signatureOf(token, kind), signature, kind);
    t.equal(createOpaqueTokenStrategy(SECRET).signatureOf(token, kind), signature, `${kind}: stable across restarts`);
  }
});

t.test('signatureOf rejects everything that is not a valid token of the kind asked for', async (t) => {
  const { token } = strategy.generate('at');
  const dot = token.indexOf('.');
  const other = createOpaqueTokenStrategy('another-hmac-secret-of-the-same-kind-0123456789');
  const cases: Array<[string, string, OpaqueTokenKind, OpaqueVerifier?]> = [
    ['wrong kind (refresh token presented as access token)', token, 'rt'],
    ['wrong kind (as authorization code)', token, 'ac'],
    ['tampered random part', flip(token, dot - 5), 'at'],
    ['tampered signature', flip(token, dot + 5), 'at'],
    ['kind swapped in the token itself', token.replace('gatehouse_at_', 'gatehouse_rt_'), 'rt'],
    ['another prefix', token.replace('gatehouse_', 'authelia_'), 'at'],
    ['signature missing', token.slice(0, dot), 'at'],
    ['signature alone', token.slice(dot + 1), 'at'],
    ['extra character', `${token}A`, 'at'],
    ['padding', `${token}=`, 'at'],
    ['whitespace', ` ${token.slice(1)}`, 'at'],
    ['empty', '', 'at'],
    ['signed with another secret', token, 'at', other],
  ];
  for (const [name, presented, kind, verifier] of cases) {
    t.equal((verifier ?? strategy).signatureOf(presented, kind), null, name);
  }
});

type OpaqueVerifier = ReturnType<typeof createOpaqueTokenStrategy>;

t.test('claimedSignatureOf reads the signature from the shape alone: no HMAC, so a forgery claims one too', async (t) => {
  const { token, signature } = strategy.generate('at');
  const dot = token.indexOf('.');
  t.equal(strategy.claimedSignatureOf(token, 'at'), signature, 'a genuine token claims its signature');
  t.equal(strategy.claimedSignatureOf(flip(token, dot - 5), 'at'), signature, 'a tampered random part still claims it (the cache confirms the whole token)');
  const cases: Array<[string, string, OpaqueTokenKind]> = [
    ['wrong kind', token, 'rt'],
    ['another prefix', token.replace('gatehouse_', 'authelia_'), 'at'],
    ['no dot before the signature', token.replace('.', '_'), 'at'],
    ['signature missing', token.slice(0, dot), 'at'],
    ['extra character', `${token}A`, 'at'],
    ['empty', '', 'at'],
  ];
  for (const [name, presented, kind] of cases) t.equal(strategy.claimedSignatureOf(presented, kind), null, name);
});

t.test('an empty HMAC secret is refused', async (t) => {
  t.throws(() => createOpaqueTokenStrategy(''), { message: 'the HMAC secret for opaque tokens is empty' });
});
