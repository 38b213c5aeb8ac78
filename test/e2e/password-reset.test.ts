/**
 * Password reset over real HTTP, with the filesystem notifier: a single-use link by e-mail, the
 * password policy (standard, zxcvbn), the new digest written to the watched users file with the
 * configured hash, every session of the user ended, unused links revoked, expired links refused,
 * and the same answer for an unknown user.
 */
import t, { type Test } from 'tap';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import { hashPassword } from '../../src/crypto/password-hash/index.js';
import { fixedClock } from '../../src/util/clock.js';
import { startTestServer, tempDir } from '../helpers/server.js';
import { BrowserClient, type Page } from '../helpers/browser-client.js';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const STRONG = 'Violet-Kettle-Orbit-93';

async function start(t: Test, extra: Record<string, unknown> = {}) {
  const dir = tempDir(t);
  const digest = await hashPassword('correct horse', { algorithm: 'pbkdf2', variant: 'sha256', iterations: 1000 });
  const users = join(dir, 'users.yml');
  writeFileSync(users, `# the users\nusers:\n  alice:\n    displayname: Alice\n    password: '${digest}'\n    email: alice@example.com\n    groups: [dev] # a comment that stays\n  bob:\n    displayname: Bob\n    password: '${digest}'\n    email: bob@example.com\n`);
  const mail = join(dir, 'notification.txt');
  const clock = fixedClock(T0);
  const server = await startTestServer(
    t,
    {
      authentication_backend: { file: { path: users, watch: true, password: { algorithm: 'pbkdf2', pbkdf2: { variant: 'sha512', iterations: 100000 } } } },
      session: { cookies: [{ domain: 'localhost', authelia_url: 'http://localhost:9091' }] },
      notifier: { filesystem: { filename: mail } },
      identity_validation: { reset_password: { jwt_secret: 'a-very-long-reset-password-secret-0123456789' } },
      password_policy: { standard: { enabled: true, min_length: 12, require_uppercase: true, require_number: true } },
      ...extra,
    },
    { clock, dir },
  );
  const url = server.url.replace('127.0.0.1', 'localhost');
  return { server, clock, mail, users, browser: () => new BrowserClient(url) };
}

const signIn = async (b: BrowserClient, password: string): Promise<Page> => b.submit(await b.get('/'), '/login', { username: 'alice', password });

async function askLink(b: BrowserClient, mail: string, username = 'alice'): Promise<string> {
  if (existsSync(mail)) rmSync(mail);
  const answer = await b.submit(await b.get('/reset-password'), '/reset-password', { username });
  if (answer.status !== 200) throw new Error(`reset: ${answer.status}`);
  return existsSync(mail) ? new URL(/^(http:\/\/\S+)$/m.exec(readFileSync(mail, 'utf8'))![1]).pathname + new URL(/^(http:\/\/\S+)$/m.exec(readFileSync(mail, 'utf8'))![1]).search : '';
}

t.test('forgot password → link by e-mail → a new password that meets the policy → sessions ended', async (t) => {
  const { browser, mail, users, server } = await start(t);
  const signedIn = browser();
  t.equal((await signIn(signedIn, 'correct horse')).status, 303, 'a session of alice, before the reset');
  const b = browser();
  const home = await b.get('/');
  t.match(home.body, /<a href="\/reset-password">Forgot password\?<\/a>/, 'the sign-in page offers it');
  const link = await askLink(b, mail);
  t.match(link, /^\/reset-password\/confirm\?token=ey/);
  t.match(readFileSync(mail, 'utf8'), /Recipient: Alice <alice@example.com>/);
  const form = await b.get(link);
  t.equal(form.status, 200);
  t.match(form.body, /At least 12 characters\./);
  const weak = await b.submit(form, '/reset-password/confirm', { password: 'short', password_repeat: 'short' });
  t.equal(weak.status, 400);
  t.match(weak.body, /It must be at least 12 characters long\./);
  t.match(weak.body, /It must contain an upper-case letter\./);
  const mismatch = await b.submit(form, '/reset-password/confirm', { password: STRONG, password_repeat: `${STRONG}x` });
  t.match(mismatch.body, /The two passwords are not the same\./);
  const done = await b.submit(form, '/reset-password/confirm', { password: STRONG, password_repeat: STRONG });
  t.equal(done.status, 200);
  t.match(done.body, /Password changed/);

  const text = readFileSync(users, 'utf8');
  t.match(text, /password: ['"]?\$pbkdf2-sha512\$100000\$/, 'written with the configured hash');
  t.match(text, /# a comment that stays/, 'the rest of the file kept');
  t.equal((await signedIn.get('/settings')).status, 302, 'the session from before the reset has ended');
  t.equal((await signIn(browser(), 'correct horse')).status, 401, 'the old password no longer works');
  t.equal((await signIn(browser(), STRONG)).status, 303, 'the new one does');
  await delay(400);
  t.equal((await signIn(browser(), STRONG)).status, 303, 'the file watcher reloaded the same file: no fight');
  t.notOk(server.logger.lines.some((l) => /users file (is invalid|cannot be read)/.test(l)), 'no reload error');

  const again = await b.submit(form, '/reset-password/confirm', { password: `${STRONG}2`, password_repeat: `${STRONG}2` });
  t.equal(again.status, 400, 'the link works once');
});

t.test('an unknown user gets the same answer and no message; links expire; a new password revokes older links', async (t) => {
  const { browser, mail, clock } = await start(t);
  const b = browser();
  const unknown = await askLink(b, mail, 'mallory');
  t.equal(unknown, '', 'no message for an unknown user');
  const first = await askLink(b, mail);
  const second = await askLink(b, mail);
  clock.advance(301_000);
  t.equal((await b.get(first)).status, 400, 'expired after jwt_lifespan (5 minutes)');
  const third = await askLink(b, mail);
  const form = await b.get(third);
  t.equal((await b.submit(form, '/reset-password/confirm', { password: STRONG, password_repeat: STRONG })).status, 200);
  t.equal((await b.get(second)).status, 400, 'expired');
  const fourth = await askLink(b, mail);
  t.equal((await b.get(fourth)).status, 200, 'a new link after the change works');
});

t.test('zxcvbn: a guessable password is refused with its feedback', async (t) => {
  const { browser, mail } = await start(t, { password_policy: { zxcvbn: { enabled: true, min_score: 3 } } });
  const b = browser();
  const form = await b.get(await askLink(b, mail));
  const weak = await b.submit(form, '/reset-password/confirm', { password: 'password123', password_repeat: 'password123' });
  t.equal(weak.status, 400);
  t.match(weak.body, /It is too easy to guess\. This is a commonly used password\./);
  t.equal((await b.submit(form, '/reset-password/confirm', { password: 'correct battery orbit kettle', password_repeat: 'correct battery orbit kettle' })).status, 200);
});

t.test('password_reset.disable: no link, no page', async (t) => {
  const { browser } = await start(t, { authentication_backend: { password_reset: { disable: true } } });
  const b = browser();
  t.notMatch((await b.get('/')).body, /Forgot password/);
  t.equal((await b.get('/reset-password')).status, 404);
});
