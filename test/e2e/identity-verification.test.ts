/**
 * Identity verification over real HTTP, with the filesystem notifier (the message is read from its
 * file): a password alone cannot enrol TOTP; a code by e-mail elevates the session once; codes are
 * single-use, expire, are regulated and rate-limited; removing a factor needs the elevation too.
 */
import t, { type Test } from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Secret } from 'otpauth';
import { hashPassword } from '../../src/crypto/password-hash/index.js';
import { totpCodeAt } from '../../src/authn/totp.js';
import { fixedClock } from '../../src/util/clock.js';
import { startTestServer, tempDir } from '../helpers/server.js';
import { BrowserClient, type Page } from '../helpers/browser-client.js';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

async function start(t: Test, extra: Record<string, unknown> = {}) {
  const dir = tempDir(t);
  const digest = await hashPassword('correct horse', { algorithm: 'pbkdf2', variant: 'sha256', iterations: 1000 });
  const path = join(dir, 'users.yml');
  writeFileSync(path, `users:\n  alice:\n    displayname: Alice\n    password: '${digest}'\n    email: alice@example.com\n    groups: [dev]\n`);
  const mail = join(dir, 'notification.txt');
  const clock = fixedClock(T0);
  const server = await startTestServer(
    t,
    {
      authentication_backend: { file: { path, watch: false } },
      session: { cookies: [{ domain: 'localhost', authelia_url: 'http://localhost:9091' }] },
      regulation: { max_retries: 3, find_time: '2m', ban_time: '5m' },
      notifier: { filesystem: { filename: mail } },
      ...extra,
    },
    { clock, dir },
  );
  const url = server.url.replace('127.0.0.1', 'localhost');
  return { server, clock, mail, browser: () => new BrowserClient(url) };
}

async function signIn(b: BrowserClient): Promise<Page> {
  return b.submit(await b.get('/'), '/login', { username: 'alice', password: 'correct horse' });
}

/** The code in the last message the notifier wrote. */
const codeIn = (mail: string): string => /^ {4}([A-Z0-9]+)$/m.exec(readFileSync(mail, 'utf8'))![1];

async function requestCode(b: BrowserClient, mail: string, next = 'totp'): Promise<string> {
  const page = await b.get(`/settings/elevation?next=${next}`);
  const sent = await b.submit(page, '/settings/elevation/send', {});
  if (sent.status !== 303) throw new Error(`send: ${sent.status}`);
  return codeIn(mail);
}

async function enrol(t: Test, b: BrowserClient, nowMs: number): Promise<Buffer> {
  const enrolPage = await b.get('/settings/totp');
  t.equal(enrolPage.status, 200, 'the enrolment page, once elevated');
  const uri = new URL(decodeURIComponent(/href="(otpauth:\/\/[^"]+)"/.exec(enrolPage.body)![1].replace(/&amp;/g, '&')));
  const secret = Buffer.from(Secret.fromBase32(uri.searchParams.get('secret')!).bytes);
  const done = await b.submit(enrolPage, '/settings/totp', { code: totpCodeAt(secret, { algorithm: 'SHA1', digits: 6, period: 30 }, nowMs) });
  t.equal(done.status, 303, 'enrolled');
  return secret;
}

t.test('a one-factor session cannot enrol TOTP without a code sent by e-mail', async (t) => {
  const { browser, server } = await start(t);
  const b = browser();
  await signIn(b);
  const enrolPage = await b.get('/settings/totp');
  t.equal(enrolPage.status, 302, 'no enrolment page');
  t.equal(enrolPage.location, '/settings/elevation?next=totp', 'sent to confirm it is them first');
  const forged = await b.post('/settings/totp', { code: '123456' });
  t.equal(forged.status, 403, 'a POST without the form is refused (CSRF)');
  const home = await b.get('/');
  const posted = await b.submit(home, '/settings/totp', { code: '123456' });
  t.equal(posted.status, 303);
  t.equal(posted.location, '/settings/elevation?next=totp', 'a POST with a valid CSRF token is refused too');
  t.equal(await server.app.context.storage.totp.get('alice'), null, 'nothing enrolled');
});

t.test('elevation by e-mailed code → TOTP enrolment; the code works once', async (t) => {
  const { browser, mail, clock, server } = await start(t);
  const b = browser();
  await signIn(b);
  const code = await requestCode(b, mail);
  const message = readFileSync(mail, 'utf8');
  t.match(message, /Recipient: Alice <alice@example.com>/);
  t.match(message, /Title: Confirm it is you/);
  t.equal(code.length, 8, 'identity_validation.elevated_session.characters defaults to 8');
  const form = await b.get('/settings/elevation?next=totp&sent=1');
  t.match(form.body, /a\*\*\*@example\.com/, 'the address is shown partly hidden');
  const wrong = await b.submit(form, '/settings/elevation', { code: 'AAAAAAAA' === code ? 'BBBBBBBB' : 'AAAAAAAA' });
  t.equal(wrong.status, 401, 'a wrong code is refused');
  const ok = await b.submit(form, '/settings/elevation', { code: code.toLowerCase() });
  t.equal(ok.status, 303, 'the code (typed in lower case) elevates');
  t.equal(ok.location, '/settings/totp');
  await enrol(t, b, clock.nowMs());
  t.ok(await server.app.context.storage.totp.get('alice'), 'TOTP enrolled');

  const other = browser();
  await signIn(other);
  const reuse = await other.submit(await other.get('/settings/elevation?next=totp'), '/settings/elevation', { code });
  t.equal(reuse.status, 401, 'the same code does not elevate another session: single use');
  const codes = await server.app.context.storage.oneTimeCodes.countSince('alice', 'elevation', 0);
  t.equal(codes, 1);
});

t.test('a code expires after code_lifespan; the elevation after elevation_lifespan', async (t) => {
  const { browser, mail, clock } = await start(t, { identity_validation: { elevated_session: { code_lifespan: '1m', elevation_lifespan: '2m' } } });
  const b = browser();
  await signIn(b);
  const code = await requestCode(b, mail);
  clock.advance(61_000);
  const late = await b.submit(await b.get('/settings/elevation?next=totp'), '/settings/elevation', { code });
  t.equal(late.status, 401, 'an expired code is refused');
  const fresh = await requestCode(b, mail);
  const ok = await b.submit(await b.get('/settings/elevation?next=settings'), '/settings/elevation', { code: fresh });
  t.equal(ok.status, 303);
  t.equal((await b.get('/settings/totp')).status, 200, 'elevated');
  clock.advance(121_000);
  const after = await b.get('/settings/totp');
  t.equal(after.status, 302, 'the elevation ended');
});

t.test('codes are regulated (a ban after max_retries) and sending is rate-limited', async (t) => {
  const { browser, mail } = await start(t);
  const b = browser();
  await signIn(b);
  const code = await requestCode(b, mail);
  const form = await b.get('/settings/elevation?next=totp');
  for (let i = 0; i < 3; i += 1) t.equal((await b.submit(form, '/settings/elevation', { code: `WRONG${i}XX` })).status, 401);
  const banned = await b.submit(form, '/settings/elevation', { code });
  t.equal(banned.status, 401, 'banned: even the right code is refused, and not used');
  await requestCode(b, mail);
  await requestCode(b, mail);
  const fourth = await b.submit(await b.get('/settings/elevation?next=totp'), '/settings/elevation/send', {});
  t.equal(fourth.status, 429, 'at most 3 codes per code_lifespan');
});

t.test('removing a second factor needs an elevated session', async (t) => {
  const { browser, mail, clock, server } = await start(t, { identity_validation: { elevated_session: { elevation_lifespan: '1m' } } });
  const b = browser();
  await signIn(b);
  const code = await requestCode(b, mail);
  await b.submit(await b.get('/settings/elevation?next=totp'), '/settings/elevation', { code });
  await enrol(t, b, clock.nowMs());
  clock.advance(61_000);
  const settings = await b.get('/settings');
  t.match(settings.body, /Authenticator app/);
  const refused = await b.submit(settings, '/settings/factors/remove', { method: 'totp', id: 'totp' });
  t.equal(refused.status, 303);
  t.equal(refused.location, '/settings/elevation?next=settings', 'not elevated any more: a code first');
  t.ok(await server.app.context.storage.totp.get('alice'), 'still enrolled');
  clock.advance(30_000);
  const again = await requestCode(b, mail, 'settings');
  await b.submit(await b.get('/settings/elevation?next=settings'), '/settings/elevation', { code: again });
  const removed = await b.submit(await b.get('/settings'), '/settings/factors/remove', { method: 'totp', id: 'totp' });
  t.equal(removed.location, '/settings?done=removed');
  t.equal(await server.app.context.storage.totp.get('alice'), null, 'removed');
});

t.test('without a notifier, second factors cannot be registered', async (t) => {
  const { browser } = await start(t, { notifier: undefined });
  const b = browser();
  await signIn(b);
  const elevation = await b.get('/settings/elevation?next=totp');
  t.equal(elevation.status, 404);
  t.match(elevation.body, /no notifier is configured/);
});

t.test('require_second_factor: a user with a second factor uses it before asking for a code; skip_second_factor: two_factor is enough', async (t) => {
  const secret = Buffer.alloc(20, 7);
  const policy = { algorithm: 'SHA1' as const, digits: 6 as const, period: 30 };
  const enrolled = async (server: Awaited<ReturnType<typeof start>>['server']) =>
    server.app.context.storage.totp.save({ username: 'alice', issuer: 'Gatehouse', ...policy, secret, created_at_ms: T0 });
  const secondFactor = async (b: BrowserClient, nowMs: number) => {
    const done = await b.submit(await b.get('/login/2fa'), '/login/2fa', { code: totpCodeAt(secret, policy, nowMs) });
    if (done.status !== 303) throw new Error(`2fa: ${done.status}`);
  };

  const required = await start(t, { identity_validation: { elevated_session: { require_second_factor: true } } });
  await enrolled(required.server);
  const b = required.browser();
  await signIn(b);
  const first = await b.get('/settings/elevation?next=settings');
  t.equal(first.location, '/login/2fa', 'one factor, with TOTP registered: the second factor first');
  await secondFactor(b, required.clock.nowMs());
  t.equal((await b.get('/settings/elevation?next=settings')).status, 200, 'then a code may be asked for');
  t.equal((await b.get('/settings/totp')).location, '/settings/elevation?next=totp', 'two_factor alone does not elevate by default');

  const skipping = await start(t, { identity_validation: { elevated_session: { skip_second_factor: true } } });
  await enrolled(skipping.server);
  const c = skipping.browser();
  await signIn(c);
  t.equal((await c.get('/settings/totp')).location, '/login/2fa', 'one factor: the existing authenticator first');
  await secondFactor(c, skipping.clock.nowMs());
  t.equal((await c.get('/settings/totp')).status, 200, 'skip_second_factor: a two_factor session is elevated without a code');
});

t.test('totp.allowed_*: the person chooses among the allowed parameters; anything else falls back to the defaults', async (t) => {
  const { browser, mail, clock, server } = await start(t, { totp: { allowed_algorithms: ['SHA256'], allowed_digits: [8], allowed_periods: [60] } });
  const b = browser();
  await signIn(b);
  const code = await requestCode(b, mail);
  await b.submit(await b.get('/settings/elevation?next=totp'), '/settings/elevation', { code });
  const defaults = await b.get('/settings/totp');
  t.match(defaults.body, /algorithm=SHA1&amp;digits=6&amp;period=30/, 'the defaults first');
  t.match(defaults.body, /<a href="\/settings\/totp\?algorithm=SHA256&amp;digits=6&amp;period=30">SHA256<\/a>/, 'a link per allowed choice');
  const refused = await b.get('/settings/totp?algorithm=MD5&digits=7&period=1');
  t.match(refused.body, /algorithm=SHA1&amp;digits=6&amp;period=30/, 'a value not allowed is the default');
  const chosen = await b.get('/settings/totp?algorithm=SHA256&digits=8&period=60');
  const uri = new URL(decodeURIComponent(/href="(otpauth:\/\/[^"]+)"/.exec(chosen.body)![1].replace(/&amp;/g, '&')));
  t.same([uri.searchParams.get('algorithm'), uri.searchParams.get('digits'), uri.searchParams.get('period')], ['SHA256', '8', '60']);
  const secret = Buffer.from(Secret.fromBase32(uri.searchParams.get('secret')!).bytes);
  const done = await b.submit(chosen, '/settings/totp', { code: totpCodeAt(secret, { algorithm: 'SHA256', digits: 8, period: 60 }, clock.nowMs()) });
  t.equal(done.status, 303);
  t.match(await server.app.context.storage.totp.get('alice'), { algorithm: 'SHA256', digits: 8, period: 60 });
});

t.test('totp.disable_reuse_security_policy: a code may be used again within its window (refused by default)', async (t) => {
  const secret = Buffer.alloc(20, 9);
  const policy = { algorithm: 'SHA1' as const, digits: 6 as const, period: 30 };
  for (const [disabled, second] of [[false, 401], [true, 303]] as const) {
    const { browser, server, clock } = await start(t, { totp: { disable_reuse_security_policy: disabled } });
    await server.app.context.storage.totp.save({ username: 'alice', issuer: 'Gatehouse', ...policy, secret, created_at_ms: T0 });
    const code = totpCodeAt(secret, policy, clock.nowMs());
    const statuses: number[] = [];
    for (const b of [browser(), browser()]) {
      await signIn(b);
      statuses.push((await b.submit(await b.get('/login/2fa'), '/login/2fa', { code })).status);
    }
    t.same(statuses, [303, second], `disable_reuse_security_policy: ${disabled}`);
  }
});
