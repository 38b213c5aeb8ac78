/** Each proxy kind: where the target comes from, what is refused, and the unauthorized answer. */
import t from 'tap';
import { isBrowserRequest, portalRedirectUrl, proxyKinds, type AuthzImplementation, type ProxyRequestView, type TargetResult } from '../../../src/authz/proxies/index.js';

const HTTP_REFUSED = 'scheme http is not allowed: forward-auth targets are https or wss';
const UNTRUSTED = 'X-Forwarded-* and X-Original-* headers are accepted only from a trusted proxy';

function view(headers: Record<string, string>, options: { method?: string; path?: string; endpointPath?: string; trusted?: boolean } = {}): ProxyRequestView {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    method: options.method ?? 'GET',
    path: options.path ?? '/api/authz/forward-auth',
    endpointPath: options.endpointPath ?? '/api/authz/forward-auth',
    header: (name) => lower.get(name.toLowerCase()),
    fromTrustedProxy: options.trusted ?? true,
  };
}

/** The result with the URL as a string, for t.same. */
function shown(result: TargetResult): unknown {
  return result.ok ? { ok: true, url: result.url.href, method: result.method } : result;
}

const fwd = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'app.example.com', 'X-Forwarded-Uri': '/x?y=1', 'X-Forwarded-Method': 'GET' };
const orig = { 'X-Original-URL': 'https://app.example.com/x?y=1', 'X-Original-Method': 'POST' };
const ext = { 'X-Forwarded-Proto': 'https', Host: 'app.example.com' };
const EXT = '/api/authz/ext-authz';

interface Row {
  name: string;
  kind: AuthzImplementation;
  req: ProxyRequestView;
  want: unknown;
}

const ok = (url: string, method: string) => ({ ok: true, url, method });
const bad = (status: 400 | 401, reason: string) => ({ ok: false, status, reason });
const without = (headers: Record<string, string>, name: string) => Object.fromEntries(Object.entries(headers).filter(([k]) => k !== name));

const rows: Row[] = [
  // ForwardAuth (Traefik forwardAuth, Caddy forward_auth)
  { name: 'ForwardAuth: proto + host + uri, method from X-Forwarded-Method', kind: 'ForwardAuth', req: view(fwd), want: ok('https://app.example.com/x?y=1', 'GET') },
  { name: 'ForwardAuth: a lower-case method → 400 (RFC 9110 §9.1 says case-sensitive; backends disagree)', kind: 'ForwardAuth', req: view({ ...fwd, 'X-Forwarded-Method': 'delete' }), want: bad(400, "X-Forwarded-Method 'delete' is not in upper case: backends read such a method differently") },
  { name: 'ForwardAuth: an upper-case extension method is taken as sent', kind: 'ForwardAuth', req: view({ ...fwd, 'X-Forwarded-Method': 'PROPFIND' }), want: ok('https://app.example.com/x?y=1', 'PROPFIND') },
  { name: 'ForwardAuth: a no-break space is not trimmed away (only OWS is)', kind: 'ForwardAuth', req: view({ ...fwd, 'X-Forwarded-Uri': '/public/x\u00a0' }), want: bad(400, 'a character beyond ASCII in X-Forwarded-Uri') },
  { name: 'ForwardAuth: missing X-Forwarded-Uri means /', kind: 'ForwardAuth', req: view(without(fwd, 'X-Forwarded-Uri')), want: ok('https://app.example.com/', 'GET') },
  { name: 'ForwardAuth: host with a port, default port removed', kind: 'ForwardAuth', req: view({ ...fwd, 'X-Forwarded-Host': 'App.Example.com:443' }), want: ok('https://app.example.com/x?y=1', 'GET') },
  { name: 'ForwardAuth: a `..` segment is refused, not resolved (backends differ)', kind: 'ForwardAuth', req: view({ ...fwd, 'X-Forwarded-Uri': '/public/../admin' }), want: bad(400, "a dot segment ('.' or '..', maybe encoded) in X-Forwarded-Uri") },
  { name: 'ForwardAuth: a raw backslash in X-Forwarded-Uri → 400', kind: 'ForwardAuth', req: view({ ...fwd, 'X-Forwarded-Uri': '/admin\\x' }), want: bad(400, 'a raw backslash in X-Forwarded-Uri') },
  { name: 'ForwardAuth: a raw # in X-Forwarded-Uri → 400', kind: 'ForwardAuth', req: view({ ...fwd, 'X-Forwarded-Uri': '/public#/../admin' }), want: bad(400, "a raw '#' in X-Forwarded-Uri") },
  { name: 'ForwardAuth: an absolute URI in X-Forwarded-Uri → 400', kind: 'ForwardAuth', req: view({ ...fwd, 'X-Forwarded-Uri': 'https://app.example.com/admin' }), want: bad(400, 'the target path must start with /') },
  { name: 'ForwardAuth: wss is a secure target', kind: 'ForwardAuth', req: view({ ...fwd, 'X-Forwarded-Proto': 'wss' }), want: ok('wss://app.example.com/x?y=1', 'GET') },
  { name: 'ForwardAuth: untrusted peer → 400', kind: 'ForwardAuth', req: view(fwd, { trusted: false }), want: bad(400, UNTRUSTED) },
  { name: 'ForwardAuth: missing X-Forwarded-Method → 400', kind: 'ForwardAuth', req: view(without(fwd, 'X-Forwarded-Method')), want: bad(400, 'missing header X-Forwarded-Method') },
  { name: 'ForwardAuth: missing X-Forwarded-Proto → 400', kind: 'ForwardAuth', req: view(without(fwd, 'X-Forwarded-Proto')), want: bad(400, 'missing header X-Forwarded-Proto') },
  { name: 'ForwardAuth: missing X-Forwarded-Host → 400', kind: 'ForwardAuth', req: view(without(fwd, 'X-Forwarded-Host')), want: bad(400, 'missing header X-Forwarded-Host') },
  { name: 'ForwardAuth: empty header counts as missing', kind: 'ForwardAuth', req: view({ ...fwd, 'X-Forwarded-Host': ' ' }), want: bad(400, 'missing header X-Forwarded-Host') },
  { name: 'ForwardAuth: http target → 400', kind: 'ForwardAuth', req: view({ ...fwd, 'X-Forwarded-Proto': 'http' }), want: bad(400, HTTP_REFUSED) },
  { name: 'ForwardAuth: host smuggling a path → 400', kind: 'ForwardAuth', req: view({ ...fwd, 'X-Forwarded-Host': 'evil.com/app.example.com' }), want: bad(400, 'X-Forwarded-Host is not a plain host[:port]') },
  { name: 'ForwardAuth: host with userinfo → 400', kind: 'ForwardAuth', req: view({ ...fwd, 'X-Forwarded-Host': 'app.example.com@evil.com' }), want: bad(400, 'user info in X-Forwarded-Host') },
  { name: 'ForwardAuth: host with user info and a port-like password → 400', kind: 'ForwardAuth', req: view({ ...fwd, 'X-Forwarded-Host': 'app.example.com:x@public.example.com' }), want: bad(400, 'user info in X-Forwarded-Host') },
  { name: 'ForwardAuth: a list of hosts (duplicate headers joined) → 400', kind: 'ForwardAuth', req: view({ ...fwd, 'X-Forwarded-Host': 'a.example.com, b.example.com' }), want: bad(400, 'whitespace in X-Forwarded-Host') },
  { name: 'ForwardAuth: a list of hosts without a space → 400', kind: 'ForwardAuth', req: view({ ...fwd, 'X-Forwarded-Host': 'a.example.com,b.example.com' }), want: bad(400, 'X-Forwarded-Host is not a plain host[:port]') },
  { name: 'ForwardAuth: IPv6 literal host', kind: 'ForwardAuth', req: view({ ...fwd, 'X-Forwarded-Host': '[2001:db8::1]:8443' }), want: ok('https://[2001:db8::1]:8443/x?y=1', 'GET') },
  { name: 'ForwardAuth: uri not starting with / → 400', kind: 'ForwardAuth', req: view({ ...fwd, 'X-Forwarded-Uri': '@evil.com/' }), want: bad(400, 'the target path must start with /') },
  { name: 'ForwardAuth: bad scheme → 400', kind: 'ForwardAuth', req: view({ ...fwd, 'X-Forwarded-Proto': 'https://x' }), want: bad(400, 'X-Forwarded-Proto is not a URL scheme') },
  { name: 'ForwardAuth: bad method → 400', kind: 'ForwardAuth', req: view({ ...fwd, 'X-Forwarded-Method': 'GET POST' }), want: bad(400, 'X-Forwarded-Method is not an HTTP method') },
  // AuthRequest (nginx auth_request)
  { name: 'AuthRequest: X-Original-URL and X-Original-Method', kind: 'AuthRequest', req: view(orig), want: ok('https://app.example.com/x?y=1', 'POST') },
  { name: 'AuthRequest: missing X-Original-Method → 400', kind: 'AuthRequest', req: view(without(orig, 'X-Original-Method')), want: bad(400, 'missing header X-Original-Method') },
  { name: 'AuthRequest: missing X-Original-URL → 400', kind: 'AuthRequest', req: view(without(orig, 'X-Original-URL')), want: bad(400, 'missing header X-Original-URL') },
  { name: 'AuthRequest: unparsable X-Original-URL → 400', kind: 'AuthRequest', req: view({ ...orig, 'X-Original-URL': '/x' }), want: bad(400, 'X-Original-URL is not an absolute URL') },
  { name: 'AuthRequest: http target → 400', kind: 'AuthRequest', req: view({ ...orig, 'X-Original-URL': 'http://app.example.com/' }), want: bad(400, HTTP_REFUSED) },
  { name: 'AuthRequest: untrusted peer → 400', kind: 'AuthRequest', req: view(orig, { trusted: false }), want: bad(400, UNTRUSTED) },
  { name: 'AuthRequest: X-Forwarded-* are not its headers', kind: 'AuthRequest', req: view(fwd), want: bad(400, 'missing header X-Original-URL') },
  // ExtAuthz (Envoy)
  { name: 'ExtAuthz: path after the endpoint prefix, Host, own method', kind: 'ExtAuthz', req: view(ext, { method: 'PUT', path: `${EXT}/foo?x`, endpointPath: EXT }), want: ok('https://app.example.com/foo?x', 'PUT') },
  { name: 'ExtAuthz: the endpoint itself is /', kind: 'ExtAuthz', req: view(ext, { path: EXT, endpointPath: EXT }), want: ok('https://app.example.com/', 'GET') },
  { name: 'ExtAuthz: query right after the prefix', kind: 'ExtAuthz', req: view(ext, { path: `${EXT}?x=1`, endpointPath: EXT }), want: ok('https://app.example.com/?x=1', 'GET') },
  { name: 'ExtAuthz: endpoint path configured with a trailing /', kind: 'ExtAuthz', req: view(ext, { path: `${EXT}/foo`, endpointPath: `${EXT}/` }), want: ok('https://app.example.com/foo', 'GET') },
  { name: 'ExtAuthz: prefix only at a / boundary → 400', kind: 'ExtAuthz', req: view(ext, { path: `${EXT}foo`, endpointPath: EXT }), want: bad(400, `the request path is not below ${EXT}`) },
  { name: 'ExtAuthz: missing Host → 400', kind: 'ExtAuthz', req: view(without(ext, 'Host'), { path: `${EXT}/`, endpointPath: EXT }), want: bad(400, 'missing header Host') },
  { name: 'ExtAuthz: missing X-Forwarded-Proto → 400', kind: 'ExtAuthz', req: view(without(ext, 'X-Forwarded-Proto'), { path: `${EXT}/`, endpointPath: EXT }), want: bad(400, 'missing header X-Forwarded-Proto') },
  { name: 'ExtAuthz: http target → 400', kind: 'ExtAuthz', req: view({ ...ext, 'X-Forwarded-Proto': 'http' }, { path: `${EXT}/`, endpointPath: EXT }), want: bad(400, HTTP_REFUSED) },
  { name: 'ExtAuthz: untrusted peer → 400', kind: 'ExtAuthz', req: view(ext, { path: `${EXT}/`, endpointPath: EXT, trusted: false }), want: bad(400, UNTRUSTED) },
  { name: 'ExtAuthz: a `..` segment after the prefix → 400', kind: 'ExtAuthz', req: view(ext, { path: `${EXT}/public/../admin`, endpointPath: EXT }), want: bad(400, "a dot segment ('.' or '..', maybe encoded) in the request path") },
  { name: 'ExtAuthz: user info in Host → 400', kind: 'ExtAuthz', req: view({ ...ext, Host: 'app.example.com:x@public.example.com' }, { path: `${EXT}/admin`, endpointPath: EXT }), want: bad(400, 'user info in Host') },
  // Legacy (/api/verify)
  { name: 'Legacy: X-Original-URL alone', kind: 'Legacy', req: view({ ...orig, 'X-Original-URL': 'https://orig.example.com/' }), want: ok('https://orig.example.com/', 'POST') },
  { name: 'Legacy: both sets naming the same target (Authelia’s old nginx snippet)', kind: 'Legacy', req: view({ ...fwd, ...orig, 'X-Forwarded-Method': 'POST' }), want: ok('https://app.example.com/x?y=1', 'POST') },
  { name: 'Legacy: both sets naming different targets → 401 (a client sent one of them)', kind: 'Legacy', req: view({ ...fwd, ...orig, 'X-Forwarded-Method': 'POST', 'X-Original-URL': 'https://orig.example.com/' }), want: bad(401, 'X-Original-URL and X-Forwarded-Host/-Uri name different targets') },
  { name: 'Legacy: both methods, different → 401', kind: 'Legacy', req: view({ ...fwd, ...orig }), want: bad(401, 'X-Original-Method and X-Forwarded-Method differ') },
  { name: 'Legacy: a client X-Original-Method beside the proxy set without X-Original-URL → 401', kind: 'Legacy', req: view({ ...fwd, 'X-Forwarded-Method': 'DELETE', 'X-Original-Method': 'GET' }), want: bad(401, 'X-Original-Method and X-Forwarded-Method differ') },
  { name: 'Legacy: falls back to X-Forwarded-*', kind: 'Legacy', req: view(fwd), want: ok('https://app.example.com/x?y=1', 'GET') },
  { name: 'Legacy: method from X-Forwarded-Method', kind: 'Legacy', req: view({ ...fwd, 'X-Forwarded-Method': 'PATCH' }), want: ok('https://app.example.com/x?y=1', 'PATCH') },
  { name: 'Legacy: no method header means GET', kind: 'Legacy', req: view({ 'X-Original-URL': 'https://app.example.com/' }), want: ok('https://app.example.com/', 'GET') },
  { name: 'Legacy: no target → 401', kind: 'Legacy', req: view({}), want: bad(401, 'missing header X-Forwarded-Proto') },
  { name: 'Legacy: http target → 401', kind: 'Legacy', req: view({ 'X-Original-URL': 'http://app.example.com/' }), want: bad(401, HTTP_REFUSED) },
  { name: 'Legacy: untrusted peer → 401', kind: 'Legacy', req: view(orig, { trusted: false }), want: bad(401, UNTRUSTED) },
  { name: 'Legacy: bad method → 401', kind: 'Legacy', req: view({ ...orig, 'X-Original-Method': 'G(T' }), want: bad(401, 'X-Original-Method is not an HTTP method') },
];

t.test('target(): URL derivation and refusals per proxy kind', async (t) => {
  for (const row of rows) t.same(shown(proxyKinds[row.kind].target(row.req)), row.want, row.name);
});

t.test('portalRedirectUrl: Authelia’s rd and rm parameters', async (t) => {
  t.equal(portalRedirectUrl('https://auth.example.com', 'https://app.example.com/x?y=1&z', 'GET'), 'https://auth.example.com/?rd=https%3A%2F%2Fapp.example.com%2Fx%3Fy%3D1%26z&rm=GET');
  t.equal(portalRedirectUrl('https://auth.example.com/', 'https://a.example.com/', 'POST'), 'https://auth.example.com/?rd=https%3A%2F%2Fa.example.com%2F&rm=POST', 'no double slash');
  t.equal(portalRedirectUrl('https://example.com/auth', 'https://a.example.com/', 'GET'), 'https://example.com/auth/?rd=https%3A%2F%2Fa.example.com%2F&rm=GET', 'portal under a path');
});

t.test('unauthorized(): 302 / 303 / 401 with Location', async (t) => {
  const portalUrl = 'https://auth.example.com';
  const targetUrl = 'https://app.example.com/';
  const location = (method: string) => portalRedirectUrl(portalUrl, targetUrl, method);
  const cases: [string, AuthzImplementation, string, boolean, unknown][] = [
    ['ForwardAuth browser GET → 302', 'ForwardAuth', 'GET', true, { status: 302, location: location('GET') }],
    ['ForwardAuth browser HEAD → 302', 'ForwardAuth', 'HEAD', true, { status: 302, location: location('HEAD') }],
    ['ForwardAuth browser OPTIONS → 302', 'ForwardAuth', 'OPTIONS', true, { status: 302, location: location('OPTIONS') }],
    ['ForwardAuth browser POST → 303 (RFC 9110 §15.4.4: follow with GET)', 'ForwardAuth', 'POST', true, { status: 303, location: location('POST') }],
    ['ForwardAuth non-browser → 401 with Location', 'ForwardAuth', 'GET', false, { status: 401, location: location('GET') }],
    ['ExtAuthz browser GET → 302', 'ExtAuthz', 'GET', true, { status: 302, location: location('GET') }],
    ['ExtAuthz browser DELETE → 303', 'ExtAuthz', 'DELETE', true, { status: 303, location: location('DELETE') }],
    ['ExtAuthz non-browser → 401', 'ExtAuthz', 'POST', false, { status: 401, location: location('POST') }],
    ['Legacy browser GET → 302', 'Legacy', 'GET', true, { status: 302, location: location('GET') }],
    ['Legacy browser PUT → 303', 'Legacy', 'PUT', true, { status: 303, location: location('PUT') }],
    ['Legacy non-browser → 401', 'Legacy', 'GET', false, { status: 401, location: location('GET') }],
    ['AuthRequest browser GET → 401 with Location (nginx error_page 401 =302)', 'AuthRequest', 'GET', true, { status: 401, location: location('GET') }],
    ['AuthRequest browser POST → 401 with Location', 'AuthRequest', 'POST', true, { status: 401, location: location('POST') }],
    ['AuthRequest non-browser → 401 with Location', 'AuthRequest', 'GET', false, { status: 401, location: location('GET') }],
  ];
  for (const [name, kind, method, isBrowser, want] of cases) t.same(proxyKinds[kind].unauthorized({ portalUrl, targetUrl, method, isBrowser }), want, name);
  for (const kind of ['ForwardAuth', 'AuthRequest', 'ExtAuthz', 'Legacy'] as const) {
    t.same(proxyKinds[kind].unauthorized({ portalUrl: '', targetUrl, method: 'GET', isBrowser: true }), { status: 401 }, `${kind}: no portal URL → plain 401`);
  }
});

t.test('isBrowserRequest: Accept text/html and not an XMLHttpRequest', async (t) => {
  const cases: [string, Record<string, string>, boolean][] = [
    ['browser navigation', { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }, true],
    ['Accept compared case-insensitively', { Accept: 'Text/HTML' }, true],
    ['JSON client', { Accept: 'application/json' }, false],
    ['no Accept', {}, false],
    ['*/* alone is not a browser', { Accept: '*/*' }, false],
    ['XMLHttpRequest from a page', { Accept: 'text/html', 'X-Requested-With': 'XMLHttpRequest' }, false],
    ['X-Requested-With compared case-insensitively', { Accept: 'text/html', 'X-Requested-With': 'xmlhttprequest' }, false],
    ['another X-Requested-With value', { Accept: 'text/html', 'X-Requested-With': 'com.example.app' }, true],
  ];
  for (const [name, headers, want] of cases) t.equal(isBrowserRequest((h) => view(headers).header(h)), want, name);
});

t.test('the registry holds the four implementations', async (t) => {
  t.same(Object.keys(proxyKinds).sort(), ['AuthRequest', 'ExtAuthz', 'ForwardAuth', 'Legacy']);
});
