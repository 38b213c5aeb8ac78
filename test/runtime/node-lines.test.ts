/**
 * What Gatehouse relies on from the Node.js runtime where the release lines (20, 22, 24) differ or
 * could: CI runs the suite on each line (.ci/node-line), so each assertion here holds on all of them.
 */
import t, { type Test } from 'tap';
import { createHash, hash } from 'node:crypto';
import { maxHeaderSize, validateHeaderValue } from 'node:http';
import { connect, type Socket } from 'node:net';
import { createRequire } from 'node:module';
import { connectionsCheckingIntervalMs, createHttpServer, type HttpServer } from '../../src/http/server.js';
import { Router } from '../../src/http/router.js';
import { compileTrustedProxies } from '../../src/http/forwarded.js';
import { empty } from '../../src/http/response.js';
import { headerText } from '../../src/http/headers.js';
import { parseTargetUrl } from '../../src/authz/target-url.js';
import { memoryLogger } from '../../src/observability/log.js';
import { createMetrics } from '../../src/observability/metrics.js';

const require = createRequire(import.meta.url);
t.comment(`Node ${process.version} (ABI ${process.versions.modules}, OpenSSL ${process.versions.openssl})`);

t.test('native modules load and work on this line', async (t) => {
  const Database = require('better-sqlite3') as typeof import('better-sqlite3');
  const db = new Database(':memory:');
  t.teardown(() => db.close());
  t.match((db.prepare('select sqlite_version() as v').get() as { v: string }).v, /^3\.\d+\.\d+$/, 'better-sqlite3 answers');
  const bcrypt = require('bcrypt') as typeof import('bcrypt');
  const digest = bcrypt.hashSync('secret', 4);
  t.ok(bcrypt.compareSync('secret', digest) && !bcrypt.compareSync('Secret', digest), 'bcrypt hashes and compares');
  const argon2 = require('@node-rs/argon2') as typeof import('@node-rs/argon2');
  const encoded = await argon2.hash('secret', { memoryCost: 1024, timeCost: 1 });
  t.ok((await argon2.verify(encoded, 'secret')) && !(await argon2.verify(encoded, 'Secret')), 'argon2 hashes and verifies');
});

t.test('crypto.hash (the one-shot digest src uses for cache keys and channel names) exists and agrees with createHash', async (t) => {
  t.type(hash, 'function');
  for (const input of ['', 'token', 'Łukasz'.repeat(50)]) {
    t.equal(hash('sha256', input, 'base64url'), createHash('sha256').update(input, 'utf8').digest('base64url'), `base64url of ${input.length} chars`);
    t.equal(hash('sha256', input, 'hex'), createHash('sha256').update(input, 'utf8').digest('hex'), `hex of ${input.length} chars`);
  }
});

t.test('header values: which Node refuses, and with which code; headerText output always passes', async (t) => {
  const code = (value: unknown): string | undefined => {
    try {
      validateHeaderValue('x-test', value as string);
      return undefined;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code;
    }
  };
  t.equal(code('a\r\nInjected: 1'), 'ERR_INVALID_CHAR', 'CR LF');
  t.equal(code('a\u0000b'), 'ERR_INVALID_CHAR', 'NUL');
  t.equal(code('a\u007fb'), 'ERR_INVALID_CHAR', 'DEL');
  t.equal(code('Łukasz'), 'ERR_INVALID_CHAR', 'a character above U+00FF');
  t.equal(code(undefined), 'ERR_HTTP_INVALID_HEADER_VALUE', 'undefined');
  t.equal(code('a\tb'), undefined, 'HTAB is allowed');
  t.equal(code('caf\u00e9'), undefined, 'latin1 is allowed (written as its octets)');
  for (const text of ['Łukasz', 'a\r\nInjected: 1', 'x\u0000\u007f', '山田 太郎', 'plain']) {
    t.equal(code(headerText(text)), undefined, `headerText(${JSON.stringify(text)}) is a valid value`);
  }
});

t.test('forward-auth targets: WHATWG URL reads these as a different resource; Gatehouse refuses each', async (t) => {
  const cases: Array<[string, string, string]> = [
    ['https://app.example.com\\admin', 'https://app.example.com/admin', 'a backslash becomes /'],
    ['https://public.example.com:x@app.example.com/', 'https://public.example.com:x@app.example.com/', 'user info: the host is what follows @'],
    ['https://app.example.com/public/%2e%2e/admin', 'https://app.example.com/admin', 'an encoded dot segment is resolved'],
    ['https://app.example.com/public/%2E./admin', 'https://app.example.com/admin', 'a half-encoded dot segment is resolved'],
    ['https://app.example.com/a%2fb/../c', 'https://app.example.com/c', '.. removes the segment with %2f in it'],
    ['https://0x7f.1/', 'https://127.0.0.1/', 'a hexadecimal IPv4 short form'],
  ];
  for (const [raw, whatwg, what] of cases) {
    t.equal(new URL(raw).href, whatwg, `URL: ${what}`);
    t.equal(parseTargetUrl(raw), null, `refused: ${raw}`);
  }
  t.equal(new URL('https://app.example.com/a/..;/b').pathname, '/a/..;/b', 'URL leaves ..; alone (Tomcat does not)');
  t.equal(parseTargetUrl('https://app.example.com/a/..;/b'), null, 'refused: ..;');
  t.equal(parseTargetUrl('https://App.Example.com:443/items?page=2')?.href, 'https://app.example.com/items?page=2', 'a plain target is taken, normalized');
});

async function startServer(t: Test, timeouts: { readSeconds: number; writeSeconds: number; idleSeconds: number }) {
  const router = new Router([
    { name: 'ok', path: '/ok', errorStyle: 'api', methods: { GET: () => empty(204) } },
    { name: 'name', path: '/name', errorStyle: 'api', securityHeaders: false, methods: { GET: () => empty(204, { 'Remote-Name': headerText('Łukasz Żółć') }) } },
  ]);
  const server: HttpServer = createHttpServer({
    router,
    logger: memoryLogger('warn'),
    metrics: createMetrics({ collectProcessMetrics: false }),
    trustedProxies: compileTrustedProxies([]),
    maxBodyBytes: 1024,
    clientDebugMessages: false,
    timeouts,
  });
  const { port } = await server.listen('127.0.0.1', 0);
  t.teardown(() => server.close(100));
  return { server, port };
}

/** Sends `request` on a new connection; resolves with everything received and when the server closed it. */
function exchange(port: number, request: string): Promise<{ data: Buffer; closedAfterMs: number; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let firstByteAt = 0;
    socket.on('data', (c: Buffer) => {
      if (firstByteAt === 0) firstByteAt = performance.now();
      chunks.push(c);
    });
    socket.on('error', reject);
    socket.on('close', () => resolve({ data: Buffer.concat(chunks), closedAfterMs: performance.now() - firstByteAt, socket }));
    socket.write(request);
  });
}

t.test('server timeouts as createHttpServer sets them, and the defaults it leaves to Node', async (t) => {
  const { server } = await startServer(t, { readSeconds: 7, writeSeconds: 9, idleSeconds: 3 });
  const s = server.server;
  t.equal(s.requestTimeout, 7000, 'requestTimeout: timeouts.read');
  t.equal(s.headersTimeout, 7000, 'headersTimeout: timeouts.read');
  t.equal(s.keepAliveTimeout, 3000, 'keepAliveTimeout: timeouts.idle');
  // Node enforces requestTimeout and headersTimeout only when it sweeps its connections (every 30 s
  // by default): the server asks for a sweep every eighth of timeouts.read, and Node must take it.
  t.equal((s as { connectionsCheckingInterval?: number }).connectionsCheckingInterval, connectionsCheckingIntervalMs(7000), 'connectionsCheckingInterval: as asked');
  t.equal(connectionsCheckingIntervalMs(7000), 875, 'an eighth of timeouts.read');
  t.equal(s.timeout, 0, 'no per-socket inactivity timeout');
  t.equal(s.maxRequestsPerSocket, 0, 'no limit on requests per keep-alive connection');
  const buffer = (s as { keepAliveTimeoutBuffer?: number }).keepAliveTimeoutBuffer;
  t.ok(buffer === undefined || buffer === 1000, `keepAliveTimeoutBuffer: not settable on 20 (fixed at 1 s), 1 s on 22 and 24 (${buffer})`);
});

// Node closes an idle keep-alive connection 1 s after keepAliveTimeout, so that the client, told
// `Keep-Alive: timeout=N`, gives up on it first: fixed on 20, `server.keepAliveTimeoutBuffer` on 22 and 24.
t.test('an idle keep-alive connection is closed 1 s after timeouts.idle, the client having been told timeouts.idle', async (t) => {
  const { port } = await startServer(t, { readSeconds: 5, writeSeconds: 5, idleSeconds: 1 });
  const { data, closedAfterMs } = await exchange(port, 'GET /ok HTTP/1.1\r\nHost: gatehouse\r\n\r\n');
  t.match(data.toString('latin1'), /^HTTP\/1\.1 204 .*\r\n(.*\r\n)*Connection: keep-alive\r\n/, 'answered, connection kept open');
  t.match(data.toString('latin1'), /\r\nKeep-Alive: timeout=1\r\n/, 'the client is told timeouts.idle');
  t.ok(closedAfterMs >= 1950, `not closed before timeouts.idle + 1 s (${closedAfterMs.toFixed(0)} ms)`);
  t.ok(closedAfterMs < 4500, `closed then, give or take scheduling on a busy machine (${closedAfterMs.toFixed(0)} ms)`);
});

t.test('header size limit: 16 KiB of headers pass, more is refused as HPE_HEADER_OVERFLOW and the connection closed', async (t) => {
  t.equal(maxHeaderSize, 16 * 1024, 'http.maxHeaderSize');
  const { server, port } = await startServer(t, { readSeconds: 5, writeSeconds: 5, idleSeconds: 1 });
  const codes: Array<string | undefined> = [];
  server.server.on('clientError', (err: NodeJS.ErrnoException) => codes.push(err.code));
  const cookie = (bytes: number): string => `Cookie: s=${'a'.repeat(bytes)}\r\n`;
  const small = await exchange(port, `GET /ok HTTP/1.1\r\nHost: gatehouse\r\nConnection: close\r\n${cookie(15 * 1024)}\r\n`);
  t.match(small.data.toString('latin1'), /^HTTP\/1\.1 204 /, '15 KiB cookie: answered');
  const big = await exchange(port, `GET /ok HTTP/1.1\r\nHost: gatehouse\r\n${cookie(17 * 1024)}\r\n`);
  t.match(big.data.toString('latin1'), /^HTTP\/1\.1 4(00|31) [^\r]*\r\nConnection: close\r\n/, '17 KiB cookie: refused by the clientError handler, connection closed');
  t.same(codes, ['HPE_HEADER_OVERFLOW'], 'the error Node reports');
});

t.test('a header value built by headerText reaches the wire as UTF-8 octets', async (t) => {
  const { port } = await startServer(t, { readSeconds: 5, writeSeconds: 5, idleSeconds: 1 });
  const { data } = await exchange(port, 'GET /name HTTP/1.1\r\nHost: gatehouse\r\nConnection: close\r\n\r\n');
  const line = data.toString('utf8').split('\r\n').find((l) => l.startsWith('Remote-Name:'));
  t.equal(line, 'Remote-Name: Łukasz Żółć');
});
