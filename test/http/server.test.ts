import t, { type Test } from 'tap';
import { request } from 'node:http';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import { Router } from '../../src/http/router.js';
import { compileTrustedProxies } from '../../src/http/forwarded.js';
import { json, empty } from '../../src/http/response.js';
import { OAuthError } from '../../src/oauth/errors.js';
import { memoryLogger } from '../../src/observability/log.js';
import { createMetrics } from '../../src/observability/metrics.js';

/** A frozen header set, as the verify endpoint answers with (one per identity, shared by every request). */
const SHARED_HEADERS = Object.freeze({ 'Remote-User': 'john', 'Remote-Groups': 'admins,dev' });

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

function send(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

async function start(t: Test, opts: { trusted?: string[]; debug?: boolean } = {}) {
  const logger = memoryLogger('debug');
  const metrics = createMetrics({ collectProcessMetrics: false });
  let release: () => void = () => {};
  const slowGate = new Promise<void>((r) => { release = r; });
  const router = new Router([
    { name: 'echo_form', path: '/form', errorStyle: 'oauth', methods: { POST: async (req) => json(200, Object.fromEntries(await req.form())) } },
    { name: 'echo_json', path: '/json', errorStyle: 'api', methods: { POST: async (req) => json(200, await req.json()) } },
    { name: 'who', path: '/who', errorStyle: 'api', methods: { GET: (req) => json(200, { ip: req.clientIp, trusted: req.fromTrustedProxy }) } },
    { name: 'oauth_fail', path: '/oauth-fail', errorStyle: 'oauth', methods: { GET: () => { throw new OAuthError('invalid_grant', 'the code was already used'); } } },
    { name: 'shed', path: '/shed', errorStyle: 'oauth', methods: { GET: () => { throw new OAuthError('temporarily_unavailable', 'too many secrets are being checked', { status: 503, headers: { 'Retry-After': '1' } }); } } },
    { name: 'boom', path: '/boom', errorStyle: 'oauth', methods: { GET: () => { throw new Error('database password is hunter2'); } } },
    { name: 'slow', path: '/slow', errorStyle: 'api', methods: { GET: async () => { await slowGate; return empty(204); } } },
    { name: 'slow_fail', path: '/slow-fail', errorStyle: 'api', methods: { GET: async () => { await slowGate; throw new Error('the database is closed'); } } },
    { name: 'bad_header', path: '/bad-header', errorStyle: 'api', methods: { GET: () => empty(200, { 'X-Name': 'Łukasz' }), POST: () => Promise.resolve(empty(200, { 'X-Name': 'Łukasz' })) } },
    { name: 'prefixed', path: '/pre', prefix: true, errorStyle: 'api', methods: { '*': (req) => json(200, { path: req.path }) } },
    { name: 'shared_answer', path: '/shared', errorStyle: 'api', securityHeaders: false, methods: { GET: () => ({ status: 200, headers: SHARED_HEADERS }) } },
  ]);
  const server: HttpServer = createHttpServer({
    router,
    logger,
    metrics,
    trustedProxies: compileTrustedProxies(opts.trusted ?? []),
    maxBodyBytes: 1024,
    clientDebugMessages: opts.debug ?? true,
    timeouts: { readSeconds: 5, writeSeconds: 5, idleSeconds: 5 },
  });
  const address = await server.listen('127.0.0.1', 0);
  t.teardown(() => server.close(100));
  return { port: address.port, logger, metrics, server, release };
}

t.test('routing: 404 for unknown paths, 405 with Allow for wrong methods, HEAD falls back to GET', async (t) => {
  const { port } = await start(t);
  const missing = await send(port, 'GET', '/nope');
  t.equal(missing.status, 404);
  t.same(JSON.parse(missing.body), { status: 'KO', message: 'Not Found' });
  const wrong = await send(port, 'DELETE', '/who');
  t.equal(wrong.status, 405);
  t.equal(wrong.headers.allow, 'GET, HEAD');
  const head = await send(port, 'HEAD', '/who');
  t.equal(head.status, 200);
  t.equal(head.body, '');
  const prefixed = await send(port, 'PATCH', '/pre/a/b?x=1');
  t.same(JSON.parse(prefixed.body), { path: '/pre/a/b' });
});

t.test('bodies: 413 past the limit (declared or streamed), 415 for the wrong media type, 400 for bad JSON', async (t) => {
  const { port } = await start(t);
  const big = 'a='.concat('x'.repeat(2000));
  const declared = await send(port, 'POST', '/form', { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(big.length) }, big);
  t.equal(declared.status, 413);
  t.equal((JSON.parse(declared.body) as { error?: unknown }).error, 'invalid_request', 'RFC 6749 error object on an OAuth route');
  const streamed = await send(port, 'POST', '/form', { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' }, big);
  t.equal(streamed.status, 413);
  const wrongType = await send(port, 'POST', '/form', { 'content-type': 'application/json' }, '{"a":1}');
  t.equal(wrongType.status, 415);
  t.match(JSON.parse(wrongType.body), { error: 'invalid_request', error_description: 'Unsupported Media Type: expected application/x-www-form-urlencoded' });
  const badJson = await send(port, 'POST', '/json', { 'content-type': 'application/json' }, '{nope');
  t.equal(badJson.status, 400);
  t.same(JSON.parse(badJson.body), { status: 'KO', message: 'The request body is not valid JSON' });
  const ok = await send(port, 'POST', '/form', { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' }, 'a=1&b=two');
  t.same(JSON.parse(ok.body), { a: '1', b: 'two' });
});

t.test('errors: RFC 6749 §5.2 objects for OAuthError; a 500 never carries the internal message', async (t) => {
  const { port, logger } = await start(t);
  const oauth = await send(port, 'GET', '/oauth-fail');
  t.equal(oauth.status, 400);
  t.equal(oauth.headers['cache-control'], 'no-store');
  t.same(JSON.parse(oauth.body), { error: 'invalid_grant', error_description: 'the code was already used' });
  const boom = await send(port, 'GET', '/boom');
  t.equal(boom.status, 500);
  t.same(JSON.parse(boom.body), { error: 'server_error', error_description: 'Internal Server Error' });
  t.notMatch(boom.body, /hunter2|at .*\.ts/, 'no internal message or stack trace to the client');
  t.ok(logger.lines.some((l) => l.includes('request failed')), 'the failure is logged');
});

t.test('a 503 the code chose (load shedding) is logged at warn without a stack, 10 lines a minute; other 5xx at error with one', async (t) => {
  const { port, logger } = await start(t);
  for (let i = 0; i < 15; i += 1) t.equal((await send(port, 'GET', '/shed')).status, 503);
  const shed = logger.records().filter((r) => r['msg'] === 'request refused: temporarily unavailable');
  t.equal(shed.length, 10, 'throttled: a flood does not write a line per request');
  t.ok(shed.every((r) => r['level'] === 'warn' && r['stack'] === undefined), 'at warn, no stack');
  t.equal(logger.records().filter((r) => r['msg'] === 'request failed').length, 0, 'not logged as a failure');
  await send(port, 'GET', '/boom');
  const failed = logger.records().filter((r) => r['msg'] === 'request failed');
  t.equal(failed.length, 1);
  t.equal(failed[0]?.['level'], 'error');
  t.ok(failed[0]?.['stack'], 'a real failure keeps its stack in the log');
});

t.test('enable_client_debug_messages=false: error_description is still sent (RFC 6749 §5.2)', async (t) => {
  const { port } = await start(t, { debug: false });
  const oauth = await send(port, 'GET', '/oauth-fail');
  t.same(JSON.parse(oauth.body), { error: 'invalid_grant', error_description: 'the code was already used' });
});

t.test('a shared frozen header set is written as it is, with Content-Length: 0', async (t) => {
  const { port } = await start(t);
  for (const method of ['GET', 'HEAD', 'GET']) {
    const reply = await send(port, method, '/shared');
    t.equal(reply.status, 200, method);
    t.equal(reply.headers['remote-user'], 'john');
    t.equal(reply.headers['remote-groups'], 'admins,dev');
    t.equal(reply.headers['content-length'], '0', 'an empty body, so nginx can reuse the connection');
    t.equal(reply.headers['x-frame-options'], undefined, 'a route without browser security headers');
    t.equal(reply.body, '');
  }
});

t.test('security headers on every answer', async (t) => {
  const { port } = await start(t);
  const r = await send(port, 'GET', '/who');
  t.equal(r.headers['x-content-type-options'], 'nosniff');
  t.equal(r.headers['x-frame-options'], 'DENY');
  t.equal(r.headers['referrer-policy'], 'no-referrer');
  t.equal(r.headers['cache-control'], 'no-store');
});

t.test('X-Forwarded-For is believed only from trusted proxies', async (t) => {
  const untrusted = await start(t, { trusted: [] });
  const r1 = await send(untrusted.port, 'GET', '/who', { 'x-forwarded-for': '203.0.113.9' });
  t.same(JSON.parse(r1.body), { ip: '127.0.0.1', trusted: false });
  const trusted = await start(t, { trusted: ['127.0.0.0/8'] });
  const r2 = await send(trusted.port, 'GET', '/who', { 'x-forwarded-for': '198.51.100.1, 203.0.113.9, 127.0.0.5' });
  t.same(JSON.parse(r2.body), { ip: '203.0.113.9', trusted: true }, 'right-most untrusted hop');
});

t.test('access logs: method, path, status, duration, client ip; never the query string or a credential', async (t) => {
  const { port, logger, metrics } = await start(t);
  await send(port, 'GET', '/who?code=SECRETCODE&access_token=SECRETTOKEN', { authorization: 'Bearer SECRETBEARER', cookie: 'authelia_session=SECRETCOOKIE' });
  await send(port, 'POST', '/form', { 'content-type': 'application/x-www-form-urlencoded' }, 'client_secret=SECRETPOST&password=SECRETPW');
  const all = logger.lines.join('\n');
  t.notMatch(all, /SECRET/);
  const rec = logger.records().find((r) => r['path'] === '/who');
  t.match(rec, { level: 'info', msg: 'request', method: 'GET', path: '/who', status: 200, client_ip: '127.0.0.1', route: 'who' });
  t.type(rec?.['duration_ms'], 'number');
  const text = await metrics.registry.metrics();
  t.match(text, /gatehouse_http_requests_total\{route="who",method="GET",status="200"\} 1/);
  t.match(text, /gatehouse_http_request_duration_seconds_bucket\{le="[^"]+",route="who"\}/);
});

t.test('a header Node refuses to write (above U+00FF) costs that answer a 500, never the process', async (t) => {
  const { port, logger } = await start(t);
  for (const method of ['GET', 'POST']) {
    const r = await send(port, method, '/bad-header');
    t.equal(r.status, 500, `${method}: answered synchronously and asynchronously alike`);
  }
  t.equal((await send(port, 'GET', '/who')).status, 200, 'the server still answers');
  t.match(logger.records(), [{ level: 'error', msg: 'answer could not be written' }]);
});

t.test('shutdown past the grace period: connections cut, running handlers awaited, their failures logged as cut short', async (t) => {
  const { port, server, release, logger } = await start(t);
  const cut = send(port, 'GET', '/slow-fail').catch((err: Error) => err);
  await new Promise((r) => setTimeout(r, 50));
  let closedAt = 0;
  const closed = server.close(50).then(() => { closedAt = Date.now(); });
  t.type(await cut, Error, 'the client lost its connection when the grace period ended');
  await new Promise((r) => setTimeout(r, 100));
  t.equal(closedAt, 0, 'close() waits for the handler still running');
  const releasedAt = Date.now();
  release();
  await closed;
  t.ok(closedAt >= releasedAt, 'and resolves once it has ended');
  const records = logger.records();
  t.ok(records.some((r) => r.level === 'warn' && r.msg === 'request cut short by shutdown'), 'logged as cut short');
  t.notOk(records.some((r) => r.level === 'error'), 'not as a failure');
  const access = records.find((r) => r.msg === 'request' && r.path === '/slow-fail');
  t.equal(access?.client_ip, '127.0.0.1', 'the client address, asked only after its connection was cut, is still known');
});

t.test('shutdown with a handler running for a client already gone: awaited, its failure logged as cut short', async (t) => {
  const { port, server, release, logger } = await start(t);
  const gone = request({ host: '127.0.0.1', port, method: 'GET', path: '/slow-fail' });
  gone.on('error', () => undefined);
  gone.end();
  await new Promise((r) => setTimeout(r, 50));
  gone.destroy();
  await new Promise((r) => setTimeout(r, 50));
  let closed = false;
  const closing = server.close(5000).then(() => { closed = true; });
  await new Promise((r) => setTimeout(r, 50));
  t.equal(closed, false, 'no connection is left, but close() waits for the handler');
  release();
  await closing;
  const records = logger.records();
  t.ok(records.some((r) => r.level === 'warn' && r.msg === 'request cut short by shutdown'), 'logged as cut short');
  t.notOk(records.some((r) => r.level === 'error'), 'not as a failure');
});

t.test('graceful shutdown: stops accepting, finishes the request in flight', async (t) => {
  const { port, server, release } = await start(t);
  const pending = send(port, 'GET', '/slow');
  await new Promise((r) => setTimeout(r, 50));
  t.equal(server.inFlight(), 1);
  const closed = server.close(5000);
  await new Promise((r) => setTimeout(r, 50));
  await t.rejects(send(port, 'GET', '/who'), 'new connections are refused while closing');
  release();
  const answer = await pending;
  t.equal(answer.status, 204, 'the in-flight request completed');
  await closed;
});
