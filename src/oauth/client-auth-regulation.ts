/**
 * Client authentication under `regulation` (issue #11), at every endpoint that authenticates
 * clients (token, introspection, revocation, PAR): failed client authentications are counted per
 * client_id (mode `user`) and per source address (mode `ip`) with the sign-in settings
 * (`max_retries` within `find_time` → banned for `ban_time`). A banned client_id or address gets
 * the answer a wrong secret gets (`invalid_client`) and nothing is verified; and since each attempt
 * is reserved before it is verified (Regulator.attempt), racing requests never verify more than
 * `max_retries` secrets per window, on every replica together.
 *
 * Only `invalid_client` is a failure: a malformed request (`invalid_request`, e.g. two methods at
 * once) proves nothing either way and is answered as before; a request that names no client
 * cannot be counted by client_id and is not regulated.
 */
import type { Regulator } from '../portal/regulation.js';
import type { Clock } from '../util/clock.js';
import { findPresentedMethod, type AuthenticatedClient, type ClientAuthRequest } from './client-auth/index.js';
import { CLIENT_AUTH_FAILED, clientAuthFailure } from './client-auth/failure.js';
import { OAuthError } from './errors.js';

export type AuthenticateClient = (request: ClientAuthRequest) => Promise<AuthenticatedClient>;
/** `ip`: the request's source address as the HTTP layer resolved it (forwarded headers from trusted proxies only). */
export type RegulatedAuthenticateClient = (request: ClientAuthRequest, ip: string) => Promise<AuthenticatedClient>;

export interface ClientAuthRegulationDeps {
  /** A regulator for clients (`createRegulator(settings, { subject: 'client', … })`): bans of kind client / client_ip. */
  regulator: Regulator;
  clock: Clock;
}

/** The client_id the request claims, and whether it tried Basic (the refusal then carries the Basic challenge, as a wrong secret's does). */
function claimOf(request: ClientAuthRequest): { client_id: string; basicTried: boolean } | null {
  try {
    const presented = findPresentedMethod(request);
    return presented ? { client_id: presented.credentials.client_id, basicTried: presented.module.name === 'client_secret_basic' } : null;
  } catch {
    return null; // invalid_request: authenticate answers it, unregulated
  }
}

export function regulateClientAuthentication(authenticate: AuthenticateClient, deps: ClientAuthRegulationDeps): RegulatedAuthenticateClient {
  return async (request, ip) => {
    const claim = claimOf(request);
    if (claim === null) return authenticate(request);
    const attempt = await deps.regulator.attempt<AuthenticatedClient | OAuthError>({ username: claim.client_id, ip, auth_type: 'client', nowMs: deps.clock.nowMs() }, async () => {
      try {
        return { successful: true, value: await authenticate(request) };
      } catch (err) {
        if (err instanceof OAuthError && err.error === 'invalid_client') return { successful: false, value: err };
        throw err; // not a verdict on the credentials: the reservation is released
      }
    });
    if (attempt.refused) throw clientAuthFailure(CLIENT_AUTH_FAILED, claim.basicTried);
    if (attempt.value instanceof OAuthError) throw attempt.value;
    return attempt.value;
  };
}
