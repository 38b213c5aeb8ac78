import t from 'tap';
import { bearerChallenge, quoteString } from '../../src/oauth/bearer-challenge.js';

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
