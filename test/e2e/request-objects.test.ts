/**
 * RFC 9101 request objects at the authorization endpoint and inside a pushed request: RS256 built
 * by openid-client, HS256 signed with the client's secret, an unsigned object refused where the
 * client registered a signing algorithm, a replayed jti refused.
 */
import t, { type Test } from 'tap';
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import * as oidc from 'openid-client';
import { freePort } from '../helpers/free-port.js';
import { startTestServer } from '../helpers/server.js';

const CALLBACK = 'https://app.example.com/cb';
const SECRET = 'a-shared-secret-for-hs256-request-objects-0123456789';

async function start(t: Test) {
  const port = await freePort();
  const issuer = `http://localhost:${port}`;
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await startTestServer(t, {
    server: { address: `tcp://127.0.0.1:${port}` },
    session: { cookies: [{ domain: 'localhost', authelia_url: issuer }] },
    identity_providers: {
      oidc: {
        enable_client_debug_messages: true,
        clients: [
          {
            client_id: 'rs',
            client_secret: '$plaintext$rs-client-secret-0123456789',
            redirect_uris: [CALLBACK],
            scopes: ['openid'],
            grant_types: ['authorization_code'],
            request_object_signing_alg: 'RS256',
            jwks: [{ key_id: 'rp-1', algorithm: 'RS256', key: publicKey.export({ type: 'spki', format: 'pem' }).toString() }],
          },
          {
            client_id: 'hs',
            client_secret: `$plaintext$${SECRET}`,
            token_endpoint_auth_method: 'client_secret_post',
            redirect_uris: [CALLBACK],
            scopes: ['openid'],
            grant_types: ['authorization_code'],
            request_object_signing_alg: 'HS256',
          },
        ],
      },
    },
  });
  const config = await oidc.discovery(new URL(issuer), 'rs', 'rs-client-secret-0123456789', undefined, { execute: [oidc.allowInsecureRequests] });
  const key = await webcrypto.subtle.importKey('pkcs8', privateKey.export({ type: 'pkcs8', format: 'der' }), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  return { issuer, config, rsaKey: { key, kid: 'rp-1' } };
}

/** The authorization endpoint's first answer: a redirect to sign in means the request was accepted. */
async function firstAnswer(url: string): Promise<{ status: number; location: string | null; body: string }> {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), body: await res.text() };
}

t.test('RFC 9101 §4: an RS256 request object built by openid-client is accepted', async (t) => {
  const { config, rsaKey } = await start(t);
  const url = await oidc.buildAuthorizationUrlWithJAR(config, { redirect_uri: CALLBACK, scope: 'openid', state: 'state-123456' }, rsaKey as unknown as oidc.CryptoKey);
  t.ok(url.searchParams.get('request'), 'the parameters travel in a request object');
  const answer = await firstAnswer(url.href);
  t.equal(answer.status, 302);
  t.match(answer.location, /^\/\?rd=/, 'valid: on to sign in');
  t.match(decodeURIComponent(answer.location!), /redirect_uri=https%3A%2F%2Fapp\.example\.com%2Fcb|redirect_uri=https:\/\/app\.example\.com\/cb/, 'the resolved parameters continue the flow');
});

t.test('HS256 request object keyed with the client secret; its jti is single use', async (t) => {
  const { issuer } = await start(t);
  const object = await new SignJWT({ client_id: 'hs', response_type: 'code', redirect_uri: CALLBACK, scope: 'openid', state: 'state-123456' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('hs')
    .setAudience(issuer)
    .setIssuedAt()
    .setExpirationTime('5m')
    .setJti('jti-0001')
    .sign(new TextEncoder().encode(SECRET));
  const url = `${issuer}/api/oidc/authorization?client_id=hs&response_type=code&request=${object}`;
  t.match((await firstAnswer(url)).location, /^\/\?rd=/);
  const replay = await firstAnswer(url);
  t.equal(replay.status, 400, 'a replayed jti is refused');
  t.match(replay.body, /invalid_request_object/);
});

t.test('an unsigned request object is refused where the client registered a signing algorithm', async (t) => {
  const { issuer } = await start(t);
  const unsigned = new UnsecuredJWT({ client_id: 'rs', response_type: 'code', redirect_uri: CALLBACK, scope: 'openid' }).setIssuer('rs').setAudience(issuer).encode();
  const answer = await firstAnswer(`${issuer}/api/oidc/authorization?client_id=rs&response_type=code&request=${unsigned}`);
  t.equal(answer.status, 400);
  t.match(answer.body, /invalid_request_object/);
  t.equal(answer.location, null, 'not redirected: the redirect URI comes from an unverified object');
});
