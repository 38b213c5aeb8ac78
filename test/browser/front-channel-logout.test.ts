/**
 * OIDC Front-Channel Logout 1.0 in real headless Chromium, with the portal's security headers on:
 * two relying parties signed into through the portal; the first sends the browser to the
 * end-session endpoint (RP-Initiated Logout 1.0 §2, with its id_token_hint); the signed-out page
 * loads each RP's frontchannel_logout_uri in an iframe with iss and sid (§2, §4) under a CSP that
 * frames exactly those origins, then goes on to the registered post_logout_redirect_uri with state.
 */
import t, { type Test } from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { hashPassword } from '../../src/crypto/password-hash/index.js';
import { launchChromium, watchCspViolations } from '../helpers/chromium.js';
import { freePort } from '../helpers/oidc-fixtures.js';
import { startTestServer, tempDir } from '../helpers/server.js';

const PASSWORD = 'correct horse';
const SECRET = 'insecure_secret';
const WAIT_MS = 10_000;

/** A relying party: every request it receives, by path; waits for a path to be requested. */
async function startRp(t: Test) {
  const seen: Array<{ path: string; params: URLSearchParams }> = [];
  const waiting: Array<{ path: string; resolve: (p: URLSearchParams) => void }> = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://rp.invalid');
    seen.push({ path: url.pathname, params: url.searchParams });
    for (const w of waiting.filter((w) => w.path === url.pathname)) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve(url.searchParams);
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end('<!doctype html><title>RP</title><p>ok</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    seen,
    next(path: string): Promise<URLSearchParams> {
      const done = seen.find((s) => s.path === path);
      if (done) return Promise.resolve(done.params);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`nothing requested ${path} within ${WAIT_MS} ms`)), WAIT_MS);
        waiting.push({ path, resolve: (p) => (clearTimeout(timer), resolve(p)) });
      });
    },
  };
}

t.test('OIDC Front-Channel Logout 1.0 §2, §4: Chromium loads every RP\'s logout iframe with iss and sid, then returns to the post_logout_redirect_uri', async (t) => {
  const dir = tempDir(t);
  const users = join(dir, 'users.yml');
  writeFileSync(users, `users:\n  alice:\n    displayname: Alice\n    password: '${await hashPassword(PASSWORD, { algorithm: 'argon2', iterations: 1, memory: 1024, parallelism: 1 })}'\n    email: alice@example.com\n`);
  const one = await startRp(t);
  const two = await startRp(t);
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const rpClient = (client_id: string, rp: { origin: string }) => ({
    client_id,
    client_secret: `$plaintext$${SECRET}`,
    authorization_policy: 'one_factor',
    consent_mode: 'implicit',
    redirect_uris: [`${rp.origin}/callback`],
    post_logout_redirect_uris: [`${rp.origin}/bye`],
    frontchannel_logout_uri: `${rp.origin}/frontchannel`,
    frontchannel_logout_session_required: true,
  });
  await startTestServer(t, {
    server: { address: `tcp://127.0.0.1:${port}` },
    authentication_backend: { file: { path: users, watch: false } },
    session: { cookies: [{ domain: 'localhost', authelia_url: base }] },
    identity_providers: { oidc: { issuer: base, clients: [rpClient('one', one), rpClient('two', two)] } },
  }, { dir });

  const browser = await launchChromium();
  t.teardown(() => browser.close());
  const context = await browser.newContext();
  t.teardown(() => context.close());
  const page = await context.newPage();
  const violations = await watchCspViolations(page);

  /** Code flow with PKCE through the portal in Chromium; the ID Token from the token endpoint. */
  const signInTo = async (client_id: string, rp: Awaited<ReturnType<typeof startRp>>, first: boolean): Promise<string> => {
    const verifier = randomBytes(32).toString('base64url');
    const authorize = new URL('/api/oidc/authorization', base);
    authorize.search = new URLSearchParams({
      response_type: 'code', client_id, redirect_uri: `${rp.origin}/callback`, scope: 'openid',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    }).toString();
    const arrived = rp.next('/callback');
    await page.goto(authorize.href);
    if (first) {
      await page.getByLabel('Username').fill('alice');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
    }
    const code = (await arrived).get('code')!;
    const res = await fetch(new URL('/api/oidc/token', base), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client_id}:${SECRET}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: `${rp.origin}/callback`, code_verifier: verifier }),
    });
    return ((await res.json()) as { id_token: string }).id_token;
  };
  const idToken = await signInTo('one', one, true);
  await signInTo('two', two, false);
  const { sid } = JSON.parse(Buffer.from(idToken.split('.')[1], 'base64url').toString()) as { sid: string };

  const end = new URL('/api/oidc/end-session', base);
  end.search = new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: `${one.origin}/bye`, state: 'st-fc' }).toString();
  const frameOne = one.next('/frontchannel');
  const frameTwo = two.next('/frontchannel');
  const bye = one.next('/bye');
  await page.goto(end.href);

  for (const [name, frame] of [['one', frameOne], ['two', frameTwo]] as const) {
    const params = await frame;
    t.equal(params.get('iss'), base, `${name}: iss`);
    t.equal(params.get('sid'), sid, `${name}: sid`);
  }
  t.equal((await bye).get('state'), 'st-fc', 'RP-Initiated Logout 1.0 §3: back to the post_logout_redirect_uri with state');
  await page.waitForURL(`${one.origin}/bye?state=st-fc`);
  t.same(violations, [], 'no CSP violation: frames from exactly those origins, the one script by hash');

  await page.goto(new URL('/', base).href);
  t.equal(await page.title(), 'Sign in — Gatehouse', 'the portal asks for the password again');
});
