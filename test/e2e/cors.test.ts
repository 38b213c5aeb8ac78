/**
 * 003 "cors" end to end: the real server answers preflights and decorates the configured OIDC
 * endpoints (errors included), and nothing else.
 */
import t, { type Test } from 'tap';
import { startTestServer, merge } from '../helpers/server.js';
import { oauthConfig, SECRETS, basic } from './oauth-setup.js';

const SPA = 'https://spa.example.com';

async function start(t: Test) {
  const cors = { endpoints: ['token', 'userinfo'], allowed_origins: [SPA] };
  return startTestServer(t, merge(oauthConfig(), { identity_providers: { oidc: { cors } } }));
}

const clientCredentials = 'grant_type=client_credentials&scope=read';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

t.test('Fetch §3.2.2: a preflight to the token endpoint from an allowed origin is answered 204 with the CORS headers', async (t) => {
  const server = await start(t);
  const res = await fetch(`${server.url}/api/oidc/token`, {
    method: 'OPTIONS',
    headers: { origin: SPA, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, dpop' },
  });
  t.equal(res.status, 204);
  t.equal(res.headers.get('access-control-allow-origin'), SPA, 'the origin echoed, never * for a listed origin');
  t.equal(res.headers.get('vary'), 'Origin');
  t.equal(res.headers.get('access-control-allow-methods'), 'POST');
  t.equal(res.headers.get('access-control-allow-headers'), 'authorization, content-type, dpop');
  t.equal(res.headers.get('access-control-max-age'), '86400');
  t.equal(await res.text(), '', 'no body');

  const userinfo = await fetch(`${server.url}/api/oidc/userinfo`, { method: 'OPTIONS', headers: { origin: SPA, 'access-control-request-method': 'GET' } });
  t.equal(userinfo.status, 204);
  t.equal(userinfo.headers.get('access-control-allow-methods'), 'GET, POST, HEAD', "the route's own methods");

  const refused = await fetch(`${server.url}/api/oidc/token`, { method: 'OPTIONS', headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'POST' } });
  t.equal(refused.status, 204, 'a disallowed origin still gets its 204 …');
  t.equal(refused.headers.get('access-control-allow-origin'), null, '… without CORS headers, so the browser blocks');
  t.equal(refused.headers.get('access-control-allow-methods'), null);

  const plainOptions = await fetch(`${server.url}/api/oidc/token`, { method: 'OPTIONS' });
  t.equal(plainOptions.status, 405, 'OPTIONS without Origin is no preflight: the usual 405');
});

t.test('003 cors: the actual request carries Access-Control-Allow-Origin, success and OAuth error alike', async (t) => {
  const server = await start(t);
  const ok = await fetch(`${server.url}/api/oidc/token`, { method: 'POST', headers: { ...FORM, origin: SPA, authorization: basic('machine', SECRETS.machine) }, body: clientCredentials });
  t.equal(ok.status, 200);
  t.equal(ok.headers.get('access-control-allow-origin'), SPA);
  t.equal(ok.headers.get('vary'), 'Origin');
  t.equal(ok.headers.get('access-control-expose-headers'), 'WWW-Authenticate');
  t.equal(ok.headers.get('cache-control'), 'no-store', 'RFC 6749 §5.1 headers kept');

  const failed = await fetch(`${server.url}/api/oidc/token`, { method: 'POST', headers: { ...FORM, origin: SPA, authorization: basic('machine', 'wrong') }, body: clientCredentials });
  t.equal(failed.status, 401);
  t.equal(((await failed.json()) as { error: string }).error, 'invalid_client');
  t.equal(failed.headers.get('access-control-allow-origin'), SPA, 'the script can read the error');
});

t.test('003 cors: no CORS headers without Origin, from a disallowed origin, or on an endpoint not in cors.endpoints', async (t) => {
  const server = await start(t);
  const auth = { ...FORM, authorization: basic('machine', SECRETS.machine) };
  const noOrigin = await fetch(`${server.url}/api/oidc/token`, { method: 'POST', headers: auth, body: clientCredentials });
  t.equal(noOrigin.status, 200);
  t.equal(noOrigin.headers.get('access-control-allow-origin'), null, 'no Origin: no CORS headers');
  t.equal(noOrigin.headers.get('vary'), null);

  const evil = await fetch(`${server.url}/api/oidc/token`, { method: 'POST', headers: { ...auth, origin: 'https://evil.example.com' }, body: clientCredentials });
  t.equal(evil.headers.get('access-control-allow-origin'), null, 'a disallowed origin: no CORS headers');

  const introspection = await fetch(`${server.url}/api/oidc/introspection`, { method: 'POST', headers: { ...auth, origin: SPA }, body: 'token=x' });
  t.equal(introspection.status, 200);
  t.equal(introspection.headers.get('access-control-allow-origin'), null, 'introspection is not in cors.endpoints');
  const preflight = await fetch(`${server.url}/api/oidc/introspection`, { method: 'OPTIONS', headers: { origin: SPA, 'access-control-request-method': 'POST' } });
  t.equal(preflight.status, 405, 'nor is its preflight answered');
  t.equal(preflight.headers.get('access-control-allow-origin'), null);

  const jwks = await fetch(`${server.url}/jwks.json`, { headers: { origin: SPA } });
  t.equal(jwks.headers.get('access-control-allow-origin'), '*', 'JWKS stays a public document');
});

t.test('003 cors: without cors.endpoints no OIDC route carries CORS headers', async (t) => {
  const server = await startTestServer(t, oauthConfig());
  const res = await fetch(`${server.url}/api/oidc/token`, { method: 'OPTIONS', headers: { origin: SPA, 'access-control-request-method': 'POST' } });
  t.equal(res.status, 405);
  t.equal(res.headers.get('access-control-allow-origin'), null);
});
