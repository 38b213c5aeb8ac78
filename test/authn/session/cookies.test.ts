/** Cookie header parsing and Set-Cookie serialization (RFC 6265). */
import t from 'tap';
import { parseCookies, serializeCookie } from '../../../src/authn/session/cookies.js';

t.test('parseCookies: tolerant like a user agent (RFC 6265 §5.2), first value wins (§5.4)', async (t) => {
  const cases: Array<[string, string | undefined, Array<[string, string]>]> = [
    ['no header', undefined, []],
    ['empty header', '', []],
    ['one pair', 'a=1', [['a', '1']]],
    ['several pairs, "; " separated', 'a=1; b=2', [['a', '1'], ['b', '2']]],
    ['no space after ;', 'a=1;b=2', [['a', '1'], ['b', '2']]],
    ['whitespace around names and values', '  a =  1 ;\tb\t=2  ', [['a', '1'], ['b', '2']]],
    ['repeated name: the first (most specific) wins', 'sid=child; sid=parent', [['sid', 'child']]],
    ['value containing =', 'a=b=c', [['a', 'b=c']]],
    ['empty value kept', 'a=; b=2', [['a', ''], ['b', '2']]],
    ['pair without = skipped', 'junk; a=1', [['a', '1']]],
    ['empty name skipped', '=x; a=1', [['a', '1']]],
    ['empty pairs skipped', ';; a=1 ;', [['a', '1']]],
    ['surrounding double quotes removed once', 'a="1"; b=""; c="""', [['a', '1'], ['b', ''], ['c', '"']]],
    ['a lone quote is kept', 'a="', [['a', '"']]],
    ['no percent-decoding', 'a=%41', [['a', '%41']]],
    ['names are case-sensitive', 'A=1; a=2', [['A', '1'], ['a', '2']]],
    ['__proto__ is just a name', '__proto__=1', [['__proto__', '1']]],
  ];
  for (const [name, header, expected] of cases) t.same([...parseCookies(header)], expected, name);
});

t.test('serializeCookie: attribute order and values', async (t) => {
  t.equal(serializeCookie('sid', 'abc', {}), 'sid=abc');
  t.equal(
    serializeCookie('sid', 'abc', { domain: 'example.com', path: '/', maxAgeSeconds: 60, httpOnly: true, secure: true, sameSite: 'Strict' }),
    'sid=abc; Domain=example.com; Path=/; Max-Age=60; HttpOnly; Secure; SameSite=Strict',
  );
  t.equal(serializeCookie('sid', '', { path: '/', maxAgeSeconds: 0, expiresEpoch: true }), 'sid=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  t.equal(serializeCookie('sid', 'a', { httpOnly: false, secure: false }), 'sid=a', 'false flags are left out');
});

t.test('serializeCookie: refuses anything that could smuggle another cookie or attribute (RFC 6265 §4.1.1)', async (t) => {
  const cases: Array<[string, () => string, string]> = [
    ['name with =', () => serializeCookie('a=b', 'v', {}), 'invalid cookie name "a=b"'],
    ['empty name', () => serializeCookie('', 'v', {}), 'invalid cookie name ""'],
    ['value with ;', () => serializeCookie('sid', 'v; Domain=evil.com', {}), 'invalid value for cookie sid'],
    ['value with CRLF', () => serializeCookie('sid', 'v\r\nSet-Cookie: x=y', {}), 'invalid value for cookie sid'],
    ['value with space', () => serializeCookie('sid', 'a b', {}), 'invalid value for cookie sid'],
    ['domain with ;', () => serializeCookie('sid', 'v', { domain: 'example.com; Secure' }), 'invalid Domain attribute "example.com; Secure"'],
    ['path with a newline', () => serializeCookie('sid', 'v', { path: '/\n' }), 'invalid Path attribute "/\\n"'],
    ['fractional Max-Age', () => serializeCookie('sid', 'v', { maxAgeSeconds: 1.5 }), 'Max-Age must be a whole number of seconds, got 1.5'],
  ];
  for (const [name, fn, message] of cases) t.throws(fn, new RangeError(message), name);
});
