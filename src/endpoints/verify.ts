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
import type { CompiledAccessControl } from '../authz/rules.js';
import type { AuthnStrategy, AuthzIdentity } from '../authz/strategies/types.js';
import { cookieSettingsForHost, type SessionCookieSettings } from '../portal/session/index.js';
import { andThen, type Awaitable } from '../util/awaitable.js';
import { memoizeByObject } from '../util/memo.js';
import { buildStrategies } from './verify-strategies.js';

export interface VerifyDeps {
  access: CompiledAccessControl;
}

export function verifyPath(name: string, implementation: AuthzImplementation): string {
  return implementation === 'Legacy' && name === 'legacy' ? '/api/verify' : `/api/authz/${name}`;
}

export function verifyRoutes(ctx: AppContext, deps: VerifyDeps): Route[] {
  // The cookie domain of a target, asked on every request. Parsed targets are shared objects
  // (proxies/target-headers.ts remembers them), so the answer is remembered per target object.
  const cookieDomainOf = memoizeByObject((target: URL) => cookieSettingsForHost(target.host, ctx.portal.cookies));
  return Object.entries(ctx.config.server.endpoints.authz).map(([name, endpoint]) => {
    const path = verifyPath(name, endpoint.implementation);
    const handler = verifyHandler(ctx, {
      name,
      path,
      implementation: endpoint.implementation,
      access: deps.access,
      strategies: buildStrategies(ctx, endpoint.authn_strategies),
      cookieDomainOf,
    });
    const anyMethod = endpoint.implementation === 'ExtAuthz' || endpoint.implementation === 'Legacy';
    const methods: Partial<Record<Method | '*', Handler>> = anyMethod ? { '*': handler } : { GET: handler, HEAD: handler };
    return { name: `authz_${name}`, path, prefix: endpoint.implementation === 'ExtAuthz', errorStyle: 'api', accessLogLevel: 'debug', securityHeaders: false, methods };
  });
}

interface VerifyEndpoint {
  name: string;
  path: string;
  implementation: AuthzImplementation;
  access: CompiledAccessControl;
  strategies: readonly AuthnStrategy[];
  cookieDomainOf(target: URL): SessionCookieSettings | null;
}

const EMPTY_IDENTITY_HEADERS: Readonly<Headers> = Object.freeze({ 'Remote-User': '', 'Remote-Groups': '', 'Remote-Name': '', 'Remote-Email': '' });

/** One endpoint's handler. Synchronous on a cached bearer token (see util/awaitable.ts). */
function verifyHandler(ctx: AppContext, endpoint: VerifyEndpoint): Handler {
  const { name, path, access, strategies, cookieDomainOf } = endpoint;
  const kind = proxyKinds[endpoint.implementation];
  const badTarget = endpoint.implementation === 'Legacy' ? 401 : 400;
  const { metrics, logger, clock } = ctx;

  return (req: HttpRequest): Awaitable<HttpResponse> => {
    const done = (response: HttpResponse, strategy: string, decision: string): HttpResponse => {
      metrics.recordAuthz(name, strategy, decision, (performance.now() - req.receivedAt) / 1000);
      return response;
    };
    const header = (h: string): string | undefined => req.header(h);
    const target = kind.target({ method: req.method, path: req.raw.url ?? req.path, endpointPath: path, header, fromTrustedProxy: req.fromTrustedProxy });
    if (!target.ok) return done({ status: target.status }, 'none', 'bad_target');
    const settings = cookieDomainOf(target.url);
    if (!settings) return done({ status: badTarget }, 'none', 'bad_target');

    const object = { url: target.url, method: target.method, remoteIp: req.clientIp };
    const outcome = authorize(access, strategies, object, { header, target: target.url, clientIp: req.clientIp, nowMs: clock.nowMs() });
    return andThen(outcome, (outcome) => {
      const strategy = 'identity' in outcome && outcome.identity ? outcome.identity.strategy : 'strategy' in outcome ? outcome.strategy : 'none';
      if (logger.isLevelEnabled('debug')) {
        logger.debug('authz decision', { endpoint: name, target_host: target.url.host, method: target.method, decision: outcome.kind, strategy, rule: 'rule' in outcome ? outcome.rule : undefined });
      }
      const signIn = (): HttpResponse => unauthenticated(kind, settings, target.url.href, target.method, isBrowserRequest(header));
      return done(answer(outcome, signIn), strategy, outcome.kind);
    });
  };
}

/** The answer to the proxy; `signIn` is the kind's "authenticate first" answer, built only when needed. */
function answer(outcome: AuthzOutcome, signIn: () => HttpResponse): HttpResponse {
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
      return signIn();
    case 'unauthenticated':
      return signIn();
  }
}

function unauthenticated(kind: ProxyKind, settings: SessionCookieSettings, targetUrl: string, method: string, isBrowser: boolean): HttpResponse {
  const result = kind.unauthorized({ portalUrl: settings.authelia_url, targetUrl, method, isBrowser });
  return { status: result.status, headers: result.location ? { Location: result.location } : {} };
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
