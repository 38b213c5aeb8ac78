/**
 * Attack review after issue #11's fixes, parser level: targets and methods the proxy kinds take
 * although target-url.ts (and the README's "Security of the proxy boundary") says they are refused,
 * or take differently from how the back end will read them. Each failed before its fix and is a
 * regression test now. The end-to-end reproductions through nginx and Caddy are in
 * test/proxies/attack-review.test.ts (findings 1-3).
 */
import t from 'tap';
import { proxyKinds, type ProxyRequestView, type TargetResult } from '../../src/authz/proxies/index.js';
import { checkedMethod } from '../../src/authz/proxies/target-headers.js';
import { parseTargetUrl } from '../../src/authz/target-url.js';

function view(headers: Record<string, string>, endpointPath = '/api/verify'): ProxyRequestView {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method: 'GET', path: endpointPath, endpointPath, header: (name) => lower.get(name.toLowerCase()), fromTrustedProxy: true };
}

const shown = (r: TargetResult) => (r.ok ? `${r.method} ${r.url.href}` : `refused ${r.status}: ${r.reason}`);

t.test('finding 1: a trailing NBSP (0xA0, what Node reads as U+00A0) is trimmed, not refused', async (t) => {
  // nginx passes $request_uri bytes as they came; Node reads header bytes as latin1, so the byte 0xA0
  // is U+00A0, which String#trim removes (headerValue in target-headers.ts) before the
  // "no character beyond ASCII" check. The back end gets /public/x\xa0; Gatehouse decides /public/x.
  const cases: Array<[string, ProxyRequestView, string]> = [
    ['AuthRequest X-Original-URL', view({ 'X-Original-URL': 'https://app.example.com/public/x\u00a0', 'X-Original-Method': 'GET' }, '/api/authz/auth-request'), 'AuthRequest'],
    ['ForwardAuth X-Forwarded-Uri', view({ 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'app.example.com', 'X-Forwarded-Uri': '/public/x\u00a0', 'X-Forwarded-Method': 'GET' }, '/api/authz/forward-auth'), 'ForwardAuth'],
    ['Legacy X-Original-URL', view({ 'X-Original-URL': 'https://app.example.com/admin/\u00a0\u00a0' }), 'Legacy'],
  ];
  for (const [name, req, kind] of cases) {
    const result = proxyKinds[kind as 'AuthRequest'].target(req);
    t.notOk(result.ok, `${name}: refused (a character beyond ASCII), got ${shown(result)}`);
  }
  // The parser alone refuses it: only the header reading loses it.
  t.equal(parseTargetUrl('https://app.example.com/public/x\u00a0'), null, 'parseTargetUrl refuses the same target');
});

t.test('finding 2: the method is decided as the proxy sent it, not upper-cased', async (t) => {
  // Caddy (Go) passes `get`, `options`, `delete` on unchanged (test/proxies/attack-review.test.ts);
  // Gatehouse matches `methods` rules against GET/OPTIONS/DELETE. A `methods: [OPTIONS]` bypass for
  // CORS preflights then also lets `options` through, which a Go, Python or Java back end does not
  // treat as OPTIONS (its handler runs as for any other method).
  for (const method of ['get', 'options', 'Delete']) {
    const read = checkedMethod(method, 'X-Forwarded-Method');
    t.not(read.ok && read.value, method.toUpperCase(), `${method}: not decided as ${method.toUpperCase()} (refuse it, or keep it as sent)`);
  }
});

t.test('finding 3: on /api/verify a client-supplied X-Original-URL does not override the proxy’s X-Forwarded-*', async (t) => {
  // Caddy's forward_auth and Traefik's forwardAuth set X-Forwarded-Proto/Host/Uri/Method and pass every
  // other client header on, X-Original-URL and X-Original-Method included. Legacy prefers those.
  const proxySet = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'app.example.com', 'X-Forwarded-Uri': '/admin', 'X-Forwarded-Method': 'DELETE' };
  const clientSent = { 'X-Original-URL': 'https://public.example.com/', 'X-Original-Method': 'GET' };
  const result = proxyKinds.Legacy.target(view({ ...proxySet, ...clientSent }));
  t.ok(!result.ok || result.url.href === 'https://app.example.com/admin', `both sets present and disagreeing: refused, or decided on the proxy's target; got ${shown(result)}`);
  t.ok(!result.ok || result.method === 'DELETE', `the method is the proxy's X-Forwarded-Method; got ${shown(result)}`);
  // nginx's direction (X-Original-URL set by nginx, X-Forwarded-Uri sent by the client) is no better an answer:
  // with both present nothing tells which one the proxy set, so refusing is the only safe reading.
  const nginxWay = proxyKinds.Legacy.target(view({ 'X-Original-URL': 'https://app.example.com/admin', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'public.example.com', 'X-Forwarded-Uri': '/' }));
  t.same(nginxWay, { ok: false, status: 401, reason: 'X-Original-URL and X-Forwarded-Host/-Uri name different targets' }, 'both present and disagreeing, whichever the client sent: refused');
  const agreeing = proxyKinds.Legacy.target(view({ 'X-Original-URL': 'https://app.example.com/admin', 'X-Original-Method': 'GET', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'app.example.com', 'X-Forwarded-Uri': '/admin', 'X-Forwarded-Method': 'GET' }));
  t.ok(agreeing.ok, `Authelia's old nginx snippet sends both sets, equal: decided (${shown(agreeing)})`);
});

t.test('finding 4: dot segments in encodings IIS / ASP.NET and lenient UTF-8 decoders resolve', async (t) => {
  // IIS and ASP.NET decode %uXXXX (%u002e is '.', %uff0e fullwidth '.', best-fit mapped to '.').
  // hasDotSegment's decoder throws on them and falls back to %2e only, so Gatehouse decides
  // /public/... (bypass) where an IIS back end serves /admin. Not reachable through the shipped
  // examples: nginx 1.22 and Caddy 2.6 answer 400 to a `%u` escape themselves (hostile-corpus.ts
  // has the cases); a proxy that passes invalid escapes on (or a direct ExtAuthz/Legacy caller)
  // reaches it. The 5- and 6-byte overlong forms (%f8.., %fc..: valid escapes, nginx passes them)
  // are not in OVERLONG_UTF8; only very old decoders read them as '.'. Defence in depth.
  for (const target of [
    'https://app.example.com/public/%u002e%u002e/admin',
    'https://app.example.com/public/%U002E%U002E/admin',
    'https://app.example.com/public/%uff0e%uff0e/admin',
    'https://app.example.com/public/%u002e%u002e%u002fadmin',
    'https://app.example.com/public/..%u002fadmin',
    'https://app.example.com/public/%f8%80%80%80%ae%f8%80%80%80%ae/admin',
    'https://app.example.com/public/%fc%80%80%80%80%ae%fc%80%80%80%80%ae/admin',
  ]) {
    const url = parseTargetUrl(target);
    t.equal(url, null, `${target}: refused; got ${url?.pathname ?? 'null'}`);
  }
});

t.test('finding 5 (info): a bracketed IPv6 host that WHATWG rewrites is taken, unlike the module comment says', async (t) => {
  for (const target of ['https://[::ffff:127.0.0.1]/x', 'https://[0:0:0:0:0:0:0:1]/x']) {
    const url = parseTargetUrl(target);
    t.equal(url, null, `${target}: refused as a host URL parsers rewrite; got ${url?.host ?? 'null'}`);
  }
  t.equal(parseTargetUrl('https://[::FFFF:7F00:1]/x')?.host, '[::ffff:7f00:1]', 'only lower-cased, like every host: taken');
});

t.test('finding 6: a `?` inside the host part of X-Original-URL ends the authority early', async (t) => {
  // nginx builds X-Original-URL from `$host`, and $host may hold a `?` (nginx refuses only '/', NUL,
  // '..', controls and space in Host). splitAbsoluteUrl ends the authority at the first '/' or '?',
  // so the host nginx routed on (`public.example.com?.example.com`, matched by `*.example.com`) is
  // decided as public.example.com, and `.example.com:443/admin` becomes a query.
  // test/proxies/attack-review.test.ts reproduces it through nginx (anonymous /admin served).
  for (const [name, raw] of [
    ['wildcard server_name', 'https://public.example.com?.example.com:443/admin'],
    ['default_server', 'https://public.example.com?:443/admin'],
  ] as const) {
    for (const kind of ['AuthRequest', 'Legacy'] as const) {
      const result = proxyKinds[kind].target(view({ 'X-Original-URL': raw, 'X-Original-Method': 'GET' }, kind === 'Legacy' ? '/api/verify' : '/api/authz/auth-request'));
      t.notOk(result.ok, `${kind}, ${name}: ${raw} refused; got ${shown(result)}`);
    }
    t.equal(parseTargetUrl(raw)?.href ?? null, null, `parseTargetUrl refuses ${raw}`);
  }
  // The same host through the other kinds is refused already: the authority is a header of its own.
  const forwarded = proxyKinds.ForwardAuth.target(view({ 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'public.example.com?.example.com', 'X-Forwarded-Uri': '/admin', 'X-Forwarded-Method': 'GET' }, '/api/authz/forward-auth'));
  t.notOk(forwarded.ok, `ForwardAuth refuses X-Forwarded-Host public.example.com?.example.com: ${shown(forwarded)}`);
});

t.test('held: forms that are refused today (regression guard)', async (t) => {
  for (const target of [
    'https://app.example.com/public/%E2%80%A5/admin', // two-dot leader, NFKC '..'
    'https://app.example.com/public/%ef%bc%8e%ef%bc%8e/admin',
    'https://app.example.com/public/%e0%80%ae%e0%80%ae/admin',
    'https://app.example.com/public/%c0%ae%c0%ae/admin',
    'https://app.example.com/public/x%2F%2e%2e%2F%2e%2e%2Fadmin',
    'https://app.example.com/public/%3B/%2E%2E/admin',
    'https://app.example.com/public/%2e%2e%00/admin',
    'https://app.example.com/public/%zz/%2e%2e/admin',
    'https://app.example.com../public/x',
    'https://1.2.3/x',
    'https://0/x',
    'https://xn--app.example.com/x',
    'https://app.example.com:x@public.example.com/x',
  ]) t.equal(parseTargetUrl(target), null, `${target}: refused`);
});
