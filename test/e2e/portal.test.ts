/**
 * The login portal over real HTTP: sign-in, CSRF, regulation, TOTP enrolment and second factor,
 * replay, sessions (fixation, disabled users, sign-out) and redirect safety.
 */
import t, { type Test } from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Secret } from 'otpauth';
import { hashPassword } from '../../src/crypto/password-hash/index.js';
import { totpCodeAt } from '../../src/authn/totp.js';
import { fixedClock } from '../../src/util/clock.js';
import type { FileUsersBackend } from '../../src/users/index.js';
import { startTestServer, tempDir } from '../helpers/server.js';
import { BrowserClient, hiddenFields, type Page } from '../helpers/browser-client.js';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

async function usersFile(dir: string, disabled: string[] = []): Promise<string> {
  const digest = await hashPassword('correct horse', { algorithm: 'pbkdf2', variant: 'sha256', iterations: 1000 });
  const path = join(dir, 'users.yml');
  const user = (name: string) =>
    `  ${name}:\n    displayname: ${name.toUpperCase()}\n    password: '${digest}'\n    email: ${name}@example.com\n    groups: [dev]\n    disabled: ${disabled.includes(name)}\n`;
  writeFileSync(path, `users:\n${['alice', 'bob', 'carol'].map(user).join('')}`);
  return path;
}

async function start(t: Test, extra: Record<string, unknown> = {}) {
  const dir = tempDir(t);
  const path = await usersFile(dir);
  const clock = fixedClock(T0);
  const server = await startTestServer(
    t,
    {
      authentication_backend: { file: { path, watch: false } },
      session: { cookies: [{ domain: 'localhost', authelia_url: 'http://localhost:9091', default_redirection_url: 'http://localhost:9091/home' }] },
      regulation: { max_retries: 3, find_time: '2m', ban_time: '5m' },
      notifier: { filesystem: { filename: join(dir, 'notification.txt') } },
      ...extra,
    },
    { clock, dir },
  );
  const url = server.url.replace('127.0.0.1', 'localhost');
  return { server, clock, url, dir, browser: () => new BrowserClient(url) };
}

/** Identity verification: the code the filesystem notifier wrote, typed in (test/e2e/identity-verification.test.ts has the rules). */
async function elevate(b: BrowserClient, dir: string): Promise<void> {
  await b.submit(await b.get('/settings/elevation?next=totp'), '/settings/elevation/send', {});
  const code = /^ {4}([A-Z0-9]+)$/m.exec(readFileSync(join(dir, 'notification.txt'), 'utf8'))![1];
  await b.submit(await b.get('/settings/elevation?next=totp'), '/settings/elevation', { code });
}

async function signIn(b: BrowserClient, username: string, password: string, extra: Record<string, string> = {}): Promise<Page> {
  const form = await b.get('/' + (extra['rd'] ? `?rd=${encodeURIComponent(extra['rd'])}` : ''));
  return b.submit(form, '/login', { username, password, ...extra });
}

t.test('portal pages carry CSP, frame, referrer and cache headers; forms carry a CSRF token', async (t) => {
  const { browser } = await start(t);
  const b = browser();
  const page = await b.get('/');
  t.equal(page.status, 200);
  t.match(page.headers.get('content-security-policy'), /default-src 'none'.*frame-ancestors 'none'/);
  t.equal(page.headers.get('x-frame-options'), 'DENY');
  t.equal(page.headers.get('referrer-policy'), 'no-referrer');
  t.equal(page.headers.get('cache-control'), 'no-store');
  t.ok(hiddenFields(page.body)['csrf_token'], 'the form has a csrf token');
  t.ok(b.cookies.get('gatehouse_csrf'), 'the CSRF cookie is set');
  const css = await b.get('/static/style.css');
  t.equal(css.status, 200);
  t.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
  const again = await b.get('/static/style.css', { 'if-none-match': css.headers.get('etag')! });
  t.equal(again.status, 304);
});

t.test('CSRF: a missing or foreign token, or a foreign Origin, is refused with 403', async (t) => {
  const { browser } = await start(t);
  const b = browser();
  await b.get('/');
  const missing = await b.post('/login', { username: 'alice', password: 'correct horse' });
  t.equal(missing.status, 403);
  const other = browser();
  const otherPage = await other.get('/');
  const foreign = await b.post('/login', { username: 'alice', password: 'correct horse', csrf_token: hiddenFields(otherPage.body)['csrf_token'] });
  t.equal(foreign.status, 403, "another browser's token does not fit this browser's cookie");
  const page = await b.get('/');
  const crossSite = await b.post('/login', { ...hiddenFields(page.body), username: 'alice', password: 'correct horse' }, { origin: 'https://evil.example' });
  t.equal(crossSite.status, 403);
  t.equal(b.cookies.has('authelia_session'), false, 'no session was created');
});

t.test('first factor: one answer for unknown user and wrong password; success rotates the session id', async (t) => {
  const { browser, server } = await start(t);
  const b = browser();
  const wrong = await signIn(b, 'alice', 'wrong');
  const unknown = await signIn(b, 'mallory', 'wrong');
  t.equal(wrong.status, 401);
  t.equal(unknown.status, 401);
  t.match(wrong.body, 'Incorrect username or password.');
  t.match(unknown.body, 'Incorrect username or password.');

  const form = await b.get('/');
  const ok = await b.submit(form, '/login', { username: 'alice', password: 'correct horse' });
  t.equal(ok.status, 303);
  t.equal(ok.location, 'http://localhost:9091/home', 'default_redirection_url without rd');
  const cookie = ok.headers.getSetCookie().find((c) => c.startsWith('authelia_session='))!;
  t.match(cookie, /HttpOnly/);
  t.match(cookie, /SameSite=Lax/);
  t.notMatch(cookie, /Secure/, 'no Secure flag on http://localhost');
  t.notMatch(cookie, /Domain=/, 'host-only cookie on localhost');
  const first = b.cookies.get('authelia_session');

  const signedIn = await b.get('/');
  t.equal(signedIn.status, 302, 'a signed-in person is sent on to the default redirection URL');
  const loaded = await server.app.context.portal.sessions.load(b.cookieHeader(), server.app.context.portal.cookies[0], T0);
  t.match(loaded?.session, { username: 'alice', level: 'one_factor', amr: ['pwd'], auth_time_s: Math.floor(T0 / 1000) });

  t.equal((await b.submit(form, '/login', { username: 'alice', password: 'correct horse' })).status, 303);
  t.not(b.cookies.get('authelia_session'), first, 'every successful factor issues a new session id');
  const stale = await server.app.context.portal.sessions.load(`authelia_session=${first}`, server.app.context.portal.cookies[0], T0);
  t.equal(stale, null, 'the previous session id is gone (no fixation)');
});

t.test('regulation: after max_retries failures even the right password is refused until ban_time passes', async (t) => {
  const { browser, clock } = await start(t);
  const b = browser();
  for (let i = 0; i < 3; i++) t.equal((await signIn(b, 'carol', 'nope')).status, 401);
  const banned = await signIn(b, 'carol', 'correct horse');
  t.equal(banned.status, 401, 'banned user with the right password');
  t.match(banned.body, 'Incorrect username or password.', 'the ban is not revealed');
  clock.advance(5 * 60_000 + 1000);
  const free = await signIn(b, 'carol', 'correct horse');
  t.equal(free.status, 303, 'free again after ban_time');
});

t.test('redirects: only to targets inside the protected domains (no open redirect)', async (t) => {
  const { browser } = await start(t);
  for (const rd of ['https://evil.example/', '//evil.example/x', 'https://localhost.evil.example/', 'javascript:alert(1)', 'https://user:pw@localhost/']) {
    const b = browser();
    const res = await signIn(b, 'alice', 'correct horse', { rd });
    t.equal(res.location, 'http://localhost:9091/home', `unsafe rd ${rd} falls back to the default`);
  }
  const b = browser();
  const safe = await signIn(b, 'alice', 'correct horse', { rd: 'http://localhost:8080/app?x=1' });
  t.equal(safe.location, 'http://localhost:8080/app?x=1');
});

t.test('a disabled user loses their live session at the next request', async (t) => {
  const { browser, server, dir } = await start(t);
  const b = browser();
  await signIn(b, 'bob', 'correct horse');
  t.equal((await b.get('/')).status, 302, 'signed in');
  await usersFile(dir, ['bob']);
  await (server.app.context.users as FileUsersBackend).reload();
  const after = await b.get('/');
  t.equal(after.status, 200);
  t.match(after.body, 'Sign in', 'back to the sign-in page');
  t.equal((await signIn(browser(), 'bob', 'correct horse')).status, 401, 'and cannot sign in again');
});

t.test('TOTP: enrol with one valid code, then sign in with password + code; replayed codes refused; two_factor session', async (t) => {
  const { browser, server, clock, dir } = await start(t);
  const b = browser();
  t.equal((await signIn(b, 'alice', 'correct horse')).status, 303);
  t.equal((await b.get('/settings/totp')).location, '/settings/elevation?next=totp', 'a password alone cannot enrol: a code by e-mail first');
  await elevate(b, dir);

  const enrol = await b.get('/settings/totp');
  t.equal(enrol.status, 200);
  const uri = decodeURIComponent(/href="(otpauth:\/\/[^"]+)"/.exec(enrol.body)![1].replace(/&amp;/g, '&').replace(/&#38;/g, '&'));
  const otpauth = new URL(uri);
  t.equal(otpauth.searchParams.get('issuer'), 'Gatehouse');
  t.match(enrol.body, /<svg[^>]+role="img"/, 'a QR code rendered server-side as SVG');
  const secret = Buffer.from(Secret.fromBase32(otpauth.searchParams.get('secret')!).bytes);
  const policy = { algorithm: 'SHA1' as const, digits: 6 as const, period: 30 };

  const badCode = await b.submit(enrol, '/settings/totp', { code: '000000' === totpCodeAt(secret, policy, T0) ? '111111' : '000000' });
  t.equal(badCode.status, 400, 'a wrong code does not enrol');
  const retry = await b.get('/settings/totp');
  const secret2 = Buffer.from(Secret.fromBase32(new URL(decodeURIComponent(/href="(otpauth:\/\/[^"]+)"/.exec(retry.body)![1].replace(/&#38;/g, '&'))).searchParams.get('secret')!).bytes);
  const enrolCode = totpCodeAt(secret2, policy, T0);
  const enrolled = await b.submit(retry, '/settings/totp', { code: enrolCode });
  t.equal(enrolled.status, 303);
  t.equal(enrolled.location, '/login/2fa');

  const second = await b.get('/login/2fa');
  const replay = await b.submit(second, '/login/2fa', { code: enrolCode });
  t.equal(replay.status, 401, 'the code used for enrolment cannot be replayed');

  // Sign out, sign in again with password + a fresh code.
  const home = await b.get('/login/2fa');
  const out = await b.submit(home, '/logout', {});
  t.equal(out.status, 200);
  t.match(out.body, 'signed out');
  t.equal(b.cookies.has('authelia_session'), false, 'the session cookie is cleared');

  clock.advance(30_000);
  const first = await signIn(b, 'alice', 'correct horse');
  t.equal(first.location, '/login/2fa', 'an enrolled user is asked for the second factor');
  const form = await b.get('/login/2fa');
  const code = totpCodeAt(secret2, policy, clock.nowMs());
  const ok = await b.submit(form, '/login/2fa', { code });
  t.equal(ok.status, 303);
  const loaded = await server.app.context.portal.sessions.load(b.cookieHeader(), server.app.context.portal.cookies[0], clock.nowMs());
  t.match(loaded?.session, { username: 'alice', level: 'two_factor', amr: ['pwd', 'otp', 'mfa'] });

  // A second browser tries the same code in the same time step.
  const b2 = browser();
  await signIn(b2, 'alice', 'correct horse');
  const replayed = await b2.submit(await b2.get('/login/2fa'), '/login/2fa', { code });
  t.equal(replayed.status, 401, 'RFC 6238 §5.2: a code is accepted once only');
});

t.test('behind a TLS proxy the CSRF cookie is a __Host- cookie and the session cookie is Secure', async (t) => {
  const { browser } = await start(t);
  const b = browser();
  const https = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'localhost' };
  const page = await b.get('/', https);
  const csrf = page.headers.getSetCookie().find((c) => c.startsWith('__Host-gatehouse_csrf='));
  t.ok(csrf, 'a __Host- prefixed CSRF cookie');
  t.match(csrf, /; Secure/);
  t.match(csrf, /; Path=\//);
  t.notMatch(csrf, /Domain=/);
  const ok = await b.post('/login', { ...hiddenFields(page.body), username: 'alice', password: 'correct horse' }, https);
  t.equal(ok.status, 303);
  t.match(ok.headers.getSetCookie().find((c) => c.startsWith('authelia_session=')), /; Secure/);
});

t.test("the level asked for is the target's access_control rule: an enrolled second factor is offered, not forced, for one_factor", async (t) => {
  const { browser, server } = await start(t, {
    access_control: {
      default_policy: 'deny',
      rules: [
        { domain: 'one.localhost', policy: 'one_factor' },
        { domain: 'two.localhost', policy: 'two_factor' },
        { domain: 'dev.localhost', subject: 'group:dev', policy: 'one_factor' },
        { domain: 'open.localhost', policy: 'bypass' },
      ],
    },
  });
  await server.app.context.storage.totp.save({ username: 'alice', issuer: 'Gatehouse', algorithm: 'SHA1', digits: 6, period: 30, secret: Buffer.alloc(20, 7), created_at_ms: T0 });
  const cases: Array<[string, string, string]> = [
    ['one_factor: straight on after the password', 'https://one.localhost/app?x=1', 'https://one.localhost/app?x=1'],
    ["one_factor for the user's group (decided with the subject)", 'https://dev.localhost/', 'https://dev.localhost/'],
    ['bypass: straight on', 'https://open.localhost/', 'https://open.localhost/'],
    ['two_factor: on to the second factor', 'https://two.localhost/app', `/login/2fa?${new URLSearchParams({ rd: 'https://two.localhost/app' }).toString()}`],
    ['deny (default_policy): the second factor, as without a target', 'https://other.localhost/', `/login/2fa?${new URLSearchParams({ rd: 'https://other.localhost/' }).toString()}`],
  ];
  for (const [rule, rd, location] of cases) {
    const b = browser();
    const answer = await signIn(b, 'alice', 'correct horse', { rd });
    t.equal(answer.status, 303, rule);
    t.equal(answer.location, location, rule);
  }
  const b = browser();
  await signIn(b, 'alice', 'correct horse', { rd: 'https://one.localhost/' });
  const stepUp = await b.get(`/?rd=${encodeURIComponent('https://two.localhost/')}`);
  t.equal(stepUp.location, `/login/2fa?${new URLSearchParams({ rd: 'https://two.localhost/' }).toString()}`, 'a one-factor session asked for a two_factor target steps up');
  const again = await b.get(`/?rd=${encodeURIComponent('https://one.localhost/x')}`);
  t.equal(again.location, 'https://one.localhost/x', 'and is let through to a one_factor one');
});
