/**
 * Implicit and hybrid response types and JARM response modes end to end (Multiple Response Type
 * Encoding Practices; OIDC Core §3.2-§3.3; JARM), with openid-client where it speaks the flow and
 * jose against /jwks.json where it does not.
 */
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import * as oidc from 'openid-client';
import { hashPassword } from '../../src/crypto/password-hash/index.js';
import { BrowserClient } from '../helpers/browser-client.js';
import { followAuthorization } from '../helpers/authorization-flow.js';
import { freePort } from '../helpers/free-port.js';
import { startTestServer, tempDir } from '../helpers/server.js';

const CALLBACK = 'http://localhost:8080/callback';
const SECRET = 'app-secret-0123456789-abcdefghij';
const ALL_TYPES = ['code', 'id_token token', 'id_token', 'token', 'code token', 'code id_token', 'code id_token token'];
const ALL_MODES = ['form_post', 'query', 'fragment', 'jwt', 'form_post.jwt', 'query.jwt', 'fragment.jwt'];

async function start(t: Test, client: Record<string, unknown> = {}) {
  const dir = tempDir(t);
  const port = await freePort();
  const issuer = `http://localhost:${port}`;
  const users = join(dir, 'users.yml');
  const digest = await hashPassword('correct horse', { algorithm: 'pbkdf2', variant: 'sha256', iterations: 1000 });
  writeFileSync(users, `users:\n  alice:\n    displayname: Alice Liddell\n    password: '${digest}'\n    emails: [alice@example.com]\n    groups: [dev]\n`);
  await startTestServer(
    t,
    {
      server: { address: `tcp://127.0.0.1:${port}` },
      authentication_backend: { file: { path: users, watch: false } },
      session: { cookies: [{ domain: 'localhost', authelia_url: issuer }] },
      identity_providers: {
        oidc: {
          enable_client_debug_messages: true,
          clients: [
            {
              client_id: 'app',
              client_secret: await hashPassword(SECRET, { algorithm: 'pbkdf2', variant: 'sha256', iterations: 1000 }),
              redirect_uris: [CALLBACK],
              scopes: ['openid', 'profile', 'email'],
              grant_types: ['authorization_code', 'implicit'],
              response_types: ALL_TYPES,
              response_modes: ALL_MODES,
              authorization_policy: 'one_factor',
              consent_mode: 'implicit',
              ...client,
            },
          ],
        },
      },
    },
    { dir },
  );
  const config = await oidc.discovery(new URL(issuer), 'app', SECRET, oidc.ClientSecretBasic(SECRET), { execute: [oidc.allowInsecureRequests] });
  const jwks = createRemoteJWKSet(new URL('/jwks.json', issuer));
  return { issuer, config, jwks, browser: new BrowserClient(issuer) };
}

interface Callback {
  url: URL;
  /** The parameters as the client receives them, whatever the delivery. */
  params: URLSearchParams;
  delivery: 'query' | 'fragment' | 'form_post';
}

function callbackOf(url: URL, form?: Record<string, string>): Callback {
  if (form) return { url, params: new URLSearchParams(form), delivery: 'form_post' };
  if (url.hash) return { url, params: new URLSearchParams(url.hash.slice(1)), delivery: 'fragment' };
  return { url, params: url.searchParams, delivery: 'query' };
}

async function authorize(b: BrowserClient, url: URL): Promise<Callback> {
  const { url: reached, form } = await followAuthorization(b, url, CALLBACK);
  return callbackOf(reached, form);
}

/** OIDC Core §3.1.3.6: base64url of the left half of SHA-256 (the ID Token is RS256). */
function halfSha256(value: string): string {
  return createHash('sha256').update(value).digest().subarray(0, 16).toString('base64url');
}

function authUrl(issuer: string, params: Record<string, string>): URL {
  const url = new URL('/api/oidc/authorization', issuer);
  for (const [k, v] of Object.entries({ client_id: 'app', redirect_uri: CALLBACK, scope: 'openid profile', state: 'state-0123456789', ...params })) url.searchParams.set(k, v);
  return url;
}

t.test('OIDC Core §3.3: hybrid code id_token in the fragment; c_hash and nonce checked by openid-client, then the code exchanged', async (t) => {
  const { config, browser } = await start(t);
  oidc.useCodeIdTokenResponseType(config);
  const nonce = oidc.randomNonce();
  const state = oidc.randomState();
  const cb = await authorize(browser, oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid profile', nonce, state }));
  t.equal(cb.delivery, 'fragment', 'Multiple Response Type Encoding Practices §3: fragment is the default for code id_token');
  t.ok(cb.params.get('id_token'));
  const tokens = await oidc.authorizationCodeGrant(config, cb.url, { expectedNonce: nonce, expectedState: state });
  t.equal(tokens.claims()?.nonce, nonce);
  t.ok(tokens.access_token, 'the code still works at the token endpoint');
});

t.test('OIDC Core §3.2: implicit id_token, validated by openid-client implicitAuthentication', async (t) => {
  const { config, browser } = await start(t);
  oidc.useIdTokenResponseType(config);
  const nonce = oidc.randomNonce();
  const state = oidc.randomState();
  const cb = await authorize(browser, oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid profile', nonce, state }));
  t.equal(cb.delivery, 'fragment');
  t.notOk(cb.params.has('access_token'), 'id_token alone returns no access token');
  const claims = await oidc.implicitAuthentication(config, cb.url, nonce, { expectedState: state });
  t.match(claims, { nonce, aud: ['app'], preferred_username: 'alice', name: 'Alice Liddell' });
});

t.test('OIDC Core §3.2.2.5/§3.3.2.5: each type returns exactly its parts, with at_hash/c_hash (§3.2.2.10, §3.3.2.11)', async (t) => {
  const { issuer, jwks, browser } = await start(t);
  const cases: Array<{ type: string; parts: string[] }> = [
    { type: 'id_token token', parts: ['access_token', 'id_token'] },
    { type: 'token', parts: ['access_token'] },
    { type: 'code token', parts: ['code', 'access_token'] },
    { type: 'code id_token token', parts: ['code', 'access_token', 'id_token'] },
    { type: 'token id_token', parts: ['access_token', 'id_token'] },
  ];
  for (const { type, parts } of cases) {
    const cb = await authorize(browser, authUrl(issuer, { response_type: type, nonce: 'nonce-0123456789' }));
    t.equal(cb.delivery, 'fragment', `${type}: fragment by default`);
    for (const part of ['code', 'access_token', 'id_token']) t.equal(cb.params.has(part), parts.includes(part), `${type}: ${part} ${parts.includes(part) ? 'present' : 'absent'}`);
    t.equal(cb.params.get('state'), 'state-0123456789');
    t.equal(cb.params.get('iss'), issuer, 'RFC 9207');
    if (cb.params.has('access_token')) {
      t.equal(cb.params.get('token_type'), 'Bearer', `${type}: RFC 6749 §4.2.2 token_type`);
      t.equal(cb.params.get('expires_in'), '3600', `${type}: expires_in`);
      const info = await fetch(new URL('/api/oidc/userinfo', issuer), { headers: { authorization: `Bearer ${cb.params.get('access_token')}` } });
      t.equal(info.status, 200, `${type}: the access token is accepted at userinfo`);
    }
    if (cb.params.has('id_token')) {
      const { payload } = await jwtVerify(cb.params.get('id_token')!, jwks, { issuer, audience: 'app' });
      t.equal(payload['nonce'], 'nonce-0123456789');
      t.equal(payload['at_hash'], cb.params.has('access_token') ? halfSha256(cb.params.get('access_token')!) : undefined, `${type}: at_hash`);
      t.equal(payload['c_hash'], cb.params.has('code') ? halfSha256(cb.params.get('code')!) : undefined, `${type}: c_hash`);
    }
  }
});

t.test('JARM: openid-client useJwtResponseMode (response_mode=jwt → query.jwt for code) verifies and exchanges', async (t) => {
  const { config, browser } = await start(t);
  oidc.useJwtResponseMode(config);
  const state = oidc.randomState();
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: 'openid',
    state,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  t.equal(url.searchParams.get('response_mode'), 'jwt');
  const cb = await authorize(browser, url);
  t.equal(cb.delivery, 'query', 'JARM §2.3.4: jwt means query.jwt for code');
  t.same([...cb.params.keys()], ['response'], 'only the response parameter');
  const tokens = await oidc.authorizationCodeGrant(config, cb.url, { pkceCodeVerifier: verifier, expectedState: state });
  t.ok(tokens.access_token);
});

t.test('JARM §2.1/§2.3: each mode signs the parameters (iss, aud, exp) and delivers them its own way', async (t) => {
  const { issuer, jwks, browser } = await start(t);
  const cases: Array<{ type: string; mode: string; delivery: Callback['delivery']; part: string }> = [
    { type: 'code', mode: 'jwt', delivery: 'query', part: 'code' },
    { type: 'code', mode: 'query.jwt', delivery: 'query', part: 'code' },
    { type: 'code', mode: 'fragment.jwt', delivery: 'fragment', part: 'code' },
    { type: 'code', mode: 'form_post.jwt', delivery: 'form_post', part: 'code' },
    { type: 'code id_token', mode: 'jwt', delivery: 'fragment', part: 'id_token' },
    { type: 'id_token token', mode: 'form_post.jwt', delivery: 'form_post', part: 'access_token' },
  ];
  for (const { type, mode, delivery, part } of cases) {
    const cb = await authorize(browser, authUrl(issuer, { response_type: type, response_mode: mode, nonce: 'nonce-0123456789' }));
    t.equal(cb.delivery, delivery, `${type} + ${mode}: delivered by ${delivery}`);
    t.same([...cb.params.keys()], ['response'], `${type} + ${mode}: only the response parameter`);
    const jws = cb.params.get('response')!;
    t.equal(decodeProtectedHeader(jws).alg, 'RS256', 'JARM §3: RS256 when the client sets no authorization_signed_response_alg');
    const { payload } = await jwtVerify<JWTPayload & Record<string, string>>(jws, jwks, { issuer, audience: 'app' });
    t.equal(payload.aud, 'app', 'aud is the client_id');
    t.equal(payload.exp! - payload.iat!, 600, 'a short exp (10 minutes)');
    t.equal(payload['state'], 'state-0123456789');
    t.ok(payload[part], `${type} + ${mode}: ${part} inside the JWT`);
  }
});

t.test('JARM §2.4: errors are signed too', async (t) => {
  const { issuer, jwks, browser } = await start(t);
  const page = await browser.get(authUrl(issuer, { response_type: 'code', response_mode: 'query.jwt', scope: 'openid admin' }).href);
  t.equal(page.status, 302);
  const { payload } = await jwtVerify(new URL(page.location!).searchParams.get('response')!, jwks, { issuer, audience: 'app' });
  t.match(payload, { error: 'invalid_scope', error_description: "The scope 'admin' is not registered for the client.", state: 'state-0123456789', iss: issuer });
});

t.test('refusals before sign-in, delivered to the redirect URI', async (t) => {
  const { issuer, browser } = await start(t, { response_types: ['code', 'id_token', 'token'], response_modes: ['query', 'fragment', 'form_post'] });
  const cases: Array<{ rule: string; params: Record<string, string>; error: string; description: string; delivery: Callback['delivery'] }> = [
    {
      rule: 'Multiple Response Type Encoding Practices §3: no token in the query',
      params: { response_type: 'token', response_mode: 'query' },
      error: 'invalid_request',
      description: "The response mode 'query' must not be used with the response type 'token': it would put tokens in the query.",
      delivery: 'query',
    },
    {
      rule: 'OIDC Core §3.2.2.1: nonce is required for id_token',
      params: { response_type: 'id_token' },
      error: 'invalid_request',
      description: "The 'nonce' parameter is required for the response type 'id_token'.",
      delivery: 'fragment',
    },
    {
      rule: 'OIDC Core §3.1.2.1: an ID Token needs the openid scope',
      params: { response_type: 'id_token', scope: 'profile', nonce: 'nonce-0123456789' },
      error: 'invalid_request',
      description: "The response type 'id_token' requires the 'openid' scope.",
      delivery: 'fragment',
    },
    {
      rule: 'RFC 6749 §4.1.2.1: a type the client did not register',
      params: { response_type: 'id_token code', nonce: 'nonce-0123456789' },
      error: 'unauthorized_client',
      description: "The client is not registered for the response type 'id_token code'.",
      delivery: 'fragment',
    },
    {
      rule: 'RFC 6749 §4.1.2.1: a type nobody knows',
      params: { response_type: 'code device' },
      error: 'unsupported_response_type',
      description: "The response type 'code device' is not supported.",
      delivery: 'query',
    },
    {
      rule: 'a mode the client did not register',
      params: { response_type: 'code', response_mode: 'fragment.jwt' },
      error: 'invalid_request',
      description: "The client is not registered for the response mode 'fragment.jwt'.",
      delivery: 'query',
    },
  ];
  for (const { rule, params, error, description, delivery } of cases) {
    const page = await browser.get(authUrl(issuer, params).href);
    t.equal(page.status, 302, rule);
    const cb = callbackOf(new URL(page.location!));
    t.equal(cb.delivery, delivery, `${rule}: in the ${delivery}`);
    t.equal(cb.params.get('error'), error, rule);
    t.equal(cb.params.get('error_description'), description, rule);
    t.equal(cb.params.get('state'), 'state-0123456789', rule);
  }
});
