import t from 'tap';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { allowInsecureRequests, discovery } from 'openid-client';
import { SIGNING_ALGS } from '../../src/crypto/keys.js';
import { signIdToken } from '../../src/oidc/id-token.js';
import { startTestServer } from '../helpers/server.js';
import { CLIENT_SECRET, issuerJwks, oidcClient, startOidcServer } from '../helpers/oidc-fixtures.js';

t.test('OIDC Discovery §4 and RFC 8414 §3: one document at both well-known paths', async (t) => {
  const server = await startOidcServer(t, { oidc: { jwks: issuerJwks() } });
  const paths = ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'];
  const bodies: unknown[] = [];
  for (const path of paths) {
    const res = await fetch(`${server.url}${path}`);
    t.equal(res.status, 200, path);
    t.equal(res.headers.get('content-type'), 'application/json; charset=utf-8', `${path}: JSON`);
    t.equal(res.headers.get('cache-control'), 'public, max-age=300', `${path}: cacheable for 5 minutes`);
    t.equal(res.headers.get('access-control-allow-origin'), '*', `${path}: readable cross-origin`);
    bodies.push(await res.json());
  }
  t.strictSame(bodies[0], bodies[1], 'the same content, as Authelia serves');
  const metadata = bodies[0] as Record<string, unknown>;
  t.equal(metadata['issuer'], server.issuer, 'OIDC Discovery §4.3: issuer is the URL it was fetched under');
  t.equal(metadata['jwks_uri'], `${server.issuer}/jwks.json`);
  t.equal(metadata['userinfo_endpoint'], `${server.issuer}/api/oidc/userinfo`);
  t.strictSame(metadata['id_token_signing_alg_values_supported'], [...SIGNING_ALGS], 'every algorithm a configured key signs with');

  const head = await fetch(`${server.url}${paths[0]}`, { method: 'HEAD' });
  t.equal(head.status, 200, 'HEAD answers like GET');
  const post = await fetch(`${server.url}${paths[0]}`, { method: 'POST' });
  t.equal(post.status, 405);
  t.equal(post.headers.get('allow'), 'GET, HEAD');
});

t.test('openid-client v6 discovery() accepts the metadata (issuer check included)', async (t) => {
  const server = await startOidcServer(t, { oidc: { enable_pkce_plain_challenge: true } });
  const config = await discovery(new URL(server.issuer), 'app', CLIENT_SECRET, undefined, { execute: [allowInsecureRequests] });
  const metadata = config.serverMetadata();
  t.equal(metadata.issuer, server.issuer);
  t.equal(metadata.token_endpoint, `${server.issuer}/api/oidc/token`);
  t.ok(metadata.supportsPKCE('S256'), 'S256 advertised');
  t.strictSame(metadata.code_challenge_methods_supported, ['S256', 'plain'], 'plain only because enable_pkce_plain_challenge is on');
  t.strictSame(metadata.id_token_signing_alg_values_supported, ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'], 'the generated RSA key serves the six RSA algorithms');
});

t.test('RFC 7517 §5: /jwks.json serves the public keys that verify our ID Tokens', async (t) => {
  const server = await startOidcServer(t, { oidc: { jwks: issuerJwks() } });
  const res = await fetch(`${server.url}/jwks.json`);
  t.equal(res.status, 200);
  t.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
  t.equal(res.headers.get('cache-control'), 'public, max-age=60', 'cacheable for one minute');
  t.equal(res.headers.get('access-control-allow-origin'), '*');
  const body = (await res.json()) as { keys: Array<Record<string, unknown>> };
  t.strictSame(body, server.app.context.oidc!.keys.jwks(), 'exactly the key set');
  t.strictSame(body.keys.map((k) => k['kid']), ['rsa', 'p256', 'p384', 'p521']);
  for (const key of body.keys) t.notOk('d' in key || 'p' in key || 'q' in key, `${String(key['kid'])}: no private member`);

  const oidc = server.app.context.oidc!;
  const remote = createRemoteJWKSet(new URL(`${server.issuer}/jwks.json`));
  const nowS = Math.floor(Date.now() / 1000);
  for (const alg of SIGNING_ALGS) {
    const jwt = await signIdToken(
      { keys: oidc.keys, issuer: oidc.issuer, lifespanSeconds: 60 },
      { client: oidcClient({ client_id: 'app', id_token_signed_response_alg: alg }), subject: 's', username: null, scopes: ['openid'], auth_time_s: nowS, amr: ['pwd'], requested_at_s: nowS, now_s: nowS, users: null },
    );
    const { protectedHeader } = await jwtVerify(jwt, remote, { issuer: server.issuer, audience: 'app' });
    t.equal(protectedHeader.alg, alg, `${alg} verifies against the served JWKS`);
  }
});

t.test('without identity_providers.oidc there is no discovery, JWKS or UserInfo', async (t) => {
  const server = await startTestServer(t);
  for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/jwks.json', '/api/oidc/userinfo']) {
    t.equal((await fetch(`${server.url}${path}`)).status, 404, path);
  }
});
