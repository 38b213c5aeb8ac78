/**
 * The authorization code flow end to end, with openid-client as the relying party and the portal
 * driven over HTTP by following its real forms: discovery → authorization (PKCE S256) → sign-in →
 * consent → code → tokens (ID token validated by the library) → userinfo → refresh.
 */
import t, { type Test } from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { hashPassword } from '../../src/crypto/password-hash/index.js';
import { BrowserClient, hiddenFields } from '../helpers/browser-client.js';
import { followAuthorization, type FlowOptions } from '../helpers/authorization-flow.js';
import { freePort } from '../helpers/free-port.js';
import { startTestServer, tempDir } from '../helpers/server.js';
import { fixedClock, type Clock } from '../../src/util/clock.js';
import { INTERACTION_LIFESPAN_MS } from '../../src/oidc/interaction/index.js';
import { totpCodeAt } from '../../src/authn/totp.js';

const CALLBACK = 'http://localhost:8080/callback';
const SECRET = 'app-secret-0123456789-abcdefghij';

async function start(t: Test, client: Record<string, unknown> = {}, oidcExtra: Record<string, unknown> = {}, clock?: Clock, portalTimingMs?: number) {
  const dir = tempDir(t);
  const port = await freePort();
  const issuer = `http://localhost:${port}`;
  const users = join(dir, 'users.yml');
  const digest = await hashPassword('correct horse', { algorithm: 'pbkdf2', variant: 'sha256', iterations: 1000 });
  writeFileSync(users, `users:\n  alice:\n    displayname: Alice Liddell\n    password: '${digest}'\n    emails: [alice@example.com, al@example.org]\n    groups: [dev, admins]\n`);
  const server = await startTestServer(
    t,
    {
      server: { address: `tcp://127.0.0.1:${port}` },
      authentication_backend: { file: { path: users, watch: false } },
      session: { cookies: [{ domain: 'localhost', authelia_url: issuer }] },
      identity_providers: {
        oidc: {
          enable_client_debug_messages: true,
          ...oidcExtra,
          clients: [
            {
              client_id: 'app',
              client_secret: await hashPassword(SECRET, { algorithm: 'pbkdf2', variant: 'sha256', iterations: 1000 }),
              redirect_uris: [CALLBACK],
              scopes: ['openid', 'offline_access', 'profile', 'email', 'groups'],
              grant_types: ['authorization_code', 'refresh_token'],
              authorization_policy: 'one_factor',
              consent_mode: 'explicit',
              ...client,
            },
          ],
        },
      },
    },
    { dir, ...(clock ? { clock } : {}), ...(portalTimingMs === undefined ? {} : { portalTimingMs }) },
  );
  const config = await oidc.discovery(new URL(issuer), 'app', SECRET, oidc.ClientSecretBasic(SECRET), { execute: [oidc.allowInsecureRequests] });
  return { server, issuer, config, browser: new BrowserClient(issuer) };
}

const TOTP_POLICY = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
const TOTP_SECRET = Buffer.alloc(20, 7);

/** alice enrols TOTP (as /settings/totp would store it). */
async function enrolTotp(server: Awaited<ReturnType<typeof start>>['server'], nowMs: number): Promise<void> {
  await server.app.context.storage.totp.save({ username: 'alice', issuer: 'Gatehouse', ...TOTP_POLICY, secret: TOTP_SECRET, created_at_ms: nowMs });
}

/** The code at the token endpoint (client_secret_basic), and the ID token's claims. */
async function idTokenClaims(issuer: string, code: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${issuer}/api/oidc/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`app:${SECRET}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK }).toString(),
  });
  const tokens = (await res.json()) as { id_token?: string };
  return JSON.parse(Buffer.from(tokens.id_token!.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
}

/** The callback URL reached by following the flow (sign-in and consent on the way). */
async function authorize(b: BrowserClient, url: URL, opts: FlowOptions = {}): Promise<URL> {
  return (await followAuthorization(b, url, CALLBACK, opts)).url;
}

t.test('OIDC Core §3.1: code + PKCE S256 through sign-in and consent; ID token, userinfo, refresh (openid-client)', async (t) => {
  const { config, browser } = await start(t);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: 'openid offline_access profile email groups',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const callback = await authorize(browser, url);
  t.ok(callback.searchParams.get('code'), 'a code');
  t.equal(callback.searchParams.get('iss'), config.serverMetadata().issuer, 'RFC 9207 iss in the response');

  const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
  const claims = tokens.claims()!;
  t.match(claims, {
    iss: config.serverMetadata().issuer,
    aud: ['app'],
    azp: 'app',
    nonce,
    amr: ['pwd'],
    preferred_username: 'alice',
    name: 'Alice Liddell',
    email: 'alice@example.com',
    email_verified: true,
    alt_emails: ['al@example.org'],
    groups: ['dev', 'admins'],
  });
  t.match(claims.sub, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'sub is a UUIDv4');
  t.ok(tokens.refresh_token, 'offline_access granted: a refresh token');

  const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
  t.match(info, { sub: claims.sub, preferred_username: 'alice', email: 'alice@example.com' });

  const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
  t.not(refreshed.refresh_token, tokens.refresh_token, 'the refresh token rotates');
  const reused = (await oidc.refreshTokenGrant(config, tokens.refresh_token!).catch((e: unknown) => e)) as { error?: string };
  t.equal(reused.error, 'invalid_grant', 'RFC 9700 §4.14: a used refresh token is refused');
});

t.test('RFC 6749 §4.1.2.1: a wrong redirect URI is shown to the person, never redirected', async (t) => {
  const { config, browser } = await start(t);
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: 'http://localhost:8080/evil', scope: 'openid', state: 'state-123456' });
  const page = await browser.get(url.href);
  t.equal(page.status, 400);
  t.equal(page.location, null);
  t.match(page.body, 'is not registered');
});

t.test('consent denied → access_denied at the redirect URI with state and iss', async (t) => {
  const { config, browser } = await start(t);
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: 'openid',
    state: 'state-123456',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const callback = await authorize(browser, url, { consent: 'deny' });
  t.equal(callback.searchParams.get('error'), 'access_denied');
  t.equal(callback.searchParams.get('state'), 'state-123456');
  t.ok(callback.searchParams.get('iss'));
});

t.test('an interaction past its lifespan is unknown at the authorization endpoint and at /consent, before any sweep deletes it', async (t) => {
  const clock = fixedClock(Date.now());
  const { config, browser } = await start(t, {}, {}, clock);
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', state: 'state-123456', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
  // The browser up to the consent page: sign-in on the way.
  let next = url.href;
  for (let hop = 0; hop < 8 && !next.includes('/consent?id='); hop++) {
    const page = await browser.get(next);
    if (page.body.includes('name="password"')) {
      const res = await browser.post('/login', { ...hiddenFields(page.body), username: 'alice', password: 'correct horse' });
      next = new URL(res.location!, browser.base).href;
    } else next = new URL(page.location!, next).href;
  }
  const id = new URL(next).searchParams.get('id')!;
  t.ok(id, 'a consent challenge was made');

  clock.advance(INTERACTION_LIFESPAN_MS - 60_000);
  const resumed = await browser.get(`/api/oidc/authorization?interaction=${id}`);
  t.not(resumed.status, 400, 'a minute before its lifespan is over, it can still be resumed');

  clock.advance(60_000);
  const stale = await browser.get(`/api/oidc/authorization?interaction=${id}`);
  t.equal(stale.status, 400);
  t.match(stale.body, /unknown, has expired or was already answered/, 'past its lifespan: unknown, although the row is still stored');
  // The portal session has long expired too: sign in again, then the page itself refuses it.
  const login = await browser.get(`/?rd=${encodeURIComponent(`${browser.base}/consent?id=${id}`)}`);
  await browser.post('/login', { ...hiddenFields(login.body), username: 'alice', password: 'correct horse' });
  const page = await browser.get(`/consent?id=${id}`);
  t.equal(page.status, 404);
  t.match(page.body, /unknown, expired or already answered/);
});

t.test('prompt=none without a session → login_required (OIDC Core §3.1.2.6)', async (t) => {
  const { config, browser } = await start(t);
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', prompt: 'none', state: 'state-123456' });
  const page = await browser.get(url.href);
  t.equal(page.status, 302);
  const location = new URL(page.location!);
  t.equal(location.origin + location.pathname, CALLBACK);
  t.equal(location.searchParams.get('error'), 'login_required');
  t.equal(location.searchParams.get('state'), 'state-123456');
});

t.test('PKCE: required for public clients (enforce_pkce public_clients_only), plain refused unless enabled', async (t) => {
  const { config, browser } = await start(t, { public: true, client_secret: '', token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], scopes: ['openid'] });
  const missing = await browser.get(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', state: 'state-123456' }).href);
  t.equal(new URL(missing.location!).searchParams.get('error'), 'invalid_request');
  t.match(new URL(missing.location!).searchParams.get('error_description'), 'PKCE');
  const plain = await browser.get(
    oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', state: 'state-123456', code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }).href,
  );
  t.match(new URL(plain.location!).searchParams.get('error_description'), "'plain' code challenge method is not allowed");
});

t.test('state and nonce shorter than minimum_parameter_entropy are refused', async (t) => {
  const { config, browser } = await start(t);
  const res = await browser.get(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', state: 'short' }).href);
  const location = new URL(res.location!);
  t.equal(location.searchParams.get('error'), 'invalid_request');
  t.match(location.searchParams.get('error_description'), "'state' parameter must be at least 8 characters");
});

t.test('consent_mode implicit: no consent page; pre-configured: remembered consent is reused only for the same scopes', async (t) => {
  const implicit = await start(t, { consent_mode: 'implicit' });
  const cb = await authorize(implicit.browser, oidc.buildAuthorizationUrl(implicit.config, { redirect_uri: CALLBACK, scope: 'openid', state: 'state-123456' }), { consent: 'deny' });
  t.ok(cb.searchParams.get('code'), 'implicit consent: a code without asking');

  const pre = await start(t, { consent_mode: 'pre-configured', pre_configured_consent_duration: '1w' });
  const first = oidc.buildAuthorizationUrl(pre.config, { redirect_uri: CALLBACK, scope: 'openid profile', state: 'state-123456' });
  // Accept with "remember".
  const { visited } = await followAuthorization(pre.browser, first, CALLBACK, { remember: true });
  const consentSeen = visited.filter((v) => new URL(v).pathname === '/consent').length;
  t.equal(consentSeen, 1);
  const again = await pre.browser.get(oidc.buildAuthorizationUrl(pre.config, { redirect_uri: CALLBACK, scope: 'openid profile', state: 'state-123456' }).href);
  t.match(again.location, /^http:\/\/localhost:8080\/callback\?code=/, 'the remembered consent is reused');
  const wider = await pre.browser.get(oidc.buildAuthorizationUrl(pre.config, { redirect_uri: CALLBACK, scope: 'openid profile email', state: 'state-123456' }).href);
  t.match(wider.location, /^\/consent\?id=/, 'other scopes: asked again');
});

t.test('OAuth 2.0 Form Post Response Mode: the code is posted by an auto-submitting form allowed by its CSP hash', async (t) => {
  const { config, browser } = await start(t);
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', state: 'state-123456', response_mode: 'form_post' });
  const { form, formHeaders } = await followAuthorization(browser, url, CALLBACK);
  t.ok(form, 'the answer is a form posting to the callback');
  const fields = form ?? {};
  t.ok(fields['code'], 'the code is a form field');
  t.equal(fields['state'], 'state-123456');
  t.ok(fields['iss']);
  t.match(formHeaders?.get('content-security-policy'), /script-src 'sha256-[A-Za-z0-9+/=]+'/, 'only its own script, by hash');
  t.notMatch(formHeaders?.get('content-security-policy'), /form-action/, "CSP3 form-action would also judge the client's own redirects after the callback (issue #12 item 1)");
});

t.test('prompt=login and max_age send a signed-in person back to sign in (OIDC Core §3.1.2.1)', async (t) => {
  const { config, browser } = await start(t, { consent_mode: 'implicit' });
  const first = await authorize(browser, oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', state: 'state-123456' }));
  t.ok(first.searchParams.get('code'), 'signed in once');
  const signedIn = await browser.get(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', state: 'state-123456' }).href);
  t.match(signedIn.location, /^http:\/\/localhost:8080\/callback\?code=/, 'a session is enough without prompt');
  const login = await browser.get(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', state: 'state-123456', prompt: 'login' }).href);
  t.match(login.location, /^\/\?rd=.*&reauth=1$/, 'prompt=login: to the sign-in page');
  t.notMatch(decodeURIComponent(login.location!), /prompt=login/, 'the return URL no longer asks for a login');
  const form = await browser.get(login.location!);
  t.match(form.body, 'name="password"', 'the sign-in form is shown despite the session');
  await new Promise((r) => setTimeout(r, 1100));
  const maxAge = await browser.get(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', state: 'state-123456', max_age: '0' }).href);
  t.match(maxAge.location, /reauth=1/, 'max_age exceeded: sign in again');
});

t.test("authorization_policy two_factor: a one-factor session is sent to the second factor, prompt=none → login_required", async (t) => {
  const { config, browser } = await start(t, { authorization_policy: 'two_factor', consent_mode: 'implicit' });
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', state: 'state-123456' });
  const toPortal = await browser.get(url.href);
  const signInPage = await browser.get(toPortal.location!);
  const signedIn = await browser.post('/login', { ...hiddenFields(signInPage.body), username: 'alice', password: 'correct horse' });
  t.equal(signedIn.status, 303);
  const back = await browser.get(new URL(signedIn.location!, browser.base).href);
  t.match(back.location, /^\/login\/2fa\?rd=/, 'one factor is not enough for this client');
  const none = await browser.get(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', state: 'state-123456', prompt: 'none' }).href);
  t.equal(new URL(none.location!).searchParams.get('error'), 'login_required');
});

t.test('public client with the out-of-band redirect: the code is shown on a page, then exchanged with PKCE and no secret', async (t) => {
  const { config, browser, issuer } = await start(t, {
    public: true,
    client_secret: '',
    token_endpoint_auth_method: 'none',
    redirect_uris: ['urn:ietf:wg:oauth:2.0:oob'],
    grant_types: ['authorization_code'],
    scopes: ['openid'],
    consent_mode: 'implicit',
  });
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: 'urn:ietf:wg:oauth:2.0:oob',
    scope: 'openid',
    state: 'state-123456',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  let page = await browser.get(url.href);
  page = await browser.get(page.location!);
  const signedIn = await browser.post('/login', { ...hiddenFields(page.body), username: 'alice', password: 'correct horse' });
  page = await browser.get(new URL(signedIn.location!, issuer).href);
  t.equal(page.status, 200);
  t.match(page.headers.get('content-security-policy'), /default-src 'none'/);
  const code = /<dt>code<\/dt><dd><code>([^<]+)<\/code>/.exec(page.body)?.[1];
  t.ok(code, 'the code is on the page');
  const res = await fetch(`${issuer}/api/oidc/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: code!, redirect_uri: 'urn:ietf:wg:oauth:2.0:oob', client_id: 'app', code_verifier: verifier }).toString(),
  });
  t.equal(res.status, 200);
  const tokens = (await res.json()) as { access_token?: string; id_token?: string };
  t.ok(tokens.access_token);
  t.ok(tokens.id_token);
});

t.test('OIDC Core §3.1.2.1: max_age=0 is satisfied by the sign-in it asked for, even when the return crosses a second boundary', async (t) => {
  const T0 = Math.floor(Date.now() / 1000) * 1000;
  const clock = fixedClock(T0);
  const { config, browser, issuer } = await start(t, { consent_mode: 'implicit' }, {}, clock);
  t.ok((await authorize(browser, oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', state: 'state-123456' }))).searchParams.get('code'), 'signed in once');

  clock.set(T0 + 10_000);
  const toPortal = await browser.get(oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', state: 'state-123456', max_age: '0' }).href);
  t.match(toPortal.location, /reauth=1/, 'max_age=0 is prompt=login: the session is not enough');
  const form = await browser.get(toPortal.location!);
  clock.advance(900);
  const signedIn = await browser.post('/login', { ...hiddenFields(form.body), username: 'alice', password: 'correct horse' });
  t.equal(signedIn.status, 303);
  clock.advance(200); // the next second: the sign-in was at T0+10.9 s, the return at T0+11.1 s
  const back = await browser.get(new URL(signedIn.location!, browser.base).href);
  t.match(back.location, /^http:\/\/localhost:8080\/callback\?code=/, 'one sign-in, then the code');
  const claims = await idTokenClaims(issuer, new URL(back.location!).searchParams.get('code')!);
  t.equal(claims['auth_time'], T0 / 1000 + 10, 'auth_time: when that sign-in completed');
});

t.test('OIDC Core §3.1.2.1: two factors with max_age=5 and the code typed 6 s after the password complete; auth_time is the second factor', async (t) => {
  const T0 = Math.floor(Date.now() / 1000) * 1000;
  const clock = fixedClock(T0);
  const { config, browser, issuer, server } = await start(t, { consent_mode: 'implicit', authorization_policy: 'two_factor' }, {}, clock);
  await enrolTotp(server, T0 - 60_000);
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', state: 'state-123456', max_age: '5' });
  const toPortal = await browser.get(url.href);
  const form = await browser.get(toPortal.location!);
  const signedIn = await browser.post('/login', { ...hiddenFields(form.body), username: 'alice', password: 'correct horse' });
  let next = new URL(signedIn.location!, browser.base).href;
  for (let hop = 0; hop < 3 && !new URL(next).pathname.startsWith('/login/2fa'); hop++) next = new URL((await browser.get(next)).location!, next).href;
  t.match(next, /\/login\/2fa\?rd=/, 'on to the second factor');

  clock.advance(6_000);
  const second = await browser.get(next);
  const done = await browser.post('/login/2fa', { ...hiddenFields(second.body), code: totpCodeAt(TOTP_SECRET, TOTP_POLICY, clock.nowMs()) });
  t.equal(done.status, 303);
  const back = await browser.get(new URL(done.location!, browser.base).href);
  t.match(back.location, /^http:\/\/localhost:8080\/callback\?code=/, 'not sent back to the password form');
  const claims = await idTokenClaims(issuer, new URL(back.location!).searchParams.get('code')!);
  t.equal(claims['auth_time'], T0 / 1000 + 6, 'auth_time: when the second factor completed authentication');
  t.same(claims['amr'], ['pwd', 'otp', 'mfa']);
});

t.test('auth_time is read when the first factor completed, after the uniform sign-in delay', async (t) => {
  const { config, browser, issuer } = await start(t, { consent_mode: 'implicit' }, {}, undefined, 1100);
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', state: 'state-123456' });
  const form = await browser.get((await browser.get(url.href)).location!);
  const postedAtMs = Date.now();
  const signedIn = await browser.post('/login', { ...hiddenFields(form.body), username: 'alice', password: 'correct horse' });
  const back = await browser.get(new URL(signedIn.location!, browser.base).href);
  const claims = await idTokenClaims(issuer, new URL(back.location!).searchParams.get('code')!);
  t.ok((claims['auth_time'] as number) >= Math.floor((postedAtMs + 1100) / 1000), `auth_time ${String(claims['auth_time'])} is after the 1.1 s delay that began at ${postedAtMs} ms`);
});

t.test("authorization_policy is the level asked for: an enrolled second factor is not forced on a one_factor client, and is on a two_factor one", async (t) => {
  for (const policy of ['one_factor', 'two_factor'] as const) {
    await t.test(policy, async (t) => {
      const clock = fixedClock(Math.floor(Date.now() / 1000) * 1000);
      const { config, browser, server } = await start(t, { authorization_policy: policy, consent_mode: 'implicit' }, {}, clock);
      await enrolTotp(server, clock.nowMs() - 60_000);
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', state: 'state-123456' });
      const form = await browser.get((await browser.get(url.href)).location!);
      const signedIn = await browser.post('/login', { ...hiddenFields(form.body), username: 'alice', password: 'correct horse' });
      t.equal(signedIn.status, 303);
      t.match(signedIn.location, /^http:\/\/localhost:\d+\/api\/oidc\/authorization\?/, 'back to the authorization endpoint, which knows the client');
      const back = await browser.get(signedIn.location!);
      if (policy === 'one_factor') {
        t.match(back.location, /^http:\/\/localhost:8080\/callback\?code=/, 'one_factor: the code after the password');
      } else {
        t.match(back.location, /^\/login\/2fa\?rd=/, 'two_factor: on to the second factor');
        const second = await browser.get(back.location!);
        const done = await browser.post('/login/2fa', { ...hiddenFields(second.body), code: totpCodeAt(TOTP_SECRET, TOTP_POLICY, clock.nowMs()) });
        t.match((await browser.get(new URL(done.location!, browser.base).href)).location, /^http:\/\/localhost:8080\/callback\?code=/, 'then the code');
      }
    });
  }
});

t.test('OIDC Core §3.1.2.1 with PAR (RFC 9126): a pushed max_age=0 is satisfied by its sign-in across a second boundary and a slow consent', async (t) => {
  const T0 = Math.floor(Date.now() / 1000) * 1000;
  const clock = fixedClock(T0);
  const { config, browser } = await start(t, {}, {}, clock);
  t.ok((await authorize(browser, oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid', state: 'state-123456' }))).searchParams.get('code'), 'signed in once');

  clock.set(T0 + 10_000);
  const url = await oidc.buildAuthorizationUrlWithPAR(config, { redirect_uri: CALLBACK, scope: 'openid', state: 'state-123456', max_age: '0' });
  const toPortal = await browser.get(url.href);
  t.match(toPortal.location, /reauth=1/, 'a fresh sign-in, although a session exists');
  const form = await browser.get(toPortal.location!);
  clock.advance(900);
  const signedIn = await browser.post('/login', { ...hiddenFields(form.body), username: 'alice', password: 'correct horse' });
  clock.advance(200);
  const back = await browser.get(new URL(signedIn.location!, browser.base).href);
  t.match(back.location, /^\/consent\?id=/, 'the next second, the pushed request goes on to consent');
  clock.advance(10_000);
  const consent = await browser.get(back.location!);
  const answered = await browser.post('/consent', { ...hiddenFields(consent.body), decision: 'accept' });
  const done = await browser.get(new URL(answered.location!, browser.base).href);
  t.match(done.location, /^http:\/\/localhost:8080\/callback\?code=/, 'ten seconds of consent later: the code, not another sign-in');
});
