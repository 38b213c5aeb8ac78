/** `identity_providers.oidc`: the provider; absent means the provider is off. */
import { z } from 'zod';
import { readPrivateKey } from '../../crypto/key-checks.js';
import { RESPONSE_OBJECT_ALGS, durationDefault, durationSeconds, httpsUrl, stringOrList, type ResponseObjectAlg } from './common.js';
import { oidcClientSchema } from './oidc-client.js';
import { POLICIES, subjectSchema } from './access-control.js';

export const CORS_ENDPOINTS = ['authorization', 'pushed-authorization-request', 'token', 'revocation', 'introspection', 'userinfo'] as const;

/** RS256 for RSA keys; for ECDSA the curve decides (ES256 ↔ P-256, ES384 ↔ P-384, ES512 ↔ P-521). */
export function defaultAlgorithmFor(pem: string): ResponseObjectAlg {
  try {
    const { kind } = readPrivateKey(pem);
    if (kind.kty === 'RSA') return 'RS256';
    return ({ 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' } as const)[kind.curve];
  } catch {
    return 'RS256'; // the unreadable key itself is reported by checks/oidc-keys.ts
  }
}

const issuerJwkSchema = z
  .strictObject({
    key_id: z.string().min(1).max(100).optional(),
    algorithm: z.enum(RESPONSE_OBJECT_ALGS).optional(),
    use: z.enum(['sig']).default('sig'),
    key: z.string().min(1),
    certificate_chain: z.string().min(1).optional(),
  })
  .transform((jwk) => ({ ...jwk, algorithm: jwk.algorithm ?? defaultAlgorithmFor(jwk.key), algorithm_set: jwk.algorithm !== undefined }));

const lifespansShape = {
  access_token: durationSeconds.optional(),
  authorize_code: durationSeconds.optional(),
  id_token: durationSeconds.optional(),
  refresh_token: durationSeconds.optional(),
};

const lifespansSchema = z
  .strictObject({
    access_token: durationDefault(3600),
    authorize_code: durationDefault(60),
    id_token: durationDefault(3600),
    refresh_token: durationDefault(5400),
    custom: z.record(z.string(), z.strictObject(lifespansShape)).default({}),
  })
  .prefault({});

/**
 * How long after a rotation a refresh token presented again is taken for a retry whose answer was
 * lost (its unused successor is replaced) instead of reuse (the family is revoked). 0: off, RFC
 * 9700 §4.14.2's strict rotation. Capped: inside the window, a stolen rotated token outruns reuse
 * detection until the legitimate client refreshes (README, "Refresh token reuse").
 */
export const MAX_REFRESH_TOKEN_REUSE_INTERVAL_S = 300;
const refreshTokenReuseInterval = durationDefault(0).superRefine((seconds, ctx) => {
  if (seconds > MAX_REFRESH_TOKEN_REUSE_INTERVAL_S) {
    ctx.addIssue({ code: 'custom', message: `must be at most 5m (${MAX_REFRESH_TOKEN_REUSE_INTERVAL_S} seconds) but is ${seconds} seconds`, input: seconds });
  }
});

const corsSchema = z
  .strictObject({
    endpoints: z.array(z.enum(CORS_ENDPOINTS)).default([]),
    allowed_origins: stringOrList(z.string().min(1)).default([]),
    allowed_origins_from_client_redirect_uris: z.boolean().default(false),
  })
  .prefault({});

const authorizationPolicySchema = z.strictObject({
  default_policy: z.enum(POLICIES.filter((p) => p !== 'bypass') as ['one_factor', 'two_factor', 'deny']).default('two_factor'),
  rules: z
    .array(
      z.strictObject({
        policy: z.enum(['one_factor', 'two_factor', 'deny']),
        subject: subjectSchema,
      }),
    )
    .default([]),
});

export const oidcSchema = z.strictObject({
  hmac_secret: z.string().min(32).optional(),
  jwks: z.array(issuerJwkSchema).default([]),
  issuer: httpsUrl.optional(),
  enable_client_debug_messages: z.boolean().default(false),
  minimum_parameter_entropy: z.int().min(0).default(8),
  enforce_pkce: z.enum(['never', 'public_clients_only', 'always']).default('public_clients_only'),
  enable_pkce_plain_challenge: z.boolean().default(false),
  enable_jwt_access_token_stateless_introspection: z.boolean().default(false),
  discovery_signed_response_alg: z.enum(['none', ...RESPONSE_OBJECT_ALGS]).default('none'),
  require_pushed_authorization_requests: z.boolean().default(false),
  pushed_authorizations: z.strictObject({ context_lifespan: durationDefault(300) }).prefault({}),
  lifespans: lifespansSchema,
  refresh_token_reuse_interval: refreshTokenReuseInterval,
  cors: corsSchema,
  authorization_policies: z.record(z.string(), authorizationPolicySchema).default({}),
  clients: z.array(oidcClientSchema).min(1),
});
