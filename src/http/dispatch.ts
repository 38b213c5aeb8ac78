/**
 * The server's work on one request that needs no socket (src/http/server.ts wraps it in node:http):
 * who the client is, routing (404, 405, duplicate Host, CORS preflight), the handler, the error
 * answer, the CORS headers, and the answer's written headers (browser security headers,
 * Content-Length). In-process endpoint tests run the same code with a request object in.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { clientAddress, unmapIPv4, type TrustedProxies } from './forwarded.js';
import { sentMoreThanOnce, type ClientResolver, type HttpRequest } from './request.js';
import { methodNotAllowed, notFound, repeatedHeader } from './errors.js';
import { BASE_SECURITY_HEADERS } from './headers.js';
import { allowedMethods, type ErrorStyle, type Route, type Router, type RouteMatch } from './router.js';
import { empty, type Headers, type HttpResponse } from './response.js';
import { memoizeByObject } from '../util/memo.js';
import { isPreflight } from './cors.js';

/** A connection's peer does not change: whether it is a trusted proxy is decided once per socket. */
export function createClientResolver(trustedProxies: TrustedProxies): ClientResolver {
  const trustedSockets = new WeakMap<Socket, boolean>();
  return {
    fromTrustedProxy(raw) {
      let trusted = trustedSockets.get(raw.socket);
      if (trusted === undefined) {
        trusted = trustedProxies(raw.socket.remoteAddress ?? '');
        trustedSockets.set(raw.socket, trusted);
      }
      return trusted;
    },
    clientIp(raw: IncomingMessage) {
      const peer = raw.socket.remoteAddress ?? '';
      const forwardedFor = raw.headers['x-forwarded-for'];
      if (forwardedFor === undefined) return unmapIPv4(peer);
      return clientAddress(peer, Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor, trustedProxies);
    },
  };
}

/** The rendered error for a request that failed on `route` (null: no route matched). */
export type ErrorAnswer = (req: HttpRequest, route: Route | null, err: unknown) => HttpResponse;

/** Receives the answer; `target` is passed through (the server's ServerResponse), so no closure is made per request. */
export type Answered<T> = (target: T, req: HttpRequest, match: RouteMatch, response: HttpResponse) => void;

/**
 * Routes and answers one request, then calls `answered` once. Synchronous when the handler answers
 * at once (the verify path on a cached token): no promise, no microtask between the request and its answer.
 */
export function createDispatcher<T>(router: Router, errorAnswer: ErrorAnswer, answered: Answered<T>): (req: HttpRequest, target: T) => void {
  return (req, target) => {
    const match = router.match(req.method, req.path);
    const route = match.kind === 'not_found' ? null : match.route;
    const cors = route?.cors;
    const origin = cors ? req.header('origin') : undefined;
    // Fetch §3.2.2: the preflight is ours to answer (204) before any 405, unless the route handles OPTIONS itself.
    const preflight = cors !== undefined && route !== null && route.methods.OPTIONS === undefined && isPreflight(req.method, origin, req.header('access-control-request-method'));
    let answer: HttpResponse | Promise<HttpResponse>;
    try {
      // RFC 9112 §3.2: a server MUST answer 400 to a request with more than one Host (Node keeps the first).
      if (req.raw.headers.host !== undefined && sentMoreThanOnce(req.raw.rawHeaders, 'host')) throw repeatedHeader('Host');
      if (match.kind === 'not_found') throw notFound();
      if (preflight) {
        // A disallowed origin still gets its 204, without CORS headers: the browser then blocks the request.
        answer = empty(204, cors.headersFor(origin, { methods: allowedMethods(match.route), requestHeaders: req.header('access-control-request-headers') }) ?? {});
      } else {
        if (match.kind === 'method_not_allowed') throw methodNotAllowed(match.allow);
        answer = match.handler(req);
      }
    } catch (err) {
      answer = errorAnswer(req, route, err);
    }
    // Errors included: a script must be able to read the OAuth error of a cross-origin call.
    const corsHeaders = cors && !preflight ? cors.headersFor(origin, null) : null;
    if (answer instanceof Promise) {
      answer.then(
        (settled) => answered(target, req, match, withHeaders(settled, corsHeaders)),
        (err: unknown) => answered(target, req, match, withHeaders(errorAnswer(req, route, err), corsHeaders)),
      );
    } else {
      answered(target, req, match, withHeaders(answer, corsHeaders));
    }
  };
}

/** How an error is rendered: the route's style; with no route, a browser (text/html in Accept) gets the portal's error page, anything else JSON. */
export function errorStyleOf(req: HttpRequest, route: Route | null): ErrorStyle {
  return route?.errorStyle ?? (req.header('accept')?.includes('text/html') ? 'page' : 'api');
}

/** Adds CORS headers to an answer; `Vary` is appended to, not replaced. */
function withHeaders(response: HttpResponse, extra: Record<string, string> | null): HttpResponse {
  if (!extra) return response;
  const headers = { ...response.headers, ...extra };
  const vary = response.headers?.['Vary'];
  if (vary !== undefined && extra['Vary'] !== undefined) headers['Vary'] = `${String(vary)}, ${extra['Vary']}`;
  return { ...response, headers };
}

/** The route answers without the browser security headers (`securityHeaders: false`: read by a proxy, not rendered). */
export function isBare(match: RouteMatch): boolean {
  return match.kind === 'found' && match.route.securityHeaders === false;
}

/** The body as written: its bytes, or none. */
export function bodyBytes(response: HttpResponse): Buffer | undefined {
  return response.body === undefined ? undefined : typeof response.body === 'string' ? Buffer.from(response.body) : response.body;
}

/**
 * Frozen header sets are shared answers (the verify endpoint's Remote-* sets, one per identity):
 * their written form, with `Content-Length: 0`, is made once rather than copied per request.
 * Node reads a header object given to `writeHead`; it never changes it.
 */
const bodilessHeaders = memoizeByObject((headers: Readonly<Headers>): Readonly<Headers> => Object.freeze({ ...headers, 'Content-Length': 0 }));

/** The headers as written: the browser security headers under the answer's own (unless `bare`), and Content-Length. */
export function wireHeaders(response: HttpResponse, body: Buffer | undefined, bare: boolean): Readonly<Headers> {
  if (bare && body === undefined && response.headers !== undefined && Object.isFrozen(response.headers)) return bodilessHeaders(response.headers);
  const headers: Headers = bare ? { ...response.headers } : { ...BASE_SECURITY_HEADERS, ...response.headers };
  headers['Content-Length'] = body ? body.length : 0;
  return headers;
}
