/**
 * The portal as a person uses it, in real headless Chromium: sign in, enrol TOTP, sign out, sign in
 * with password + TOTP, and the session is two_factor. A screenshot of each page is written to
 * test-output/screenshots/.
 */
import t from 'tap';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Secret } from 'otpauth';
import type { Page } from 'playwright-core';
import { hashPassword } from '../../src/crypto/password-hash/index.js';
import { totpCodeAt } from '../../src/authn/totp.js';
import { fixedClock } from '../../src/util/clock.js';
import { launchChromium } from '../helpers/chromium.js';
import { startTestServer, tempDir } from '../helpers/server.js';

const SHOTS = join(process.cwd(), 'test-output', 'screenshots');
const POLICY = { algorithm: 'SHA1' as const, digits: 6 as const, period: 30 };

t.test('sign in, enrol TOTP, sign out, sign in with password + TOTP → two_factor (headless Chromium)', async (t) => {
  mkdirSync(SHOTS, { recursive: true });
  const dir = tempDir(t);
  const users = join(dir, 'users.yml');
  const digest = await hashPassword('correct horse', { algorithm: 'argon2', iterations: 1, memory: 1024, parallelism: 1 });
  writeFileSync(users, `users:\n  alice:\n    displayname: Alice Liddell\n    password: '${digest}'\n    email: alice@example.com\n    groups: [dev]\n`);
  const clock = fixedClock(Date.now());
  const server = await startTestServer(
    t,
    {
      authentication_backend: { file: { path: users, watch: false } },
      session: { cookies: [{ domain: 'localhost', authelia_url: 'http://localhost:9091' }] },
      notifier: { filesystem: { filename: join(dir, 'notification.txt') } },
    },
    { clock, dir },
  );
  const base = server.url.replace('127.0.0.1', 'localhost');

  const browser = await launchChromium();
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  const shot = async (p: Page, name: string) => p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const cspViolations: string[] = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text()); });

  // 1. Sign in with the password.
  await page.goto(`${base}/`);
  t.equal(await page.title(), 'Sign in — Gatehouse');
  await shot(page, '01-sign-in');
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill('wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').waitFor();
  t.match(await page.getByRole('alert').textContent(), 'Incorrect username or password.');
  await shot(page, '02-sign-in-error');
  await page.getByLabel('Password').fill('correct horse');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/`);
  t.match(await page.textContent('main'), 'Alice Liddell');
  await shot(page, '03-signed-in-one-factor');

  // 2. Enrol TOTP from the link on the home page: first a code by e-mail (identity verification).
  await page.getByRole('link', { name: /one-time/i }).click();
  await page.waitForURL(/\/settings\/elevation/);
  await page.getByRole('button', { name: 'Send me a code' }).click();
  await page.waitForURL(/sent=1/);
  await page.getByLabel('Code from the e-mail').fill(/^ {4}([A-Z0-9]+)$/m.exec(readFileSync(join(dir, 'notification.txt'), 'utf8'))![1]);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.waitForURL(/\/settings\/totp/);
  t.ok(await page.locator('svg[role="img"]').count(), 'QR code shown');
  await shot(page, '04-totp-enrolment');
  const secret = Buffer.from(Secret.fromBase32((await page.locator('code').first().textContent())!.replace(/\s+/g, '')).bytes);
  await page.getByRole('textbox', { name: /code/i }).fill(totpCodeAt(secret, POLICY, clock.nowMs()));
  await page.getByRole('button', { name: 'Enable' }).click();
  await page.waitForURL(/\/login\/2fa/);
  await shot(page, '05-second-factor');

  // 3. Sign out.
  await page.getByRole('button', { name: /sign out/i }).click();
  await page.waitForLoadState();
  t.match(await page.textContent('main'), /signed out/i);
  await shot(page, '06-signed-out');

  // 4. Sign in again: password, then a fresh TOTP code (the next time step).
  clock.advance(30_000);
  await page.goto(`${base}/`);
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill('correct horse');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/login\/2fa/);
  await page.getByRole('textbox', { name: /code/i }).fill(totpCodeAt(secret, POLICY, clock.nowMs()));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL(`${base}/`);
  await shot(page, '07-signed-in-two-factor');
  t.match(await page.textContent('main'), 'two factors');

  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'authelia_session');
  t.ok(session?.httpOnly, 'the session cookie is HttpOnly');
  const loaded = await server.app.context.portal.sessions.load(`authelia_session=${session!.value}`, server.app.context.portal.cookies[0], clock.nowMs());
  t.match(loaded?.session, { username: 'alice', level: 'two_factor', amr: ['pwd', 'otp', 'mfa'] });
  t.same(cspViolations, [], 'no Content-Security-Policy violations on any page');
});
