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
import type { HttpRequest } from '../http/request.js';
import type { Headers, HttpResponse } from '../http/response.js';
import type { Method, Route } from '../http/router.js';
import { authorize, type AuthzOutcome } from '../authz/authorizer.js';
import { isBrowserRequest, proxyKinds, type ProxyKind } from '../authz/proxies/index.js';
import type { CompiledAccessControl } from '../authz/rules.js';
import type { AuthnStrategy, AuthzIdentity } from '../authz/strategies/types.js';
import { cookieSettingsForHost, type SessionCookieSettings } from '../portal/session/index.js';
import { buildStrategies } from './verify-strategies.js';

export interface VerifyDeps {
  access: CompiledAccessControl;
}

export function verifyPath(name: string, implementation: AuthzImplementation): string {
  return implementation === 'Legacy' && name === 'legacy' ? '/api/verify' : `/api/authz/${name}`;
}

export function verifyRoutes(ctx: AppContext, deps: VerifyDeps): Route[] {
  return Object.entries(ctx.config.server.endpoints.authz).map(([name, endpoint]) => {
    const path = verifyPath(name, endpoint.implementation);
    const kind = proxyKinds[endpoint.implementation];
    const strategies = buildStrategies(ctx, endpoint.authn_strategies);
    const handler = (req: HttpRequest): Promise<HttpResponse> => verify(ctx, deps.access, name, path, kind, endpoint.implementation, strategies, req);
    const anyMethod = endpoint.implementation === 'ExtAuthz' || endpoint.implementation === 'Legacy';
    const methods: Partial<Record<Method | '*', typeof handler>> = anyMethod ? { '*': handler } : { GET: handler, HEAD: handler };
    return { name: `authz_${name}`, path, prefix: endpoint.implementation === 'ExtAuthz', errorStyle: 'api', accessLogLevel: 'debug', securityHeaders: false, methods };
  });
}

const EMPTY_IDENTITY_HEADERS: Readonly<Headers> = Object.freeze({ 'Remote-User': '', 'Remote-Groups': '', 'Remote-Name': '', 'Remote-Email': '' });

async function verify(
  ctx: AppContext,
  access: CompiledAccessControl,
  name: string,
  path: string,
  kind: ProxyKind,
  implementation: AuthzImplementation,
  strategies: readonly AuthnStrategy[],
  req: HttpRequest,
): Promise<HttpResponse> {
  const started = process.hrtime.bigint();
  const header = (h: string): string | undefined => req.header(h);
  const target = kind.target({ method: req.method, path: req.raw.url ?? req.path, endpointPath: path, header, fromTrustedProxy: req.fromTrustedProxy });
  const badTarget = implementation === 'Legacy' ? 401 : 400;
  let response: HttpResponse;
  let strategy = 'none';
  let decision: string;
  if (!target.ok) {
    response = { status: target.status };
    decision = 'bad_target';
  } else {
    const settings = cookieSettingsForHost(target.url.host, ctx.portal.cookies);
    if (!settings) {
      response = { status: badTarget };
      decision = 'bad_target';
    } else {
      const nowMs = ctx.clock.nowMs();
      const outcome = await authorize(access, strategies, { url: target.url, method: target.method, remoteIp: req.clientIp }, { header, target: target.url, clientIp: req.clientIp, nowMs });
      response = answer(outcome, kind, settings, target.url.href, target.method, isBrowserRequest(header));
      strategy = 'identity' in outcome && outcome.identity ? outcome.identity.strategy : 'strategy' in outcome ? outcome.strategy : 'none';
      decision = outcome.kind;
      if (ctx.logger.isLevelEnabled('debug')) {
        ctx.logger.debug('authz decision', { endpoint: name, target_host: target.url.host, method: target.method, decision, strategy, rule: 'rule' in outcome ? outcome.rule : undefined });
      }
    }
  }
  ctx.metrics.recordAuthz(name, strategy, decision, Number(process.hrtime.bigint() - started) / 1e9);
  return response;
}

function answer(outcome: AuthzOutcome, kind: ProxyKind, settings: SessionCookieSettings, targetUrl: string, method: string, isBrowser: boolean): HttpResponse {
  switch (outcome.kind) {
    case 'allow':
      return { status: 200, headers: outcome.identity ? identityHeaders(outcome.identity) : { ...EMPTY_IDENTITY_HEADERS } };
    case 'deny':
      return { status: 403, headers: { ...EMPTY_IDENTITY_HEADERS } };
    case 'challenge':
      return { status: outcome.status, headers: { [outcome.header]: outcome.value } };
    case 'unavailable':
      return { status: 503, headers: { 'Retry-After': '5' } };
    case 'insufficient_level':
      // A browser session can step up in the portal; a token or password cannot.
      if (outcome.identity.strategy !== 'cookie') return { status: 403 };
      return unauthenticated(kind, settings, targetUrl, method, isBrowser);
    case 'unauthenticated':
      return unauthenticated(kind, settings, targetUrl, method, isBrowser);
  }
}

function unauthenticated(kind: ProxyKind, settings: SessionCookieSettings, targetUrl: string, method: string, isBrowser: boolean): HttpResponse {
  const result = kind.unauthorized({ portalUrl: settings.authelia_url, targetUrl, method, isBrowser });
  return { status: result.status, headers: result.location ? { Location: result.location } : {} };
}

function identityHeaders(identity: AuthzIdentity): Headers {
  return {
    'Remote-User': identity.username,
    'Remote-Groups': identity.groups.join(','),
    'Remote-Name': identity.displayName,
    'Remote-Email': identity.email,
  };
}
