/**
 * An authorization request's arrival (RFC 6749 §3.1, OIDC Core §3.1.2.1): its effective parameters
 * (a pushed request, RFC 9126 §4, or a request object, RFC 9101 §6.3, resolved), the checks, and
 * the request kept under a new id with the login requirement decided now.
 */
import { randomBytes } from '../../crypto/random.js';
import { validateAuthorizationRequest, type AuthorizeDeps } from '../../oauth/authorize/index.js';
import { loginRequirement, resumableParameters } from '../../oauth/authorize/login-requirement.js';
import { resolveRequestObject, type RequestObjectDeps } from '../../oauth/authorize/request-object.js';
import { PAR_URN_PREFIX, resolvePushedRequest, toStoredParameters } from '../../oauth/authorize/resolve-par.js';
import { OAuthError } from '../../oauth/errors.js';
import type { AuthorizationInteractions, PushedAuthorizationRequests } from '../../storage/types.js';
import type { Arrival } from './types.js';

/**
 * Long enough for a sign-in with a second factor found in another room and a consent read in full;
 * short enough that a forgotten tab holds nothing for long. The id is the only handle and is
 * single use once answered.
 */
export const INTERACTION_LIFESPAN_MS = 60 * 60_000;

export interface ReceiveDeps {
  authorize: AuthorizeDeps;
  requestObjects: Omit<RequestObjectDeps, 'nowMs'>;
  par: PushedAuthorizationRequests;
  interactions: AuthorizationInteractions;
}

/** 256 random bits (base64url): unguessable, like a PAR request_uri (RFC 9126 §7.1). */
export function newInteractionId(): string {
  return randomBytes(32).toString('base64url');
}

export async function receive(params: URLSearchParams, deps: ReceiveDeps, nowMs: number): Promise<Arrival> {
  let effective: URLSearchParams;
  const pushed = params.get('request_uri')?.startsWith(PAR_URN_PREFIX) ?? false;
  try {
    // RFC 9126 §4: a pushed request's parameters replace the query (any other request_uri is refused by the checks).
    // RFC 9101: a request object's parameters win over the query (a pushed one was resolved when pushed).
    effective = pushed ? await resolvePushedRequest(params, { par: deps.par, nowMs }) : await resolveRequestObject(params, { ...deps.requestObjects, nowMs });
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    return { ok: false, error: err, destination: null };
  }
  const validation = validateAuthorizationRequest(effective, deps.authorize, { pushed });
  if (!validation.ok) return validation;
  const { request } = validation;
  const login = loginRequirement(request, nowMs);
  const parameters = resumableParameters(request.params);
  const record = {
    id: newInteractionId(),
    client_id: request.client.config.client_id,
    expires_at_ms: nowMs + INTERACTION_LIFESPAN_MS,
    auth_time_min_s: login.auth_time_min_s,
    parameters: toStoredParameters(parameters),
  };
  await deps.interactions.create(record);
  return { ok: true, interaction: { record, request: { ...request, params: parameters }, forceLogin: login.prompt } };
}
