/**
 * The portal and the verify endpoint with users from a real OpenLDAP (test/helpers/slapd.ts),
 * through the real server: sign-in by username and by e-mail, wrong password, filter injection,
 * groups in access rules, a user deleted in the directory, the directory stopped mid-run (503,
 * then recovery), parallel sign-ins on the pool, and the LDAP metrics.
 */
import t, { type Test } from 'tap';
import { setTimeout as delay } from 'node:timers/promises';
import { startTestServer } from '../helpers/server.js';
import { BrowserClient, hiddenFields } from '../helpers/browser-client.js';
import { startSlapd, userDn, type Slapd } from '../helpers/slapd.js';
import { ldapSection } from '../users/ldap/fixtures.js';

const slapd = await startSlapd(t);
const HTTPS = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'auth.example.com' };

async function start(t: Test, directory: Slapd, refreshInterval = '5m') {
  return startTestServer(t, {
    authentication_backend: ldapSection(directory, { pooling: { enable: true, count: 3 } }, refreshInterval),
    session: { cookies: [{ domain: 'example.com', authelia_url: 'https://auth.example.com' }] },
    regulation: { max_retries: 0 },
    telemetry: { metrics: { enabled: true, address: 'tcp://127.0.0.1:0' } },
    access_control: {
      default_policy: 'deny',
      rules: [
        { domain: 'public.example.com', policy: 'bypass' },
        { domain: 'admin.example.com', subject: 'group:admins', policy: 'one_factor' },
        { domain: 'app.example.com', policy: 'one_factor' },
      ],
    },
  });
}

async function signIn(url: string, username: string, password: string): Promise<{ status: number; body: string; cookie: string; retryAfter: string | null }> {
  const b = new BrowserClient(url);
  const page = await b.get('/', HTTPS);
  const res = await b.post('/login', { ...hiddenFields(page.body), username, password }, HTTPS);
  return { status: res.status, body: res.body, cookie: `authelia_session=${b.cookies.get('authelia_session') ?? ''}`, retryAfter: res.headers.get('retry-after') };
}

function verify(url: string, host: string, cookie?: string) {
  return fetch(`${url}/api/authz/forward-auth`, {
    redirect: 'manual',
    headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': host, 'x-forwarded-uri': '/', 'x-forwarded-method': 'GET', ...(cookie ? { cookie } : {}) },
  });
}

t.test('sign-in by username and by e-mail; the session is the username; groups reach access rules and Remote-* headers', async (t) => {
  const server = await start(t, slapd);
  const byName = await signIn(server.url, 'alice', 'alice-password');
  t.equal(byName.status, 303);
  const admin = await verify(server.url, 'admin.example.com', byName.cookie);
  t.equal(admin.status, 200, 'group:admins from the directory');
  t.equal(admin.headers.get('remote-user'), 'alice');
  t.same(admin.headers.get('remote-groups')?.split(',').sort(), ['admins', 'dev']);
  t.equal(admin.headers.get('remote-email'), 'alice@example.com');
  t.equal(admin.headers.get('remote-name'), 'Alice Liddell');

  const byMail = await signIn(server.url, 'bob@example.com', 'bob-password');
  t.equal(byMail.status, 303);
  const app = await verify(server.url, 'app.example.com', byMail.cookie);
  t.equal(app.headers.get('remote-user'), 'bob', 'signed in by e-mail, known by username');
  t.equal((await verify(server.url, 'admin.example.com', byMail.cookie)).status, 403, 'bob is not in admins');
});

t.test('wrong password and RFC 4515 filter injection (*)(uid=*) get the one answer', async (t) => {
  const server = await start(t, slapd);
  for (const [username, password] of [['alice', 'wrong'], ['*)(uid=*', 'alice-password'], ['*', 'alice-password'], ['nobody', 'x']] as const) {
    const res = await signIn(server.url, username, password);
    t.equal(res.status, 401, `${username} / ${password}`);
    t.match(res.body, 'Incorrect username or password.');
  }
});

t.test('a user deleted in the directory loses access once refresh_interval has passed', async (t) => {
  const server = await start(t, slapd, '1s');
  const carol = await signIn(server.url, 'carol', 'carol-password');
  t.equal(carol.status, 303);
  t.equal((await verify(server.url, 'app.example.com', carol.cookie)).status, 200);
  await slapd.modify(`dn: ${userDn('carol')}\nchangetype: delete\n`);
  t.teardown(() => slapd.modify(`dn: ${userDn('carol')}\nchangetype: add\nobjectClass: inetOrgPerson\nuid: carol\ncn: Carol Danvers\nsn: Danvers\ndisplayName: Carol Danvers\nmail: carol@example.com\nuserPassword: carol-password\n`));
  await delay(1100);
  const after = await verify(server.url, 'app.example.com', carol.cookie);
  t.equal(after.status, 401, 'the session ended: refused');
  t.equal((await signIn(server.url, 'carol', 'carol-password')).status, 401);
});

t.test('the directory stopped mid-run: 503 from the portal and verify (bypass still passes), never a pass; then recovery', async (t) => {
  const server = await start(t, slapd, '1s');
  const alice = await signIn(server.url, 'alice', 'alice-password');
  await slapd.stop();
  try {
    t.equal((await verify(server.url, 'app.example.com', alice.cookie)).status, 200, 'within refresh_interval: remembered');
    await delay(1100);
    const down = await verify(server.url, 'app.example.com', alice.cookie);
    t.equal(down.status, 503, 'past refresh_interval: the directory must be asked');
    t.equal((await verify(server.url, 'public.example.com')).status, 200, 'a bypass rule needs no user');
    const signInDown = await signIn(server.url, 'bob', 'bob-password');
    t.equal(signInDown.status, 503);
    t.match(signInDown.body, 'The user directory cannot be reached right now. Please try again later.');
    t.equal(signInDown.retryAfter, '5');
    const home = await fetch(`${server.url}/`, { headers: { ...HTTPS, cookie: alice.cookie } });
    t.equal(home.status, 503, 'a portal page for a session whose user cannot be looked up');
  } finally {
    await slapd.start();
  }
  t.equal((await verify(server.url, 'app.example.com', alice.cookie)).status, 200, 'recovered: the session still works');
  t.equal((await signIn(server.url, 'bob', 'bob-password')).status, 303, 'recovered: sign-in works');
  const metrics = await (await fetch(server.app.metricsUrl!)).text();
  t.match(metrics, /gatehouse_ldap_requests_total\{operation="connect",outcome="error"\} [1-9]/);
  t.match(metrics, /gatehouse_ldap_requests_total\{operation="bind",outcome="success"\} [1-9]/);
  t.match(metrics, /gatehouse_ldap_duration_seconds_count\{operation="search"\} [1-9]/);
  t.match(metrics, /gatehouse_ldap_pool_connections\{state="open"\} [1-3]\n/);
});

t.test('parallel sign-ins share the pool', async (t) => {
  const server = await start(t, slapd);
  const results = await Promise.all(Array.from({ length: 12 }, (_, i) => signIn(server.url, i % 2 ? 'alice' : 'bob', i % 2 ? 'alice-password' : 'bob-password')));
  t.same(results.map((r) => r.status), Array(12).fill(303));
});
