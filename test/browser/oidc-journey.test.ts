/**
 * Whole OpenID Connect journeys in real headless Chromium, with the portal's security headers on:
 * the client sends the browser to the authorization endpoint (code flow, PKCE S256), the person
 * signs in on the portal, consents where the client's consent_mode asks for it, and the browser
 * follows the redirect chain that starts at the submitted form all the way to the client's
 * callback; the code is then exchanged at the token endpoint. Chromium checks every hop of that
 * chain against the form's page `form-action` (CSP3 §6.3.1), which is what issue #12 item 1 saw
 * fail: a portal form could not end at an `http` redirect URI.
 */
import t, { type Test } from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { hashPassword } from '../../src/crypto/password-hash/index.js';
import { OIDC_PATHS } from '../../src/util/paths.js';
import { launchChromium, watchCspViolations } from '../helpers/chromium.js';
import { freePort } from '../helpers/oidc-fixtures.js';
import { startTestServer, tempDir } from '../helpers/server.js';

const PASSWORD = 'correct horse';
const SECRET = 'insecure_secret';
/** How long a journey may take before it counts as stuck (a blocked redirect never arrives). */
const ARRIVAL_TIMEOUT_MS = 10_000;

interface Arrival {
  method: string;
  path: string;
  params: URLSearchParams;
}

/**
 * The relying party's callback: a tiny node:http server that records what arrives at
 * `/callback` (the query of a GET, the form of a form_post POST). `/callback-then-away` answers a
 * callback with 303 to `away` (another origin), as relying parties that keep their callback on
 * an auth host do (oauth2-proxy's `rd`).
 */
async function startCallbackServer(t: Test): Promise<{ port: number; next(): Promise<Arrival>; setAway(url: string): void }> {
  const waiting: Array<(a: Arrival) => void> = [];
  const arrived: Arrival[] = [];
  let away = '';
  const deliver = (a: Arrival): void => {
    const resolve = waiting.shift();
    if (resolve) resolve(a);
    else arrived.push(a);
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://callback.invalid');
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      if (url.pathname === '/favicon.ico') return void res.writeHead(404).end();
      const params = req.method === 'POST' ? new URLSearchParams(body) : url.searchParams;
      deliver({ method: req.method ?? 'GET', path: url.pathname, params });
      if (url.pathname === '/callback-then-away' && away) return void res.writeHead(303, { location: away }).end();
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Signed in</title><p>Signed in.</p>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    port: (server.address() as AddressInfo).port,
    next: () => {
      const ready = arrived.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise<Arrival>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(done), 1);
          reject(new Error(`nothing arrived at the callback within ${ARRIVAL_TIMEOUT_MS} ms`));
        }, ARRIVAL_TIMEOUT_MS);
        const done = (a: Arrival): void => {
          clearTimeout(timer);
          resolve(a);
        };
        waiting.push(done);
      });
    },
    setAway: (url) => {
      away = url;
    },
  };
}

/** RFC 7636 §4.1–4.2: a verifier and its S256 challenge. */
function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

t.test('OIDC journeys in Chromium end at the registered redirect URI (issue #12 item 1)', async (t) => {
  const dir = tempDir(t);
  const users = join(dir, 'users.yml');
  const digest = await hashPassword(PASSWORD, { algorithm: 'argon2', iterations: 1, memory: 1024, parallelism: 1 });
  writeFileSync(users, `users:\n  alice:\n    displayname: Alice Liddell\n    password: '${digest}'\n    email: alice@example.com\n    groups: [dev]\n`);

  const rp = await startCallbackServer(t);
  const away = await startCallbackServer(t);
  rp.setAway(`http://127.0.0.1:${away.port}/home`);
  const localhostCallback = `http://localhost:${rp.port}/callback`;
  const loopbackCallback = `http://127.0.0.1:${rp.port}/callback`;
  const httpsCallback = 'https://app.example.com/callback';

  const port = await freePort();
  const base = `http://localhost:${port}`;
  const issuer = base;
  const confidential = { client_secret: `$plaintext$${SECRET}`, authorization_policy: 'one_factor', scopes: ['openid', 'profile', 'email'] };
  await startTestServer(
    t,
    {
      server: { address: `tcp://127.0.0.1:${port}` },
      authentication_backend: { file: { path: users, watch: false } },
      session: { cookies: [{ domain: 'localhost', authelia_url: base }] },
      identity_providers: {
        oidc: {
          issuer,
          clients: [
            // config.yml's demo client: confidential, http://localhost, explicit consent.
            { client_id: 'demo-client', client_name: 'Demo client', ...confidential, consent_mode: 'explicit', redirect_uris: [localhostCallback, `http://localhost:${rp.port}/callback-then-away`] },
            // RFC 8252 §7.3: a native app's loopback redirect; public, PKCE, consent implied.
            { client_id: 'native-app', client_name: 'Native app', public: true, authorization_policy: 'one_factor', scopes: ['openid', 'profile'], consent_mode: 'implicit', redirect_uris: [loopbackCallback] },
            // Consent remembered after the first time (pre-configured).
            { client_id: 'remembering-app', client_name: 'Remembering app', ...confidential, consent_mode: 'pre-configured', pre_configured_consent_duration: '1w', redirect_uris: [localhostCallback] },
            // A web application on https: nothing regressed.
            { client_id: 'web-app', client_name: 'Web app', ...confidential, consent_mode: 'explicit', redirect_uris: [httpsCallback] },
          ],
        },
      },
    },
    { dir },
  );

  const browser = await launchChromium();
  t.teardown(() => browser.close());
  /** A browser profile of its own: no portal session, no cookies. */
  const newContext = async (t: Test): Promise<BrowserContext> => {
    const context = await browser.newContext();
    t.teardown(() => context.close());
    return context;
  };

  interface Journey {
    client_id: string;
    redirect_uri: string;
    consent: 'ask' | 'ask and remember' | 'none';
    response_mode?: 'form_post';
    /** The context to use (a person already known to it); a fresh one otherwise. */
    context?: BrowserContext;
    /** Answers the https callback inside Chromium (no network is needed for app.example.com). */
    interceptHttps?: () => Promise<Arrival>;
  }

  /** Runs one journey and returns what the callback received and the CSP violations seen. */
  async function journey(t: Test, j: Journey): Promise<{ arrival: Arrival; violations: string[]; verifier: string; state: string }> {
    const context = j.context ?? (await newContext(t));
    const page = await context.newPage();
    const violations = await watchCspViolations(page);
    const { verifier, challenge } = pkcePair();
    const state = randomBytes(12).toString('base64url');
    const authorize = new URL(OIDC_PATHS.authorization, base);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: j.client_id,
      redirect_uri: j.redirect_uri,
      scope: 'openid profile',
      state,
      nonce: randomBytes(12).toString('base64url'),
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...(j.response_mode ? { response_mode: j.response_mode } : {}),
    }).toString();

    const arrival = j.interceptHttps ? j.interceptHttps() : rp.next();
    arrival.catch(() => undefined);
    await page.goto(authorize.href);
    t.equal(await page.title(), 'Sign in — Gatehouse', 'the authorization endpoint sent the person to the portal');
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    if (j.consent !== 'none') {
      await page.getByRole('button', { name: 'Allow' }).waitFor();
      t.match(await page.title(), /^Allow access\?/, 'the consent page is shown');
      if (j.consent === 'ask and remember') await page.getByRole('checkbox').check();
      await page.getByRole('button', { name: 'Allow' }).click();
    }
    return { arrival: await arrival.catch(async (err: Error) => Promise.reject(new Error(`${err.message}; stuck at ${page.url()}; CSP: ${violations.join(' | ') || 'none'}`))), violations, verifier, state };
  }

  /** RFC 6749 §4.1.3: the code, with the PKCE verifier, buys tokens. */
  async function exchange(code: string, j: { client_id: string; redirect_uri: string; verifier: string; confidential: boolean }): Promise<{ status: number; body: Record<string, unknown> }> {
    const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: j.redirect_uri, code_verifier: j.verifier });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (j.confidential) headers['authorization'] = `Basic ${Buffer.from(`${j.client_id}:${SECRET}`).toString('base64')}`;
    else form.set('client_id', j.client_id);
    const res = await fetch(new URL(OIDC_PATHS.token, base), { method: 'POST', headers, body: form });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async function assertArrived(
    t: Test,
    run: Awaited<ReturnType<typeof journey>>,
    j: { client_id: string; redirect_uri: string; confidential: boolean; method?: string },
  ): Promise<void> {
    const { arrival, violations, verifier, state } = run;
    t.equal(arrival.method, j.method ?? 'GET');
    t.equal(arrival.path, new URL(j.redirect_uri).pathname);
    t.ok(arrival.params.get('code'), 'the callback received a code');
    t.equal(arrival.params.get('state'), state, 'the callback received the state');
    t.equal(arrival.params.get('iss'), issuer, 'the callback received iss (RFC 9207)');
    t.same(violations, [], 'Chromium reported no Content-Security-Policy violation');
    const tokens = await exchange(arrival.params.get('code')!, { ...j, verifier });
    t.equal(tokens.status, 200, `the code is valid at the token endpoint: ${JSON.stringify(tokens.body)}`);
    t.equal(tokens.body['token_type'], 'Bearer');
    t.type(tokens.body['id_token'], 'string');
  }

  t.test('CSP3 form-action: the consent form\'s redirect chain reaches an http://localhost redirect URI (config.yml\'s demo client)', async (t) => {
    const j = { client_id: 'demo-client', redirect_uri: localhostCallback, confidential: true };
    await assertArrived(t, await journey(t, { ...j, consent: 'ask' }), j);
  });

  t.test('CSP3 form-action: a sign-in form\'s redirect chain reaches an http://127.0.0.1 loopback redirect URI (RFC 8252 §7.3), consent implied', async (t) => {
    const j = { client_id: 'native-app', redirect_uri: loopbackCallback, confidential: false };
    await assertArrived(t, await journey(t, { ...j, consent: 'none' }), j);
  });

  t.test('CSP3 form-action: pre-configured consent — asked and remembered once, then the sign-in form\'s chain goes straight to http://localhost', async (t) => {
    const j = { client_id: 'remembering-app', redirect_uri: localhostCallback, confidential: true };
    const context = await newContext(t);
    await assertArrived(t, await journey(t, { ...j, consent: 'ask and remember', context }), j);
    // A new portal session (cookies cleared): the consent is remembered by the provider, so the sign-in form's chain ends at the callback.
    await context.clearCookies();
    await assertArrived(t, await journey(t, { ...j, consent: 'none', context }), j);
  });

  t.test('the consent form\'s redirect chain reaches an https redirect URI (nothing regressed)', async (t) => {
    const j = { client_id: 'web-app', redirect_uri: httpsCallback, confidential: true };
    const context = await newContext(t);
    const arrival = new Promise<Arrival>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`nothing arrived at the callback within ${ARRIVAL_TIMEOUT_MS} ms`)), ARRIVAL_TIMEOUT_MS);
      void context.route(`${httpsCallback}**`, async (route) => {
        clearTimeout(timer);
        resolve({ method: route.request().method(), path: new URL(route.request().url()).pathname, params: new URL(route.request().url()).searchParams });
        await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Signed in</title>' });
      });
    });
    await assertArrived(t, await journey(t, { ...j, consent: 'ask', context, interceptHttps: () => arrival }), j);
  });

  t.test('Form Post Response Mode §2: the auto-submitting form posts to an http://localhost redirect URI under the page\'s CSP (script allowed by hash)', async (t) => {
    const j = { client_id: 'demo-client', redirect_uri: localhostCallback, confidential: true, method: 'POST' };
    await assertArrived(t, await journey(t, { ...j, consent: 'ask', response_mode: 'form_post' }), j);
  });

  t.test('CSP3 form-action: the consent form\'s redirect chain continues past the redirect URI when the relying party redirects to another origin', async (t) => {
    const callback = `http://localhost:${rp.port}/callback-then-away`;
    const j = { client_id: 'demo-client', redirect_uri: callback, confidential: true };
    const run = await journey(t, { ...j, consent: 'ask' });
    await assertArrived(t, run, j);
    const landed = await away.next();
    t.equal(landed.path, '/home', "the relying party's own redirect was followed (a form-action naming the redirect URI's origin would block it)");
    t.same(run.violations, [], 'no Content-Security-Policy violation on the way');
  });

  t.test('CSP3 form-action: after a form_post the relying party may send the browser on to another origin', async (t) => {
    const callback = `http://localhost:${rp.port}/callback-then-away`;
    const j = { client_id: 'demo-client', redirect_uri: callback, confidential: true, method: 'POST' };
    const run = await journey(t, { ...j, consent: 'ask', response_mode: 'form_post' });
    await assertArrived(t, run, j);
    const landed = await away.next();
    t.equal(landed.path, '/home', "the relying party's own redirect was followed");
    t.same(run.violations, [], 'no Content-Security-Policy violation on the way');
  });
});
