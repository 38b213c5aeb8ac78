/**
 * The application without a socket (issue #19): the real context and routes, built from a test
 * config with a fixed clock, counted ids (sequenceRandom) and fixture keys, and `send`, which makes
 * a real HttpRequest over a real node:http IncomingMessage (a Readable; only its socket is a stub)
 * and runs it through the server's own dispatch (src/http/dispatch.ts: routing, 404/405, CORS,
 * error rendering, security headers, Content-Length). Body limits, content types and repeated
 * headers are checked by the real code. What needs a socket (timeouts, keep-alive, the parser's
 * own refusals, shutdown) stays in the e2e tests.
 */
import { IncomingMessage, validateHeaderName, validateHeaderValue } from 'node:http';
import type { Test } from 'tap';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config/index.js';
import { buildContext, closeContext, type AppContext } from '../../src/context.js';
import { buildRoutes } from '../../src/endpoints/index.js';
import { bodyBytes, createClientResolver, createDispatcher, errorStyleOf, isBare, wireHeaders } from '../../src/http/dispatch.js';
import { compileTrustedProxies } from '../../src/http/forwarded.js';
import { renderError } from '../../src/http/render-error.js';
import { createRequest } from '../../src/http/request.js';
import type { HttpResponse } from '../../src/http/response.js';
import { Router } from '../../src/http/router.js';
import type { AuthenticationLevel } from '../../src/authn/level.js';
import type { AmrValue } from '../../src/authn/session/index.js';
import { memoryLogger } from '../../src/observability/log.js';
import { fixedClock } from '../../src/util/clock.js';
import { sequenceRandom, type Random } from '../../src/util/random.js';
import { fixturePem } from './fixture-keys.js';
import { writeUsersFile } from './oidc-fixtures.js';
import { baseConfig, merge, tempDir, type ConfigObject } from './server.js';

/** 2027-01-15T08:00:00Z: every test starts at the same second. */
export const T0_MS = Date.UTC(2027, 0, 15, 8, 0, 0);
export const ISSUER = 'https://auth.example.com';
export const PORTAL_HOST = 'auth.example.com';

export interface SendRequest {
  /** Default GET. */
  method?: string;
  /** The request target as on the request line: path and query. */
  url: string;
  /** As sent; an array sends the header once per value. Host defaults to PORTAL_HOST. */
  headers?: Record<string, string | readonly string[]>;
  body?: string | Buffer;
  /** The TCP peer; default 127.0.0.1, a trusted proxy under the default `server.trusted_proxies`. */
  remoteAddress?: string;
}

/** The answer as it would be written: lower-case header names, Node's values (Set-Cookie an array). */
export interface Answer {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

export interface InProcessApp {
  context: AppContext;
  clock: ReturnType<typeof fixedClock>;
  logger: ReturnType<typeof memoryLogger>;
  send(request: SendRequest): Promise<Answer>;
  /** A portal session for `username` (as a sign-in would leave it), as a Cookie header value. */
  sessionCookie(username: string, session?: { level?: Exclude<AuthenticationLevel, 'none'>; auth_time_s?: number; amr?: AmrValue[] }): Promise<string>;
}

/**
 * Every secret and key configured (nothing is generated or written beside the database), SQLite
 * in memory, the fixture users file (john, single, gone), a portal on https://auth.example.com.
 * `over` is merged over it (arrays replace).
 */
export function inProcessConfig(dir: string, over: ConfigObject = {}): ConfigObject {
  const base = merge(baseConfig(dir), {
    storage: { local: { path: ':memory:' }, encryption_key: 'an-encryption-key-for-in-process-tests-0123' },
    authentication_backend: { file: { path: writeUsersFile(dir), watch: false } },
    session: { secret: 'a-session-secret-for-in-process-tests', cookies: [{ domain: 'example.com', authelia_url: ISSUER }] },
    identity_providers: {
      oidc: {
        issuer: ISSUER,
        hmac_secret: 'a-very-long-hmac-secret-for-the-in-process-tests-0123456789',
        jwks: [{ key_id: 'rsa', algorithm: 'RS256', key: fixturePem('rsaC') }],
        clients: [],
      },
    },
  });
  return merge(base, over);
}

export async function startInProcess(t: Test, over: ConfigObject = {}, options: { random?: Random } = {}): Promise<InProcessApp> {
  const dir = tempDir(t, 'gatehouse-in-process-');
  const { config } = parseConfig(stringify(inProcessConfig(dir, over)), { env: {}, nowMs: T0_MS });
  const clock = fixedClock(T0_MS);
  const logger = memoryLogger('debug');
  const context = await buildContext(config, { logger, clock, random: options.random ?? sequenceRandom(), collectProcessMetrics: false, sweep: false });
  t.teardown(() => closeContext(context));

  // As src/app.ts hands them to createHttpServer.
  const clientDebugMessages = config.identity_providers?.oidc?.enable_client_debug_messages ?? false;
  const client = createClientResolver(compileTrustedProxies(config.server.trusted_proxies));
  const dispatch = createDispatcher<(answer: Answer) => void>(
    new Router(buildRoutes(context)),
    (req, route, err) => {
      const response = renderError(err, errorStyleOf(req, route), { clientDebugMessages });
      if (response.status >= 500) logger.error('request failed', { route: route?.name ?? 'not_found', error: err, stack: (err as Error)?.stack });
      return response;
    },
    (resolve, req, match, response) => resolve(written(req.method, response, isBare(match))),
  );
  let requests = 0;

  return {
    context,
    clock,
    logger,
    send(request) {
      const raw = incomingMessage(request);
      const req = createRequest({ id: () => `in-process-${++requests}`, receivedAt: performance.now(), raw, client, maxBodyBytes: config.server.max_body_bytes });
      return new Promise<Answer>((resolve) => dispatch(req, resolve));
    },
    async sessionCookie(username, session = {}) {
      const settings = context.portal.cookies[0];
      const nowMs = clock.nowMs();
      const level = session.level ?? 'one_factor';
      const { setCookie } = await context.portal.sessions.establish(
        null,
        {
          username,
          level,
          auth_time_s: session.auth_time_s ?? Math.floor(nowMs / 1000),
          amr: session.amr ?? (level === 'two_factor' ? ['pwd', 'otp', 'mfa'] : ['pwd']),
          remember_me: false,
          created_at_ms: nowMs,
          last_activity_at_ms: nowMs,
        },
        settings,
        true,
        nowMs,
      );
      return setCookie.split(';')[0];
    },
  };
}

/**
 * node:http's own IncomingMessage: headers folded by Node's rules (a repeated Host or Content-Type
 * keeps the first, Set-Cookie is an array, others are joined), `rawHeaders` as sent, and the body
 * pushed as the parser would push it. The socket is a stub with the peer address.
 */
function incomingMessage(request: SendRequest): IncomingMessage {
  const socket = { remoteAddress: request.remoteAddress ?? '127.0.0.1', readable: false, destroyed: false, destroy() {} };
  const raw = new IncomingMessage(socket as never);
  const headers: Record<string, string | readonly string[]> = { host: PORTAL_HOST, ...request.headers };
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  if (body !== undefined && !Object.keys(headers).some((name) => /^(content-length|transfer-encoding)$/i.test(name))) headers['content-length'] = String(body.length);
  const rawHeaders = Object.entries(headers).flatMap(([name, value]) => (typeof value === 'string' ? [value] : value).flatMap((one) => [name, one]));
  (raw as unknown as { _addHeaderLines(lines: string[], n: number): void })._addHeaderLines(rawHeaders, rawHeaders.length);
  raw.method = (request.method ?? 'GET').toUpperCase();
  raw.url = request.url;
  raw.httpVersion = '1.1';
  if (body !== undefined && body.length > 0) raw.push(body);
  raw.push(null);
  raw.complete = true;
  return raw;
}

/**
 * What `write` in src/http/server.ts sends: the same headers (wireHeaders), no body for HEAD, and
 * a bare 500 when node:http would refuse a header (as `respond` answers then).
 */
function written(method: string, response: HttpResponse, bare: boolean): Answer {
  const body = bodyBytes(response);
  const headers: Record<string, string | string[]> = {};
  try {
    for (const [name, value] of Object.entries(wireHeaders(response, body, bare))) {
      validateHeaderName(name);
      const values = Array.isArray(value) ? value.map(String) : [String(value)];
      for (const one of values) validateHeaderValue(name, one);
      headers[name.toLowerCase()] = Array.isArray(value) ? values : values[0];
    }
  } catch {
    return { status: 500, headers: { 'content-length': '0' }, body: '' };
  }
  return { status: response.status, headers, body: method === 'HEAD' || body === undefined ? '' : body.toString('utf8') };
}
