/**
 * JWT access tokens (RFC 9068), for a client that registers `access_token_signed_response_alg`
 * (Authelia's option; `none`, the default, keeps them opaque). Signed with the issuer key for that
 * algorithm (or the pinned `access_token_signed_response_key_id`), the keys published at jwks_uri.
 *
 * Such a token is stored like an opaque one (token-issuer.ts), under a storage signature: the
 * SHA-256 of its JWS signature part, a fixed 43 characters whatever the key (an RS256 signature
 * alone is 342, too long for revocation notices of a whole family). So introspection, revocation,
 * userinfo and the bearer strategy find it the same way and it stays revocable. A presented JWT
 * reaches storage only after its signature verified against our keys (`verifiedJwtSignature`).
 */
import { hash } from 'node:crypto';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, SignJWT, type JWTPayload } from 'jose';
import type { IssuerKeySet, SigningAlg } from '../crypto/keys.js';
import { memoizeByObject } from '../util/memo.js';
import { systemRandom, type Random } from '../util/random.js';
import type { IssuableGrant } from './issuable-grant.js';

/** RFC 9068 §2.1: the `typ` header of a JWT access token. */
export const AT_JWT_TYP = 'at+jwt';

/** A token longer than this is not one of ours (an RSA-4096 signature is 683 characters): no decoding. */
const MAX_JWT_LENGTH = 8192;
const JWS_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)$/;

/** The client's algorithm, or null for an opaque access token. */
export function jwtAccessTokenAlgOf(client: IssuableGrant['client']): SigningAlg | null {
  const alg = client.access_token_signed_response_alg;
  return alg === 'none' ? null : alg;
}

/**
 * RFC 9068 §3: the audience a resource server checks. The granted audience; when none was
 * granted, the client itself (as Authelia does), since §2.2 makes `aud` required.
 */
export function jwtAccessTokenAudience(grant: Pick<IssuableGrant, 'client' | 'granted_audience'>): string[] {
  return grant.granted_audience.length > 0 ? [...grant.granted_audience] : [grant.client.client_id];
}

export interface JwtAccessTokenClaimsInput {
  issuer: string;
  grant: IssuableGrant;
  jti: string;
  now_s: number;
  expires_in: number;
}

/**
 * RFC 9068 §2.2, pure. `sub` is the person's subject, or the client's id when none is involved
 * (§2.2: client_credentials); §2.2.1 `auth_time` and `amr` when the grant knows them (no `acr`:
 * Gatehouse records none); §2.2.3 `scope` space-separated, when any was granted.
 */
export function jwtAccessTokenClaims(input: JwtAccessTokenClaimsInput): JWTPayload {
  const { grant } = input;
  const claims: JWTPayload = {
    iss: input.issuer,
    sub: grant.subject ?? grant.client.client_id,
    aud: jwtAccessTokenAudience(grant),
    exp: input.now_s + input.expires_in,
    iat: input.now_s,
    nbf: input.now_s,
    jti: input.jti,
    client_id: grant.client.client_id,
  };
  if (grant.granted_scopes.length > 0) claims['scope'] = grant.granted_scopes.join(' ');
  if (grant.session.auth_time_s !== null) claims['auth_time'] = grant.session.auth_time_s;
  if (grant.session.amr.length > 0) claims['amr'] = [...grant.session.amr];
  return claims;
}

/** The storage signature of a JWT access token: a SHA-256 of its JWS signature part. */
const storageSignatureOf = (signaturePart: string): string => hash('sha256', signaturePart, 'base64url');

/** A compact JWS (three base64url parts) of bounded length: the only shape a JWT access token has. */
export const isJwtShaped = (token: string): boolean => token.length <= MAX_JWT_LENGTH && JWS_SHAPE.test(token);

/**
 * The storage signature a JWT claims, from its shape alone: not proof of anything (see
 * `OpaqueTokenStrategy.claimedSignatureOf`); null when the token is not JWT-shaped.
 */
export function claimedJwtSignature(token: string): string | null {
  if (token.length > MAX_JWT_LENGTH) return null;
  const match = JWS_SHAPE.exec(token);
  return match ? storageSignatureOf(match[1]) : null;
}

/** The published keys as a jose key resolver, made once per key set. */
const publishedKeysOf = memoizeByObject((keys: IssuerKeySet) => createLocalJWKSet(keys.jwks()));

/**
 * The storage signature of a presented JWT access token, once its signature verified against
 * the issuer's published keys with one of the algorithms they sign with (never `none`), and its
 * `typ` is `at+jwt` (RFC 9068 §4: an ID Token or a signed answer we issued is not an access
 * token). Null for anything else. Expiry and revocation are the stored record's to say.
 */
export async function verifiedJwtSignature(keys: IssuerKeySet, token: string): Promise<string | null> {
  const claimed = claimedJwtSignature(token);
  if (claimed === null) return null;
  try {
    if (decodeProtectedHeader(token).typ !== AT_JWT_TYP) return null;
    await compactVerify(token, publishedKeysOf(keys), { algorithms: keys.algorithms() });
  } catch {
    return null;
  }
  return claimed;
}

export interface SignedJwtAccessToken {
  token: string;
  signature: string;
  /** The `aud` it carries, which its stored record holds too. */
  audience: string[];
}

/** Signs the RFC 9068 token of a grant; throws KeySelectionError when no issuer key fits. */
export async function signJwtAccessToken(
  deps: { keys: IssuerKeySet; issuer: string; random?: Random | undefined },
  alg: SigningAlg,
  input: { grant: IssuableGrant; now_s: number; expires_in: number },
): Promise<SignedJwtAccessToken> {
  const key = deps.keys.select(alg, input.grant.client.access_token_signed_response_key_id);
  const claims = jwtAccessTokenClaims({ issuer: deps.issuer, jti: (deps.random ?? systemRandom).uuid(), ...input });
  const token = await new SignJWT(claims).setProtectedHeader({ alg, kid: key.kid, typ: AT_JWT_TYP }).sign(key.privateKey);
  return { token, signature: storageSignatureOf(token.slice(token.lastIndexOf('.') + 1)), audience: claims.aud as string[] };
}
