/**
 * The one way to resolve a presented access token: format + HMAC check, then the stored record by
 * signature. Userinfo, introspection and the bearer strategy all go through here.
 */
import type { OpaqueTokenStrategy } from '../crypto/opaque-token.js';
import type { Storage, TokenSessionRecord } from '../storage/types.js';
import { grantSessionFromJson, type GrantSession } from './grant-session.js';

export interface ActiveAccessToken {
  signature: string;
  record: TokenSessionRecord;
  session: GrantSession;
}

/** The token's record when it is ours, active, unrevoked and unexpired at `nowMs`; else null. */
export async function findActiveAccessToken(
  deps: { storage: Pick<Storage, 'tokens'>; tokens: OpaqueTokenStrategy },
  token: string,
  nowMs: number,
): Promise<ActiveAccessToken | null> {
  const signature = deps.tokens.signatureOf(token, 'at');
  if (!signature) return null;
  const record = await deps.storage.tokens.get('access_token', signature);
  if (!record || !record.active || record.revoked || record.expires_at_ms <= nowMs) return null;
  return { signature, record, session: grantSessionFromJson(record.session) };
}
