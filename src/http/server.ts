/**
 * The raw node:http server: request ids, trusted-proxy resolution, routing, one error renderer,
 * access logs and metrics, timeouts, and a graceful shutdown that lets in-flight requests finish.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../observability/log.js';
import type { MetricsRecorder } from '../observability/metrics.js';
import type { TrustedProxies } from './forwarded.js';
import { createRequest, type HttpRequest } from './request.js';
import { CONNECT_ANSWER, clientErrorAnswer, writeRawAnswer } from './raw-answer.js';
import { renderError } from './render-error.js';
import type { Route, Router, RouteMatch } from './router.js';
import type { HttpResponse } from './response.js';
import { systemClock } from '../util/clock.js';
import { throttledLog } from '../observability/throttled-log.js';
import { bodyBytes, createClientResolver, createDispatcher, errorStyleOf, isBare, wireHeaders } from './dispatch.js';

export interface HttpServerOptions {
  router: Router;
  logger: Logger;
  metrics: MetricsRecorder;
  trustedProxies: TrustedProxies;
  maxBodyBytes: number;
  clientDebugMessages: boolean;
  timeouts: { readSeconds: number; writeSeconds: number; idleSeconds: number };
}

export interface HttpServer {
  readonly server: Server;
  listen(host: string, port: number): Promise<AddressInfo>;
  /** Stops accepting, lets in-flight requests finish for up to `graceMs`, then cuts the rest. */
  close(graceMs?: number): Promise<void>;
  inFlight(): number;
}

export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { router, logger, metrics } = options;
  // A deliberate 503 (hash verifications busy, storage unavailable) comes in floods: no line per request.
  const sheddingLog = throttledLog(logger, 'warn', systemClock, { perWindow: 10, windowMs: 60_000 });
  let inFlight = 0;
  let closing = false;
  /** Connections are gone (cut at the end of the grace period, or closed by their clients) while handlers still run. */
  let cutShort = false;
  const idleWaiters: Array<() => void> = [];
  /** Resolves once no handler is running, or after `maxMs`. */
  const settled = (maxMs: number): Promise<void> =>
    inFlight === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const wake = (): void => {
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(() => {
            idleWaiters.splice(idleWaiters.indexOf(wake), 1);
            resolve();
          }, maxMs);
          timer.unref();
          idleWaiters.push(wake);
        });

  const readTimeoutMs = options.timeouts.readSeconds * 1000;
  const serverOptions = { requestTimeout: readTimeoutMs, connectionsCheckingInterval: connectionsCheckingIntervalMs(readTimeoutMs) };
  const server = createServer(serverOptions, (raw, res) => {
    inFlight++;
    handle(raw, res);
  });
  server.headersTimeout = readTimeoutMs;
  server.keepAliveTimeout = options.timeouts.idleSeconds * 1000;
  // No per-socket inactivity timer (server.timeout): it is re-armed on every read and write, a
  // measurable cost on the verify hot path. requestTimeout bounds a request, keepAliveTimeout an
  // idle connection; `timeouts.write` bounds a stalled answer through the socket's write timeout below.
  const writeTimeoutMs = options.timeouts.writeSeconds * 1000;
  // A message the parser refuses (an unknown method, a repeated Content-Length, …) or a read
  // timeout: answered when nothing of an answer is on the wire yet (Node's own rule, in
  // lib/_http_server.js), then the connection closes; a reset connection is only destroyed.
  server.on('clientError', (err: Error & { code?: string }, socket) => {
    const answering = (socket as { _httpMessage?: ServerResponse | null })._httpMessage;
    if (socket.writable && !answering?.headersSent) {
      const answer = clientErrorAnswer(err);
      writeRawAnswer(socket, answer, writeTimeoutMs);
      logger.debug('client error', { error: err.message, code: err.code, status: answer.status });
    } else {
      socket.destroy();
      logger.debug('client error', { error: err.message, code: err.code });
    }
  });
  // Without a 'connect' listener Node closes the connection without a word.
  server.on('connect', (raw: IncomingMessage, socket) => {
    writeRawAnswer(socket, CONNECT_ANSWER, writeTimeoutMs);
    logger.debug('request refused', { method: raw.method, status: CONNECT_ANSWER.status });
  });

  // Read once per connection, while it is open: Node keeps the peer address on the socket, so a
  // handler asking later (after awaiting a body, say) still gets it if the client has gone.
  server.on('connection', (socket: Socket) => void socket.remoteAddress);

  const client = createClientResolver(options.trustedProxies);
  // Routing, the handler, the error and CORS headers (src/http/dispatch.ts), then `respond`.
  const dispatch = createDispatcher(router, errorAnswer, respond);

  function handle(raw: IncomingMessage, res: ServerResponse): void {
    dispatch(createRequest({ id: requestId, receivedAt: performance.now(), raw, client, maxBodyBytes: options.maxBodyBytes }), res);
  }

  /**
   * The rendered error; a 5xx is logged with its stack (never sent), except a 503 the code chose
   * (an error carrying that status), logged at warn and throttled; anything else at debug.
   */
  function errorAnswer(req: HttpRequest, route: Route | null, err: unknown): HttpResponse {
    const response = renderError(err, errorStyleOf(req, route), { clientDebugMessages: options.clientDebugMessages });
    const routeName = route?.name ?? 'not_found';
    // Past the grace period the client is gone and storage may be closing: expected, not a fault.
    if (response.status >= 500 && cutShort) logger.warn('request cut short by shutdown', { request_id: req.id, route: routeName, error: (err as Error)?.message });
    else if (response.status === 503 && isDeliberate(err)) sheddingLog('request refused: temporarily unavailable', { route: routeName, error: (err as Error).message });
    else if (response.status >= 500) logger.error('request failed', { request_id: req.id, route: routeName, error: err, stack: (err as Error)?.stack });
    else logger.debug('request refused', { request_id: req.id, route: routeName, error: (err as Error)?.message });
    return response;
  }

  /** Writes the answer, then counts and logs it. */
  function respond(res: ServerResponse, req: HttpRequest, match: RouteMatch, response: HttpResponse): void {
    if (--inFlight === 0 && idleWaiters.length > 0) idleWaiters.splice(0).forEach((wake) => wake());
    if (closing) res.setHeader('Connection', 'close');
    let status = response.status;
    try {
      write(res, req.method, response, isBare(match));
    } catch (err) {
      // A header Node refuses (a character above U+00FF, say) must cost this answer, not the process.
      logger.error('answer could not be written', { request_id: req.id, error: (err as Error)?.message });
      if (!res.headersSent) write(res, req.method, { status: 500 }, true);
      else res.destroy();
      status = 500;
    }
    // An answer the client does not read (backpressure) may wait `timeouts.write` at most.
    const socket = res.socket;
    if (socket && res.writableLength > 0) {
      socket.setTimeout(writeTimeoutMs, () => socket.destroy());
      res.once('finish', () => socket.setTimeout(0));
    }

    const seconds = (performance.now() - req.receivedAt) / 1000;
    const routeName = match.kind === 'not_found' ? 'not_found' : match.route.name;
    metrics.recordHttpRequest(routeName, req.method, status, seconds);
    const level = match.kind === 'found' ? (match.route.accessLogLevel ?? 'info') : 'info';
    if (logger.isLevelEnabled(level)) {
      // The path only: a query string may carry codes, tokens or state.
      logger[level]('request', {
        request_id: req.id,
        method: req.method,
        path: req.path,
        route: routeName,
        status,
        duration_ms: Math.round(seconds * 1e6) / 1e3,
        client_ip: req.clientIp,
      });
    }
  }

  return {
    server,
    inFlight: () => inFlight,
    listen(host, port) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    close(graceMs = 10_000) {
      closing = true;
      return new Promise<void>((resolve) => {
        // Stop accepting now; the callback runs once every connection has ended.
        const timer = setTimeout(() => {
          cutShort = true;
          server.closeAllConnections();
        }, graceMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          // Every connection has ended, yet handlers still run: their clients went away first.
          if (inFlight > 0) cutShort = true;
          // Handlers whose connections were cut may still be running: let them end (briefly) before
          // the caller closes storage under them.
          void settled(HANDLERS_SETTLE_MS).then(resolve);
        });
        // Idle keep-alive sockets go at once; busy ones after their answer (sent with Connection: close).
        server.closeIdleConnections();
      });
    },
  };
}

/**
 * How often Node sweeps its connections for an expired `headersTimeout` or `requestTimeout`: only
 * then is a stalled request cut, so a request may run over `timeouts.read` by up to one interval
 * (Node's default, 30 s, made `read: 6s` up to 36 s). An eighth of `timeouts.read` keeps the
 * overrun under 12.5 % (6 s closes by 6.75 s); the sweep walks only the connections whose request
 * is not yet complete, so 4 a second (the floor) costs nothing noticeable. `timeouts.write` and
 * `timeouts.idle` play no part: they are socket timers, which fire on time.
 */
export function connectionsCheckingIntervalMs(readTimeoutMs: number): number {
  return Math.round(Math.min(MAX_CHECKING_INTERVAL_MS, Math.max(MIN_CHECKING_INTERVAL_MS, readTimeoutMs / 8)));
}
const MIN_CHECKING_INTERVAL_MS = 250;
/** Node's default. */
const MAX_CHECKING_INTERVAL_MS = 30_000;

/** How long a shutdown waits, after cutting connections, for the handlers still running on them. */
const HANDLERS_SETTLE_MS = 2_000;

function write(res: ServerResponse, method: string, response: HttpResponse, bare: boolean): void {
  const body = bodyBytes(response);
  res.writeHead(response.status, wireHeaders(response, body, bare) as Record<string, string | number | string[]>);
  res.end(method === 'HEAD' ? undefined : body);
}

/**
 * Request ids: a random per-process prefix and a counter — unique across processes and restarts
 * (they correlate log lines; they are not secrets), and far cheaper than a UUID per request.
 */
const ID_PREFIX = randomBytes(6).toString('base64url');
let idCounter = 0;
function requestId(): string {
  idCounter = (idCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `${ID_PREFIX}-${idCounter.toString(36)}`;
}

/** An error that carries its own 503: the code shed the request on purpose, nothing failed. */
function isDeliberate(err: unknown): boolean {
  return err instanceof Error && (err as Error & { status?: unknown }).status === 503;
}
