/**
 * The one step where a code exchange or a refresh rotation changes anything: the presented
 * credential is redeemed and the minted tokens stored in one storage transaction
 * (TokenSessions.redeem), then the outcome becomes the answer. A lost race is `invalid_grant`
 * (RFC 6749 §5.2: the grant "was issued to another client" or "is invalid"), never a 500; a
 * storage error rejects as it is (a 500 that changed nothing, the transaction rolled back).
 */
import { OAuthError } from '../errors.js';
import type { TokenSessionRecord } from '../../storage/types.js';
import type { MintedResponse } from './issue-tokens.js';
import type { GrantDeps, TokenResponse } from './types.js';

export interface RedeemWording {
  kind: 'authorization_code' | 'refresh_token';
  /** Unknown, expired, another client's: the same words for each (RFC 6749 §5.2). */
  invalid: string;
  /** Used before: the family is revoked. */
  replayed: string;
  /** Logged at warn when a replay revoked the family. */
  replayLog: string;
}

export async function redeem(
  deps: GrantDeps,
  presented: TokenSessionRecord,
  wording: RedeemWording,
  minted: MintedResponse,
  options: { nowMs: number; reuseGraceMs: number },
): Promise<TokenResponse> {
  const result = await deps.storage.tokens.redeem({ kind: wording.kind, signature: presented.signature, issue: minted.rows, ...options });
  const fields = { client_id: presented.client_id, request_id: presented.request_id };
  switch (result.outcome) {
    case 'issued':
      return minted.response;
    case 'reissued':
      deps.logger.info('refresh token presented again within its reuse grace: unused successor replaced', { ...fields, revoked: result.revoked.length });
      return minted.response;
    case 'replayed':
      deps.logger.warn(wording.replayLog, { ...fields, revoked: result.revoked.length });
      throw new OAuthError('invalid_grant', wording.replayed);
    case 'unknown':
      throw new OAuthError('invalid_grant', wording.invalid, { cause: `${wording.kind} expired or deleted while being redeemed` });
    case 'contended':
      throw new OAuthError('invalid_grant', wording.invalid, { cause: `${wording.kind} of request ${presented.request_id}: lost a race with a concurrent redemption (still deadlocked after retries)` });
  }
}
