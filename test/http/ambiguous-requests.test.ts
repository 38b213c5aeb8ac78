/**
 * Repeated headers that Node reduces to the first one: a proxy or backend may read another, so the
 * request is ambiguous and refused (400) where the header matters. Node itself refuses a repeated
 * Content-Length and a missing Host; those answers are pinned here too.
 */
import t from 'tap';
import type { IncomingMessage } from 'node:http';
import { startTestServer } from '../helpers/server.js';
import { bearerProvider, machineForm } from '../helpers/bearer-client.js';
import { createRequest, sentMoreThanOnce } from '../../src/http/request.js';
import { OIDC_PATHS } from '../../src/util/paths.js';
import { rawExchange, requestBytes } from './raw-exchange.js';

const provider = bearerProvider({ enable_client_debug_messages: true });
const OTHER_BASIC = 'Basic ' + Buffer.from('other:other-secret').toString('base64');
const FORM = 'application/x-www-form-urlencoded';

/** A POST to `path` with the given header lines (Host and a form body added). */
function post(path: string, headerLines: readonly string[], body: string): string {
  return requestBytes([`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...headerLines, `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close'], body);
}

t.test('hasDuplicateHeader: case-insensitive, over raw headers; singleHeader answers 400 for a repeat', async (t) => {
  const requestWith = (rawHeaders: string[]) => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < rawHeaders.length; i += 2) headers[rawHeaders[i].toLowerCase()] ??= rawHeaders[i + 1];
    const raw = { url: '/', method: 'GET', headers, rawHeaders } as unknown as IncomingMessage;
    return createRequest({ id: () => 'id', receivedAt: 0, raw, client: { fromTrustedProxy: () => false, clientIp: () => '' }, maxBodyBytes: 1024 });
  };
  const cases: Array<{ name: string; rawHeaders: string[]; header: string; repeated: boolean }> = [
    { name: 'absent', rawHeaders: ['Host', 'a'], header: 'Authorization', repeated: false },
    { name: 'once', rawHeaders: ['Host', 'a', 'Authorization', 'Basic x'], header: 'Authorization', repeated: false },
    { name: 'twice, different case', rawHeaders: ['Authorization', 'Basic x', 'Host', 'a', 'authorization', 'Basic y'], header: 'Authorization', repeated: true },
    { name: 'twice, same value', rawHeaders: ['AUTHORIZATION', 'Basic x', 'Authorization', 'Basic x'], header: 'authorization', repeated: true },
    { name: 'a longer name sharing the prefix', rawHeaders: ['Authorization', 'x', 'Authorization-Extra', 'y'], header: 'Authorization', repeated: false },
    { name: 'a header Node joins (X-Forwarded-For)', rawHeaders: ['X-Forwarded-For', '1.1.1.1', 'x-forwarded-for', '2.2.2.2'], header: 'X-Forwarded-For', repeated: true },
    { name: 'an empty value still counts', rawHeaders: ['Content-Type', '', 'Content-Type', 'text/plain'], header: 'Content-Type', repeated: true },
  ];
  for (const c of cases) {
    const req = requestWith(c.rawHeaders);
    t.equal(req.hasDuplicateHeader(c.header), c.repeated, c.name);
    if (c.repeated) t.throws(() => req.singleHeader(c.header), { status: 400, message: `The ${c.header} header must not be sent more than once` }, `${c.name}: singleHeader`);
    else t.equal(req.singleHeader(c.header), req.header(c.header), `${c.name}: singleHeader is header()`);
  }
  t.equal(sentMoreThanOnce(['Host', 'a', 'HOST', 'b'], 'host'), true);
  t.equal(sentMoreThanOnce([], 'host'), false);
});

t.test('back channel: two Authorization headers → 400 invalid_request (RFC 6749 §5.2) at token, introspection, revocation and PAR', async (t) => {
  const server = await startTestServer(t, provider);
  const port = Number(new URL(server.url).port);
  const bodies: Record<string, string> = {
    [OIDC_PATHS.token]: 'grant_type=client_credentials&scope=authelia.bearer.authz',
    [OIDC_PATHS.introspection]: 'token=abc',
    [OIDC_PATHS.revocation]: 'token=abc',
    [OIDC_PATHS.pushed_authorization_request]: 'response_type=code&client_id=machine&redirect_uri=https%3A%2F%2Fm.example.com%2Fcb',
  };
  for (const [path, body] of Object.entries(bodies)) {
    for (const [name, lines] of [
      ['the valid one first', [`Authorization: ${machineForm.authorization}`, `authorization: ${OTHER_BASIC}`]],
      ['the valid one second', [`Authorization: ${OTHER_BASIC}`, `Authorization: ${machineForm.authorization}`]],
      ['the same one twice', [`Authorization: ${machineForm.authorization}`, `AUTHORIZATION: ${machineForm.authorization}`]],
    ] as const) {
      const reply = await rawExchange(port, post(path, [...lines, `Content-Type: ${FORM}`], body));
      t.equal(reply.status, 400, `${path}, ${name}`);
      t.same(JSON.parse(reply.body), { error: 'invalid_request', error_description: 'The Authorization header must not be sent more than once' }, `${path}, ${name}: body`);
      t.equal(reply.headers['cache-control'], 'no-store');
      t.equal(reply.headers['pragma'], 'no-cache', 'RFC 6749 §5.1 headers on the error too');
    }
  }
  // The control: one Authorization header is served.
  const once = await rawExchange(port, post(OIDC_PATHS.token, [`Authorization: ${machineForm.authorization}`, `Content-Type: ${FORM}`], bodies[OIDC_PATHS.token]));
  t.equal(once.status, 200, 'one Authorization header: a token');
  t.type((JSON.parse(once.body) as { access_token?: unknown }).access_token, 'string');
});

t.test('back channel: two Content-Type headers → 400 invalid_request, before the body is read', async (t) => {
  const server = await startTestServer(t, provider);
  const port = Number(new URL(server.url).port);
  for (const path of [OIDC_PATHS.token, OIDC_PATHS.introspection, OIDC_PATHS.revocation, OIDC_PATHS.pushed_authorization_request]) {
    const reply = await rawExchange(port, post(path, [`Authorization: ${machineForm.authorization}`, `Content-Type: ${FORM}`, 'Content-Type: application/json'], 'token=abc'));
    t.equal(reply.status, 400, path);
    t.same(JSON.parse(reply.body), { error: 'invalid_request', error_description: 'The Content-Type header must not be sent more than once' }, `${path}: body`);
  }
});

t.test('userinfo: a repeated Authorization or Content-Type → 400 invalid_request with the Bearer challenge (RFC 6750 §3.1)', async (t) => {
  const server = await startTestServer(t, provider);
  const port = Number(new URL(server.url).port);
  const get = await rawExchange(port, requestBytes([`GET ${OIDC_PATHS.userinfo} HTTP/1.1`, 'Host: 127.0.0.1', 'Authorization: Bearer aaa', 'Authorization: Bearer bbb', 'Connection: close']));
  t.equal(get.status, 400);
  t.same(JSON.parse(get.body), { error: 'invalid_request', error_description: 'The Authorization header must not be sent more than once.' });
  t.match(get.headers['www-authenticate'], /^Bearer realm="[^"]+", error="invalid_request"/);
  const form = await rawExchange(port, post(OIDC_PATHS.userinfo, [`Content-Type: application/json`, `Content-Type: ${FORM}`], 'access_token=aaa'));
  t.equal(form.status, 400);
  t.equal((JSON.parse(form.body) as { error_description?: unknown }).error_description, 'The Content-Type header must not be sent more than once.');
  const once = await rawExchange(port, requestBytes([`GET ${OIDC_PATHS.userinfo} HTTP/1.1`, 'Host: 127.0.0.1', 'Authorization: Bearer aaa', 'Connection: close']));
  t.equal(once.status, 401, 'the control: one (unknown) token is invalid_token, not a repeat');
});

t.test('Host sent twice → 400 on every route (RFC 9112 §3.2), before routing', async (t) => {
  const server = await startTestServer(t, provider);
  const port = Number(new URL(server.url).port);
  const cases = [
    { path: '/api/health', hosts: ['Host: 127.0.0.1', 'Host: 127.0.0.1'] },
    { path: '/api/health', hosts: ['Host: a.example.com', 'host: b.example.com'] },
    { path: '/api/authz/forward-auth', hosts: ['Host: auth.example.com', 'HOST: app.example.com'] },
    { path: '/no/such/path', hosts: ['Host: a', 'Host: b'] },
  ];
  for (const c of cases) {
    const reply = await rawExchange(port, requestBytes([`GET ${c.path} HTTP/1.1`, ...c.hosts, 'Connection: close']));
    t.equal(reply.status, 400, `${c.path} ${c.hosts.join(' / ')}`);
    t.same(JSON.parse(reply.body), { status: 'KO', message: 'The Host header must not be sent more than once' });
  }
  const once = await rawExchange(port, requestBytes(['GET /api/health HTTP/1.1', 'Host: 127.0.0.1', 'Connection: close']));
  t.equal(once.status, 200, 'the control: one Host');
});

t.test("pinned: Node's own refusals of ambiguous framing and a missing Host (400, Connection: close)", async (t) => {
  const server = await startTestServer(t, provider);
  const port = Number(new URL(server.url).port);
  const cases = [
    { name: 'two different Content-Length', lines: ['POST /api/oidc/token HTTP/1.1', 'Host: a', 'Content-Length: 1', 'Content-Length: 2'], body: 'ab' },
    { name: 'two equal Content-Length', lines: ['POST /api/oidc/token HTTP/1.1', 'Host: a', 'Content-Length: 2', 'content-length: 2'], body: 'ab' },
    { name: 'a Content-Length list', lines: ['POST /api/oidc/token HTTP/1.1', 'Host: a', 'Content-Length: 2, 2'], body: 'ab' },
    { name: 'Content-Length with Transfer-Encoding', lines: ['POST /api/oidc/token HTTP/1.1', 'Host: a', 'Content-Length: 5', 'Transfer-Encoding: chunked'], body: '0\r\n\r\n' },
  ];
  for (const c of cases) {
    const reply = await rawExchange(port, requestBytes(c.lines, c.body));
    t.equal(reply.status, 400, c.name);
    t.equal(reply.headers['connection'], 'close', `${c.name}: the connection closes`);
    t.equal(reply.body, '400 Bad Request\n', `${c.name}: a short body`);
    t.ok(reply.closed, `${c.name}: closed by the server`);
  }
  // Node answers this one itself (requireHostHeader), with an empty chunked body.
  const noHost = await rawExchange(port, requestBytes(['GET /api/health HTTP/1.1']));
  t.equal(noHost.status, 400, 'HTTP/1.1 without Host (RFC 9112 §3.2)');
  t.equal(noHost.headers['connection'], 'close');
  const http10 = await rawExchange(port, requestBytes(['GET /api/health HTTP/1.0']));
  t.equal(http10.status, 200, 'HTTP/1.0 without Host is served');
});
