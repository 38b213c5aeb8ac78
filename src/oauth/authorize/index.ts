/**
 * The authorization endpoint's request checks, in the order the specs imply: client and redirect
 * URI first (errors shown to the person), then everything else (errors sent to the client). Pure:
 * a verdict out, never a side effect, so a stored request is checked again the same way.
 */
import type { OidcConfig } from '../../config/index.js';
import { parseAudience, requireAudienceWithin } from '../audience.js';
import type { ClientRegistry, RegisteredClient } from '../clients.js';
import { OAuthError } from '../errors.js';
import { refusePlainRequest, requiresPushedRequests } from './resolve-par.js';
import { rejectDuplicateParameters } from '../parameters.js';
import { checkClient, UnsafeAuthorizationError } from './check-client.js';
import { checkParameterEntropy } from './check-entropy.js';
import { checkPkce } from './check-pkce.js';
import { checkMaxAge, checkPrompt } from './check-prompt.js';
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
  config: Pick<OidcConfig, 'enforce_pkce' | 'enable_pkce_plain_challenge' | 'minimum_parameter_entropy' | 'require_pushed_authorization_requests'>;
}

/**
 * The checks' verdict. A refusal carries where the client hears of it: null while the client and
 * its redirect URI are not trusted (RFC 6749 §4.1.2.1: show the person), else the redirect URI
 * with the response mode as far as it is known.
 */
export type AuthorizationValidation =
  | { ok: true; request: AuthorizationRequest }
  | { ok: false; error: OAuthError; destination: ErrorDestination | null };

/**
 * Validates an authorization request's effective parameters (a pushed request or a request
 * object already resolved). `pushed`: the parameters came through PAR (RFC 9126), which
 * `require_pushed_authorization_requests` asks for — or from an interaction whose arrival did.
 */
export function validateAuthorizationRequest(params: URLSearchParams, deps: AuthorizeDeps, options: { pushed: boolean }): AuthorizationValidation {
  let destination: ErrorDestination | null = null;
  try {
    const trusted = checkDestination(params, deps);
    destination = trusted.destination;
    // RFC 9126 §5: refused as soon as the redirect URI is trusted, so the client hears of it.
    if (!options.pushed && requiresPushedRequests(deps.config, trusted.client)) refusePlainRequest();
    checkRequestUri(params, 'redirect');
    const response_type = checkResponseType(params, trusted.client.config);
    const response_mode = checkResponseMode(params, trusted.client.config, response_type);
    destination = { ...destination, response_mode };
    return { ok: true, request: checkRest(params, deps, { ...destination, response_type }) };
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    return { ok: false, error: err, destination: err instanceof UnsafeAuthorizationError ? null : destination };
  }
}

/** RFC 6749 §4.1.2.1: the client and the redirect URI first; their errors are shown, never redirected. */
function checkDestination(params: URLSearchParams, deps: AuthorizeDeps): { client: RegisteredClient; destination: ErrorDestination } {
  try {
    rejectDuplicateParameters(params);
  } catch (err) {
    throw new UnsafeAuthorizationError('invalid_request', (err as Error).message.replace(/^invalid_request: /, ''));
  }
  const client = checkClient(params, deps.clients);
  if (!params.has('redirect_uri')) checkRequestUri(params, 'page');
  const redirect_uri = checkRedirectUri(params, client);
  const state = params.get('state') || undefined;
  return { client, destination: { redirect_uri, response_mode: provisionalResponseMode(params, client.config), client, ...(state ? { state } : {}) } };
}

/** Everything else, once errors can go to the client. */
function checkRest(params: URLSearchParams, deps: AuthorizeDeps, known: ErrorDestination & { response_type: AuthorizationRequest['response_type'] }): AuthorizationRequest {
  const { client, redirect_uri, response_type, response_mode } = known;
  const entropy = checkParameterEntropy(params, deps.config.minimum_parameter_entropy);
  const scopes = checkScope(params, client.config);
  checkIdTokenRequest(response_type, scopes, entropy.nonce);
  const audience = parseAudience(params);
  requireAudienceWithin(audience, client.config.audience);
  // RFC 7636 protects a code: a response type without one has nothing to bind a challenge to.
  const pkce = returns(response_type, 'code') ? checkPkce(params, deps.config, client.config) : {};
  const prompt = checkPrompt(params);
  const max_age = checkMaxAge(params);
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
    params,
  };
}
