import t from 'tap';
import { bearerChallenge, bearerTokenFromHeader, quoteString, readCredentials, type BearerFromHeader } from '../../src/oauth/bearer-token.js';

t.test('RFC 6750 §3: WWW-Authenticate Bearer challenges', async (t) => {
  const rows: Array<{ rule: string; challenge: Parameters<typeof bearerChallenge>[0]; header: string }> = [
    { rule: '§3.1: no credentials → realm only, no error code', challenge: { realm: 'https://auth.example.com' }, header: 'Bearer realm="https://auth.example.com"' },
    {
      rule: '§3.1 invalid_token with a description',
      challenge: { realm: 'example', error: 'invalid_token', error_description: 'The access token expired' },
      header: 'Bearer realm="example", error="invalid_token", error_description="The access token expired"',
    },
    { rule: 'invalid_token without a description', challenge: { realm: 'example', error: 'invalid_token' }, header: 'Bearer realm="example", error="invalid_token"' },
    {
      rule: '§3 scope attribute for insufficient_scope, space-delimited',
      challenge: { realm: 'example', error: 'insufficient_scope', error_description: 'more', scope: ['openid', 'profile'] },
      header: 'Bearer realm="example", error="insufficient_scope", error_description="more", scope="openid profile"',
    },
    { rule: 'an empty scope list adds nothing', challenge: { realm: 'r', error: 'invalid_request', scope: [] }, header: 'Bearer realm="r", error="invalid_request"' },
    { rule: 'without an error, description and scope are not sent', challenge: { realm: 'r', error_description: 'x', scope: ['openid'] }, header: 'Bearer realm="r"' },
  ];
  for (const row of rows) t.equal(bearerChallenge(row.challenge), row.header, row.rule);
});

t.test('RFC 7235 §2.1 / RFC 7230 §3.2.6: values are quoted-strings', async (t) => {
  const rows: Array<[string, string, string]> = [
    ['plain', 'plain', '"plain"'],
    ['a double quote is a quoted-pair', 'say "hi"', '"say \\"hi\\""'],
    ['a backslash is a quoted-pair', 'a\\b', '"a\\\\b"'],
    ['CR LF cannot split the header', 'a\r\nSet-Cookie: x', '"a??Set-Cookie: x"'],
    ['non-ASCII becomes ?', 'café', '"caf?"'],
    ['empty', '', '""'],
  ];
  for (const [rule, value, quoted] of rows) t.equal(quoteString(value), quoted, rule);
});

t.test('readCredentials: RFC 7235 §2.1 auth-scheme token, then the credentials', async (t) => {
  const cases: Array<[string | undefined, { scheme: string; credentials: string } | null]> = [
    [undefined, null],
    ['', null],
    ['   ', null],
    ['Bearer abc.def', { scheme: 'Bearer', credentials: 'abc.def' }],
    ['bearer abc', { scheme: 'bearer', credentials: 'abc' }],
    ['  Basic   am9objpzZWNyZXQ=  ', { scheme: 'Basic', credentials: 'am9objpzZWNyZXQ=' }],
    ['Bearer', { scheme: 'Bearer', credentials: '' }],
    ['Token a b', { scheme: 'Token', credentials: 'a b' }],
    ['@bad x', null],
  ];
  for (const [header, expected] of cases) t.strictSame(readCredentials(header), expected, JSON.stringify(header));
});

t.test('bearerTokenFromHeader: RFC 6750 §2.1 `Bearer <b64token>`, the scheme case-insensitive', async (t) => {
  const cases: Array<[string | undefined, BearerFromHeader]> = [
    [undefined, { kind: 'absent' }],
    ['', { kind: 'absent' }],
    ['Basic am9objpzZWNyZXQ=', { kind: 'absent' }],
    ['Token abc', { kind: 'absent' }],
    ['Bearer abc.def-_~+/==', { kind: 'token', token: 'abc.def-_~+/==' }],
    ['bearer abc', { kind: 'token', token: 'abc' }],
    ['  BEARER \tabc  ', { kind: 'token', token: 'abc' }],
    ['Bearer', { kind: 'malformed' }],
    ['Bearer a b', { kind: 'malformed' }],
    ['Bearer a=b', { kind: 'malformed' }],
    ['Bearer "abc"', { kind: 'malformed' }],
  ];
  for (const [header, expected] of cases) t.strictSame(bearerTokenFromHeader(header), expected, JSON.stringify(header));
});
