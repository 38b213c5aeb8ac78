/**
 * Attack review after issue #11's fixes: requests that still get through, each as a test through
 * the real proxy configured from proxy-examples/ (and the real Gatehouse with the lab rules of
 * differential-harness.ts). Each finding failed before its fix (named
 * after it in the test) and is a regression test now.
 *
 * Findings here (parser-level counterparts and findings 4-5 are in test/authz/attack-review.test.ts):
 * - finding 1 (low): a trailing 0xA0 (NBSP) in nginx's $request_uri is trimmed from X-Original-URL by
 *   `headerValue` (String#trim strips U+00A0), so Gatehouse decides on `/public/x` while the back
 *   end is asked for `/public/x\xa0`, and the "no character beyond ASCII" refusal never sees it.
 * - finding 2 (medium with a `methods` rule): through Caddy a lower-case method (`get`, `options`,
 *   `delete`) reaches the back end as sent, while Gatehouse upper-cases X-Forwarded-Method and
 *   decides (and matches `methods` rules) for `GET`/`OPTIONS`/`DELETE`; with a CORS-preflight
 *   bypass (`methods: [OPTIONS]`) anonymous `options /api/secret` is served.
 * - finding 3 (high with /api/verify behind Caddy or Traefik): the legacy endpoint (enabled by
 *   default) prefers X-Original-URL over the X-Forwarded-* a forward_auth/forwardAuth proxy sets.
 *   Caddy (run here) and Traefik (forwardAuth forwards every request header unless authRequestHeaders
 *   is set; not run here) pass the client's own X-Original-URL through, so with the Authelia-style
 *   `uri /api/verify` a client names any target it likes: anonymous /admin is decided as
 *   https://public.example.com/ (bypass).
 * - finding 6 (critical with a wildcard server_name or a default_server app block): nginx lets `?`
 *   into $host; X-Original-URL `https://public.example.com?.example.com:443/admin` is decided for
 *   public.example.com (bypass) while the back end serves /admin.
 * - finding 7 (low): through Caddy a signed-in client sending `Connection: Remote-User, Remote-Groups`
 *   makes Caddy drop Gatehouse's Remote-User and Remote-Groups from the request to the application
 *   (hop-by-hop removal after copy_headers); the application sees a request without a user.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { startTestServer, tempDir } from '../helpers/server.js';
import { clientCredentialsToken, signIn } from './harness.js';
import { judge, logCursor, observe, startLabGatehouse, startRecordingBackend, summarize, type Lab } from './differential-harness.js';
import { APP, PUBLIC, type Credential, type HostileCase } from './hostile-corpus.js';
import { startCaddy, startNginx } from './proxy-process.js';


const get = (name: string, target: string, credential: Credential = 'anonymous', more: ReadonlyArray<readonly [string, string]> = [], method = 'GET'): HostileCase => ({
  name,
  method,
  target,
  version: 'HTTP/1.1',
  headers: [['Host', APP], ...more],
  credential,
});

t.test('attack review: what still gets through', async (t) => {
  const gatehouse = await startLabGatehouse(t);
  const backend = await startRecordingBackend(t);
  const session = await signIn(gatehouse, `https://${APP}/x`);
  const lab: Lab = { gatehouse, backend, credentials: { cookie: session.cookie, token: await clientCredentialsToken(gatehouse) }, log: logCursor(gatehouse) };

  await t.test('nginx configured from proxy-examples/', async (t) => {
    const nginx = await startNginx(t, { gatehouse: gatehouse.address, app: backend.address });

    await t.test('finding 1: a trailing NBSP (0xA0) is not trimmed away from the decided path', async (t) => {
      for (const [credential, path] of [
        ['anonymous', '/public/x\xa0'],
        ['session', '/x\xa0\xa0'],
      ] as const) {
        const o = await observe(lab, 'nginx', nginx, get(`nbsp ${credential}`, path, credential));
        // README: characters beyond ASCII are refused; at the least, the path decided must be the path served.
        t.equal(o.backend.length, 0, `${credential} ${JSON.stringify(path)}: refused (a character beyond ASCII), not served`, { observed: summarize(o) });
        t.same(judge(o).problems, [], 'no mismatch between what was decided and what was served', { observed: summarize(o) });
      }
    });
  });

  // finding 6: nginx lets `?` into $host (ngx_http_validate_host refuses only '/', NUL, '..', controls
  // and space), so X-Original-URL = `https://public.example.com?.example.com:443/admin`, and
  // splitAbsoluteUrl ends the authority at that `?`: Gatehouse decides for https://public.example.com/
  // (bypass) with the rest as a query, while nginx routed the request to the app block and the back
  // end serves /admin. Reached whenever the app's server block takes hosts it does not name exactly:
  // `server_name *.example.com` (one block for many applications) or `listen ... default_server`.
  for (const [variant, transform, hosts] of [
    ['server_name *.example.com', (site: string) => replaceOnce(site, '    server_name app.example.com;', '    server_name *.example.com;'), [`${PUBLIC}?.example.com`, `${PUBLIC}?x.example.com`]],
    ['the app block as default_server', (site: string) => site.replace(/(listen 127\.0\.0\.1:\d+)(;\n    server_name app\.example\.com;)/, '$1 default_server$2'), [`${PUBLIC}?`, `${PUBLIC}?.example.com`]],
  ] as const) {
    await t.test(`nginx with ${variant}`, async (t) => {
      const nginx = await startNginx(t, { gatehouse: gatehouse.address, app: backend.address }, transform);
      await t.test('control: anonymous /admin on app is not served', async (t) => {
        const o = await observe(lab, 'nginx', nginx, get('control', '/admin'));
        t.equal(o.backend.length, 0, 'not served', { observed: summarize(o) });
      });
      await t.test('finding 6: a `?` in Host does not move the decision to public.example.com', async (t) => {
        for (const host of hosts) {
          for (const credential of ['anonymous', 'session'] as const) {
            const c: HostileCase = { ...get(`finding 6 ${host}`, '/admin', credential), headers: [['Host', host]] };
            const o = await observe(lab, 'nginx', nginx, c);
            t.notOk(o.backend.some((b) => b.target.startsWith('/admin')), `${credential}, Host: ${host}: /admin is not served`, { observed: summarize(o) });
            t.same(judge(o).problems, [], 'no mismatch', { observed: summarize(o) });
          }
        }
      });
    });
  }

  await t.test('Caddy configured from proxy-examples/', async (t) => {
    const caddy = await startCaddy(t, { gatehouse: gatehouse.address, app: backend.address });

    await t.test('finding 2: the method decided is the method the back end receives', async (t) => {
      for (const [credential, method, path] of [
        ['anonymous', 'get', '/public/x'],
        ['anonymous', 'options', '/public/x'],
        ['session', 'delete', '/x'],
      ] as const) {
        // Backends disagree on lower-case methods (Go serves `options` as its own method, Laravel
        // upper-cases it): Gatehouse refuses them, and the client gets that 400.
        const o = await observe(lab, 'Caddy', caddy, get(`method ${method}`, path, credential, [], method));
        t.equal(o.backend.length, 0, `${method} ${path}: not served`, { observed: summarize(o) });
        t.equal(o.answer.status, 400, `${method} ${path}: Gatehouse's 400 reaches the client`, { observed: summarize(o) });
      }
    });

    await t.test('finding 7: a client cannot strip the identity Gatehouse sent with a Connection header', async (t) => {
      // RFC 9110 §7.6.1: a proxy removes the fields named in Connection. Caddy removes them from the
      // request to the application after forward_auth's copy_headers set them, so `Connection:
      // Remote-User, Remote-Groups` (sent by the signed-in client) reaches the back end with
      // Remote-Name and Remote-Email but no Remote-User and no Remote-Groups. nginx does not do it.
      // (requestBytes adds its own `Connection: close` line as well.)
      const o = await observe(lab, 'Caddy', caddy, get('connection strips identity', '/x', 'session', [['Connection', 'Remote-User, Remote-Groups']]));
      const names = (o.backend[0]?.headers ?? []).map(([n]) => n.toLowerCase()).filter((n) => n.startsWith('remote-')).sort();
      // The Caddyfile refuses such a request (400) rather than deleting Connection, which websockets need.
      t.equal(o.answer.status, 400, 'refused by the example (@connection_names_remote)', { observed: summarize(o) });
      t.equal(o.backend.length, 0, 'so the back end never sees a signed-in request without its Remote-User', { observed: summarize(o) });
      t.same(names, [], 'nothing reached it', { observed: summarize(o) });
      const plain = await observe(lab, 'Caddy', caddy, get('connection keep-alive', '/x', 'session', [['Connection', 'keep-alive']]));
      t.equal(plain.backend.length, 1, 'control: an ordinary Connection header is served', { observed: summarize(plain) });
    });
  });

  await t.test('finding 2 with a CORS-preflight bypass rule (methods: [OPTIONS]), through Caddy', async (t) => {
    // A common access rule (Authelia's docs suggest it for CORS): preflights need no session. Caddy
    // passes `options` on as sent; Gatehouse upper-cases it and bypasses. A Go, Python or Java back
    // end does not take `options` for OPTIONS (Go: r.Method == http.MethodOptions is false), so its
    // CORS middleware lets it through to the handler, which serves as for any unlisted method.
    const users = join(tempDir(t), 'users.yml');
    writeFileSync(users, 'users: {}\n');
    const server = await startTestServer(t, {
      server: { trusted_proxies: ['127.0.0.1/32'] },
      authentication_backend: { file: { path: users, watch: false } },
      session: { cookies: [{ domain: 'example.com', authelia_url: 'https://auth.example.com' }] },
      access_control: {
        default_policy: 'deny',
        rules: [
          { domain: APP, resources: ['^/api/'], methods: ['OPTIONS'], policy: 'bypass' },
          { domain: '*.example.com', policy: 'one_factor' },
        ],
      },
    });
    const preflightGatehouse = { server, address: `127.0.0.1:${new URL(server.url).port}`, port: Number(new URL(server.url).port) };
    const preflightLab: Lab = { ...lab, gatehouse: preflightGatehouse, log: logCursor(preflightGatehouse) };
    const caddy = await startCaddy(t, { gatehouse: preflightGatehouse.address, app: backend.address });
    const control = await observe(preflightLab, 'Caddy', caddy, get('preflight control GET', '/api/secret'));
    t.equal(control.backend.length, 0, 'control: anonymous GET /api/secret is not served', { observed: summarize(control) });
    const preflight = await observe(preflightLab, 'Caddy', caddy, get('preflight control OPTIONS', '/api/secret', 'anonymous', [], 'OPTIONS'));
    t.equal(preflight.backend.length, 1, 'control: anonymous OPTIONS /api/secret (a preflight) is served', { observed: summarize(preflight) });
    for (const method of ['options', 'Options']) {
      const o = await observe(preflightLab, 'Caddy', caddy, get(`preflight ${method}`, '/api/secret', 'anonymous', [], method));
      t.equal(o.backend.length, 0, `anonymous ${method} /api/secret is not served (the back end does not read it as OPTIONS)`, { observed: summarize(o) });
    }
  });

  await t.test('Caddy with the legacy endpoint (uri /api/verify, as Authelia < 4.38 documented)', async (t) => {
    const caddy = await startCaddy(t, { gatehouse: gatehouse.address, app: backend.address }, (config) => replaceOnce(config, 'uri /api/authz/forward-auth', 'uri /api/verify'));

    await t.test('control: anonymous /admin is not served', async (t) => {
      const o = await observe(lab, 'Caddy', caddy, get('legacy control', '/admin'));
      t.equal(o.backend.length, 0, 'not served', { observed: summarize(o) });
    });

    await t.test('finding 3: a client-sent X-Original-URL does not choose the target', async (t) => {
      for (const [credential, url] of [
        ['anonymous', `https://${PUBLIC}/`],
        ['anonymous', `https://${APP}/public/x`],
        ['session', `https://${APP}/x`],
      ] as const) {
        const o = await observe(lab, 'Caddy', caddy, get(`legacy X-Original-URL ${url}`, '/admin', credential, [['X-Original-URL', url]]));
        t.notOk(o.backend.some((b) => b.target.startsWith('/admin')), `${credential} with X-Original-URL ${url}: /admin is not served`, { observed: summarize(o) });
        t.same(judge(o).problems, [], 'no mismatch', { observed: summarize(o) });
      }
    });
  });
});

function replaceOnce(text: string, find: string, replace: string): string {
  if (!text.includes(find)) throw new Error(`not in the example: ${find}`);
  return text.replace(find, replace);
}

