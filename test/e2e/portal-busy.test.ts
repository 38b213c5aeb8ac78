/**
 * Issue #11: while every hash verification slot and queue place is taken (a flood of wrong secrets
 * or passwords), a sign-in is answered at once with 503 and Retry-After — "try later", never
 * "wrong password" (nothing was checked) and never a 500 — and works again once the flood is over.
 */
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashPassword, hashVerifications } from '../../src/crypto/password-hash/index.js';
import { startTestServer, tempDir } from '../helpers/server.js';
import { BrowserClient } from '../helpers/browser-client.js';

t.test('portal sign-in while the hash verification queue is full: 503 + Retry-After, then 303 once it drains', async (t) => {
  const dir = tempDir(t);
  const digest = await hashPassword('correct horse', { algorithm: 'pbkdf2', variant: 'sha256', iterations: 1000 });
  writeFileSync(join(dir, 'users.yml'), `users:\n  alice:\n    displayname: Alice\n    password: '${digest}'\n    email: alice@example.com\n    groups: [dev]\n`);
  const server = await startTestServer(
    t,
    {
      authentication_backend: { file: { path: join(dir, 'users.yml'), watch: false } },
      session: { cookies: [{ domain: 'localhost', authelia_url: 'http://localhost:9091' }] },
    },
    { dir },
  );
  const b = new BrowserClient(server.url.replace('127.0.0.1', 'localhost'));

  // Take every slot and queue place with verifications that end when the test says so.
  let release!: () => void;
  const flood = new Promise<boolean>((resolve) => (release = () => resolve(false)));
  const { concurrency, maxQueued } = hashVerifications.options;
  const held = Array.from({ length: concurrency + maxQueued }, () => hashVerifications.run(() => flood));
  t.equal(hashVerifications.stats().queued, maxQueued, 'the queue is full');

  const busy = await b.submit(await b.get('/'), '/login', { username: 'alice', password: 'correct horse' });
  t.equal(busy.status, 503, 'busy, not a wrong password and not a 500');
  t.equal(busy.headers.get('retry-after'), '1');
  t.match(busy.body, 'Too many sign-ins are being checked right now');
  t.notMatch(busy.body, 'Incorrect username or password');

  release();
  await Promise.all(held);
  const signedIn = await b.submit(await b.get('/'), '/login', { username: 'alice', password: 'correct horse' });
  t.equal(signedIn.status, 303, 'the same sign-in succeeds once the queue drains');
});
