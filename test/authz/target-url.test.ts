/** Target normalization (RFC 3986 §5.2.4 dot segments, §6.2.2 case and percent-encoding, WHATWG parsing). */
import t from 'tap';
import { normalizePercentEncoding } from '../../src/authz/percent-encoding.js';
import { isSecureTarget, parseTargetUrl } from '../../src/authz/target-url.js';

t.test('normalizePercentEncoding (RFC 3986 §6.2.2.2)', async (t) => {
  const rows: [string, string, string][] = [
    ['no escape: unchanged', '/a/b', '/a/b'],
    ['unreserved tilde decoded', '/%7euser', '/~user'],
    ['unreserved letters and digits decoded', '/%41%62%30', '/Ab0'],
    ['unreserved - . _ decoded', '/%2D%2E%5F', '/-._'],
    ['reserved slash stays encoded, upper-cased', '/a%2fb', '/a%2Fb'],
    ['non-ASCII bytes stay encoded, upper-cased', '/%c3%a9', '/%C3%A9'],
    ['a stray % is left as is', '/100%', '/100%'],
  ];
  for (const [name, input, want] of rows) t.equal(normalizePercentEncoding(input), want, name);
});

t.test('parseTargetUrl', async (t) => {
  const rows: [string, string, string | null][] = [
    ['host lower-cased, default port removed (RFC 3986 §6.2.3)', 'https://APP.Example.com:443/x', 'https://app.example.com/x'],
    ['other port kept', 'https://app.example.com:8443/x', 'https://app.example.com:8443/x'],
    ['dot segments resolved (RFC 3986 §5.2.4)', 'https://a.example.com/public/../admin/./x', 'https://a.example.com/admin/x'],
    ['encoded dot segments resolved', 'https://a.example.com/public/%2E%2e/admin', 'https://a.example.com/admin'],
    ['backslash read as slash (WHATWG)', 'https://a.example.com/public\\..\\admin', 'https://a.example.com/admin'],
    ['unreserved escapes decoded in path and query', 'https://a.example.com/%7Eu?q=%7e%2f', 'https://a.example.com/~u?q=~%2F'],
    ['trailing host dot removed', 'https://a.example.com./x', 'https://a.example.com/x'],
    ['fragment dropped', 'https://a.example.com/x#frag', 'https://a.example.com/x'],
    ['IDN host to punycode', 'https://bücher.example/', 'https://xn--bcher-kva.example/'],
    ['relative reference is not a target', '/just/a/path', null],
    ['garbage is not a target', 'https://exa mple.com/', null],
  ];
  for (const [name, input, want] of rows) t.equal(parseTargetUrl(input)?.href ?? null, want, name);
});

t.test('isSecureTarget: https and wss only', async (t) => {
  const rows: [string, boolean][] = [
    ['https://a.example.com/', true],
    ['wss://a.example.com/', true],
    ['http://a.example.com/', false],
    ['ws://a.example.com/', false],
    ['ftp://a.example.com/', false],
  ];
  for (const [url, want] of rows) t.equal(isSecureTarget(new URL(url)), want, url);
});
