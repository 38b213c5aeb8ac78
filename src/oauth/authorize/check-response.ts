/**
 * response_type and response_mode (OAuth 2.0 Multiple Response Type Encoding Practices §2-§5; JARM
 * §2.3; the integration guide's Response Types and Response Modes tables). Each value is accepted
 * only when the client registers it.
 */
import type { OidcClientConfig } from '../../config/index.js';
import { RESPONSE_MODES, RESPONSE_TYPES } from '../../config/schema/oidc-client.js';
import { OAuthError } from '../errors.js';
import type { ResponseMode, ResponseType, SupportedResponseMode } from './types.js';

/** Multiple Response Type Encoding Practices §5: the value is a space-separated set; order is not significant. */
function canonical(value: string): string {
  return value.split(' ').filter(Boolean).sort().join(' ');
}

const BY_CANONICAL: ReadonlyMap<string, ResponseType> = new Map(RESPONSE_TYPES.map((type) => [canonical(type), type]));

export function checkResponseType(params: URLSearchParams, client: Pick<OidcClientConfig, 'response_types'>): ResponseType {
  const value = params.get('response_type');
  if (!value) throw new OAuthError('invalid_request', "The 'response_type' parameter is missing.");
  const type = BY_CANONICAL.get(canonical(value));
  if (type === undefined) throw new OAuthError('unsupported_response_type', `The response type '${value}' is not supported.`);
  if (!client.response_types.includes(type)) {
    throw new OAuthError('unauthorized_client', `The client is not registered for the response type '${value}'.`);
  }
  return type;
}

/** Whether the authorization endpoint returns `part` for this response type. */
export function returns(type: ResponseType, part: 'code' | 'token' | 'id_token'): boolean {
  return type.split(' ').includes(part);
}

/** Multiple Response Type Encoding Practices §2.1 / §5: `query` for `code`, `fragment` for every other type. */
export function defaultResponseMode(type: ResponseType): 'query' | 'fragment' {
  return type === 'code' ? 'query' : 'fragment';
}

function isResponseMode(value: string): value is ResponseMode {
  return (RESPONSE_MODES as readonly string[]).includes(value);
}

/** JARM §2.3.4: `jwt` is `query.jwt` for `code` and `fragment.jwt` for types that return tokens. */
export function resolveResponseMode(mode: ResponseMode, type: ResponseType): SupportedResponseMode {
  return mode === 'jwt' ? `${defaultResponseMode(type)}.jwt` : mode;
}

/**
 * The mode to answer in: the requested one (registered by the client) or the type's default.
 * Multiple Response Type Encoding Practices §3 (and JARM §2.3.1 without encryption): a type that
 * returns a token or ID Token must never put it in the query, so `query`/`query.jwt` are refused.
 */
export function checkResponseMode(params: URLSearchParams, client: Pick<OidcClientConfig, 'response_modes'>, type: ResponseType): SupportedResponseMode {
  const value = params.get('response_mode');
  if (value === null || value === '') return defaultResponseMode(type);
  if (!isResponseMode(value)) throw new OAuthError('invalid_request', `The response mode '${value}' is not supported.`);
  if (!client.response_modes.includes(value)) {
    throw new OAuthError('invalid_request', `The client is not registered for the response mode '${value}'.`);
  }
  const mode = resolveResponseMode(value, type);
  if (type !== 'code' && (mode === 'query' || mode === 'query.jwt')) {
    throw new OAuthError('invalid_request', `The response mode '${value}' must not be used with the response type '${type}': it would put tokens in the query.`);
  }
  return mode;
}

/**
 * The mode for errors found before response_type/response_mode are known to be valid: the
 * requested mode when the client registered it, else the default of the requested type when it
 * is one we know (no token may share the query, so neither does its error), else query.
 */
export function provisionalResponseMode(params: URLSearchParams, client: Pick<OidcClientConfig, 'response_modes'>): SupportedResponseMode {
  const type = BY_CANONICAL.get(canonical(params.get('response_type') ?? '')) ?? 'code';
  const value = params.get('response_mode') ?? '';
  return isResponseMode(value) && client.response_modes.includes(value) ? resolveResponseMode(value, type) : defaultResponseMode(type);
}

/**
 * OIDC Core §3.2.2.1 and §3.3.2.11: `nonce` is REQUIRED whenever the authorization endpoint returns
 * an ID Token (implicit and hybrid flows), and an ID Token needs the `openid` scope (§3.1.2.1).
 */
export function checkIdTokenRequest(type: ResponseType, scopes: readonly string[], nonce: string | undefined): void {
  if (!returns(type, 'id_token')) return;
  if (!scopes.includes('openid')) throw new OAuthError('invalid_request', `The response type '${type}' requires the 'openid' scope.`);
  if (nonce === undefined) throw new OAuthError('invalid_request', `The 'nonce' parameter is required for the response type '${type}'.`);
}
