import t from 'tap';
import { createHmac } from 'node:crypto';
import {
  createCsrfProtection,
  CSRF_COOKIE_NAME,
  CSRF_FIELD_NAME,
  isCsrfCookieValue,
} from '../../src/authn/csrf.js';

const KEY = Buffer.alloc(32, 7);
const OTHER_KEY = Buffer.alloc(32, 8);
const fixedRandom = (fill: number) => (n: number) => Buffer.alloc(n, fill);

t.test('names on the wire', async (t) => {
  t.equal(CSRF_COOKIE_NAME, 'gatehouse_csrf');
  t.equal(CSRF_FIELD_NAME, 'csrf_token');
});

t.test('newCookieValue: 32 random bytes in base64url', async (t) => {
  const csrf = createCsrfProtection(KEY, { randomBytes: fixedRandom(0xff) });
  t.equal(csrf.newCookieValue(), Buffer.alloc(32, 0xff).toString('base64url'));
  const real = createCsrfProtection(KEY);
  const a = real.newCookieValue();
  t.match(a, /^[A-Za-z0-9_-]{43}$/);
  t.equal(Buffer.from(a, 'base64url').byteLength, 32);
  t.not(a, real.newCookieValue(), 'fresh each time');
  t.ok(isCsrfCookieValue(a));
});

t.test('tokenFor: base64url(HMAC-SHA-256(key, "csrf:" + cookie)) (OWASP signed double-submit)', async (t) => {
  const csrf = createCsrfProtection(KEY);
  const cookie = csrf.newCookieValue();
  t.equal(csrf.tokenFor(cookie), createHmac('sha256', KEY).update(`csrf:${cookie}`).digest('base64url'));
});

t.test('verify', async (t) => {
  const csrf = createCsrfProtection(KEY);
  const cookie = csrf.newCookieValue();
  const otherCookie = csrf.newCookieValue();
  const token = csrf.tokenFor(cookie);
  const flipped = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
  const cases: [string, string | undefined, string | undefined, boolean][] = [
    ['round trip', cookie, token, true],
    ['token for another cookie', otherCookie, token, false],
    ['tampered token', cookie, flipped, false],
    ['token with a character appended', cookie, token + 'A', false],
    ['token truncated', cookie, token.slice(0, -1), false],
    ['missing token', cookie, undefined, false],
    ['empty token', cookie, '', false],
    ['missing cookie', undefined, token, false],
    ['empty cookie', '', csrf.tokenFor(''), false],
    ['malformed cookie, even with its own valid HMAC', 'not-a-cookie', csrf.tokenFor('not-a-cookie'), false],
    ['cookie value submitted as the token (plain double-submit)', cookie, cookie, false],
    ['token in padded base64', cookie, Buffer.from(token, 'base64url').toString('base64'), false],
  ];
  for (const [name, c, f, expected] of cases) t.equal(csrf.verify(c, f), expected, name);
});

t.test('verify: a token made with a different key fails', async (t) => {
  const ours = createCsrfProtection(KEY);
  const theirs = createCsrfProtection(OTHER_KEY);
  const cookie = ours.newCookieValue();
  t.equal(ours.verify(cookie, theirs.tokenFor(cookie)), false);
  t.equal(theirs.verify(cookie, theirs.tokenFor(cookie)), true);
});

t.test('the key: at least 32 bytes, copied so later changes to the caller\'s buffer do not matter', async (t) => {
  t.throws(() => createCsrfProtection(Buffer.alloc(16)), new RangeError('the CSRF key must be at least 32 bytes, got 16'));
  const key = Buffer.alloc(32, 1);
  const csrf = createCsrfProtection(key);
  const cookie = csrf.newCookieValue();
  const token = csrf.tokenFor(cookie);
  key.fill(0);
  t.equal(csrf.verify(cookie, token), true);
});

t.test('isCsrfCookieValue: exactly the canonical base64url of 32 bytes', async (t) => {
  const canonical = Buffer.alloc(32, 0xab).toString('base64url');
  const table: [string | undefined, boolean][] = [
    [canonical, true],
    [undefined, false],
    ['', false],
    [canonical.slice(0, -1), false],
    [canonical + 'A', false],
    [canonical.slice(0, -1) + 'B', false], // non-zero padding bits: decodes, but not what we issue
    [canonical.replace(/./, '+'), false],
  ];
  for (const [value, expected] of table) t.equal(isCsrfCookieValue(value), expected, String(value));
});
