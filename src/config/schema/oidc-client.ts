/**
 * One registered client (`identity_providers.oidc.clients[]`, Authelia 4.38 names). Defaults that
 * depend on other fields (client_name, token_endpoint_auth_method, response_modes, the effective
 * consent mode) are resolved here; the rules between fields live in checks/oidc-client.ts.
 */
import { z } from 'zod';
import { HMAC_ALGS, REQUEST_OBJECT_ALGS, RESPONSE_OBJECT_ALGS, durationSeconds, httpsUrl, optionalUnlessEmpty } from './common.js';

export const GRANT_TYPES = ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];
/** The seven values of the integration guide's Response Types table. */
export const RESPONSE_TYPES = ['code', 'id_token token', 'id_token', 'token', 'code token', 'code id_token', 'code id_token token'] as const;
export type ResponseType = (typeof RESPONSE_TYPES)[number];
export const RESPONSE_MODES = ['form_post', 'query', 'fragment', 'jwt', 'form_post.jwt', 'query.jwt', 'fragment.jwt'] as const;
export type ResponseMode = (typeof RESPONSE_MODES)[number];
export const TOKEN_ENDPOINT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];
export const CONSENT_MODES = ['auto', 'explicit', 'implicit', 'pre-configured'] as const;
export type ConsentMode = (typeof CONSENT_MODES)[number];

export const DEFAULT_SCOPES = ['openid', 'groups', 'profile', 'email'];
/** The clients guide's stated default, in its order. */
export const DEFAULT_GRANT_TYPES: GrantType[] = ['refresh_token', 'authorization_code'];
export const DEFAULT_PRE_CONFIGURED_CONSENT_SECONDS = 604_800;

const signedResponseAlg = z.enum(['none', ...RESPONSE_OBJECT_ALGS]);

/** A client's own public key (for private_key_jwt and request objects). */
const clientJwkSchema = z.strictObject({
  key_id: z.string().min(1),
  algorithm: z.enum(RESPONSE_OBJECT_ALGS).optional(),
  use: z.enum(['sig']).default('sig'),
  key: z.string().min(1),
  certificate_chain: z.string().min(1).optional(),
});

/**
 * Response modes allowed by default for the configured response types (integration guide,
 * Response Types table): `code` → form_post, query; every other type → form_post, fragment.
 */
export function defaultResponseModes(responseTypes: readonly ResponseType[]): ResponseMode[] {
  const modes = new Set<ResponseMode>();
  for (const type of responseTypes) {
    modes.add('form_post');
    modes.add(type === 'code' ? 'query' : 'fragment');
  }
  return [...modes];
}

export const oidcClientSchema = z
  .strictObject({
    client_id: z.string().min(1),
    client_name: z.string().min(1).optional(),
    client_secret: z.string().optional(),
    sector_identifier_uri: optionalUnlessEmpty(httpsUrl),
    public: z.boolean().default(false),
    redirect_uris: z.array(z.string()).min(1),
    /** RP-Initiated Logout 1.0 §3.1: where the end-session endpoint may send the browser back, matched exactly. */
    post_logout_redirect_uris: z.array(z.string()).default([]),
    /** Back-Channel Logout 1.0 §2.2: where the logout token is POSTed. */
    backchannel_logout_uri: optionalUnlessEmpty(z.string().min(1)),
    backchannel_logout_session_required: z.boolean().default(false),
    /** Front-Channel Logout 1.0 §2: loaded in an iframe of the signed-out page. */
    frontchannel_logout_uri: optionalUnlessEmpty(z.string().min(1)),
    frontchannel_logout_session_required: z.boolean().default(false),
    request_uris: z.array(httpsUrl).default([]),
    audience: z.array(z.string().min(1)).default([]),
    scopes: z.array(z.string().min(1)).default(DEFAULT_SCOPES),
    grant_types: z.array(z.enum(GRANT_TYPES)).min(1).default(DEFAULT_GRANT_TYPES),
    response_types: z.array(z.enum(RESPONSE_TYPES)).optional(),
    response_modes: z.array(z.enum(RESPONSE_MODES)).min(1).optional(),
    authorization_policy: z.string().min(1).default('two_factor'),
    consent_mode: z.enum(CONSENT_MODES).default('auto'),
    pre_configured_consent_duration: durationSeconds.optional(),
    requested_audience_mode: z.enum(['explicit', 'implicit']).default('explicit'),
    require_pushed_authorization_requests: z.boolean().default(false),
    require_pkce: z.boolean().default(false),
    pkce_challenge_method: z.enum(['', 'plain', 'S256']).default(''),
    authorization_signed_response_alg: signedResponseAlg.default('none'),
    authorization_signed_response_key_id: optionalUnlessEmpty(z.string().min(1)),
    id_token_signed_response_alg: signedResponseAlg.default('RS256'),
    id_token_signed_response_key_id: optionalUnlessEmpty(z.string().min(1)),
    access_token_signed_response_alg: signedResponseAlg.default('none'),
    access_token_signed_response_key_id: optionalUnlessEmpty(z.string().min(1)),
    userinfo_signed_response_alg: signedResponseAlg.default('none'),
    userinfo_signed_response_key_id: optionalUnlessEmpty(z.string().min(1)),
    introspection_signed_response_alg: signedResponseAlg.default('none'),
    introspection_signed_response_key_id: optionalUnlessEmpty(z.string().min(1)),
    request_object_signing_alg: z.enum(REQUEST_OBJECT_ALGS).optional(),
    token_endpoint_auth_method: z.enum(TOKEN_ENDPOINT_AUTH_METHODS).optional(),
    token_endpoint_auth_signing_alg: z.enum([...HMAC_ALGS, ...RESPONSE_OBJECT_ALGS]).optional(),
    allow_multiple_auth_methods: z.boolean().default(false),
    jwks_uri: httpsUrl.optional(),
    jwks: z.array(clientJwkSchema).optional(),
    lifespan: optionalUnlessEmpty(z.string().min(1)),
  })
  .transform((client) => {
    // A machine client (client_credentials only) uses no authorization endpoint: no response types.
    const machineOnly = client.grant_types.length === 1 && client.grant_types[0] === 'client_credentials';
    const response_types = client.response_types ?? (machineOnly ? [] : ['code' as const]);
    const consentDurationSet = client.pre_configured_consent_duration !== undefined;
    return {
      ...client,
      client_name: client.client_name ?? client.client_id,
      // An empty secret is "no secret" (the public client form of the spec's sample).
      client_secret: client.client_secret === '' ? undefined : client.client_secret,
      response_types,
      response_modes: client.response_modes ?? defaultResponseModes(response_types),
      pre_configured_consent_duration: client.pre_configured_consent_duration ?? DEFAULT_PRE_CONFIGURED_CONSENT_SECONDS,
      // Clients guide, consent_mode: auto uses explicit unless pre_configured_consent_duration is set.
      consent_mode_effective: resolveConsentMode(client.consent_mode, consentDurationSet),
      /** Whether `pre_configured_consent_duration` was written in the file (auto → pre-configured). */
      pre_configured_consent_duration_set: consentDurationSet,
      // pkce_challenge_method "effectively enables" require_pkce (clients guide).
      require_pkce: client.require_pkce || client.pkce_challenge_method !== '',
      token_endpoint_auth_method: client.token_endpoint_auth_method ?? (client.public ? 'none' : 'client_secret_basic'),
      token_endpoint_auth_method_set: client.token_endpoint_auth_method !== undefined,
    };
  });

export type EffectiveConsentMode = Exclude<ConsentMode, 'auto'>;

export function resolveConsentMode(mode: ConsentMode, durationSet: boolean): EffectiveConsentMode {
  if (mode !== 'auto') return mode;
  return durationSet ? 'pre-configured' : 'explicit';
}
