import t from 'tap';
import { compileCorsPolicy, isPreflight, redirectUriOrigins, type CorsOriginsConfig } from '../../src/http/cors.js';

const cfg = (allowed_origins: string[], allowed_origins_from_client_redirect_uris = false): CorsOriginsConfig => ({
  allowed_origins,
  allowed_origins_from_client_redirect_uris,
});
const REDIRECT_URIS = ['https://app.example.com/cb', 'http://legacy.example.com:8080/oauth2/callback', 'http://localhost:3000/cb', 'https://localhost/cb', 'com.example.app:/cb'];
const ACTUAL = (origin: string) => ({ 'Access-Control-Allow-Origin': origin, Vary: 'Origin', 'Access-Control-Expose-Headers': 'WWW-Authenticate' });

t.test('003 cors.allowed_origins: which origins an actual request is answered for', async (t) => {
  const cases: Array<{ name: string; config: CorsOriginsConfig; origin: string | undefined; expected: Record<string, string> | null }> = [
    { name: "wildcard '*': any origin, answered with '*'", config: cfg(['*']), origin: 'http://anything.test:9000', expected: { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'WWW-Authenticate' } },
    { name: 'explicit list: a listed origin is echoed, with Vary: Origin', config: cfg(['https://spa.example.com', 'http://dev.example.com:8080']), origin: 'http://dev.example.com:8080', expected: ACTUAL('http://dev.example.com:8080') },
    { name: 'explicit list: an unlisted https origin is refused', config: cfg(['https://spa.example.com']), origin: 'https://evil.example.com', expected: null },
    { name: 'explicit list: the same host on another port is another origin', config: cfg(['https://spa.example.com']), origin: 'https://spa.example.com:8443', expected: null },
    { name: 'empty list: any https origin is permitted', config: cfg([]), origin: 'https://whoever.example.org', expected: ACTUAL('https://whoever.example.org') },
    { name: 'empty list: http origins are not', config: cfg([]), origin: 'http://whoever.example.org', expected: null },
    { name: "empty list: the opaque origin 'null' is not", config: cfg([]), origin: 'null', expected: null },
    { name: 'empty list: a URL with a path is not an origin', config: cfg([]), origin: 'https://whoever.example.org/x', expected: null },
    { name: 'from redirect URIs: an https redirect URI origin', config: cfg([], true), origin: 'https://app.example.com', expected: ACTUAL('https://app.example.com') },
    { name: 'from redirect URIs: an http redirect URI origin with its port', config: cfg([], true), origin: 'http://legacy.example.com:8080', expected: ACTUAL('http://legacy.example.com:8080') },
    { name: 'from redirect URIs: localhost is excluded', config: cfg([], true), origin: 'http://localhost:3000', expected: null },
    { name: 'from redirect URIs: the https default no longer applies', config: cfg([], true), origin: 'https://whoever.example.org', expected: null },
    { name: 'from redirect URIs plus a list: both count', config: cfg(['https://spa.example.com'], true), origin: 'https://spa.example.com', expected: ACTUAL('https://spa.example.com') },
    { name: 'no Origin header: no CORS headers', config: cfg(['*']), origin: undefined, expected: null },
  ];
  for (const c of cases) t.strictSame(compileCorsPolicy(c.config, REDIRECT_URIS).headersFor(c.origin, null), c.expected, c.name);
});

t.test('003 allowed_origins_from_client_redirect_uris: http/https origins, localhost excluded, deduplicated', async (t) => {
  t.strictSame(redirectUriOrigins([...REDIRECT_URIS, 'https://app.example.com/other', 'not a url']), ['https://app.example.com', 'http://legacy.example.com:8080']);
});

t.test('Fetch §3.2.2 preflight: methods, headers and max-age', async (t) => {
  const policy = compileCorsPolicy(cfg(['https://spa.example.com']), []);
  const origin = 'https://spa.example.com';
  const cases: Array<{ name: string; requestHeaders: string | undefined; allowHeaders: string }> = [
    { name: 'no requested headers: Authorization and Content-Type', requestHeaders: undefined, allowHeaders: 'authorization, content-type' },
    { name: 'requested token names are added, lower-cased, without duplicates', requestHeaders: 'Content-Type, DPoP, X-Requested-With', allowHeaders: 'authorization, content-type, dpop, x-requested-with' },
    { name: 'names that are not RFC 9110 tokens are dropped', requestHeaders: 'x-ok, bad header, x(y)', allowHeaders: 'authorization, content-type, x-ok' },
    { name: 'more than 16 requested names: only the base set', requestHeaders: Array.from({ length: 17 }, (_, i) => `x-h${i}`).join(','), allowHeaders: 'authorization, content-type' },
  ];
  for (const c of cases) {
    t.strictSame(
      policy.headersFor(origin, { methods: ['GET', 'POST', 'HEAD'], requestHeaders: c.requestHeaders }),
      {
        'Access-Control-Allow-Origin': origin,
        Vary: 'Origin',
        'Access-Control-Allow-Methods': 'GET, POST, HEAD',
        'Access-Control-Allow-Headers': c.allowHeaders,
        'Access-Control-Max-Age': '86400',
      },
      c.name,
    );
  }
  t.equal(policy.headersFor('https://evil.example.com', { methods: ['POST'] }), null, 'a disallowed origin gets nothing on preflight either');
});

t.test('Fetch §3.2.2: a preflight is OPTIONS with Origin and Access-Control-Request-Method', async (t) => {
  t.ok(isPreflight('OPTIONS', 'https://a.example', 'POST'));
  t.notOk(isPreflight('OPTIONS', undefined, 'POST'), 'no Origin');
  t.notOk(isPreflight('OPTIONS', 'https://a.example', undefined), 'no Access-Control-Request-Method');
  t.notOk(isPreflight('POST', 'https://a.example', 'POST'), 'not OPTIONS');
});
