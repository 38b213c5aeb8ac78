/** Forward-auth targets: refused when readers could disagree (issue #11), else normalized (RFC 3986 §6.2.2, §6.2.3). */
import t from 'tap';
import { normalizePercentEncoding } from '../../src/authz/percent-encoding.js';
import { parseTarget, parseTargetUrl, splitAbsoluteUrl } from '../../src/authz/target-url.js';

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

t.test('parseTargetUrl: what every reader reads alike is normalized (RFC 3986 §6.2.2, §6.2.3)', async (t) => {
  const rows: [string, string, string][] = [
    ['host lower-cased, default port removed (RFC 3986 §6.2.3)', 'https://APP.Example.com:443/x', 'https://app.example.com/x'],
    ['other port kept', 'https://app.example.com:8443/x', 'https://app.example.com:8443/x'],
    ['unreserved escapes decoded in path and query (§6.2.2.2)', 'https://a.example.com/%7Eu?q=%7e%2f', 'https://a.example.com/~u?q=~%2F'],
    ['an encoded slash stays a character of its segment', 'https://a.example.com/api/group%2fproject', 'https://a.example.com/api/group%2Fproject'],
    ['trailing host dot removed', 'https://a.example.com./x', 'https://a.example.com/x'],
    ['no path is /', 'https://a.example.com', 'https://a.example.com/'],
    ['dots inside a segment are not dot segments', 'https://a.example.com/a..b/.well-known/x.y', 'https://a.example.com/a..b/.well-known/x.y'],
    ['a Latin-1 escape (not UTF-8) is a character like any other', 'https://a.example.com/caf%E9', 'https://a.example.com/caf%E9'],
    ['UTF-8 escapes', 'https://a.example.com/%C3%A9t%C3%A9', 'https://a.example.com/%C3%A9t%C3%A9'],
    ['a punycode host (IDN as every client sends it)', 'https://xn--bcher-kva.example/x', 'https://xn--bcher-kva.example/x'],
    ['IPv6 literal', 'https://[2001:db8::1]:8443/x', 'https://[2001:db8::1]:8443/x'],
    ['wss', 'wss://a.example.com/socket', 'wss://a.example.com/socket'],
  ];
  for (const [name, input, want] of rows) t.equal(parseTargetUrl(input)?.href ?? null, want, name);
});

t.test('parseTarget: an ambiguous target is refused with its reason (issue #11: decide on what the backend serves)', async (t) => {
  const rows: [string, string, string][] = [
    ['user info: nginx routes by the part before the colon', 'https://app.example.com:x@public.example.com/admin', 'user info in X-Original-URL'],
    ['user info without a password', 'https://app.example.com@public.example.com/', 'user info in X-Original-URL'],
    ['raw backslash: WHATWG reads it as /, backends do not', 'https://a.example.com/admin/x\\..\\..\\public/x', 'a raw backslash in X-Original-URL'],
    ['raw #: WHATWG drops the rest as a fragment', 'https://a.example.com/public#/../admin', "a raw '#' in X-Original-URL"],
    ['dot segment', 'https://a.example.com/public/../admin', "a dot segment ('.' or '..', maybe encoded) in X-Original-URL"],
    ['single-dot segment', 'https://a.example.com/./admin', "a dot segment ('.' or '..', maybe encoded) in X-Original-URL"],
    ['trailing dot segment', 'https://a.example.com/admin/..', "a dot segment ('.' or '..', maybe encoded) in X-Original-URL"],
    ['encoded dot segment', 'https://a.example.com/public/%2E%2e/admin', "a dot segment ('.' or '..', maybe encoded) in X-Original-URL"],
    ['dot segment between encoded slashes', 'https://a.example.com/public%2F..%2Fadmin', "a dot segment ('.' or '..', maybe encoded) in X-Original-URL"],
    ['dot segment between encoded backslashes', 'https://a.example.com/public%5c..%5cadmin', "a dot segment ('.' or '..', maybe encoded) in X-Original-URL"],
    ['Tomcat ..; segment', 'https://a.example.com/public/..;/admin', "a dot segment ('.' or '..', maybe encoded) in X-Original-URL"],
    ['dot segment behind an encoded ;', 'https://a.example.com/public/..%3b/admin', "a dot segment ('.' or '..', maybe encoded) in X-Original-URL"],
    ['fullwidth dots (NFKC ．．)', 'https://a.example.com/public/%ef%bc%8e%ef%bc%8e/admin', "a dot segment ('.' or '..', maybe encoded) in X-Original-URL"],
    ['encoded NUL: C back ends stop reading there', 'https://a.example.com/public/..%00/admin', 'an encoded NUL (%00) in X-Original-URL'],
    ['overlong UTF-8 slash (RFC 3629 §3)', 'https://a.example.com/public/..%c0%afadmin', 'an overlong UTF-8 encoding in X-Original-URL'],
    ['empty segment: Apache merges //', 'https://a.example.com//admin', "an empty path segment ('//') in X-Original-URL"],
    ['tab', 'https://a.example.com/a\tb', 'a control character in X-Original-URL'],
    ['NUL', 'https://a.example.com/a\u0000', 'a control character in X-Original-URL'],
    ['space', 'https://a.example.com/a b', 'whitespace in X-Original-URL'],
    ['non-ASCII', 'https://a.example.com/é', 'a character beyond ASCII in X-Original-URL'],
    ['IDN host: sent as punycode by every client', 'https://bücher.example/', 'a character beyond ASCII in X-Original-URL'],
    ['raw { in the path: WHATWG would encode it', 'https://a.example.com/a{b}', 'a character URL parsers percent-encode (one of "<>`{}) in X-Original-URL'],
    ['percent-escape in the host', 'https://%61pp.example.com/', 'X-Original-URL is not a plain host[:port]'],
    ['IPv4 in a form WHATWG rewrites', 'https://0x7f.1/', 'X-Original-URL names its host in a form URL parsers rewrite (127.0.0.1)'],
    ['empty port', 'https://a.example.com:/x', 'X-Original-URL is not a plain host[:port]'],
    ['port out of range', 'https://a.example.com:99999/x', 'X-Original-URL has a port out of range'],
    ['a list of hosts', 'https://a.example.com,b.example.com/', 'X-Original-URL is not a plain host[:port]'],
    ['a ? in the host part (nginx $host may hold one)', 'https://public.example.com?.example.com:443/admin', 'X-Original-URL is not a plain host[:port]'],
    ['IIS %u escape', 'https://a.example.com/public/%u002e%u002e/admin', 'a %u escape (IIS) in X-Original-URL'],
    ['5-byte overlong UTF-8', 'https://a.example.com/public/%f8%80%80%80%ae/admin', 'an overlong UTF-8 encoding in X-Original-URL'],
    ['IPv6 in a form WHATWG rewrites', 'https://[0:0:0:0:0:0:0:1]/x', 'X-Original-URL names its host in a form URL parsers rewrite ([::1])'],
    ['an xn-- label that is not punycode (Node 24 URL takes it, 20 and 22 refuse it)', 'https://xn--app.example.com/x', 'X-Original-URL has an `xn--` label that is not valid punycode'],
    ['http', 'http://a.example.com/', 'scheme http is not allowed: forward-auth targets are https or wss'],
  ];
  for (const [name, input, want] of rows) {
    const parts = splitAbsoluteUrl(input);
    const read = parts && parseTarget(parts, { scheme: 'X-Original-URL', authority: 'X-Original-URL', path: 'X-Original-URL' });
    t.same(read, { ok: false, reason: want }, name);
  }
});

t.test('splitAbsoluteUrl: a relative reference is no target', async (t) => {
  t.equal(splitAbsoluteUrl('/just/a/path'), null);
  t.equal(parseTargetUrl('/just/a/path'), null);
});
