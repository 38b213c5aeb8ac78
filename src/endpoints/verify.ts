/**
 * The forward-auth verify endpoints (`server.endpoints.authz.<name>`): `/api/authz/<name>`, and
 * `/api/verify` for the legacy one. The hot path: every request through the proxy comes here.
 * Steps: the target from the proxy's headers → inside a protected cookie domain → authorize
 * (rules compiled at start-up, strategies in order) → answer. Success is 200 with an empty body
 * and all four Remote-* headers (empty when unknown), so a client's spoofed copies are always
 * overwritten, and nginx can reuse its upstream connection (it only does for an empty body).
 */
import type { AppContext } from '../context.js';
import type { AuthzImplementation } from '../config/index.js';
import { headerText } from '../http/headers.js';
import type { HttpRequest } from '../http/request.js';
import type { Headers, HttpResponse } from '../http/response.js';
import type { Handler, Method, Route } from '../http/router.js';
import { authorize, type AuthzOutcome } from '../authz/authorizer.js';
import { isBrowserRequest, proxyKinds, type ProxyKind } from '../authz/proxies/index.js';
import { HOST_OUTSIDE_COOKIE_DOMAINS, refusalHint } from '../authz/proxies/refusal-hint.js';
import type { CompiledAccessControl } from '../authz/rules.js';
import type { AuthnStrategy, AuthzIdentity } from '../authz/strategies/types.js';
import { cookieSettingsForHost, type SessionCookieSettings } from '../authn/session/index.js';
import type { Awaitable } from '../util/awaitable.js';
import { memoizeByObject } from '../util/memo.js';
import { bearerChallenge } from '../oauth/bearer-token.js';
import type { Logger } from '../observability/log.js';
import type { MetricsRecorder } from '../observability/metrics.js';
import { throttledLog } from '../observability/throttled-log.js';
import type { Clock } from '../util/clock.js';
import { buildStrategies } from './verify-strategies.js';
import { ProxyView, VerifyCall } from './verify-views.js';

export interface VerifyDeps {
  access: CompiledAccessControl;
}

/** What every endpoint's handler needs besides its own settings, taken from the context once. */
interface VerifyHandlerDeps {
  metrics: Pick<MetricsRecorder, 'recordAuthz'>;
  logger: Logger;
  clock: Clock;
}

export function verifyPath(name: string, implementation: AuthzImplementation): string {
  return implementation === 'Legacy' && name === 'legacy' ? '/api/verify' : `/api/authz/${name}`;
}

export function verifyRoutes(ctx: AppContext, deps: VerifyDeps): Route[] {
  // The cookie domain of a target, asked on every request. Parsed targets are shared objects
  // (proxies/target-headers.ts remembers them), so the answer is remembered per target object.
  const cookieDomainOf = memoizeByObject((target: URL) => cookieSettingsForHost(target.host, ctx.portal.cookies));
  const handlerDeps: VerifyHandlerDeps = { metrics: ctx.metrics, logger: ctx.logger, clock: ctx.clock };
  return Object.entries(ctx.config.server.endpoints.authz).map(([name, endpoint]) => {
    const path = verifyPath(name, endpoint.implementation);
    const handler = verifyHandler(handlerDeps, {
      name,
      path,
      implementation: endpoint.implementation,
      access: deps.access,
      strategies: buildStrategies(ctx, endpoint.authn_strategies),
      cookieDomainOf,
      bearerRealm: acceptsBearer(endpoint.authn_strategies) && ctx.authz.verifiers.bearer ? (ctx.oidc?.issuer ?? 'Gatehouse') : null,
    });
    const anyMethod = endpoint.implementation === 'ExtAuthz' || endpoint.implementation === 'Legacy';
    const methods: Partial<Record<Method | '*', Handler>> = anyMethod ? { '*': handler } : { GET: handler, HEAD: handler };
    return { name: `authz_${metricLabel(name)}`, path, prefix: endpoint.implementation === 'ExtAuthz', errorStyle: 'api', accessLogLevel: 'debug', securityHeaders: false, methods };
  });
}

interface VerifyEndpoint {
  name: string;
  path: string;
  implementation: AuthzImplementation;
  access: CompiledAccessControl;
  strategies: readonly AuthnStrategy[];
  cookieDomainOf: (target: URL) => SessionCookieSettings | null;
  /** The realm of the Bearer challenge sent to clients that are not browsers; null when the endpoint takes no bearer token. */
  bearerRealm: string | null;
}

/** `Authorization: Bearer` is one of the endpoint's strategies (its schemes default to Bearer). */
function acceptsBearer(strategies: ReadonlyArray<{ name: string; schemes?: readonly string[] | undefined }>): boolean {
  return strategies.some((s) => s.name === 'HeaderAuthorization' && (s.schemes ?? ['Bearer']).some((scheme) => scheme.toLowerCase() === 'bearer'));
}

const EMPTY_IDENTITY_HEADERS: Readonly<Headers> = Object.freeze({ 'Remote-User': '', 'Remote-Groups': '', 'Remote-Name': '', 'Remote-Email': '' });

/** One endpoint's handler. Synchronous on a cached bearer token (see util/awaitable.ts). */
function verifyHandler(deps: VerifyHandlerDeps, endpoint: VerifyEndpoint): Handler {
  const { name, path, access, strategies, cookieDomainOf } = endpoint;
  const label = metricLabel(name);
  const kind = proxyKinds[endpoint.implementation];
  const badTarget = endpoint.implementation === 'Legacy' ? 401 : 400;
  // RFC 6750 §3: a request without credentials gets the challenge without an error code.
  const apiChallenge = endpoint.bearerRealm === null ? null : bearerChallenge({ realm: endpoint.bearerRealm });
  const { metrics, logger, clock } = deps;
  // A proxy wired wrongly sends every request wrong: say why and what to change, at warn, but not once per request.
  const refusedLog = throttledLog(logger, 'warn', clock, { perWindow: 10, windowMs: 60_000 });
  const refused = (req: HttpRequest, reason: string): HttpResponse => {
    refusedLog('authz target refused', { endpoint: name, reason, hint: refusalHint(reason) ?? undefined, proxy: req.raw.socket.remoteAddress });
    return done(req, { status: badTarget }, 'none', 'bad_target');
  };

  const done = (req: HttpRequest, response: HttpResponse, strategy: string, decision: string): HttpResponse => {
    metrics.recordAuthz(label, strategy, decision, (performance.now() - req.receivedAt) / 1000);
    return response;
  };
  /** The outcome as the proxy's answer: a function, not a closure per request. */
  const decided = (req: HttpRequest, target: VerifyTarget, settings: SessionCookieSettings, outcome: AuthzOutcome): HttpResponse => {
    const strategy = 'identity' in outcome && outcome.identity ? outcome.identity.strategy : 'strategy' in outcome ? outcome.strategy : 'none';
    if (logger.isLevelEnabled('debug')) {
      const { host, pathname } = target.url;
      logger.debug('authz decision', { endpoint: name, target_host: host, target_path: pathname, method: target.method, decision: outcome.kind, strategy, rule: 'rule' in outcome ? outcome.rule : undefined });
    }
    const response = answer(outcome) ?? unauthenticated(kind, settings, target, isBrowserRequest((h) => req.header(h)), apiChallenge);
    return done(req, response, strategy, outcome.kind);
  };

  return (req: HttpRequest): Awaitable<HttpResponse> => {
    // Node keeps only the first of a repeated credential header; the proxy or the backend may read another one.
    if (req.hasDuplicateHeader('Authorization') || req.hasDuplicateHeader('Proxy-Authorization')) return done(req, { status: badTarget }, 'none', 'ambiguous_request');
    const target = kind.target(new ProxyView(req, path));
    if (!target.ok) return refused(req, target.reason);
    const settings = cookieDomainOf(target.url);
    if (!settings) return refused(req, `host ${target.url.hostname} ${HOST_OUTSIDE_COOKIE_DOMAINS}`);

    const call = new VerifyCall(req, target.url, target.method, clock.nowMs());
    const outcome = authorize(access, strategies, call, call);
    if (outcome instanceof Promise) return outcome.then((settled) => decided(req, target, settings, settled));
    return decided(req, target, settings, outcome);
  };
}

type VerifyTarget = { url: URL; method: string };

/** Endpoint names are Authelia's (`forward-auth`); metric label values are snake_case. */
const metricLabel = (name: string): string => name.replaceAll('-', '_');

/** The answer to the proxy; null: the kind's "authenticate first" answer (`unauthenticated`). */
function answer(outcome: AuthzOutcome): HttpResponse | null {
  switch (outcome.kind) {
    case 'allow':
      return { status: 200, headers: outcome.identity ? identityHeaders(outcome.identity) : EMPTY_IDENTITY_HEADERS };
    case 'deny':
      return { status: 403, headers: EMPTY_IDENTITY_HEADERS };
    case 'challenge':
      return { status: outcome.status, headers: { [outcome.header]: outcome.value } };
    case 'unavailable':
      return { status: 503, headers: { 'Retry-After': '5' } };
    case 'insufficient_level':
      // A browser session can step up in the portal; a token or password cannot.
      if (outcome.identity.strategy !== 'cookie') return { status: 403 };
      return null;
    case 'unauthenticated':
      return null;
  }
}

/** A client that is not a browser (no text/html in Accept) is also told how to authenticate: the Bearer challenge, when the endpoint takes tokens. */
function unauthenticated(kind: ProxyKind, settings: SessionCookieSettings, target: VerifyTarget, isBrowser: boolean, apiChallenge: string | null): HttpResponse {
  const result = kind.unauthorized({ portalUrl: settings.authelia_url, targetUrl: target.url.href, method: target.method, isBrowser });
  const headers: Headers = result.location ? { Location: result.location } : {};
  if (!isBrowser && apiChallenge !== null && result.status === 401) headers['WWW-Authenticate'] = apiChallenge;
  return { status: result.status, headers };
}

/** Identities of cached tokens are shared objects (bearer.ts): their headers are made once. */
const identityHeaders = memoizeByObject((identity: AuthzIdentity): Readonly<Headers> => Object.freeze(remoteHeaders(identity)));

function remoteHeaders(identity: AuthzIdentity): Headers {
  return {
    'Remote-User': headerText(identity.username),
    'Remote-Groups': headerText(identity.groups.join(',')),
    'Remote-Name': headerText(identity.displayName),
    'Remote-Email': headerText(identity.email),
  };
}
