/**
 * The authorization endpoint's request checks, in the order the specs imply: client and redirect
 * URI first (errors shown to the person), then everything else (errors sent to the client).
 */
import type { OidcConfig } from '../../config/index.js';
import { parseAudience, requireAudienceWithin } from '../audience.js';
import type { ClientRegistry } from '../clients.js';
import { rejectDuplicateParameters } from '../parameters.js';
import { checkClient, UnsafeAuthorizationError } from './check-client.js';
import { checkParameterEntropy } from './check-entropy.js';
import { checkPkce } from './check-pkce.js';
import { checkMaxAge, checkPrompt } from './check-prompt.js';
import { checkAuthTimeMin } from './login-requirement.js';
import { checkRedirectUri } from './check-redirect-uri.js';
import { checkRequestUri } from './check-request-uri.js';
import { checkIdTokenRequest, checkResponseMode, checkResponseType, provisionalResponseMode, returns } from './check-response.js';
import { checkScope } from './check-scope.js';
import type { AuthorizationRequest, ErrorDestination } from './types.js';

export { UnsafeAuthorizationError } from './check-client.js';
export type { AuthorizationRequest, DeliveryMode, ErrorDestination, Prompt, ResponseType, SupportedResponseMode } from './types.js';
export { returns } from './check-response.js';

export interface AuthorizeDeps {
  clients: ClientRegistry;
  config: Pick<OidcConfig, 'enforce_pkce' | 'enable_pkce_plain_challenge' | 'minimum_parameter_entropy'>;
}

/**
 * Validates an authorization request. Throws UnsafeAuthorizationError (show a page) or, once the
 * redirect URI is trusted, an OAuthError paired with where to send it via `onRedirectable`.
 */
export function validateAuthorizationRequest(
  params: URLSearchParams,
  deps: AuthorizeDeps,
  onRedirectable: (destination: ErrorDestination) => void,
): AuthorizationRequest {
  try {
    rejectDuplicateParameters(params);
  } catch (err) {
    throw new UnsafeAuthorizationError('invalid_request', (err as Error).message.replace(/^invalid_request: /, ''));
  }
  const client = checkClient(params, deps.clients);
  if (!params.has('redirect_uri')) checkRequestUri(params, 'page');
  const redirect_uri = checkRedirectUri(params, client);
  const state = params.get('state') || undefined;
  onRedirectable({ redirect_uri, response_mode: provisionalResponseMode(params, client.config), client, ...(state ? { state } : {}) });
  checkRequestUri(params, 'redirect');

  const response_type = checkResponseType(params, client.config);
  const response_mode = checkResponseMode(params, client.config, response_type);
  onRedirectable({ redirect_uri, response_mode, client, ...(state ? { state } : {}) });
  const entropy = checkParameterEntropy(params, deps.config.minimum_parameter_entropy);
  const scopes = checkScope(params, client.config);
  checkIdTokenRequest(response_type, scopes, entropy.nonce);
  const audience = parseAudience(params);
  requireAudienceWithin(audience, client.config.audience);
  // RFC 7636 protects a code: a response type without one has nothing to bind a challenge to.
  const pkce = returns(response_type, 'code') ? checkPkce(params, deps.config, client.config) : {};
  const prompt = checkPrompt(params);
  const max_age = checkMaxAge(params);
  const auth_time_min_s = checkAuthTimeMin(params);
  return {
    client,
    redirect_uri,
    response_type,
    response_mode,
    scopes,
    audience,
    ...entropy,
    ...pkce,
    prompt,
    ...(max_age === undefined ? {} : { max_age }),
    ...(auth_time_min_s === undefined ? {} : { auth_time_min_s }),
    params,
  };
}
