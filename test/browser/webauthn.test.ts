/**
 * WebAuthn in real headless Chromium, with its virtual authenticator over the DevTools protocol
 * (WebAuthn.enable, WebAuthn.addVirtualAuthenticator: CTAP2, resident keys, user verification):
 * identity verification by the e-mailed code (filesystem notifier) → registration of a security key
 * → sign-in with password + the key as second factor (two_factor, amr pwd/hwk/user/mfa, the method
 * remembered) → passkey sign-in without a username (one_factor, amr pop/hwk/user, then the second
 * factor is asked). Screenshots of each new page go to test-output/screenshots/.
 */
import t, { type Test } from 'tap';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { hashPassword } from '../../src/crypto/password-hash/index.js';
import { launchChromium, watchCspViolations } from '../helpers/chromium.js';
import { freePort } from '../helpers/free-port.js';
import { startTestServer, tempDir } from '../helpers/server.js';

const SHOTS = join(process.cwd(), 'test-output', 'screenshots');

/**
 * A portal on its own port (the relying party is authelia_url's origin), alice in the users file,
 * the filesystem notifier, Chromium with a CTAP2 virtual authenticator (resident keys, user
 * verification), and the steps the tests share.
 */
async function portalWithKey(t: Test, webauthn: Record<string, unknown> = {}) {
  mkdirSync(SHOTS, { recursive: true });
  const dir = tempDir(t);
  const users = join(dir, 'users.yml');
  const mail = join(dir, 'mail.txt');
  const digest = await hashPassword('correct horse', { algorithm: 'argon2', iterations: 1, memory: 1024, parallelism: 1 });
  writeFileSync(users, `users:\n  alice:\n    displayname: Alice Liddell\n    password: '${digest}'\n    email: alice@example.com\n    groups: [dev]\n`);
  // The relying party is the portal's origin: authelia_url must name the port the server listens on.
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const server = await startTestServer(
    t,
    {
      server: { address: `tcp://127.0.0.1:${port}` },
      authentication_backend: { file: { path: users, watch: false } },
      session: { cookies: [{ domain: 'localhost', authelia_url: base }] },
      notifier: { filesystem: { filename: mail } },
      webauthn: { enable_passkey_login: true, display_name: 'Gatehouse tests', selection_criteria: { discoverability: 'required' }, ...webauthn },
    },
    { dir },
  );
  const storage = server.app.context.storage;

  const browser = await launchChromium();
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  const csp = await watchCspViolations(page);
  const shot = async (p: Page, name: string) => p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'usb', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });

  const signInWithPassword = async (): Promise<void> => {
    await page.goto(`${base}/`);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('correct horse');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  };
  const signOut = async (): Promise<void> => {
    await page.getByRole('button', { name: /sign out/i }).click();
    await page.waitForLoadState();
  };

  /** Password sign-in, a code by e-mail, then the registration page (a password alone cannot register a key). */
  const signInAndElevate = async (): Promise<void> => {
    await signInWithPassword();
    await page.getByRole('heading', { name: 'You are signed in' }).waitFor();
    await page.goto(`${base}/settings/webauthn`);
    await page.waitForURL(/\/settings\/elevation\?next=webauthn/);
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await page.waitForURL(/sent=1/);
    const code = /^ {4}([A-Z0-9]+)$/m.exec(readFileSync(mail, 'utf8'))![1];
    await page.getByLabel('Code from the e-mail').fill(code);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForURL(`${base}/settings/webauthn`);
    t.equal(await page.title(), 'Security keys and passkeys — Gatehouse');
    await shot(page, 'webauthn-01-registration');
  };
  return { base, storage, page, csp, shot, cdp, authenticatorId, signInWithPassword, signOut, signInAndElevate };
}

t.test('security key: register (elevated), second factor, passkey sign-in (headless Chromium, virtual authenticator)', async (t) => {
  const { base, storage, page, csp, shot, cdp, authenticatorId, signInWithPassword, signOut, signInAndElevate } = await portalWithKey(t);

  // 1. A password alone: registering a key first asks to confirm it is them, by a code.
  await signInAndElevate();

  // 2. Register the virtual authenticator under a name.
  await page.getByLabel('Name of the new key').fill('Virtual key');
  await page.getByRole('button', { name: 'Register a security key' }).click();
  // The first second factor of a one_factor session is used at once.
  await page.waitForURL(/\/login\/2fa\?method=webauthn/);
  await page.getByRole('button', { name: 'Use security key' }).click();
  await page.waitForURL(`${base}/`);
  await page.goto(`${base}/settings/webauthn?registered=1`);
  t.match(await page.textContent('main'), 'Your security key is registered.');
  t.match(await page.textContent('main'), 'Virtual key');
  await shot(page, 'webauthn-02-registered');
  const [registered] = await storage.webauthn.list('alice');
  t.equal(registered?.description, 'Virtual key');
  t.equal(registered?.rp_id, 'localhost', 'scoped to the portal host');
  t.equal(registered?.discoverable, true, 'a discoverable credential (selection_criteria.discoverability: required)');
  t.equal(registered?.user_verified, true);
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  t.equal(credentials.length, 1, 'the authenticator holds it');
  t.equal(credentials[0].rpId, 'localhost');
  t.equal(credentials[0].isResidentCredential, true);

  // A second key needs a unique name.
  await page.getByLabel('Name of the new key').fill('Virtual key');
  await page.getByRole('button', { name: 'Register a security key' }).click();
  await page.getByText(/already have a security key with that name|not registered|did not answer/).waitFor();
  await shot(page, 'webauthn-02b-registration-error');

  // 3. Password, then the key as second factor.
  await signOut();
  await signInWithPassword();
  await page.waitForURL(/\/login\/2fa/);
  t.equal(await page.getByRole('button', { name: 'Use security key' }).count(), 1, 'the only method the person has is shown');
  await shot(page, 'webauthn-03-second-factor');
  await page.getByRole('button', { name: 'Use security key' }).click();
  await page.waitForURL(`${base}/`);
  t.match(await page.textContent('main'), 'two factors');
  const twoFactor = (await storage.sessions.listForUser('alice', Date.now())).map((s) => s.data);
  t.same(twoFactor.map((d) => [d['level'], d['amr']]), [['two_factor', ['pwd', 'hwk', 'user', 'mfa']]], 'RFC 8176: password, hardware key, user verified, multi-factor');
  t.equal(await storage.preferences.secondFactorMethod('alice'), 'webauthn', 'the method is remembered');
  t.ok((await storage.webauthn.get(registered.credential_id))?.last_used_at_ms, 'last use recorded');

  // 4. Passkey sign-in: no username, the authenticator says who (user verification required).
  await signOut();
  await page.goto(`${base}/`);
  t.equal(await page.getByRole('button', { name: 'Sign in with a passkey' }).count(), 1);
  await shot(page, 'webauthn-04-sign-in-with-passkey');
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  // A passkey is one factor (experimental_enable_passkey_uv_two_factors is off): the second is asked.
  await page.waitForURL(/\/login\/2fa/);
  const passkey = (await storage.sessions.listForUser('alice', Date.now())).map((s) => s.data);
  t.same(passkey.map((d) => [d['level'], d['amr']]), [['one_factor', ['pop', 'hwk', 'user']]], 'RFC 8176: proof of possession, hardware key, user verified');

  t.equal(await page.getByRole('button', { name: 'Use security key' }).count(), 0, 'the passkey that was the first factor is not offered as the second');

  // 5. With TOTP as well, the page opens on the method used last and links to the other.
  await storage.totp.save({ username: 'alice', issuer: 'Gatehouse', algorithm: 'SHA1', digits: 6, period: 30, secret: Buffer.alloc(20, 7), created_at_ms: Date.now() });
  await signOut();
  await signInWithPassword();
  await page.waitForURL(/\/login\/2fa/);
  t.equal(await page.getByRole('button', { name: 'Use security key' }).count(), 1, 'the preferred method (webauthn) first');
  await page.getByRole('link', { name: 'Use a one-time code instead' }).click();
  await page.waitForURL(/\/login\/2fa\?method=totp/);
  t.equal(await page.getByLabel('One-time code from your authenticator app').count(), 1, 'the other method on request');
  t.equal(await page.getByRole('link', { name: 'Use a security key instead' }).count(), 1, 'and the way back');
  await shot(page, 'webauthn-05-second-factor-choice');

  t.same(csp, [], 'no Content-Security-Policy violation: the one script is allowed by its hash');
  await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
});

t.test('experimental_enable_passkey_uv_two_factors: a passkey with user verification is two factors (Authelia 4.39)', async (t) => {
  const { base, storage, page, csp, signOut, signInAndElevate } = await portalWithKey(t, { experimental_enable_passkey_uv_two_factors: true });
  await signInAndElevate();
  await page.getByLabel('Name of the new key').fill('Passkey');
  await page.getByRole('button', { name: 'Register a security key' }).click();
  await page.getByRole('button', { name: 'Use security key' }).click();
  await page.waitForURL(`${base}/`);
  await signOut();
  await page.goto(`${base}/`);
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  // Already at `${base}/`: wait for the page the sign-in leads to, not for the URL.
  await page.getByRole('heading', { name: 'You are signed in' }).waitFor();
  t.match(await page.textContent('main'), 'two factors', 'no second factor asked');
  const sessions = (await storage.sessions.listForUser('alice', Date.now())).map((s) => s.data);
  t.same(sessions.map((d) => [d['level'], d['amr']]), [['two_factor', ['pop', 'hwk', 'user', 'mfa']]]);
  t.same(csp, []);
});
