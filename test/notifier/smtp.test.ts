/**
 * The SMTP notifier against a real SMTP server (test/helpers/smtp.ts): STARTTLS and AUTH, the
 * subject template, plain text + HTML bodies (or text only), and a start-up check that fails
 * clearly when the server is down, offers no STARTTLS, or refuses the credentials.
 */
import t from 'tap';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import { openNotifier, NotifierError } from '../../src/notifier/index.js';
import { transportOptions } from '../../src/notifier/smtp.js';
import { systemClock } from '../../src/util/clock.js';
import { decodeQuotedPrintable, SMTP_USER, startSmtpServer } from '../helpers/smtp.js';
import { notifierSchema } from '../../src/config/schema/notifier.js';

type NotifierInput = Record<string, unknown>;

function smtpConfig(port: number, extra: NotifierInput = {}) {
  return notifierSchema.parse({
    smtp: { address: `submission://127.0.0.1:${port}`, username: SMTP_USER.username, password: SMTP_USER.password, sender: 'Gatehouse <auth@example.com>', identifier: 'gatehouse.test', tls: { server_name: 'localhost' }, timeout: '2s', ...extra },
  });
}

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

t.test('a message over STARTTLS with AUTH: subject from the template, text and HTML bodies', async (t) => {
  const smtp = await startSmtpServer(t);
  const notifier = await openNotifier(smtpConfig(smtp.port, { subject: '[Example] {title}!' }), { clock: systemClock, trustedCertificates: [smtp.certificate] });
  t.teardown(() => notifier?.close());
  await notifier!.send({ to: { address: 'alice@example.com', name: 'Alice' }, title: 'Confirm it is you', text: 'Your code: ABCD2345', html: '<p>Your code: <strong>ABCD2345</strong></p>' });
  const mail = await smtp.nextMail(0);
  t.equal(mail.secure, true, 'upgraded with STARTTLS before anything was sent');
  t.equal(mail.user, 'gatehouse', 'authenticated');
  t.equal(mail.from, 'auth@example.com');
  t.same(mail.to, ['alice@example.com']);
  t.match(mail.raw, /^Subject: \[Example\] Confirm it is you!$/m);
  t.match(mail.raw, /^From: Gatehouse <auth@example\.com>$/m);
  t.match(mail.raw, /^To: Alice <alice@example\.com>$/m);
  t.match(mail.raw, /Content-Type: text\/plain/);
  t.match(mail.raw, /Content-Type: text\/html/);
  t.match(decodeQuotedPrintable(mail.raw), /<strong>ABCD2345<\/strong>/);
});

t.test('disable_html_emails: a plain-text message only', async (t) => {
  const smtp = await startSmtpServer(t);
  const notifier = await openNotifier(smtpConfig(smtp.port, { disable_html_emails: true }), { clock: systemClock, trustedCertificates: [smtp.certificate] });
  t.teardown(() => notifier?.close());
  await notifier!.send({ to: { address: 'alice@example.com' }, title: 'T', text: 'plain', html: '<p>html</p>' });
  const mail = await smtp.nextMail(0);
  t.notMatch(mail.raw, /text\/html/);
  t.match(mail.raw, /^Subject: \[Gatehouse\] T$/m, 'the default subject template');
});

t.test('the start-up check fails clearly', async (t) => {
  const down = await freePort();
  const error = await openNotifier(smtpConfig(down), { clock: systemClock }).catch((e: unknown) => e);
  t.type(error, NotifierError);
  t.match((error as Error).message, `notifier.smtp: the start-up check against submission://127.0.0.1:${down} failed: connection refused (is the SMTP server running, on this port?) (notifier.disable_startup_check skips this check)`, 'a server that is down');

  const smtp = await startSmtpServer(t);
  const untrusted = await openNotifier(smtpConfig(smtp.port), { clock: systemClock }).catch((e: unknown) => e);
  t.match((untrusted as Error).message, /failed: .*self-signed certificate/i, 'a certificate nobody trusts');

  const wrong = await openNotifier(smtpConfig(smtp.port, { password: 'wrong' }), { clock: systemClock, trustedCertificates: [smtp.certificate] }).catch((e: unknown) => e);
  t.match((wrong as Error).message, /failed: (authentication failed|the server answered 535)/, 'credentials refused');

  const noTls = await startSmtpServer(t, { noStartTls: true });
  const plain = await openNotifier(smtpConfig(noTls.port), { clock: systemClock, trustedCertificates: [noTls.certificate] }).catch((e: unknown) => e);
  t.match((plain as Error).message, /failed: the server refused STARTTLS \(.*\): it must offer TLS, or set notifier.smtp.disable_require_tls to send in clear text/, 'a server without STARTTLS is refused');
  const allowed = await openNotifier(smtpConfig(noTls.port, { disable_require_tls: true }), { clock: systemClock });
  t.ok(allowed, 'unless disable_require_tls');
  allowed?.close();

  const skipped = await openNotifier({ ...smtpConfig(down), disable_startup_check: true }, { clock: systemClock });
  t.ok(skipped, 'disable_startup_check: no check at start');
  skipped?.close();
});

t.test('addresses: schemes, default ports, TLS options', async (t) => {
  const cases: [string, { secure: boolean; port: number; requireTLS: boolean }][] = [
    ['submission://mail.example.com', { secure: false, port: 587, requireTLS: true }],
    ['smtp://mail.example.com', { secure: false, port: 25, requireTLS: true }],
    ['smtps://mail.example.com', { secure: true, port: 465, requireTLS: false }],
    ['smtp://mail.example.com:2525', { secure: false, port: 2525, requireTLS: true }],
  ];
  for (const [address, expected] of cases) {
    const options = transportOptions(notifierSchema.parse({ smtp: { address, sender: 'a@example.com' } }).smtp!, []);
    t.match(options, expected, address);
  }
  const bad = notifierSchema.safeParse({ smtp: { address: 'http://mail.example.com', sender: 'a@example.com' } });
  t.match(bad.error?.issues[0]?.message, "must be an address such as 'submission://mail.example.com:587'");
  const both = notifierSchema.safeParse({ smtp: { address: 'smtp://a', sender: 'a@example.com' }, filesystem: { filename: '/tmp/x' } });
  t.match(both.error?.issues[0]?.message, 'configures both smtp and filesystem: keep one');
});

t.test('the password may come from a _FILE secret', async (t) => {
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-smtp-secret-'));
  t.teardown(async () => (await import('node:fs')).rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'password'), 'from-a-file\n');
  const text = `session: { secret: '${'s'.repeat(64)}', cookies: [{ domain: example.com, authelia_url: 'https://auth.example.com' }] }\nstorage: { encryption_key: '${'e'.repeat(64)}', local: { path: ${join(dir, 'db.sqlite')} } }\naccess_control: { default_policy: one_factor }\nnotifier: { smtp: { address: 'submission://mail.example.com', username: u, sender: 'a@example.com' } }\n`;
  const { config } = parseConfig(text, { env: { GATEHOUSE_NOTIFIER_SMTP_PASSWORD_FILE: join(dir, 'password') }, nowMs: Date.now() });
  t.equal(config.notifier?.smtp?.password, 'from-a-file');
});

t.test('the server does not start while its SMTP server is down, and says why', async (t) => {
  const { startTestServer } = await import('../helpers/server.js');
  const down = await freePort();
  const started = startTestServer(t, { notifier: { smtp: { address: `smtp://127.0.0.1:${down}`, sender: 'auth@example.com', timeout: '2s' } } });
  await t.rejects(started, { name: 'NotifierError', message: `notifier.smtp: the start-up check against smtp://127.0.0.1:${down} failed: connection refused (is the SMTP server running, on this port?) (notifier.disable_startup_check skips this check)` });
  const skipped = await startTestServer(t, { notifier: { disable_startup_check: true, smtp: { address: `smtp://127.0.0.1:${down}`, sender: 'auth@example.com' } } });
  t.ok(skipped.url, 'with disable_startup_check it starts');
});

t.test('the filesystem notifier: each message replaces the file, 0600; an unwritable directory fails the start-up check', async (t) => {
  const { readFileSync, statSync } = await import('node:fs');
  const dir = t.testdir({});
  const filename = join(dir, 'notification.txt');
  const clock = { nowMs: () => Date.UTC(2026, 0, 1) };
  const notifier = (await openNotifier(notifierSchema.parse({ filesystem: { filename } }), { clock }))!;
  await notifier.send({ to: { address: 'alice@example.com', name: 'Alice' }, title: 'First', text: 'one', html: '<p>one</p>' });
  await notifier.send({ to: { address: 'bob@example.com' }, title: 'Second', text: 'two', html: '<p>two</p>' });
  t.equal(readFileSync(filename, 'utf8'), 'Date: 2026-01-01T00:00:00.000Z\nRecipient: bob@example.com\nTitle: Second\n\ntwo\n');
  t.equal(statSync(filename).mode & 0o777, 0o600);
  const missing = await openNotifier(notifierSchema.parse({ filesystem: { filename: join(dir, 'no', 'such', 'file.txt') } }), { clock }).catch((e: unknown) => e);
  t.match((missing as Error).message, /^notifier\.filesystem\.filename: the directory of '.*file\.txt' is not writable: ENOENT$/);
});

t.test('with a notifier, a password reset that cannot be offered is said at start-up', async (t) => {
  const { checkIdentityValidation } = await import('../../src/config/checks/identity-validation.js');
  const { identityValidationSchema } = await import('../../src/config/schema/identity-validation.js');
  const { authenticationBackendSchema } = await import('../../src/config/schema/authentication-backend.js');
  const notifier = notifierSchema.parse({ filesystem: { filename: '/tmp/n' } });
  const backend = (over: Record<string, unknown> = {}) => authenticationBackendSchema.parse({ file: { path: '/u.yml', ...over } });
  const check = (n: typeof notifier | undefined, b = backend(), iv: Record<string, unknown> = {}) => checkIdentityValidation({ notifier: n, identity_validation: identityValidationSchema.parse(iv), authentication_backend: b }).warnings;
  t.same(check(notifier), ['identity_validation.reset_password.jwt_secret is not set: the portal offers no password reset (set it, or set authentication_backend.password_reset.disable: true)']);
  t.same(check(notifier, backend(), { reset_password: { jwt_secret: 'x'.repeat(32) } }), []);
  t.same(check(notifier, authenticationBackendSchema.parse({ file: { path: '/u.yml' }, password_reset: { disable: true } })), [], 'disabled on purpose');
  t.same(check(undefined), [], 'no notifier: nothing to say here');
  t.match(check(notifier, backend({ password: { algorithm: 'sha2crypt' } }), { reset_password: { jwt_secret: 'x'.repeat(32) } }), [/'sha2crypt', which Gatehouse reads but does not write/]);
});
