/** Audience → target coverage: RFC 3986 §6.2 normalization and `/` segment boundaries. */
import t from 'tap';
import { anyAudienceCovers, audienceCovers, compileAudience, compileAudiences, pathCovers } from '../../src/authz/audience-match.js';
import { parseTargetUrl } from '../../src/authz/target-url.js';

const target = (url: string): URL => parseTargetUrl(url)!;

const rows: [string, string, string, boolean][] = [
  // path and segment boundaries
  ['same path', 'https://a.com/api', 'https://a.com/api', true],
  ['below at a / boundary', 'https://a.com/api', 'https://a.com/api/x', true],
  ['the path with a trailing slash is below', 'https://a.com/api', 'https://a.com/api/', true],
  ['a longer segment is not below (/apix)', 'https://a.com/api', 'https://a.com/apix', false],
  ['a sibling path', 'https://a.com/api', 'https://a.com/web', false],
  ['audience with a trailing slash covers what is below', 'https://a.com/api/', 'https://a.com/api/x', true],
  ['audience with a trailing slash does not cover the bare path', 'https://a.com/api/', 'https://a.com/api', false],
  ['origin-only audience covers the whole origin', 'https://a.com', 'https://a.com/anything/at/all', true],
  ['origin with / covers the whole origin', 'https://a.com/', 'https://a.com/x', true],
  // scheme, host, port
  ['scheme mismatch', 'https://a.com/api', 'wss://a.com/api', false],
  ['http audience never covers an https target', 'http://a.com/', 'https://a.com/', false],
  ['host compared case-insensitively', 'https://A.COM/api', 'https://a.com/api', true],
  ['other host', 'https://a.com/api', 'https://b.com/api', false],
  ['subdomain is another host', 'https://a.com/', 'https://x.a.com/', false],
  ['explicit default port equals none (audience)', 'https://a.com:443/api', 'https://a.com/api', true],
  ['explicit default port equals none (target)', 'https://a.com/api', 'https://a.com:443/api', true],
  ['other port', 'https://a.com/api', 'https://a.com:8443/api', false],
  ['same non-default port', 'https://a.com:8443/api', 'https://a.com:8443/api/x', true],
  ['trailing host dot ignored', 'https://a.com./api', 'https://a.com/api', true],
  // query and fragment
  ['target query ignored', 'https://a.com/api', 'https://a.com/api/x?y=1', true],
  ['audience with a query covers nothing', 'https://a.com/api?x=1', 'https://a.com/api?x=1', false],
  ['audience with an empty query covers nothing', 'https://a.com/api?', 'https://a.com/api', false],
  ['audience with a fragment covers nothing', 'https://a.com/api#f', 'https://a.com/api', false],
  // percent-encoding (RFC 3986 §6.2.2)
  ['%7E in the target equals ~ in the audience', 'https://a.com/api/~user', 'https://a.com/api/%7Euser', true],
  ['%7e in the audience equals ~ in the target', 'https://a.com/api/%7euser', 'https://a.com/api/~user', true],
  ['escapes compared case-insensitively', 'https://a.com/a%2fb', 'https://a.com/a%2Fb', true],
  ['%2F is not a segment boundary', 'https://a.com/api', 'https://a.com/api%2Fx', false],
  ['%2F is not / under a trailing-slash audience either', 'https://a.com/api/x', 'https://a.com/api%2Fx', false],
  // unusable audiences
  ['not a URL covers nothing', 'my-api', 'https://a.com/', false],
  ['a URN covers nothing', 'urn:example:api', 'https://a.com/', false],
  ['credentials in the audience cover nothing', 'https://u:p@a.com/', 'https://a.com/', false],
];

t.test('audienceCovers', async (t) => {
  for (const [name, audience, url, want] of rows) t.equal(audienceCovers(audience, target(url)), want, name);
});

t.test('a target URL not normalized by parseTargetUrl is normalized at match time', async (t) => {
  t.equal(audienceCovers('https://a.com/api/~u', new URL('https://a.com/api/%7Eu')), true, 'percent-encoding');
  t.equal(audienceCovers('https://a.com/api', new URL('https://a.com./api')), true, 'trailing host dot');
  // Targets with dot segments are refused before any audience is asked (target-url.ts); a URL made
  // some other way still has them resolved by WHATWG, so `..` cannot widen an audience.
  t.equal(audienceCovers('https://a.com/api', new URL('https://a.com/api/../admin')), false, '`..` cannot leave the audience path');
  t.equal(audienceCovers('https://a.com/api', new URL('https://a.com/api/%2e%2e/admin')), false, 'nor `%2e%2e`');
});

t.test('compileAudience parses once and keeps the audience', async (t) => {
  const compiled = compileAudience('https://a.com/api');
  t.equal(compiled.audience, 'https://a.com/api');
  t.equal(compiled.covers(target('https://a.com/api/x')), true);
  t.equal(compiled.covers(target('https://a.com/apix')), false);
});

t.test('anyAudienceCovers / compileAudiences: any of the list', async (t) => {
  const audiences = ['https://a.com/api', 'https://b.com/'];
  const covers = compileAudiences(audiences);
  const cases: [string, boolean][] = [
    ['https://a.com/api/x', true],
    ['https://b.com/anything', true],
    ['https://a.com/web', false],
  ];
  for (const [url, want] of cases) {
    t.equal(anyAudienceCovers(audiences, target(url)), want, `any: ${url}`);
    t.equal(covers(target(url)), want, `compiled: ${url}`);
  }
  t.equal(anyAudienceCovers([], target('https://a.com/')), false, 'no audience covers nothing');
});

t.test('pathCovers', async (t) => {
  const cases: [string, string, boolean][] = [
    ['/api', '/api', true],
    ['/api', '/api/', true],
    ['/api', '/apix', false],
    ['/api/', '/api/x', true],
    ['/', '/x', true],
  ];
  for (const [base, path, want] of cases) t.equal(pathCovers(base, path), want, `${base} ⊇ ${path}`);
});
