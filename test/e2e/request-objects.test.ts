/**
 * RFC 9101 request objects at the authorization endpoint and inside a pushed request: RS256 built
 * by openid-client, HS256 signed with the client's secret, an unsigned object accepted from a
 * client that registered no algorithm and refused where it registered one, a replayed jti
 * refused, and a request_uri that is not a pushed request's refused at the client's redirect URI.
 */
import t, { type Test } from 'tap';
import { webcrypto } from 'node:crypto';
import { fixtureKeyPair } from '../helpers/fixture-keys.js';
import { SignJWT, UnsecuredJWT } from 'jose';
import * as oidc from 'openid-client';
import { freePort } from '../helpers/free-port.js';
import { startTestServer } from '../helpers/server.js';
import { BrowserClient } from '../helpers/browser-client.js';
import { followAuthorization } from '../helpers/authorization-flow.js';
import { writeUsersFile } from '../helpers/oidc-fixtures.js';

const CALLBACK = 'https://app.example.com/cb';
const SECRET = 'a-shared-secret-for-hs256-request-objects-0123456789';
/** The default users file's person (test/helpers/oidc-fixtures.ts). */
const JOHN = { username: 'john', password: 'demo' };

async function start(t: Test) {
  const port = await freePort();
  const issuer = `http://localhost:${port}`;
  const { publicKey, privateKey } = fixtureKeyPair('rsaB');
  await startTestServer(t, (dir) => ({
    authentication_backend: { file: { path: writeUsersFile(dir), watch: false } },
    server: { address: `tcp://127.0.0.1:${port}` },
    session: { cookies: [{ domain: 'localhost', authelia_url: issuer }] },
    identity_providers: {
      oidc: {
        enable_client_debug_messages: true,
        clients: [
          {
            client_id: 'rs',
            authorization_policy: 'one_factor',
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
          {
            client_id: 'plain',
            authorization_policy: 'one_factor',
            client_secret: '$plaintext$plain-client-secret-0123456789',
            redirect_uris: [CALLBACK],
            scopes: ['openid'],
            grant_types: ['authorization_code'],
          },
        ],
      },
    },
  }));
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
  const { issuer, config, rsaKey } = await start(t);
  const url = await oidc.buildAuthorizationUrlWithJAR(config, { redirect_uri: CALLBACK, scope: 'openid', state: 'state-123456' }, rsaKey);
  t.ok(url.searchParams.get('request'), 'the parameters travel in a request object');
  // Followed as a browser would (the object's jti is single use, so it is sent once).
  const done = await followAuthorization(new BrowserClient(issuer), url.href, CALLBACK, JOHN);
  t.match(done.visited[1], /\/\?rd=/, 'valid: on to sign in');
  t.equal(`${done.url.origin}${done.url.pathname}`, CALLBACK, "the resolved parameters continue the flow: the object's redirect_uri answers");
  t.equal(done.url.searchParams.get('state'), 'state-123456', "with the object's state");
  t.ok(done.url.searchParams.get('code'), 'and a code');
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

t.test('OIDC Registration §2: a client that registered no request_object_signing_alg may send an unsigned (none) request object, as discovery lists', async (t) => {
  const { issuer } = await start(t);
  const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
  t.ok((discovery['request_object_signing_alg_values_supported'] as string[]).includes('none'));
  t.equal(discovery['request_parameter_supported'], true);
  const unsigned = new UnsecuredJWT({ client_id: 'plain', response_type: 'code', redirect_uri: CALLBACK, scope: 'openid', state: 'state-123456' }).setIssuer('plain').setAudience(issuer).encode();
  const answer = await firstAnswer(`${issuer}/api/oidc/authorization?client_id=plain&response_type=code&request=${unsigned}`);
  t.equal(answer.status, 302);
  t.match(answer.location, /^\/\?rd=/, 'accepted: on to sign in');
  const done = await followAuthorization(new BrowserClient(issuer), `${issuer}/api/oidc/authorization?client_id=plain&response_type=code&request=${unsigned}`, CALLBACK, JOHN);
  t.equal(done.url.searchParams.get('state'), 'state-123456', 'with the parameters of the object');
  t.ok(done.url.searchParams.get('code'));
});

t.test('RFC 9101 §6.2, OIDC Core §6.2: a request_uri that is not a pushed request → request_uri_not_supported at the redirect URI, with state', async (t) => {
  const { issuer } = await start(t);
  const query = new URLSearchParams({ client_id: 'plain', response_type: 'code', redirect_uri: CALLBACK, scope: 'openid', state: 'state-123456', request_uri: 'https://client.example/ro.jwt' });
  const answer = await firstAnswer(`${issuer}/api/oidc/authorization?${query.toString()}`);
  t.equal(answer.status, 302);
  const location = new URL(answer.location!);
  t.equal(`${location.origin}${location.pathname}`, CALLBACK);
  t.equal(location.searchParams.get('error'), 'request_uri_not_supported');
  t.equal(location.searchParams.get('state'), 'state-123456');
  t.equal(location.searchParams.get('iss'), issuer);
  t.equal(location.searchParams.get('error_description'), "The 'request_uri' parameter is only supported with pushed authorization requests.");

  query.delete('redirect_uri');
  const nowhere = await firstAnswer(`${issuer}/api/oidc/authorization?${query.toString()}`);
  t.equal(nowhere.status, 400, 'no redirect URI outside the object: shown to the person');
  t.match(nowhere.body, /request_uri_not_supported/);
  t.equal(nowhere.location, null);
});
