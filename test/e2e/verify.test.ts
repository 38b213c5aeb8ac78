/**
 * The forward-auth verify endpoints over HTTP: target derivation per proxy kind, bypass and deny
 * rules, portal redirects (302/303, and 401 + Location for nginx), the session cookie strategy,
 * and the empty 200 with all four Remote-* headers.
 */
import t, { type Test } from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashPassword } from '../../src/crypto/password-hash/index.js';
import { startTestServer, tempDir } from '../helpers/server.js';
import { BrowserClient, hiddenFields } from '../helpers/browser-client.js';

async function start(t: Test) {
  const dir = tempDir(t);
  const users = join(dir, 'users.yml');
  const digest = await hashPassword('correct horse', { algorithm: 'pbkdf2', variant: 'sha256', iterations: 1000 });
  writeFileSync(
    users,
    `users:\n  alice:\n    displayname: Alice Liddell\n    password: '${digest}'\n    email: alice@example.com\n    groups: [dev, ops]\n` +
      `  lukasz:\n    displayname: "Łukasz Żółć\\r\\nX-Injected: 1"\n    password: '${digest}'\n    email: lukasz@example.com\n    groups: [développeurs]\n`,
  );
  const server = await startTestServer(
    t,
    {
      authentication_backend: { file: { path: users, watch: false } },
      session: { cookies: [{ domain: 'example.com', authelia_url: 'https://auth.example.com' }] },
      access_control: {
        default_policy: 'deny',
        rules: [
          { domain: 'app.example.com', resources: ['^/public'], policy: 'bypass' },
          { domain: 'app.example.com', resources: ['^/denied'], policy: 'deny' },
          { domain: 'app.example.com', policy: 'one_factor' },
          { domain: 'admin.example.com', subject: 'group:admins', policy: 'one_factor' },
        ],
      },
    },
    { dir },
  );
  return { server, dir };
}

function forwardAuth(url: string, target: { host: string; uri: string; method?: string; proto?: string }, headers: Record<string, string> = {}) {
  return fetch(`${url}/api/authz/forward-auth`, {
    redirect: 'manual',
    headers: {
      'x-forwarded-proto': target.proto ?? 'https',
      'x-forwarded-host': target.host,
      'x-forwarded-uri': target.uri,
      'x-forwarded-method': target.method ?? 'GET',
      ...headers,
    },
  });
}

async function signIn(server: { url: string }, username = 'alice'): Promise<string> {
  const b = new BrowserClient(server.url);
  const https = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'auth.example.com' };
  const page = await b.get('/', https);
  const res = await b.post('/login', { ...hiddenFields(page.body), username, password: 'correct horse' }, https);
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  return `authelia_session=${b.cookies.get('authelia_session')}`;
}

t.test('a bad target is refused: missing headers, http, outside every cookie domain (400; legacy 401)', async (t) => {
  const { server } = await start(t);
  t.equal((await fetch(`${server.url}/api/authz/forward-auth`)).status, 400, 'no X-Forwarded-* headers');
  t.equal((await forwardAuth(server.url, { host: 'app.example.com', uri: '/', proto: 'http' })).status, 400, 'http target');
  t.equal((await forwardAuth(server.url, { host: 'evil.com', uri: '/' })).status, 400, 'outside the cookie domains');
  t.equal((await forwardAuth(server.url, { host: 'app.evilexample.com', uri: '/' })).status, 400, 'look-alike suffix');
  const legacy = await fetch(`${server.url}/api/verify`, { headers: { 'x-original-url': 'https://evil.com/' } });
  t.equal(legacy.status, 401, 'legacy answers 401');
});

t.test('issue #11 diagnostics: every refused target is logged at warn with its reason and the proxy; at most 10 lines a minute', async (t) => {
  const { server } = await start(t);
  const refusals = () => server.logger.records().filter((r) => r['msg'] === 'authz target refused');
  const cases: [string, { host: string; uri: string; proto?: string }, string][] = [
    ['http', { host: 'app.example.com', uri: '/', proto: 'http' }, 'scheme http is not allowed: forward-auth targets are https or wss'],
    ['outside the cookie domains', { host: 'evil.com', uri: '/' }, 'host evil.com is not inside any session.cookies domain'],
    ['user info', { host: 'app.example.com:x@public.example.com', uri: '/admin' }, 'user info in X-Forwarded-Host'],
    ['dot segment', { host: 'app.example.com', uri: '/public/../denied' }, "a dot segment ('.' or '..', maybe encoded) in X-Forwarded-Uri"],
  ];
  for (const [name, target, reason] of cases) {
    t.equal((await forwardAuth(server.url, target)).status, 400, name);
    const last = refusals().at(-1);
    t.equal(last?.['level'], 'warn', `${name}: at warn`);
    t.equal(last?.['reason'], reason, `${name}: the reason`);
    t.equal(last?.['endpoint'], 'forward-auth', `${name}: the endpoint`);
    t.match(String(last?.['proxy']), /127\.0\.0\.1/, `${name}: the proxy's address`);
  }
  for (let i = 0; i < 20; i += 1) await forwardAuth(server.url, { host: 'evil.com', uri: '/' });
  t.equal(refusals().length, 10, 'a flood of refusals writes 10 lines in the minute, not one per request');
});

t.test('bypass: 200, empty body, all four Remote-* headers present and empty', async (t) => {
  const { server } = await start(t);
  const res = await forwardAuth(server.url, { host: 'app.example.com', uri: '/public/x' }, { 'remote-user': 'admin' });
  t.equal(res.status, 200);
  t.equal(res.headers.get('content-length'), '0');
  t.equal(await res.text(), '');
  for (const h of ['remote-user', 'remote-groups', 'remote-name', 'remote-email']) t.equal(res.headers.get(h), '', `${h} is present and empty`);
});

t.test('deny rule → 403, even for an authenticated session', async (t) => {
  const { server } = await start(t);
  t.equal((await forwardAuth(server.url, { host: 'app.example.com', uri: '/denied' })).status, 403);
  const cookie = await signIn(server);
  t.equal((await forwardAuth(server.url, { host: 'app.example.com', uri: '/denied' }, { cookie })).status, 403);
  t.equal((await forwardAuth(server.url, { host: 'other.example.com', uri: '/' }, { cookie })).status, 403, 'default_policy deny');
});

t.test('no session: browsers are redirected to the portal (302 GET, 303 POST), others get 401; auth-request: 401 + Location', async (t) => {
  const { server } = await start(t);
  const html = { accept: 'text/html,application/xhtml+xml' };
  const get = await forwardAuth(server.url, { host: 'app.example.com', uri: '/dash?x=1' }, html);
  t.equal(get.status, 302);
  t.equal(get.headers.get('location'), `https://auth.example.com/?rd=${encodeURIComponent('https://app.example.com/dash?x=1')}&rm=GET`);
  const post = await forwardAuth(server.url, { host: 'app.example.com', uri: '/form', method: 'POST' }, html);
  t.equal(post.status, 303);
  const xhr = await forwardAuth(server.url, { host: 'app.example.com', uri: '/api' }, { ...html, 'x-requested-with': 'XMLHttpRequest' });
  t.equal(xhr.status, 401);
  const api = await forwardAuth(server.url, { host: 'app.example.com', uri: '/api' }, { accept: 'application/json' });
  t.equal(api.status, 401);
  const nginx = await fetch(`${server.url}/api/authz/auth-request`, { headers: { 'x-original-url': 'https://app.example.com/dash', 'x-original-method': 'GET', ...html } });
  t.equal(nginx.status, 401);
  t.match(nginx.headers.get('location'), /^https:\/\/auth\.example\.com\/\?rd=/);
});

t.test('session cookie: 200 with Remote-User, Remote-Groups, Remote-Name, Remote-Email; subject rules see the groups', async (t) => {
  const { server } = await start(t);
  const cookie = await signIn(server);
  const res = await forwardAuth(server.url, { host: 'app.example.com', uri: '/dash' }, { cookie, 'remote-user': 'mallory' });
  t.equal(res.status, 200);
  t.equal(res.headers.get('remote-user'), 'alice');
  t.equal(res.headers.get('remote-groups'), 'dev,ops');
  t.equal(res.headers.get('remote-name'), 'Alice Liddell');
  t.equal(res.headers.get('remote-email'), 'alice@example.com');
  t.equal(res.headers.get('content-length'), '0');
  const admin = await forwardAuth(server.url, { host: 'admin.example.com', uri: '/' }, { cookie });
  t.equal(admin.status, 403, 'not in group admins: the subject rule does not match, default deny applies');
});

t.test('Remote-* headers carry names beyond Latin-1 as UTF-8 octets, with control characters made spaces', async (t) => {
  const { server } = await start(t);
  const cookie = await signIn(server, 'lukasz');
  const res = await forwardAuth(server.url, { host: 'app.example.com', uri: '/dash' }, { cookie });
  t.equal(res.status, 200);
  const utf8 = (h: string) => Buffer.from(res.headers.get(h) ?? '', 'latin1').toString('utf8');
  t.equal(utf8('remote-name'), 'Łukasz Żółć  X-Injected: 1', 'no header split, no crash');
  t.equal(utf8('remote-groups'), 'développeurs');
  t.equal(res.headers.get('x-injected'), null);
  t.equal((await forwardAuth(server.url, { host: 'app.example.com', uri: '/dash' }, { cookie })).status, 200, 'and the server is still up');
});

t.test('X-Forwarded-* from an untrusted peer are not believed', async (t) => {
  const { server } = await start(t);
  await server.stop();
  const strict = await startTestServer(t, (dir) => ({
    server: { trusted_proxies: ['10.0.0.1/32'] },
    session: { cookies: [{ domain: 'example.com', authelia_url: 'https://auth.example.com' }] },
    access_control: { default_policy: 'bypass' },
    storage: { local: { path: join(dir, 'db2.sqlite3') } },
  }));
  t.equal((await forwardAuth(strict.url, { host: 'app.example.com', uri: '/' })).status, 400);
});
