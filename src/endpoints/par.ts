/**
 * POST /api/oidc/pushed-authorization-request (RFC 9126 §2). A named pipeline:
 * no-cache answers → form body without duplicate parameters (§2.1) → client authentication as at
 * the token endpoint (§2.1) → no `request_uri` (§2.1) → the authorization endpoint's checks (§2.1)
 * → store for `context_lifespan` → 201 with `request_uri` and `expires_in` (§2.2).
 */
import type { AppContext, OidcContext } from '../context.js';
import type { HttpRequest } from '../http/request.js';
import { json, type HttpResponse } from '../http/response.js';
import type { Route } from '../http/router.js';
import { validateAuthorizationRequest } from '../oauth/authorize/index.js';
import { resolveRequestObject } from '../oauth/authorize/request-object.js';
import { newRequestUri, toStoredParameters } from '../oauth/authorize/resolve-par.js';
import { OAuthError } from '../oauth/errors.js';
import type { Logger } from '../observability/log.js';
import { OIDC_PATHS } from '../util/paths.js';
import type { JwtBlacklist, PushedAuthorizationRequests } from '../storage/types.js';
import type { Clock } from '../util/clock.js';
import { clientAuthRequestOf, noStore, readForm } from './back-channel.js';

interface ParEndpointDeps {
  oidc: OidcContext;
  par: PushedAuthorizationRequests;
  jwtBlacklist: JwtBlacklist;
  clock: Clock;
  logger: Logger;
}

/** RFC 9126 §2.1: the body's client_id, when present, must name the authenticated client. */
function withClientId(params: URLSearchParams, authenticated: string): URLSearchParams {
  const named = params.get('client_id');
  if (named !== null && named !== authenticated) {
    throw new OAuthError('invalid_request', "The 'client_id' parameter does not match the authenticated client.");
  }
  const out = new URLSearchParams(params);
  out.set('client_id', authenticated);
  return out;
}

/** RFC 9126 §2.1: "The request_uri authorization request parameter is one exception, and it MUST NOT be provided." */
function rejectRequestUri(params: URLSearchParams): void {
  if (params.has('request_uri')) throw new OAuthError('invalid_request', "The 'request_uri' parameter must not be included in a pushed authorization request.");
}

/** The credentials the client authenticated with are not authorization request parameters. */
const CLIENT_AUTH_PARAMETERS = ['client_secret', 'client_assertion', 'client_assertion_type'];

async function handlePushedRequest(deps: ParEndpointDeps, req: HttpRequest): Promise<HttpResponse> {
  const body = await readForm(req);
  const { client } = await deps.oidc.services.authenticateClient(clientAuthRequestOf(req, body, `${deps.oidc.issuer}${OIDC_PATHS.pushed_authorization_request}`), req.clientIp);
  const client_id = client.config.client_id;
  rejectRequestUri(body);
  const pushed = withClientId(body, client_id);
  for (const name of CLIENT_AUTH_PARAMETERS) pushed.delete(name);
  // RFC 9126 §3: a pushed request may itself be a request object (RFC 9101).
  const nowMs = deps.clock.nowMs();
  const params = await resolveRequestObject(pushed, {
    clients: deps.oidc.services.clients,
    issuer: deps.oidc.issuer,
    nowMs,
    jwtBlacklist: deps.jwtBlacklist,
    clientKeys: (client, header) => deps.oidc.services.clientKeys.keyFor(client.config, header, nowMs),
  });
  const validation = validateAuthorizationRequest(params, { clients: deps.oidc.services.clients, config: deps.oidc.config }, { pushed: true });
  if (!validation.ok) throw validation.error;

  const expires_in = deps.oidc.config.pushed_authorizations.context_lifespan;
  const request_uri = newRequestUri();
  await deps.par.create({ request_uri, client_id, expires_at_ms: deps.clock.nowMs() + expires_in * 1000, parameters: toStoredParameters(params) });
  deps.logger.debug('pushed authorization request', { client_id, outcome: 'stored' });
  return json(201, { request_uri, expires_in });
}

export function parRoutes(ctx: AppContext): Route[] {
  const { oidc } = ctx;
  if (!oidc) return [];
  const deps: ParEndpointDeps = { oidc, par: ctx.storage.par, jwtBlacklist: ctx.storage.jwtBlacklist, clock: ctx.clock, logger: ctx.logger };
  return [{
    name: 'pushed_authorization_request',
    path: OIDC_PATHS.pushed_authorization_request,
    errorStyle: 'oauth',
    methods: { POST: noStore((req) => handlePushedRequest(deps, req)) },
  }];
}
