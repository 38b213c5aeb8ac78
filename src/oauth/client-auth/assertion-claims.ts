/**
 * The claims of a client assertion whose signature, `exp` and `nbf` jose already checked
 * (RFC 7523 §3, OIDC Core §9): who it is from, who it is for, how long it lives, that it has a
 * `jti`. Pure: the policy and the time come in.
 */
import type { JWTPayload } from 'jose';

export interface AssertionPolicy {
  client_id: string;
  /**
   * The values that identify this server as the assertion's audience; `aud` must contain one,
   * compared in lowercase (Authelia's OpenID Connect 1.0 integration guide, "Client Assertion Audience"): see `assertionAudiences`.
   */
  audiences: readonly string[];
  /** An assertion may not be valid for longer than this from now, so its `jti` need not be kept forever. */
  maxLifetimeSeconds: number;
  clockSkewSeconds: number;
}

/**
 * Who may be named in `aud` (RFC 7523 §3 rule 3: a value that identifies the authorization server):
 * the issuer identifier, which openid-client and oauth4webapi send by default and
 * draft-ietf-oauth-rfc7523bis makes the only audience; the token endpoint URL (Authelia's OpenID Connect 1.0 integration guide, and RFC 9126 §2,
 * which makes it acceptable at the PAR endpoint too); and the URL of the endpoint that received the
 * assertion (RFC 9126 §2 for PAR; introspection and revocation alike). Another endpoint's URL is
 * refused: an assertion meant for revocation cannot be spent at the token endpoint.
 */
export function assertionAudiences(issuer: string, tokenEndpointUrl: string, endpointUrl: string): string[] {
  return [...new Set([issuer, tokenEndpointUrl, endpointUrl].map((aud) => aud.toLowerCase()))];
}

export const DEFAULT_ASSERTION_POLICY = { maxLifetimeSeconds: 3600, clockSkewSeconds: 30 } as const;

export interface CheckedAssertion {
  jti: string;
  expSeconds: number;
}

/** The problem with the claims, for error_description, or the values the caller still needs. */
export function checkAssertionClaims(payload: JWTPayload, policy: AssertionPolicy, nowMs: number): CheckedAssertion | string {
  const nowSeconds = Math.floor(nowMs / 1000);
  if (payload.iss !== policy.client_id) return "The client assertion's 'iss' claim must be the client_id (RFC 7523 §3 rule 1).";
  if (payload.sub !== policy.client_id) return "The client assertion's 'sub' claim must be the client_id (RFC 7523 §3 rule 2.B).";
  const audiences = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
  const wanted = policy.audiences.map((aud) => aud.toLowerCase());
  if (!audiences.some((aud) => typeof aud === 'string' && wanted.includes(aud.toLowerCase()))) {
    return `The client assertion's 'aud' claim must contain one of ${wanted.map((aud) => `'${aud}'`).join(', ')} (RFC 7523 §3 rule 3).`;
  }
  if (typeof payload.exp !== 'number') return "The client assertion has no 'exp' claim (RFC 7523 §3 rule 4).";
  if (payload.exp > nowSeconds + policy.maxLifetimeSeconds + policy.clockSkewSeconds) {
    return `The client assertion's 'exp' claim is more than ${policy.maxLifetimeSeconds} seconds in the future.`;
  }
  if (typeof payload.iat === 'number' && payload.iat > nowSeconds + policy.clockSkewSeconds) {
    return "The client assertion's 'iat' claim is in the future (RFC 7523 §3 rule 6).";
  }
  if (typeof payload.jti !== 'string' || payload.jti === '') return "The client assertion has no 'jti' claim (OIDC Core §9).";
  return { jti: payload.jti, expSeconds: payload.exp };
}
