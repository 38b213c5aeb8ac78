/**
 * The provider metadata (OIDC Discovery 1.0 §3, RFC 8414 §2): states exactly what is implemented
 * today, so relying parties never negotiate a feature we would then refuse. Pure: built once at
 * start-up from the issuer, the keys and the config.
 */
import type { OidcConfig } from '../config/index.js';
import type { IssuerKeySet } from '../crypto/keys.js';
import { SCOPE_CLAIM_NAMES } from './claims.js';
import { OIDC_PATHS } from '../util/paths.js';

export interface DiscoveryDeps {
  issuer: string;
  keys: Pick<IssuerKeySet, 'algorithms'>;
  config: Pick<OidcConfig, 'enable_pkce_plain_challenge' | 'require_pushed_authorization_requests'>;
}

/** Authelia's OpenID Connect 1.0 integration guide, "Scope Definitions": every scope the provider knows. */
export const SUPPORTED_SCOPES: readonly string[] = Object.freeze(['openid', 'offline_access', 'profile', 'email', 'groups', 'authelia.bearer.authz']);

/**
 * Claims of the ID Token and UserInfo: the `openid` table of Authelia's integration guide (those an ID Token carries) plus
 * `nonce`, then every scope table.
 */
export const SUPPORTED_CLAIMS: readonly string[] = Object.freeze([
  'amr', 'aud', 'auth_time', 'azp', 'exp', 'iat', 'iss', 'jti', 'nonce', 'rat', 'sid', 'sub',
  ...SCOPE_CLAIM_NAMES,
]);

/** RFC 6749 §2.3: the client authentication the token endpoint accepts. */
export const TOKEN_ENDPOINT_AUTH_METHODS: readonly string[] = Object.freeze(['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none']);
/** RFC 7662 §2.1: introspection requires an authenticated caller, so no `none`. */
export const INTROSPECTION_ENDPOINT_AUTH_METHODS: readonly string[] = Object.freeze(['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt']);
/** RFC 7009 §2.1: public clients revoke their own tokens with only their client_id. */
export const REVOCATION_ENDPOINT_AUTH_METHODS: readonly string[] = Object.freeze(['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none']);
/** Authelia's OpenID Connect 1.0 integration guide: Client Authentication Method table: HS* for client_secret_jwt, RS/PS/ES for private_key_jwt. */
export const CLIENT_ASSERTION_ALGS: readonly string[] = Object.freeze(['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512']);

export type DiscoveryMetadata = Readonly<Record<string, unknown>>;

export function discoveryMetadata({ issuer, keys, config }: DiscoveryDeps): DiscoveryMetadata {
  const at = (path: string): string => `${issuer}${path}`;
  return Object.freeze({
    issuer,
    authorization_endpoint: at(OIDC_PATHS.authorization),
    token_endpoint: at(OIDC_PATHS.token),
    userinfo_endpoint: at(OIDC_PATHS.userinfo),
    introspection_endpoint: at(OIDC_PATHS.introspection),
    revocation_endpoint: at(OIDC_PATHS.revocation),
    // RFC 9126 §5.
    pushed_authorization_request_endpoint: at(OIDC_PATHS.pushed_authorization_request),
    require_pushed_authorization_requests: config.require_pushed_authorization_requests,
    jwks_uri: at(OIDC_PATHS.jwks),
    // Authelia's OpenID Connect 1.0 integration guide: Response Types and Response Modes tables (JARM included).
    response_types_supported: ['code', 'id_token', 'token', 'id_token token', 'code id_token', 'code token', 'code id_token token'],
    response_modes_supported: ['form_post', 'query', 'fragment', 'jwt', 'form_post.jwt', 'query.jwt', 'fragment.jwt'],
    grant_types_supported: ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'],
    authorization_signing_alg_values_supported: keys.algorithms(),
    scopes_supported: [...SUPPORTED_SCOPES],
    claims_supported: [...SUPPORTED_CLAIMS],
    subject_types_supported: ['public', 'pairwise'],
    id_token_signing_alg_values_supported: keys.algorithms(),
    // Authelia's OpenID Connect 1.0 integration guide, "User Information Signing Algorithm": none (JSON) or a JWS by the client's registered alg.
    userinfo_signing_alg_values_supported: ['none', ...keys.algorithms()],
    // RFC 9701 §7: JWT introspection answers (the client's introspection_signed_response_alg).
    introspection_signing_alg_values_supported: keys.algorithms(),
    token_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    token_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGS],
    introspection_endpoint_auth_methods_supported: [...INTROSPECTION_ENDPOINT_AUTH_METHODS],
    introspection_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGS],
    revocation_endpoint_auth_signing_alg_values_supported: [...CLIENT_ASSERTION_ALGS],
    revocation_endpoint_auth_methods_supported: [...REVOCATION_ENDPOINT_AUTH_METHODS],
    code_challenge_methods_supported: config.enable_pkce_plain_challenge ? ['S256', 'plain'] : ['S256'],
    // RFC 9207: the authorization response carries `iss`.
    authorization_response_iss_parameter_supported: true,
    // RFC 9101: request objects by value; by reference only through PAR (OIDC Discovery §3 defaults
    // request_uri_parameter_supported to true, so say false explicitly).
    request_parameter_supported: true,
    request_uri_parameter_supported: false,
    request_object_signing_alg_values_supported: ['none', ...CLIENT_ASSERTION_ALGS],
    claims_parameter_supported: false,
    prompt_values_supported: ['none', 'login', 'consent'],
    // RP-Initiated Logout 1.0 §2.1: GET and POST, id_token_hint, post_logout_redirect_uri, state.
    end_session_endpoint: at(OIDC_PATHS.end_session),
    // Front-Channel Logout 1.0 §3 and Back-Channel Logout 1.0 §2.1: each client's logout URI is
    // called at sign-out, with iss and sid (a frame's query, the Logout Token's claims).
    frontchannel_logout_supported: true,
    frontchannel_logout_session_supported: true,
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
  });
}
