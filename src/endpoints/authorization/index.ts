/**
 * The authorization endpoint (RFC 6749 §3.1, §4.1; OIDC Core §3.1.2), GET and POST, as a named
 * pipeline: validate the request → the person signed in at the client's level → consent → code.
 */
import type { AppContext } from '../../context.js';
import type { HttpRequest } from '../../http/request.js';
import type { HttpResponse } from '../../http/response.js';
import type { Route } from '../../http/router.js';
import { UnsafeAuthorizationError, validateAuthorizationRequest, type AuthorizationRequest, type ErrorDestination } from '../../oauth/authorize/index.js';
import { OAuthError } from '../../oauth/errors.js';
import { continuationParams, PAR_URN_PREFIX, refusePlainRequest, requiresPushedRequests, resolvePushedRequest } from '../../oauth/authorize/resolve-par.js';
import { resolveRequestObject } from '../../oauth/authorize/request-object.js';
import { loginRequirement, resumedParameters } from '../../oauth/authorize/login-requirement.js';
import { OIDC_PATHS } from '../../oidc/endpoint-paths.js';
import { errorPage } from '../portal/portal-request.js';
import { authorizationResponse } from './respond.js';
import { proceed } from './proceed.js';

export function authorizationRoutes(ctx: AppContext): Route[] {
  if (!ctx.oidc) return [];
  const handler = (req: HttpRequest): Promise<HttpResponse> => authorize(ctx, req);
  return [{ name: 'oidc_authorization', path: OIDC_PATHS.authorization, errorStyle: 'page', methods: { GET: handler, POST: handler } }];
}

async function authorize(ctx: AppContext, req: HttpRequest): Promise<HttpResponse> {
  const oidc = ctx.oidc!;
  const params = req.method === 'POST' ? await req.form() : req.query;
  let destination: ErrorDestination | null = null;
  try {
    const nowMs = ctx.clock.nowMs();
    const consentId = params.get('consent_id');
    const stored = consentId ? await ctx.storage.consents.getAnswerable(consentId, nowMs) : null;
    if (consentId && !stored) throw new UnsafeAuthorizationError('invalid_request', 'This consent request is unknown or has expired. Start again from the application.');
    const incoming = stored ? new URLSearchParams(stored.form) : params;
    // RFC 9126 §4: a pushed request's parameters replace the query (any other request_uri is refused by the checks).
    const pushed = incoming.get('request_uri')?.startsWith(PAR_URN_PREFIX) ?? false;
    // RFC 9101: a request object's parameters win over the query (a pushed request was resolved when pushed).
    const effective = pushed
      ? await resolvePushedRequest(incoming, { par: ctx.storage.par, nowMs })
      : await resolveRequestObject(incoming, {
          clients: oidc.services.clients,
          issuer: oidc.issuer,
          nowMs,
          jwtBlacklist: ctx.storage.jwtBlacklist,
          clientKeys: (client, header) => oidc.services.clientKeys.keyFor(client.config, header, nowMs),
        });
    const validated = validateAuthorizationRequest(effective, { clients: oidc.services.clients, config: oidc.config }, (d) => {
      destination = d;
      // RFC 9126 §5: refused as soon as the redirect URI is trusted, so the client hears of it.
      // The client exists: the callback runs only after checkClient and checkRedirectUri passed.
      const client = oidc.services.clients.get(effective.get('client_id') ?? '');
      if (!pushed && client && requiresPushedRequests(oidc.config, client)) refusePlainRequest();
    });
    // OIDC Core §3.1.2.1: prompt=login and max_age decided once; the resumed request carries the outcome.
    const login = loginRequirement(validated, nowMs);
    const resumed = resumedParameters(validated.params, login);
    const continued = pushed
      ? await continuationParams(resumed, { par: ctx.storage.par, nowMs, lifespanSeconds: oidc.config.pushed_authorizations.context_lifespan })
      : resumed;
    const request = { ...validated, login, params: continued };
    const response = await proceed(ctx, req, request, stored);
    log(ctx, request, 'success');
    return response;
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    ctx.logger.debug('authorization request refused', { path: req.path, client_id: params.get('client_id') ?? undefined, error: err.error, reason: err.description });
    if (err instanceof UnsafeAuthorizationError || destination === null) {
      return errorPage('Authorization failed', `${err.description} (${err.error})`, err.status >= 500 ? 500 : 400);
    }
    return redirectError(ctx, destination, err);
  }
}

/** RFC 6749 §4.1.2.1: error, error_description, state, iss; signed in a JARM mode (JARM §2.4). */
async function redirectError(ctx: AppContext, destination: ErrorDestination, err: OAuthError): Promise<HttpResponse> {
  const params: Record<string, string> = { error: err.error, error_description: err.clientDescription(ctx.oidc!.config.enable_client_debug_messages) };
  if (destination.state) params['state'] = destination.state;
  params['iss'] = ctx.oidc!.issuer;
  return authorizationResponse(ctx, destination, destination.client, params);
}

function log(ctx: AppContext, request: AuthorizationRequest, outcome: string): void {
  ctx.logger.debug('authorization request', { path: OIDC_PATHS.authorization, client_id: request.client.config.client_id, outcome });
}
