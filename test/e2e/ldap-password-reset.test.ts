/**
 * Password reset with users from a real OpenLDAP (test/helpers/slapd.ts): the link from the
 * filesystem notifier, the new password written by the LDAP backend's password change (RFC 3062
 * Password Modify as the service account), the old one refused by the directory, the new one bound.
 */
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, tempDir } from '../helpers/server.js';
import { BrowserClient } from '../helpers/browser-client.js';
import { startSlapd } from '../helpers/slapd.js';
import { ldapSection } from '../users/ldap/fixtures.js';

const NEW_PASSWORD = 'Violet-Kettle-Orbit-93';

t.test('forgot password with LDAP users: the directory gets the new password', async (t) => {
  const slapd = await startSlapd(t);
  const dir = tempDir(t);
  const mail = join(dir, 'notification.txt');
  const server = await startTestServer(
    t,
    {
      authentication_backend: ldapSection(slapd, {}, '5m'),
      session: { cookies: [{ domain: 'localhost', authelia_url: 'http://localhost:9091' }] },
      regulation: { max_retries: 0 },
      notifier: { filesystem: { filename: mail } },
      identity_validation: { reset_password: { jwt_secret: 'a-very-long-reset-password-secret-0123456789' } },
      password_policy: { standard: { enabled: true, min_length: 12 } },
    },
    { dir },
  );
  const url = server.url.replace('127.0.0.1', 'localhost');
  const signIn = async (password: string) => {
    const b = new BrowserClient(url);
    return (await b.submit(await b.get('/'), '/login', { username: 'carol', password })).status;
  };
  t.equal(await signIn('carol-password'), 303, 'the directory password works before');

  const b = new BrowserClient(url);
  const asked = await b.submit(await b.get('/reset-password'), '/reset-password', { username: 'carol' });
  t.equal(asked.status, 200);
  t.ok(existsSync(mail), 'a message was written');
  const link = new URL(/^(http:\/\/\S+)$/m.exec(readFileSync(mail, 'utf8'))![1]);
  t.match(readFileSync(mail, 'utf8'), /Recipient: Carol Danvers <carol@example.com>/);
  const form = await b.get(`${link.pathname}${link.search}`);
  t.equal((await b.submit(form, '/reset-password/confirm', { password: 'too-short', password_repeat: 'too-short' })).status, 400, 'the policy first');
  const done = await b.submit(form, '/reset-password/confirm', { password: NEW_PASSWORD, password_repeat: NEW_PASSWORD });
  t.equal(done.status, 200);
  t.match(done.body, /Password changed/);
  t.equal(await signIn('carol-password'), 401, 'the directory refuses the old password');
  t.equal(await signIn(NEW_PASSWORD), 303, 'and binds with the new one');
});
