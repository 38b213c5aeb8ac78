/**
 * The one way to resolve a presented access token: proof that we issued it (an opaque token's
 * HMAC, a JWT access token's signature against our published keys), then the stored record by
 * signature. Userinfo, introspection, revocation and the bearer strategy all go through here.
 */
import type { IssuerKeySet } from '../crypto/keys.js';
import type { OpaqueTokenStrategy } from '../crypto/opaque-token.js';
import type { Storage, TokenSessionRecord } from '../storage/types.js';
import { grantSessionFromJson, type GrantSession } from './grant-session.js';
import { claimedJwtSignature, isJwtShaped, verifiedJwtSignature } from './jwt-access-token.js';

/** What proves an access token ours: the opaque tokens' HMAC key and the issuer's signing keys. */
export interface AccessTokenProof {
  tokens: OpaqueTokenStrategy;
  keys: IssuerKeySet;
}

export interface ActiveAccessToken {
  signature: string;
  record: TokenSessionRecord;
  session: GrantSession;
}

/**
 * The storage signature of a presented access token, once proven ours; null for anything else,
 * which then never reaches storage. Opaque tokens are checked synchronously (HMAC), JWTs not.
 */
export function accessTokenSignatureOf(deps: AccessTokenProof, token: string): string | null | Promise<string | null> {
  return isJwtShaped(token) ? verifiedJwtSignature(deps.keys, token) : deps.tokens.signatureOf(token, 'at');
}

/** The storage signature an access token claims, from its shape alone (a cache key, never proof). */
export function claimedAccessTokenSignatureOf(deps: Pick<AccessTokenProof, 'tokens'>, token: string): string | null {
  return deps.tokens.claimedSignatureOf(token, 'at') ?? claimedJwtSignature(token);
}

/** The token's record when it is ours, active, unrevoked and unexpired at `nowMs`; else null. */
export async function findActiveAccessToken(
  deps: AccessTokenProof & { storage: Pick<Storage, 'tokens'> },
  token: string,
  nowMs: number,
): Promise<ActiveAccessToken | null> {
  const signature = await accessTokenSignatureOf(deps, token);
  if (!signature) return null;
  const record = await deps.storage.tokens.get('access_token', signature);
  if (!record || !record.active || record.revoked || record.expires_at_ms <= nowMs) return null;
  return { signature, record, session: grantSessionFromJson(record.session) };
}
