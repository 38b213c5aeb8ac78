/**
 * Passkey sign-in over real HTTP, with a software authenticator (test/helpers/software-authenticator.ts)
 * answering the challenge the sign-in page carries: a passkey signs alice in at one_factor (then the
 * second factor is asked), the same assertion cannot be replayed, a counter that went back is
 * refused, a ban regulation placed holds for passkeys too; the sign-in page's CSP allows exactly the
 * one script, which is served with its ETag.
 */
import t, { type Test } from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashPassword } from '../../src/crypto/password-hash/index.js';
import { WEBAUTHN_SCRIPT_ETAG, WEBAUTHN_SCRIPT_HASH } from '../../src/portal/pages/webauthn-script.js';
import { fixedClock } from '../../src/util/clock.js';
import { BrowserClient, type Page } from '../helpers/browser-client.js';
import { startTestServer, tempDir } from '../helpers/server.js';
import { softwareAuthenticator } from '../helpers/software-authenticator.js';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const PORTAL = 'http://localhost:9091';
const key = softwareAuthenticator();

async function start(t: Test, extra: Record<string, unknown> = {}) {
  const dir = tempDir(t);
  const digest = await hashPassword('correct horse', { algorithm: 'pbkdf2', variant: 'sha256', iterations: 1000 });
  const path = join(dir, 'users.yml');
  writeFileSync(path, `users:\n  alice:\n    displayname: Alice\n    password: '${digest}'\n    email: alice@example.com\n    groups: [dev]\n`);
  const server = await startTestServer(
    t,
    {
      authentication_backend: { file: { path, watch: false } },
      session: { cookies: [{ domain: 'localhost', authelia_url: PORTAL }] },
      regulation: { max_retries: 3, find_time: '2m', ban_time: '5m' },
      webauthn: { enable_passkey_login: true },
      ...extra,
    },
    { clock: fixedClock(T0), dir },
  );
  const storage = server.app.context.storage;
  const handle = await storage.webauthn.userHandle('alice', 'YWxpY2UtaGFuZGxlLW9mLTMyLWJ5dGVzLWF0LWxlYXN0');
  await storage.webauthn.add({
    credential_id: key.credentialId, username: 'alice', description: 'Phone', rp_id: 'localhost', aaguid: '00000000-0000-0000-0000-000000000000',
    public_key: key.cosePublicKey, sign_count: 5, transports: ['internal'], discoverable: true, user_verified: true,
    backup_eligible: true, backup_state: true, attestation_format: 'none', created_at_ms: T0,
  });
  return { server, handle, browser: () => new BrowserClient(server.url.replace('127.0.0.1', 'localhost')) };
}

/** The challenge in the passkey form's data-options. */
const challengeOf = (page: Page): string => {
  const options = /data-options="([^"]*)"/.exec(page.body)![1].replaceAll('&quot;', '"').replaceAll('&amp;', '&');
  return (JSON.parse(options) as { challenge: string }).challenge;
};

t.test('passkey sign-in: one factor, no replay, no counter going back, bans hold', async (t) => {
  const { server, handle, browser } = await start(t);
  const b = browser();
  const signInPage = await b.get('/');
  t.equal(signInPage.status, 200);
  t.match(signInPage.headers.get('content-security-policy'), new RegExp(`; script-src ${WEBAUTHN_SCRIPT_HASH.replace(/[+/]/g, '\\$&')}$`), 'exactly the one script');
  const assertion = key.assert({ challenge: challengeOf(signInPage), origin: PORTAL, rpId: 'localhost', counter: 6, userHandle: handle });
  const signedIn = await b.submit(signInPage, '/login/passkey', { credential: JSON.stringify(assertion) });
  t.same([signedIn.status, signedIn.location], [303, '/login/2fa'], 'one factor: the second is asked (alice has a key)');
  const sessions = await server.app.context.storage.sessions.listForUser('alice', T0);
  t.same(sessions.map((s) => [s.data['level'], s.data['amr']]), [['one_factor', ['pop', 'hwk', 'user']]]);

  const replayed = await b.submit(signInPage, '/login/passkey', { credential: JSON.stringify(assertion) });
  t.same([replayed.status, /This page has expired/.test(replayed.body)], [401, true], 'the same assertion again: its challenge was used');

  const other = browser();
  const again = await other.submit(await other.get('/'), '/login/passkey', { credential: JSON.stringify(assertion) });
  t.equal(again.status, 401, 'the same assertion from another browser: its challenge is not this browser’s');
  t.match(again.body, 'This page has expired. Reload it and try again.');

  const fresh = await b.get('/?reauth=1');
  const back = await b.submit(fresh, '/login/passkey', { credential: JSON.stringify(key.assert({ challenge: challengeOf(fresh), origin: PORTAL, rpId: 'localhost', counter: 6, userHandle: handle })) });
  t.equal(back.status, 401, 'a counter that did not move forward');
  t.match(back.body, 'its signature counter went backwards');

  const banned = browser();
  for (let i = 0; i < 3; i += 1) await banned.submit(await banned.get('/'), '/login', { username: 'alice', password: 'wrong' });
  const afterBan = await banned.get('/');
  const refused = await banned.submit(afterBan, '/login/passkey', { credential: JSON.stringify(key.assert({ challenge: challengeOf(afterBan), origin: PORTAL, rpId: 'localhost', counter: 7, userHandle: handle })) });
  t.equal(refused.status, 401, 'a ban on alice holds for her passkey too');
  t.equal([...banned.cookies.keys()].some((name) => name.includes('session')), false, 'no session');
});

t.test('the script is served with its ETag and revalidates', async (t) => {
  const { browser } = await start(t);
  const b = browser();
  const script = await b.get('/static/webauthn.js');
  t.same([script.status, script.headers.get('content-type'), script.headers.get('etag')], [200, 'text/javascript; charset=utf-8', WEBAUTHN_SCRIPT_ETAG]);
  t.equal((await b.get('/static/webauthn.js', { 'if-none-match': WEBAUTHN_SCRIPT_ETAG })).status, 304);
});

t.test('default_2fa_method: the method the 2FA page opens on before the person has used one', async (t) => {
  for (const [configured, shown] of [['webauthn', 'Use security key'], ['totp', 'One-time code from your authenticator app'], ['', 'One-time code from your authenticator app']] as const) {
    const { server, browser } = await start(t, { default_2fa_method: configured });
    await server.app.context.storage.totp.save({ username: 'alice', issuer: 'Gatehouse', algorithm: 'SHA1', digits: 6, period: 30, secret: Buffer.alloc(20, 7), created_at_ms: T0 });
    const b = browser();
    const signedIn = await b.submit(await b.get('/'), '/login', { username: 'alice', password: 'correct horse' });
    t.same([signedIn.status, signedIn.location], [303, '/login/2fa']);
    t.match((await b.get('/login/2fa')).body, shown, `default_2fa_method '${configured}'`);
    await server.app.context.storage.preferences.setSecondFactorMethod('alice', configured === 'webauthn' ? 'totp' : 'webauthn');
    t.notMatch((await b.get('/login/2fa')).body, shown, `the method used last wins over '${configured}'`);
  }
});
