/**
 * Issue #15 in headless Chromium, with mail through a real SMTP server (STARTTLS + AUTH,
 * test/helpers/smtp.ts): a one-factor session asks for an elevated session, the code is read from
 * the e-mail the server received, TOTP is enrolled and used; the settings page lists it and removes
 * it; then a password reset end to end — "Forgot password?", the link from the e-mail, a refused
 * weak password, the new one, every session ended. A screenshot of every new page goes to
 * test-output/screenshots/identity-*.png; no page has a CSP violation.
 */
import t from 'tap';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Secret } from 'otpauth';
import type { Page } from 'playwright-core';
import { hashPassword } from '../../src/crypto/password-hash/index.js';
import { totpCodeAt } from '../../src/authn/totp.js';
import { fixedClock } from '../../src/util/clock.js';
import { launchChromium, watchCspViolations } from '../helpers/chromium.js';
import { startTestServer, tempDir } from '../helpers/server.js';
import { decodeQuotedPrintable, SMTP_USER, startSmtpServer } from '../helpers/smtp.js';

const SHOTS = join(import.meta.dirname, '..', '..', 'test-output', 'screenshots');
const POLICY = { algorithm: 'SHA1' as const, digits: 6 as const, period: 30 };
const NEW_PASSWORD = 'Violet-Kettle-Orbit-93';

t.test('elevated session by e-mailed code → TOTP enrolment → removal; password reset end to end (headless Chromium, real SMTP)', async (t) => {
  mkdirSync(SHOTS, { recursive: true });
  const smtp = await startSmtpServer(t);
  const dir = tempDir(t);
  const users = join(dir, 'users.yml');
  const digest = await hashPassword('correct horse', { algorithm: 'pbkdf2', variant: 'sha256', iterations: 1000 });
  writeFileSync(users, `users:\n  alice:\n    displayname: Alice Liddell\n    password: '${digest}'\n    email: alice@example.com\n    groups: [dev]\n`);
  const clock = fixedClock(Date.now());
  const server = await startTestServer(
    t,
    {
      certificates_directory: smtp.certificatesDirectory,
      authentication_backend: { file: { path: users, watch: true, password: { algorithm: 'pbkdf2', pbkdf2: { iterations: 100000 } } } },
      session: { cookies: [{ domain: 'localhost', authelia_url: 'http://localhost:9091' }] },
      notifier: { smtp: { address: `submission://127.0.0.1:${smtp.port}`, username: SMTP_USER.username, password: SMTP_USER.password, sender: 'Gatehouse <auth@example.com>', tls: { server_name: 'localhost' } } },
      identity_validation: { reset_password: { jwt_secret: 'a-very-long-reset-password-secret-0123456789' } },
      password_policy: { standard: { enabled: true, min_length: 12, require_uppercase: true, require_number: true } },
    },
    { clock, dir },
  );
  const base = server.url.replace('127.0.0.1', 'localhost');
  const browser = await launchChromium();
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  const violations = await watchCspViolations(page);
  const shot = async (p: Page, name: string) => p.screenshot({ path: join(SHOTS, `identity-${name}.png`), fullPage: true });
  const mailText = async (index: number): Promise<string> => decodeQuotedPrintable((await smtp.nextMail(index)).raw);

  // 1. One factor: the home page offers one-time codes, and the link asks for a code by e-mail first.
  await page.goto(`${base}/`);
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill('correct horse');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/`);
  await page.getByRole('link', { name: /Set up one-time codes/ }).click();
  await page.waitForURL(/\/settings\/elevation\?next=totp/);
  t.equal(await page.title(), 'Confirm it is you — Gatehouse');
  t.match(await page.textContent('main'), 'a***@example.com');
  await shot(page, '01-elevation');
  await page.getByRole('button', { name: 'Send me a code' }).click();
  await page.waitForURL(/sent=1/);
  t.match(await page.getByRole('status').textContent(), 'A code was sent to a***@example.com');
  await shot(page, '02-elevation-code-sent');
  const mail = await smtp.nextMail(0);
  t.equal(mail.secure, true, 'the mail went over STARTTLS');
  t.same(mail.to, ['alice@example.com']);
  t.match(mail.raw, /^Subject: \[Gatehouse\] Confirm it is you$/m);
  const code = /^ {4}([A-Z0-9]{8})\r?$/m.exec(await mailText(0))![1];
  await page.getByLabel('Code from the e-mail').fill('WRONG234');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.getByRole('alert').waitFor();
  await shot(page, '03-elevation-wrong-code');
  await page.getByLabel('Code from the e-mail').fill(code);
  await page.getByRole('button', { name: 'Confirm' }).click();

  // 2. Elevated: the enrolment page; one code from the app enables TOTP; then the second factor.
  await page.waitForURL(/\/settings\/totp$/);
  t.ok(await page.locator('svg[role="img"]').count(), 'QR code shown');
  // The key's copy button (issue #18; the page's one script, allowed by its hash): the key, without the grouping spaces.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  await page.getByRole('button', { name: 'Copy the key' }).click();
  await page.getByRole('button', { name: 'Copy the key' }).filter({ hasText: 'Copied' }).waitFor();
  const copied = await page.evaluate<string>('navigator.clipboard.readText()');
  t.equal(copied, (await page.locator('code').first().textContent())!.replace(/\s+/g, ''), 'the key is on the clipboard');
  await shot(page, '04-totp-enrolment');
  const secret = Buffer.from(Secret.fromBase32((await page.locator('code').first().textContent())!.replace(/\s+/g, '')).bytes);
  await page.getByRole('textbox', { name: /code/i }).fill(totpCodeAt(secret, POLICY, clock.nowMs()));
  await page.getByRole('button', { name: 'Enable' }).click();
  await page.waitForURL(/\/login\/2fa/);
  clock.advance(30_000);
  await page.getByRole('textbox', { name: /code/i }).fill(totpCodeAt(secret, POLICY, clock.nowMs()));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.waitForURL(`${base}/`);
  t.match(await page.textContent('main'), 'two factors');

  // 3. The settings page lists the authenticator; removing it (still elevated) works.
  await page.getByRole('link', { name: 'Security settings' }).click();
  await page.waitForURL(/\/settings$/);
  t.match(await page.textContent('main'), /One-time codes \(TOTP\): Authenticator app \(SHA1, 6 digits, 30 s\)/);
  await shot(page, '05-settings');
  await page.getByRole('button', { name: /Remove Authenticator app/ }).click();
  await page.waitForURL(/done=removed/);
  t.match(await page.getByRole('status').first().textContent(), 'The second factor was removed.');
  t.match(await page.textContent('main'), 'You have no second factor registered');
  await shot(page, '06-settings-removed');
  t.equal(await server.app.context.storage.totp.get('alice'), null, 'removed from storage');

  // 4. Password reset, from a second browser: the first one's session must end.
  const other = await browser.newPage();
  await watchCspViolations(other).then((v) => other.on('close', () => violations.push(...v)));
  await other.goto(`${base}/`);
  await other.getByRole('link', { name: 'Forgot password?' }).click();
  await other.waitForURL(/\/reset-password$/);
  await shot(other, '07-reset-request');
  await other.getByLabel('Username').fill('alice');
  await other.getByRole('button', { name: 'Send me a link' }).click();
  await other.getByRole('status').waitFor();
  await shot(other, '08-reset-request-sent');
  const resetMail = await mailText(1);
  t.match(resetMail, /^Subject: \[Gatehouse\] Reset your password$/m);
  const link = new URL(/(http:\/\/localhost:9091\/reset-password\/confirm\?token=[A-Za-z0-9._-]+)/.exec(resetMail)![1]);
  await other.goto(`${base}${link.pathname}${link.search}`);
  t.equal(await other.title(), 'Choose a new password — Gatehouse');
  await shot(other, '09-reset-new-password');
  await other.getByLabel('New password', { exact: true }).fill('weakpassword');
  await other.getByLabel('New password, again').fill('weakpassword');
  await other.getByRole('button', { name: 'Change password' }).click();
  await other.locator('ul.error').waitFor();
  t.match(await other.textContent('ul.error'), 'It must contain an upper-case letter.');
  await shot(other, '10-reset-policy-refused');
  await other.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await other.getByLabel('New password, again').fill(NEW_PASSWORD);
  await other.getByRole('button', { name: 'Change password' }).click();
  await other.getByText('Your password was changed').waitFor();
  await shot(other, '11-reset-done');
  await other.close();

  await page.goto(`${base}/settings`);
  await page.waitForURL(`${base}/`);
  t.equal(await page.title(), 'Sign in — Gatehouse', 'the first browser was signed out by the reset');
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/`);
  t.match(await page.textContent('main'), 'Alice Liddell', 'signed in with the new password');
  t.same(violations, [], 'no Content-Security-Policy violation on any page');
});
