/**
 * The same behaviour proven through every real proxy: what reaches the application, and what the
 * client gets back, for each kind of request Gatehouse decides on.
 */
import type { Test } from 'tap';
import {
  APP_HOST,
  askGatehouse,
  clientCredentialsToken,
  echoOf,
  PORTAL,
  REMOTE_HEADERS,
  revoke,
  send,
  signIn,
  startEchoUpstream,
  startGatehouse,
  USER,
  type Answer,
} from './harness.js';
import type { RunningProxy } from './proxy-process.js';

export type StartProxy = (t: Test, upstreams: { gatehouse: string; app: string }) => Promise<RunningProxy>;

/** What a client might send to pretend it is someone. */
const SPOOFED = { 'remote-user': 'admin', 'remote-groups': 'admins', 'remote-name': 'Admin', 'remote-email': 'admin@evil.example' } as const;

export async function proveProxy(t: Test, startProxy: StartProxy): Promise<RunningProxy> {
  const gatehouse = await startGatehouse(t);
  const upstream = await startEchoUpstream(t);
  const proxy = await startProxy(t, { gatehouse: gatehouse.address, app: upstream.address });
  t.comment(`proxy configuration as run:\n${proxy.config}`);
  const via = (host: string, path: string, headers: Record<string, string> = {}): Promise<Answer> =>
    send({ port: proxy.port, host, path, headers, ...(proxy.ca !== undefined ? { ca: proxy.ca } : {}) });
  const app = (path: string, headers: Record<string, string> = {}) => via(APP_HOST, path, headers);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}`, accept: 'application/json' });

  await t.test('the portal vhost reaches Gatehouse over https (Secure __Host- CSRF cookie)', async (t) => {
    const page = await via('auth.example.com', '/', { accept: 'text/html' });
    t.equal(page.status, 200, 'the sign-in page');
    t.match(page.body, 'name="csrf_token"');
    t.match([page.headers['set-cookie'] ?? []].flat().join('\n'), /^__Host-gatehouse_csrf=[^;]+;.*Secure/m, 'X-Forwarded-Proto https arrived');
  });

  await t.test('bypass rule: /public reaches the upstream without credentials, and a client-sent Remote-* does not', async (t) => {
    const echo = echoOf(await app('/public/info?x=1', { ...SPOOFED }));
    t.equal(echo.url, '/public/info?x=1');
    for (const name of REMOTE_HEADERS) t.equal(echo.headers[name] ?? '', '', `${name} is not the client's`);
  });

  await t.test('RFC 6750 §2.1 bearer token: the upstream gets the four Remote-* headers Gatehouse answered, never the client copies', async (t) => {
    const token = await clientCredentialsToken(gatehouse);
    const direct = await askGatehouse(gatehouse, '/private/data', bearer(token));
    t.equal(direct.status, 200, `Gatehouse allows the token: ${direct.body}`);
    t.equal(direct.body, '', 'empty 200');
    for (const name of REMOTE_HEADERS) t.ok(name in direct.headers, `Gatehouse sends ${name}`);
    const echo = echoOf(await app('/private/data', { ...bearer(token), ...SPOOFED }));
    t.equal(echo.url, '/private/data');
    // nginx sends no header for an empty value (proxy_set_header), so absent and '' are the same here.
    for (const name of REMOTE_HEADERS) t.equal(echo.headers[name] ?? '', direct.headers[name] ?? '', `${name} is Gatehouse's`);
  });

  await t.test('RFC 6750 §3.1 invalid_token: an unknown token is answered 401 with the Bearer challenge', async (t) => {
    const answer = await app('/private/data', bearer('gatehouse_at_not-a-token.bad-signature'));
    t.equal(answer.status, 401);
    t.match(answer.headers['www-authenticate'], /^Bearer .*error="invalid_token"/);
    t.equal(answer.headers.location, undefined, 'no redirect for an API client');
  });

  await t.test('access_control deny rule: 403, with or without credentials', async (t) => {
    const token = await clientCredentialsToken(gatehouse);
    for (const [why, headers] of [
      ['anonymous', {}],
      ['with a valid token', bearer(token)],
    ] as const) {
      t.equal((await app('/denied/x', headers)).status, 403, why);
    }
  });

  const target = `https://${APP_HOST}/private/page?x=1`;
  await t.test('a browser without a session is sent to the portal with rd and rm (302)', async (t) => {
    const answer = await app('/private/page?x=1', { accept: 'text/html' });
    t.equal(answer.status, 302);
    t.equal(answer.headers.location, `${PORTAL}/?rd=${encodeURIComponent(target)}&rm=GET`);
  });

  await t.test('RFC 6750 §3: an API client (no text/html in Accept) without a token gets 401 with the Bearer challenge, not a redirect', async (t) => {
    for (const accept of ['application/json', '*/*', undefined]) {
      const answer = await app('/private/page?x=1', accept === undefined ? {} : { accept });
      t.equal(answer.status, 401, `Accept: ${accept ?? '(none)'}`);
      t.match(answer.headers['www-authenticate'], /^Bearer realm="[^"]+"$/, 'the challenge, without an error code');
    }
    const xhr = await app('/private/page?x=1', { accept: 'text/html', 'x-requested-with': 'XMLHttpRequest' });
    t.equal(xhr.status, 401, 'a script in a page (X-Requested-With: XMLHttpRequest) is not sent to the portal either');
  });

  await t.test('after signing in at the portal, the session cookie (Domain=example.com) reaches the upstream as the user', async (t) => {
    const session = await signIn(gatehouse, target);
    t.equal(session.location, target, 'the portal sends the browser back to the target');
    t.match(session.setCookie, /Domain=example\.com/i);
    const echo = echoOf(await app('/private/page?x=1', { accept: 'text/html', cookie: session.cookie, ...SPOOFED }));
    t.same(
      Object.fromEntries(REMOTE_HEADERS.map((name) => [name, echo.headers[name]])),
      { 'remote-user': USER.username, 'remote-groups': USER.groups.join(','), 'remote-name': USER.displayName, 'remote-email': USER.email },
    );
  });

  await t.test('RFC 7009 §2.1: a revoked token is refused on its next use', async (t) => {
    const token = await clientCredentialsToken(gatehouse);
    t.equal((await app('/private/data', bearer(token))).status, 200, 'allowed before');
    t.equal(await revoke(gatehouse, token), 200);
    const after = await app('/private/data', bearer(token));
    t.equal(after.status, 401, 'refused after');
    t.match(after.headers['www-authenticate'], /^Bearer .*error="invalid_token"/);
  });
  return proxy;
}
