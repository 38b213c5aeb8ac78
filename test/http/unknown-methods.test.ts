/**
 * Methods no route answers: CONNECT (Node hands it to 'connect', and closes the connection without
 * a word when nobody listens), methods Node's parser refuses ('clientError' HPE_INVALID_METHOD), and
 * methods Node parses but the route lacks (the router's 405 with Allow). Raw sockets against the
 * real server; the parser's other refusals and the read timeout keep Node's statuses.
 */
import t from 'tap';
import { connect, type Socket } from 'node:net';
import { startTestServer } from '../helpers/server.js';
import { createHttpServer } from '../../src/http/server.js';
import { Router } from '../../src/http/router.js';
import { compileTrustedProxies } from '../../src/http/forwarded.js';
import { empty } from '../../src/http/response.js';
import { clientErrorAnswer, rawAnswerText } from '../../src/http/raw-answer.js';
import { memoryLogger } from '../../src/observability/log.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { rawExchange, requestBytes } from './raw-exchange.js';

const portOf = (url: string): number => Number(new URL(url).port);

t.test('CONNECT → 501 Not Implemented (RFC 9110 §9.3.6, §15.6.2), then the connection closes', async (t) => {
  const server = await startTestServer(t);
  const port = portOf(server.url);
  for (const target of ['example.com:443', '127.0.0.1:22', '/api/health']) {
    const reply = await rawExchange(port, requestBytes([`CONNECT ${target} HTTP/1.1`, `Host: ${target}`], 'tunnelled bytes'));
    t.equal(reply.status, 501, target);
    t.equal(reply.headers['connection'], 'close');
    t.equal(reply.headers['content-type'], 'text/plain; charset=utf-8');
    t.equal(reply.body, '501 Not Implemented\n');
    t.equal(reply.headers['content-length'], String(reply.body.length));
    t.ok(reply.closed, 'closed by the server');
  }
  t.ok(server.logger.records().some((r) => r['msg'] === 'request refused' && r['method'] === 'CONNECT'), 'logged');
});

t.test('methods the parser does not know → 501; a line that is no request line → 400; the connection closes', async (t) => {
  const server = await startTestServer(t);
  const port = portOf(server.url);
  const cases = [
    { name: 'an unknown method', bytes: requestBytes(['FOO / HTTP/1.1', 'Host: a']), status: 501 },
    { name: 'an unknown method on a route', bytes: requestBytes(['BREW /api/health HTTP/1.1', 'Host: a']), status: 501 },
    { name: 'a lower-case method (methods are case-sensitive, RFC 9110 §9.1)', bytes: requestBytes(['get /api/health HTTP/1.1', 'Host: a']), status: 501 },
    { name: 'HTTP/1.0', bytes: requestBytes(['FOO / HTTP/1.0']), status: 501 },
    { name: 'a word, no request line', bytes: 'hello\r\n\r\n', status: 400 },
    { name: 'a method without a version', bytes: 'FOO /\r\n\r\n', status: 400 },
    { name: 'TLS spoken to the plain-HTTP port', bytes: Buffer.from('16030100a5010000a10303', 'hex'), status: 400 },
  ];
  for (const c of cases) {
    const reply = await rawExchange(port, c.bytes);
    t.equal(reply.status, c.status, c.name);
    t.equal(reply.headers['connection'], 'close', `${c.name}: Connection: close`);
    t.equal(reply.body, c.status === 501 ? '501 Not Implemented\n' : '400 Bad Request\n', `${c.name}: a short body`);
    t.ok(reply.closed, `${c.name}: closed by the server`);
  }
});

t.test('methods Node parses but no route has → 405 with Allow (the router); unknown paths stay 404', async (t) => {
  const server = await startTestServer(t);
  const port = portOf(server.url);
  for (const method of ['PROPFIND', 'TRACE', 'PUT', 'DELETE', 'PATCH', 'MKCOL', 'PURGE']) {
    const reply = await rawExchange(port, requestBytes([`${method} /api/health HTTP/1.1`, 'Host: a', 'Content-Length: 0', 'Connection: close']));
    t.equal(reply.status, 405, method);
    t.equal(reply.headers['allow'], 'GET, HEAD', `${method}: Allow (RFC 9110 §15.5.6)`);
    t.same(JSON.parse(reply.body), { status: 'KO', message: 'Method Not Allowed' });
  }
  const missing = await rawExchange(port, requestBytes(['PROPFIND /no/such/path HTTP/1.1', 'Host: a', 'Connection: close']));
  t.equal(missing.status, 404);
});

t.test("after an answered request on the same connection, a refused method still gets its answer", async (t) => {
  const server = await startTestServer(t);
  const port = portOf(server.url);
  const socket = connect(port, '127.0.0.1');
  t.teardown(() => socket.destroy());
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.write(requestBytes(['GET /api/health HTTP/1.1', 'Host: a']));
  await new Promise<void>((resolve) => { const poll = (): void => { if (received.includes('\r\n\r\n')) resolve(); else setTimeout(poll, 5); }; poll(); });
  await new Promise((r) => setTimeout(r, 50)); // the first answer has finished
  socket.write(requestBytes(['FOO / HTTP/1.1', 'Host: a']));
  await closed;
  t.match(received, /^HTTP\/1\.1 200 /);
  t.match(received, /HTTP\/1\.1 501 Not Implemented\r\n[^]*501 Not Implemented\n$/);
});

t.test('clientErrorAnswer: Node statuses kept for the timeout and the size limits', async (t) => {
  const error = (code: string | undefined, packet?: string, bytesParsed?: number): Error => Object.assign(new Error('x'), { code, rawPacket: packet === undefined ? undefined : Buffer.from(packet, 'latin1'), bytesParsed });
  const cases: Array<{ name: string; err: Error; status: number }> = [
    { name: 'read timeout', err: error('ERR_HTTP_REQUEST_TIMEOUT'), status: 408 },
    { name: 'headers too large', err: error('HPE_HEADER_OVERFLOW'), status: 431 },
    { name: 'chunk extensions too large', err: error('HPE_CHUNK_EXTENSIONS_OVERFLOW'), status: 413 },
    { name: 'repeated Content-Length', err: error('HPE_UNEXPECTED_CONTENT_LENGTH'), status: 400 },
    { name: 'no code', err: error(undefined), status: 400 },
    { name: 'unknown method', err: error('HPE_INVALID_METHOD', 'FOO / HTTP/1.1\r\nHost: a\r\n\r\n', 1), status: 501 },
    { name: 'unknown method, no packet', err: error('HPE_INVALID_METHOD'), status: 400 },
    { name: 'unknown method, the line cut short', err: error('HPE_INVALID_METHOD', 'FOO / HT', 1), status: 400 },
    { name: 'pipelined: the failing request is the second', err: error('HPE_INVALID_METHOD', 'GET / HTTP/1.1\r\nHost: a\r\n\r\nFOO / HTTP/1.1\r\n\r\n', 28), status: 501 },
    { name: 'pipelined: garbage after a good request', err: error('HPE_INVALID_METHOD', 'GET / HTTP/1.1\r\nHost: a\r\n\r\nhello\r\n\r\n', 28), status: 400 },
  ];
  for (const c of cases) t.equal(clientErrorAnswer(c.err).status, c.status, c.name);
  t.equal(
    rawAnswerText({ status: 408, reason: 'Request Timeout' }),
    'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nContent-Length: 20\r\n\r\n408 Request Timeout\n',
  );
});

t.test('a read timeout answers 408 and closes; headers past the limit answer 431', async (t) => {
  const logger = memoryLogger('debug');
  const http = createHttpServer({
    router: new Router([{ name: 'ok', path: '/', errorStyle: 'api', methods: { GET: () => empty(204) } }]),
    logger,
    metrics: createMetrics({ collectProcessMetrics: false }),
    trustedProxies: compileTrustedProxies([]),
    maxBodyBytes: 1024,
    clientDebugMessages: true,
    timeouts: { readSeconds: 5, writeSeconds: 5, idleSeconds: 5 },
  });
  const { port } = await http.listen('127.0.0.1', 0);
  t.teardown(() => http.close(100));

  // Node checks request timeouts every 30 s: the test raises the error Node raises (lib/_http_server.js onRequestTimeout).
  const accepted = new Promise<Socket>((resolve) => http.server.once('connection', resolve));
  const client = connect(port, '127.0.0.1');
  t.teardown(() => client.destroy());
  let received = '';
  client.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  const closed = new Promise<void>((resolve) => client.on('close', () => resolve()));
  client.write('GET / HTTP/1.1\r\nHost: a\r\n'); // the head never ends
  const socket = await accepted;
  await new Promise((r) => setTimeout(r, 20));
  http.server.emit('clientError', Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), socket);
  await closed;
  t.match(received, /^HTTP\/1\.1 408 Request Timeout\r\n/);
  t.match(received, /\r\nConnection: close\r\n/);

  const big = await rawExchange(port, requestBytes(['GET / HTTP/1.1', 'Host: a', `X-Big: ${'a'.repeat(20_000)}`]));
  t.equal(big.status, 431);
  t.ok(big.closed);
});
