/**
 * Pushed Authorization Requests (RFC 9126) end to end: openid-client pushes the request with
 * `buildAuthorizationUrlWithPAR`, then the browser goes through sign-in and consent with only
 * `client_id` and `request_uri` in the URL.
 */
import t, { type Test } from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { hashPassword } from '../../src/crypto/password-hash/index.js';
import { OIDC_PATHS } from '../../src/util/paths.js';
import { fixedClock, type Clock } from '../../src/util/clock.js';
import { BrowserClient } from '../helpers/browser-client.js';
import { followAuthorization, type FlowOptions } from '../helpers/authorization-flow.js';
import { freePort } from '../helpers/free-port.js';
import { startTestServer, tempDir } from '../helpers/server.js';

const CALLBACK = 'http://localhost:8080/callback';
const SECRET = 'app-secret-0123456789-abcdefghij';
const OTHER_SECRET = 'other-secret-0123456789-abcdefgh';
const URN = /^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43}$/;

interface Options {
  client?: Record<string, unknown>;
  oidcExtra?: Record<string, unknown>;
  clock?: Clock;
}

async function start(t: Test, opts: Options = {}) {
  const dir = tempDir(t);
  const port = await freePort();
  const issuer = `http://localhost:${port}`;
  const users = join(dir, 'users.yml');
  const digest = await hashPassword('correct horse', { algorithm: 'pbkdf2', variant: 'sha256', iterations: 1000 });
  writeFileSync(users, `users:\n  alice:\n    displayname: Alice Liddell\n    password: '${digest}'\n    emails: [alice@example.com]\n    groups: [dev]\n`);
  const hashed = async (s: string) => hashPassword(s, { algorithm: 'pbkdf2', variant: 'sha256', iterations: 1000 });
  const common = { redirect_uris: [CALLBACK], scopes: ['openid', 'profile'], grant_types: ['authorization_code'], authorization_policy: 'one_factor', consent_mode: 'explicit' };
  await startTestServer(
    t,
    {
      server: { address: `tcp://127.0.0.1:${port}` },
      authentication_backend: { file: { path: users, watch: false } },
      session: { cookies: [{ domain: 'localhost', authelia_url: issuer }] },
      identity_providers: {
        oidc: {
          enable_client_debug_messages: true,
          ...opts.oidcExtra,
          clients: [
            { client_id: 'app', client_secret: await hashed(SECRET), ...common, ...opts.client },
            { client_id: 'other', client_secret: await hashed(OTHER_SECRET), ...common },
          ],
        },
      },
    },
    { dir, ...(opts.clock ? { clock: opts.clock } : {}) },
  );
  const config = await oidc.discovery(new URL(issuer), 'app', SECRET, oidc.ClientSecretBasic(SECRET), { execute: [oidc.allowInsecureRequests] });
  t.equal(config.serverMetadata().pushed_authorization_request_endpoint, issuer + OIDC_PATHS.pushed_authorization_request, 'RFC 9126 §5: discovered');
  return { issuer, config, browser: new BrowserClient(issuer), par: issuer + OIDC_PATHS.pushed_authorization_request };
}

async function authorize(b: BrowserClient, url: URL, opts: FlowOptions = {}): Promise<{ callback: URL; visited: string[] }> {
  const { url: callback, visited } = await followAuthorization(b, url, CALLBACK, opts);
  return { callback, visited };
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const FORM = 'application/x-www-form-urlencoded';

async function push(endpoint: string, body: Record<string, string>, headers: Record<string, string> = { authorization: basic('app', SECRET), 'content-type': FORM }) {
  const res = await fetch(endpoint, { method: 'POST', headers, body: new URLSearchParams(body).toString() });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

const PLAIN = { client_id: 'app', response_type: 'code', redirect_uri: CALLBACK, scope: 'openid profile', state: 'state-123456' };

async function codeFlowWithPar(t: Test, env: Awaited<ReturnType<typeof start>>) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = await oidc.buildAuthorizationUrlWithPAR(env.config, {
    redirect_uri: CALLBACK,
    scope: 'openid profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  t.same([...url.searchParams.keys()].sort(), ['client_id', 'request_uri'], 'RFC 9126 §4: only client_id and request_uri in the front channel');
  t.match(url.searchParams.get('request_uri'), URN);
  const { callback, visited } = await authorize(env.browser, url);
  t.ok(visited.every((v) => !v.includes('scope=') && !v.includes(encodeURIComponent('scope='))), 'no hop carries the parameters in the URL');
  const tokens = await oidc.authorizationCodeGrant(env.config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
  t.match(tokens.claims(), { nonce, preferred_username: 'alice', name: 'Alice Liddell' });
  return url;
}

t.test('RFC 9126 §2, §4: code flow through sign-in and consent with a pushed request (openid-client)', async (t) => {
  const env = await start(t);
  const url = await codeFlowWithPar(t, env);

  const reused = await env.browser.get(url.href);
  t.equal(reused.status, 400, 'RFC 9126 §4: a request_uri is single use');
  t.equal(reused.location, null, 'not redirected: the redirect URI is unknown');
  t.match(reused.body, "The &#39;request_uri&#39; is unknown, expired, already used or belongs to another client. (invalid_request_uri)");
});

t.test('RFC 9126 §5: require_pushed_authorization_requests, globally and per client', async (t) => {
  for (const [name, opts] of [
    ['global', { oidcExtra: { require_pushed_authorization_requests: true } }],
    ['per client', { client: { require_pushed_authorization_requests: true } }],
  ] as const) {
    const env = await start(t, opts);
    await codeFlowWithPar(t, env);
    const plain = await env.browser.get(`${OIDC_PATHS.authorization}?${new URLSearchParams(PLAIN).toString()}`);
    t.equal(plain.status, 302, `${name}: the plain request is redirected with an error`);
    const location = new URL(plain.location!);
    t.equal(location.origin + location.pathname, CALLBACK);
    t.equal(location.searchParams.get('error'), 'invalid_request');
    t.equal(location.searchParams.get('error_description'), 'Pushed Authorization Requests are required for this client: use the pushed authorization request endpoint.');
    t.equal(location.searchParams.get('state'), 'state-123456');
  }
});

t.test('RFC 9126 §2.2: 201 with request_uri and expires_in = context_lifespan, no-store', async (t) => {
  const env = await start(t, { oidcExtra: { pushed_authorizations: { context_lifespan: '2m' } } });
  const res = await push(env.par, PLAIN);
  t.equal(res.status, 201);
  t.match(res.body, { request_uri: URN, expires_in: 120 });
  t.equal(res.headers.get('cache-control'), 'no-store');
});

t.test('RFC 9126 §4: an expired pushed request is refused (fixed clock)', async (t) => {
  const clock = fixedClock(Date.now());
  const env = await start(t, { clock });
  const { body } = await push(env.par, PLAIN);
  clock.advance(300_001);
  const page = await env.browser.get(`${OIDC_PATHS.authorization}?${new URLSearchParams({ client_id: 'app', request_uri: String(body['request_uri']) }).toString()}`);
  t.equal(page.status, 400);
  t.equal(page.location, null);
  t.match(page.body, '(invalid_request_uri)');
});

t.test("RFC 9126 §4: a request_uri is bound to the client that pushed it", async (t) => {
  const env = await start(t);
  const { body } = await push(env.par, PLAIN);
  const uri = String(body['request_uri']);
  const other = await env.browser.get(`${OIDC_PATHS.authorization}?${new URLSearchParams({ client_id: 'other', request_uri: uri }).toString()}`);
  t.equal(other.status, 400);
  t.match(other.body, '(invalid_request_uri)');
});

t.test('RFC 9126 §2.1: the push is a form POST, authenticated like the token endpoint, validated like the authorization endpoint', async (t) => {
  const env = await start(t);
  const get = await fetch(env.par);
  t.equal(get.status, 405, 'GET: method not allowed');

  const asJson = await fetch(env.par, { method: 'POST', headers: { authorization: basic('app', SECRET), 'content-type': 'application/json' }, body: JSON.stringify(PLAIN) });
  t.equal(asJson.status, 415, 'JSON body: unsupported media type');

  const cases: Array<[string, Record<string, string>, Record<string, string> | undefined, number, string, string]> = [
    ['missing client authentication', PLAIN, { 'content-type': FORM }, 401, 'invalid_client', ''],
    ['wrong secret', PLAIN, { authorization: basic('app', 'nope-nope-nope'), 'content-type': FORM }, 401, 'invalid_client', ''],
    ['§2.1 request_uri in a push', { ...PLAIN, request_uri: 'urn:ietf:params:oauth:request_uri:x' }, undefined, 400, 'invalid_request', "The 'request_uri' parameter must not be included in a pushed authorization request."],
    ['client_id of another client', { ...PLAIN, client_id: 'other' }, undefined, 400, 'invalid_request', "The 'client_id' parameter does not match the authenticated client."],
    ['unregistered redirect URI', { ...PLAIN, redirect_uri: 'http://localhost:8080/evil' }, undefined, 400, 'invalid_request', "The redirect URI 'http://localhost:8080/evil' is not registered for the client 'app'."],
    ['scope not registered', { ...PLAIN, scope: 'openid email' }, undefined, 400, 'invalid_scope', ''],
  ];
  for (const [name, body, headers, status, error, description] of cases) {
    const res = await push(env.par, body, headers);
    t.equal(res.status, status, `${name}: status`);
    t.equal(res.body['error'], error, `${name}: error`);
    if (description) t.equal(res.body['error_description'], description, `${name}: description`);
    t.equal(res.headers.get('cache-control'), 'no-store', `${name}: no-store`);
  }

  const duplicated = await fetch(env.par, { method: 'POST', headers: { authorization: basic('app', SECRET), 'content-type': FORM }, body: `${new URLSearchParams(PLAIN).toString()}&scope=openid` });
  t.equal(duplicated.status, 400);
  t.match(await duplicated.json(), { error: 'invalid_request', error_description: "The 'scope' parameter must not be included more than once." }, 'RFC 6749 §3.1: duplicate parameters');

  const withoutClientId = await push(env.par, { response_type: 'code', redirect_uri: CALLBACK, scope: 'openid' });
  t.equal(withoutClientId.status, 201, 'client_id may be left to the client authentication');
});
