/**
 * Pushed Authorization Requests at the authorization endpoint (RFC 9126 §4): a `request_uri` of
 * our URN form stands for the parameters the client pushed, single use and bound to the client.
 */
import type { OidcConfig } from '../../config/index.js';
import { randomBytes } from '../../crypto/random.js';
import type { PushedAuthorizationRequests } from '../../storage/types.js';
import type { RegisteredClient } from '../clients.js';
import { OAuthError } from '../errors.js';
import { UnsafeAuthorizationError } from './check-client.js';

/** RFC 9126 §2.2: "urn:ietf:params:oauth:request_uri:" followed by a value the AS chooses. */
export const PAR_URN_PREFIX = 'urn:ietf:params:oauth:request_uri:';

/** 32 random bytes (256 bits, RFC 9126 §7.1 asks for enough to be unguessable), base64url. */
export function newRequestUri(): string {
  return PAR_URN_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * The parameters as storage keeps them (one value per name): a repeated `audience` or `resource`
 * is joined with spaces, which parseAudience reads back the same way.
 */
export function toStoredParameters(params: URLSearchParams): Record<string, string> {
  const stored: Record<string, string> = {};
  for (const name of new Set(params.keys())) stored[name] = params.getAll(name).join(' ');
  return stored;
}

export interface PushedParametersDeps {
  par: PushedAuthorizationRequests;
  nowMs: number;
}

/**
 * RFC 9126 §4 / RFC 9101 §6.3: the stored parameters replace the query; only `client_id` and
 * `request_uri` are read from it. Unknown, used, expired or another client's: invalid_request_uri,
 * shown as a page because no redirect URI is trusted yet.
 */
export async function resolvePushedRequest(query: URLSearchParams, deps: PushedParametersDeps): Promise<URLSearchParams> {
  const requestUri = query.get('request_uri') ?? '';
  const clientId = query.get('client_id');
  if (!clientId) throw new UnsafeAuthorizationError('invalid_request', "The 'client_id' parameter is missing.");
  if (!requestUri.startsWith(PAR_URN_PREFIX)) {
    throw new UnsafeAuthorizationError('invalid_request_uri', "The 'request_uri' parameter is not one this provider issued.");
  }
  const pushed = await deps.par.consume(requestUri, clientId, deps.nowMs);
  if (!pushed) throw new UnsafeAuthorizationError('invalid_request_uri', "The 'request_uri' is unknown, expired, already used or belongs to another client.");
  const params = new URLSearchParams(pushed.parameters);
  params.set('client_id', pushed.client_id);
  return params;
}

/** RFC 9126 §5: `require_pushed_authorization_requests`, globally or for this client. */
export function requiresPushedRequests(config: Pick<OidcConfig, 'require_pushed_authorization_requests'>, client: RegisteredClient): boolean {
  return config.require_pushed_authorization_requests || client.config.require_pushed_authorization_requests;
}

export function refusePlainRequest(): never {
  throw new OAuthError('invalid_request', 'Pushed Authorization Requests are required for this client: use the pushed authorization request endpoint.');
}
