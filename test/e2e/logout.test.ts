/**
 * Sign-out end to end on the real server (issue #16): openid-client's buildEndSessionUrl, oauth4webapi
 * validating ID Tokens with sid, the end-session endpoint's checks, back-channel logout to a real
 * HTTP endpoint (and to one that is down), tokens on sign-out, forward-auth after sign-out, and the
 * portal's GET /logout?rd=.
 */
import t, { type Test } from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as client from 'openid-client';
import * as oauth from 'oauth4webapi';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { hashPassword } from '../../src/crypto/password-hash/index.js';
import { startBackChannelEndpoint } from '../helpers/back-channel-endpoint.js';
import { BrowserClient, hiddenFields } from '../helpers/browser-client.js';
import { followAuthorization } from '../helpers/authorization-flow.js';
import { freePorts } from '../helpers/free-port.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';

const CALLBACK = 'http://localhost:8080/callback';
const BYE = 'http://localhost:8080/bye';
const SECRET = 'app-secret-0123456789-abcdefghij';

async function start(t: Test) {
  const dir = tempDir(t);
  const [port, downPort] = (await freePorts(2)) as [number, number];
  const issuer = `http://localhost:${port}`;
  const users = join(dir, 'users.yml');
  const digest = await hashPassword('correct horse', { algorithm: 'pbkdf2', variant: 'sha256', iterations: 1000 });
  writeFileSync(users, `users:\n  alice:\n    displayname: Alice\n    password: '${digest}'\n    email: alice@example.com\n    groups: [dev]\n  bob:\n    displayname: Bob\n    password: '${digest}'\n    email: bob@example.com\n    groups: [dev]\n`);
  const rp = await startBackChannelEndpoint(t);
  const secret = await hashPassword(SECRET, { algorithm: 'pbkdf2', variant: 'sha256', iterations: 1000 });
  const base = {
    client_secret: secret,
    redirect_uris: [CALLBACK],
    scopes: ['openid', 'offline_access', 'profile'],
    grant_types: ['authorization_code', 'refresh_token'],
    authorization_policy: 'one_factor',
    consent_mode: 'implicit',
  };
  const server = await startTestServer(
    t,
    {
      server: { address: `tcp://127.0.0.1:${port}` },
      authentication_backend: { file: { path: users, watch: false } },
      session: { cookies: [{ domain: 'localhost', authelia_url: issuer }] },
      access_control: { default_policy: 'deny', rules: [{ domain: 'app.localhost', policy: 'one_factor' }] },
      identity_providers: {
        oidc: {
          enable_client_debug_messages: true,
          clients: [
            { client_id: 'app', ...base, post_logout_redirect_uris: [BYE], backchannel_logout_uri: rp.uri, backchannel_logout_session_required: true, frontchannel_logout_uri: 'http://localhost:8080/frontchannel' },
            { client_id: 'down', ...base, post_logout_redirect_uris: [BYE], backchannel_logout_uri: `http://127.0.0.1:${downPort}/backchannel` },
          ],
        },
      },
    },
    { dir },
  );
  const config = await client.discovery(new URL(issuer), 'app', SECRET, client.ClientSecretBasic(SECRET), { execute: [client.allowInsecureRequests] });
  return { server, issuer, config, rp, browser: new BrowserClient(issuer) };
}

/** Signs alice in for `client_id` through the code flow; the tokens, validated by openid-client. */
async function signInTo(s: Awaited<ReturnType<typeof start>>, scope = 'openid profile', clientId = 'app') {
  const config = clientId === 'app' ? s.config : await client.discovery(new URL(s.issuer), clientId, SECRET, client.ClientSecretBasic(SECRET), { execute: [client.allowInsecureRequests] });
  const verifier = client.randomPKCECodeVerifier();
  const url = client.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
  const { url: callback } = await followAuthorization(s.browser, url, CALLBACK);
  return client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, idTokenExpected: true });
}

const forwardAuth = (server: TestServer, cookie: string) =>
  fetch(`${server.url}/api/authz/forward-auth`, {
    redirect: 'manual',
    headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.localhost', 'x-forwarded-uri': '/', 'x-forwarded-method': 'GET', cookie },
  });

const introspect = async (s: Awaited<ReturnType<typeof start>>, token: string): Promise<boolean> => (await client.tokenIntrospection(s.config, token)).active;

t.test('OIDC Back-Channel Logout 1.0 §2.1 / Front-Channel Logout 1.0 §3: oauth4webapi validates an ID Token carrying sid', async (t) => {
  const s = await start(t);
  const as = await oauth.processDiscoveryResponse(new URL(s.issuer), await oauth.discoveryRequest(new URL(s.issuer), { [oauth.allowInsecureRequests]: true }));
  t.match(as, {
    end_session_endpoint: `${s.issuer}/api/oidc/end-session`,
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
    frontchannel_logout_supported: true,
    frontchannel_logout_session_supported: true,
  }, 'OIDC Discovery: advertised');
  const rp: oauth.Client = { client_id: 'app' };
  const verifier = oauth.generateRandomCodeVerifier();
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({ client_id: 'app', response_type: 'code', redirect_uri: CALLBACK, scope: 'openid', code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }).toString();
  const { url: callback } = await followAuthorization(s.browser, url, CALLBACK);
  const params = oauth.validateAuthResponse(as, rp, callback);
  const response = await oauth.authorizationCodeGrantRequest(as, rp, oauth.ClientSecretBasic(SECRET), params, CALLBACK, verifier, { [oauth.allowInsecureRequests]: true });
  const result = await oauth.processAuthorizationCodeResponse(as, rp, response);
  const claims = oauth.getValidatedIdTokenClaims(result)!;
  t.match(claims['sid'], /^[A-Za-z0-9_-]{22}$/, 'sid');
  const refreshedSid = (await signInTo(s)).claims()!['sid'];
  t.equal(refreshedSid, claims['sid'], 'the same session: the same sid for every grant');
});

t.test('OIDC RP-Initiated Logout 1.0 §2, §3: buildEndSessionUrl with id_token_hint → signed out at once → post_logout_redirect_uri with state; Back-Channel §2.5: a Logout Token to the client', async (t) => {
  const s = await start(t);
  const tokens = await signInTo(s, 'openid profile');
  const offline = await signInTo(s, 'openid offline_access');
  const sid = tokens.claims()!['sid'] as string;
  const cookie = `authelia_session=${s.browser.cookies.get('authelia_session')}`;
  t.equal((await forwardAuth(s.server, cookie)).status, 200, 'forward-auth: signed in');

  const end = client.buildEndSessionUrl(s.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: BYE, state: 'st-1' });
  const answer = await s.browser.get(end.href);
  // The client has a frontchannel_logout_uri: the signed-out page loads it, then goes on.
  t.equal(answer.status, 200);
  t.match(answer.body, `<iframe class="front-channel" src="http://localhost:8080/frontchannel?iss=${encodeURIComponent(s.issuer)}&amp;sid=${sid}"`);
  t.match(answer.body, `<a id="continue" href="${BYE}?state=st-1">Continue</a>`, '§3: state returned');
  const csp = answer.headers.get('content-security-policy')!;
  t.match(csp, /frame-src http:\/\/localhost:8080(;|$)/, 'Front-Channel §4: frames from exactly that origin');
  t.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+'/, 'one hashed script');
  t.equal(s.browser.cookies.get('authelia_session'), undefined, 'the session cookie is cleared');
  t.equal((await forwardAuth(s.server, cookie)).status, 401, 'forward-auth: the session is gone for every protected host');

  const logoutToken = await s.rp.next();
  const { payload, protectedHeader } = await jwtVerify(logoutToken, createRemoteJWKSet(new URL(`${s.issuer}/jwks.json`)), { issuer: s.issuer, audience: 'app', typ: 'logout+jwt' });
  t.equal(protectedHeader.typ, 'logout+jwt');
  t.match(payload, { sid, sub: tokens.claims()!.sub, events: { 'http://schemas.openid.net/event/backchannel-logout': {} } });
  t.notOk('nonce' in payload);
  await s.server.app.context.signOut.idle();
  t.equal(s.rp.tokens.length, 0, 'one Logout Token for the client, however many grants');

  t.equal(await introspect(s, tokens.access_token), false, 'a grant without offline_access ends with the session');
  t.equal(await introspect(s, offline.refresh_token!), true, 'OIDC Core §11: an offline_access grant outlives it');
  t.equal((await s.browser.get('/')).body.includes('name="password"'), true, 'the next visit asks for the password');
});

t.test("OIDC Back-Channel Logout 1.0 §2.7: another person signing in over a live session ends the first person's session everywhere: a Logout Token for their sid, their grant revoked", async (t) => {
  const s = await start(t);
  const tokens = await signInTo(s, 'openid profile');
  const sid = tokens.claims()!['sid'] as string;
  const form = await s.browser.get('/?reauth=1');
  t.ok(form.body.includes('name="password"'), 'the sign-in form, over the live session');
  const signedIn = await s.browser.post('/login', { ...hiddenFields(form.body), username: 'bob', password: 'correct horse' });
  t.equal(signedIn.status, 303, 'bob is signed in');
  const { payload } = await jwtVerify(await s.rp.next(), createRemoteJWKSet(new URL(`${s.issuer}/jwks.json`)), { issuer: s.issuer, audience: 'app', typ: 'logout+jwt' });
  t.equal(payload['sid'], sid, "alice's session id");
  t.equal(await introspect(s, tokens.access_token), false, "alice's grant ends with her session");
  const bobs = await signInTo(s, 'openid profile');
  t.not(bobs.claims()!['sid'], sid, 'bob has a session id of his own');
  t.equal(bobs.claims()!.sub === tokens.claims()!.sub, false);
});

t.test('OIDC RP-Initiated Logout 1.0 §3: no front-channel frames to load: redirected straight to post_logout_redirect_uri with state', async (t) => {
  const s = await start(t);
  const tokens = await signInTo(s, 'openid', 'down');
  const res = await s.browser.get(`/api/oidc/end-session?${new URLSearchParams({ id_token_hint: tokens.id_token!, post_logout_redirect_uri: BYE, state: 'st-3' }).toString()}`);
  t.same([res.status, res.location], [302, `${BYE}?state=st-3`]);
  t.equal(s.browser.cookies.get('authelia_session'), undefined);
  const again = await s.browser.get(`/api/oidc/end-session?${new URLSearchParams({ id_token_hint: tokens.id_token!, post_logout_redirect_uri: BYE }).toString()}`);
  t.same([again.status, again.location], [302, BYE], 'already signed out: straight back, the hint still valid');
});

t.test('OIDC RP-Initiated Logout 1.0 §2: without an id_token_hint the OP asks first (CSRF-protected); "stay" keeps the session', async (t) => {
  const s = await start(t);
  await signInTo(s);
  const end = client.buildEndSessionUrl(s.config, { post_logout_redirect_uri: BYE, state: 'st-2' });
  t.equal(end.searchParams.get('client_id'), 'app', 'openid-client sends client_id');
  const ask = await s.browser.get(end.href);
  t.equal(ask.status, 200);
  t.match(ask.body, '<h1>Sign out?</h1>');
  t.match(ask.body, 'You are signed in as <strong>alice</strong>');
  const hidden = hiddenFields(ask.body);
  t.same(Object.keys(hidden).sort(), ['client_id', 'csrf_token', 'post_logout_redirect_uri', 'state']);

  const forged = await s.browser.post('/api/oidc/end-session', { ...hidden, csrf_token: 'forged', logout: 'sign_out' });
  t.equal(forged.status, 403, 'a forged answer is refused');
  const stay = await s.browser.post('/api/oidc/end-session', { ...hidden, logout: 'stay' });
  t.same([stay.status, stay.location], [303, `${BYE}?state=st-2`]);
  t.not(s.browser.cookies.get('authelia_session'), undefined, 'still signed in');

  const out = await s.browser.post('/api/oidc/end-session', { ...hiddenFields((await s.browser.get(end.href)).body), logout: 'sign_out' });
  t.equal(out.status, 200, 'the frames page');
  t.match(out.body, `href="${BYE}?state=st-2"`);
  t.equal(s.browser.cookies.get('authelia_session'), undefined);
});

t.test('OIDC RP-Initiated Logout 1.0 §2: a forged or foreign id_token_hint, an unregistered post_logout_redirect_uri: an error page, no redirect', async (t) => {
  const s = await start(t);
  const tokens = await signInTo(s);
  const [header, payload] = tokens.id_token!.split('.');
  const tampered = `${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sid: 'someone-else' })).toString('base64url')}.${tokens.id_token!.split('.')[2]}`;
  const cases: Array<[string, Record<string, string>, string]> = [
    ['forged (payload changed, signature kept)', { id_token_hint: tampered }, 'The id_token_hint is not an ID Token issued by this provider. (invalid_request)'],
    ['unregistered post_logout_redirect_uri', { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'https://evil.example.com/' }, "The post_logout_redirect_uri is not registered for the client &#39;app&#39;. (invalid_request)"],
    ['client_id of another client', { id_token_hint: tokens.id_token!, client_id: 'down' }, 'The client_id does not match the client of the id_token_hint. (invalid_request)'],
  ];
  for (const [name, params, message] of cases) {
    const res = await s.browser.get(`/api/oidc/end-session?${new URLSearchParams(params).toString()}`);
    t.equal(res.status, 400, name);
    t.equal(res.location, null, `${name}: never redirected`);
    t.match(res.body, message, name);
  }
  t.not(s.browser.cookies.get('authelia_session'), undefined, 'nothing was signed out');
});

t.test('OIDC Back-Channel Logout 1.0 §2.5: a client whose endpoint is down is retried, counted, and the sign-out completes', async (t) => {
  const s = await start(t);
  await signInTo(s, 'openid', 'down');
  await signInTo(s, 'openid', 'app');
  const page = await s.browser.get('/');
  const out = await s.browser.post('/logout', hiddenFields(page.body));
  t.equal(out.status, 200, 'the portal answers at once');
  t.equal(s.browser.cookies.get('authelia_session'), undefined);
  await s.rp.next();
  await s.server.app.context.signOut.idle();
  const metrics = await s.server.app.context.metrics.registry.getSingleMetricAsString('gatehouse_backchannel_logout_total');
  t.match(metrics, 'gatehouse_backchannel_logout_total{client="down",outcome="retry"} 2');
  t.match(metrics, 'gatehouse_backchannel_logout_total{client="down",outcome="failure"} 1');
  t.match(metrics, 'gatehouse_backchannel_logout_total{client="app",outcome="success"} 1');
});

t.test('forward-auth: GET /logout?rd= from the same site signs out and goes to rd; from another site it asks; an unsafe rd is ignored', async (t) => {
  const s = await start(t);
  await signInTo(s);
  const cookie = `authelia_session=${s.browser.cookies.get('authelia_session')}`;
  const cross = await s.browser.get('/logout?rd=https%3A%2F%2Fapp.localhost%2F', { 'sec-fetch-site': 'cross-site' });
  t.match(cross.body, '<h1>Sign out?</h1>', 'a link from another site is asked about');
  t.equal((await forwardAuth(s.server, cookie)).status, 200, 'still signed in');
  const same = await s.browser.get('/logout?rd=https%3A%2F%2Fapp.localhost%2Fhome', { 'sec-fetch-site': 'same-site' });
  t.equal(same.status, 200, 'the client has a front-channel logout URI: the frames page first');
  t.match(same.body, '<a id="continue" href="https://app.localhost/home">Continue</a>', 'then on to rd');
  t.equal((await forwardAuth(s.server, cookie)).status, 401, 'signed out of every protected host');
  await signInTo(s);
  const unsafe = await s.browser.get('/logout?rd=https%3A%2F%2Fevil.example.com%2F', { 'sec-fetch-site': 'same-origin' });
  t.equal(unsafe.location, null, 'an rd outside the cookie domains is not followed');
  t.match(unsafe.body, 'You are signed out');
});
