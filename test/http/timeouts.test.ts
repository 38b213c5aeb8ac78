/**
 * `server.timeouts` against slow clients over raw sockets: a request that is not fully received
 * within `timeouts.read` is answered 408 and closed, close to `timeouts.read` and not 30 s later
 * (Node sweeps for expired requests every `connectionsCheckingInterval`); an idle keep-alive
 * connection is closed after `timeouts.idle`. Short timeouts keep the file fast: the slow clients
 * of one table run at once against one server.
 */
import t, { type Test } from 'tap';
import { connect } from 'node:net';
import { connectionsCheckingIntervalMs, createHttpServer, type HttpServer } from '../../src/http/server.js';
import { Router } from '../../src/http/router.js';
import { compileTrustedProxies } from '../../src/http/forwarded.js';
import { empty, json } from '../../src/http/response.js';
import { memoryLogger } from '../../src/observability/log.js';
import { createMetrics } from '../../src/observability/metrics.js';

const READ_SECONDS = 2;
/**
 * Longer than timeouts.read + Node's 1 s keep-alive buffer for the slow clients: Node stops a
 * keep-alive connection's idle timer only once the next request's headers are complete, so a
 * second request stalled mid-headers is otherwise cut by whichever of the two fires first.
 */
const SLOW_CLIENT_IDLE_SECONDS = 5;
const IDLE_SECONDS = 1;
/** The bound the issue sets: a stalled request is closed within `timeouts.read` + 1.5 s. */
const SLACK_MS = 1500;
/** Timer and scheduling jitter allowed on the early side. */
const EARLY_MS = 50;

async function startServer(t: Test, idleSeconds: number): Promise<HttpServer> {
  const router = new Router([
    { name: 'ok', path: '/ok', errorStyle: 'api', methods: { GET: () => empty(204) } },
    { name: 'echo', path: '/echo', errorStyle: 'api', methods: { POST: async (req) => json(200, { bytes: (await req.body()).length }) } },
  ]);
  const server = createHttpServer({
    router,
    logger: memoryLogger('warn'),
    metrics: createMetrics({ collectProcessMetrics: false }),
    trustedProxies: compileTrustedProxies([]),
    maxBodyBytes: 4096,
    clientDebugMessages: false,
    timeouts: { readSeconds: READ_SECONDS, writeSeconds: READ_SECONDS, idleSeconds },
  });
  await server.listen('127.0.0.1', 0);
  t.teardown(() => server.close(100));
  return server;
}

interface SlowExchange {
  /** Everything the server sent, as latin1. */
  text: string;
  /** From the start of the timed request (see `SlowClient.timedFrom`) to the server's close. */
  closedAfterMs: number;
}

interface SlowClient {
  /** Bytes written at once on connecting. */
  first: string;
  /** Then, until the server closes: `bytes` every `everyMs`. */
  trickle?: { bytes: string; everyMs: number };
  /** Where the timed request starts: at the connection, or once a first answer has arrived (keep-alive). */
  timedFrom: 'connect' | 'first answer';
  /** Written once the first answer has arrived (keep-alive clients). */
  afterFirstAnswer?: string;
}

/** Runs one slow client to the server's close; `giveUpMs` guards against a server that never closes. */
function runSlowClient(port: number, client: SlowClient, giveUpMs: number): Promise<SlowExchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let startedAt = 0;
    let trickle: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open for ${giveUpMs} ms`));
    }, giveUpMs);
    socket.on('connect', () => {
      if (client.timedFrom === 'connect') startedAt = performance.now();
      socket.write(client.first);
      if (client.trickle) {
        const { bytes, everyMs } = client.trickle;
        trickle = setInterval(() => socket.writable && socket.write(bytes), everyMs);
      }
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (client.timedFrom === 'first answer' && startedAt === 0 && Buffer.concat(chunks).includes('\r\n\r\n')) {
        startedAt = performance.now();
        if (client.afterFirstAnswer !== undefined) socket.write(client.afterFirstAnswer);
      }
    });
    // The server's close may reach a writing client as a reset.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(giveUp);
      clearInterval(trickle);
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closedAfterMs: performance.now() - startedAt });
    });
  });
}

/** The status of the last answer in `text` (a keep-alive client sees two); 0 when there is none. */
function lastStatus(text: string): number {
  const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
  return statuses.at(-1) ?? 0;
}

t.test('connectionsCheckingInterval: an eighth of timeouts.read, within [250 ms, 30 s]', async (t) => {
  const cases: Array<[number, number]> = [
    [500, 250],
    [2000, 250],
    [6000, 750],
    [60_000, 7500],
    [240_000, 30_000],
    [3_600_000, 30_000],
  ];
  for (const [readMs, expected] of cases) t.equal(connectionsCheckingIntervalMs(readMs), expected, `read ${readMs} ms`);
});

t.test('the server is built with the derived interval', async (t) => {
  const server = await startServer(t, IDLE_SECONDS);
  const s = server.server as typeof server.server & { connectionsCheckingInterval?: number };
  t.equal(s.connectionsCheckingInterval, 250, 'timeouts.read 2 s: swept every 250 ms');
  t.equal(s.requestTimeout, READ_SECONDS * 1000);
  t.equal(s.headersTimeout, READ_SECONDS * 1000);
});

t.test(`a request not fully received within timeouts.read (${READ_SECONDS} s) is answered 408 and closed within ${SLACK_MS} ms after it`, async (t) => {
  const server = await startServer(t, SLOW_CLIENT_IDLE_SECONDS);
  const { port } = server.server.address() as { port: number };
  const readMs = READ_SECONDS * 1000;
  const cases: Array<[string, SlowClient]> = [
    ['a connection on which nothing is sent', { first: '', timedFrom: 'connect' }],
    ['half the headers, then a stall', { first: 'GET /ok HTTP/1.1\r\nHost: gatehouse\r\nAcc', timedFrom: 'connect' }],
    ['headers a byte at a time (every byte resets no timer)', { first: 'GET /ok HTTP/1.1\r\n', trickle: { bytes: 'X', everyMs: 100 }, timedFrom: 'connect' }],
    [
      'all headers, then a body trickled a byte every 100 ms',
      { first: 'POST /echo HTTP/1.1\r\nHost: gatehouse\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n', trickle: { bytes: 'a', everyMs: 100 }, timedFrom: 'connect' },
    ],
    [
      'a second request on a keep-alive connection, half its headers then a stall',
      { first: 'GET /ok HTTP/1.1\r\nHost: gatehouse\r\n\r\n', afterFirstAnswer: 'GET /ok HTTP/1.1\r\nHost: gate', timedFrom: 'first answer' },
    ],
  ];
  const exchanges = await Promise.all(cases.map(([, client]) => runSlowClient(port, client, readMs + 10_000)));
  cases.forEach(([name, client], i) => {
    const { text, closedAfterMs } = exchanges[i];
    t.equal(lastStatus(text), 408, `${name}: 408 Request Timeout`);
    if (client.timedFrom === 'first answer') t.match(text, /^HTTP\/1\.1 204 /, `${name}: the first request was answered`);
    t.match(text.slice(text.lastIndexOf('HTTP/1.1 ')), /\r\nConnection: close\r\n/, `${name}: the 408 closes the connection`);
    t.ok(closedAfterMs >= readMs - EARLY_MS, `${name}: not closed before timeouts.read (${closedAfterMs.toFixed(0)} ms)`);
    t.ok(closedAfterMs <= readMs + SLACK_MS, `${name}: closed within timeouts.read + ${SLACK_MS} ms (${closedAfterMs.toFixed(0)} ms)`);
    t.comment(`${name}: closed after ${closedAfterMs.toFixed(0)} ms`);
  });
  // The handler reading the trickled body was told its client went away: no request is left running.
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal(server.inFlight(), 0, 'no handler is left waiting for a body');
});

t.test(`an idle keep-alive connection is closed after timeouts.idle (${IDLE_SECONDS} s, plus Node's 1 s buffer), not by timeouts.read`, async (t) => {
  const server = await startServer(t, IDLE_SECONDS);
  const { port } = server.server.address() as { port: number };
  const idleMs = IDLE_SECONDS * 1000;
  const { text, closedAfterMs } = await runSlowClient(port, { first: 'GET /ok HTTP/1.1\r\nHost: gatehouse\r\n\r\n', timedFrom: 'first answer' }, 10_000);
  t.match(text, /^HTTP\/1\.1 204 .*\r\n(.*\r\n)*Connection: keep-alive\r\n/, 'answered, connection kept open');
  t.match(text, /\r\nKeep-Alive: timeout=1\r\n/, 'the client is told timeouts.idle');
  t.equal(lastStatus(text), 204, 'closed without another answer: an idle connection has no request to time out');
  // Node closes an idle connection 1 s after keepAliveTimeout (fixed on 20, keepAliveTimeoutBuffer on 22 and 24), so the client, told timeouts.idle, gives up first.
  t.ok(closedAfterMs >= idleMs - EARLY_MS, `not closed before timeouts.idle (${closedAfterMs.toFixed(0)} ms)`);
  t.ok(closedAfterMs <= idleMs + 1000 + SLACK_MS, `closed within timeouts.idle + 1 s + ${SLACK_MS} ms (${closedAfterMs.toFixed(0)} ms)`);
  t.comment(`idle keep-alive connection closed after ${closedAfterMs.toFixed(0)} ms`);
});
