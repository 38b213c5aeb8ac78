/**
 * What a redemption does (TokenSessions.redeem), decided from the locked rows alone: a pure
 * function of the presented row, its family and the time, so every case is a table row in
 * test/storage/redemption.test.ts.
 */
import type { Redemption } from '../types.js';

/** The columns a decision reads, of the presented row and of each member of its family. */
export interface RedemptionRow {
  kind: string;
  signature: string;
  active: boolean;
  revoked: boolean;
  used_at_ms: number | null;
  expires_at_ms: number;
}

export type RedemptionDecision = 'unknown' | 'issue' | 'reissue' | 'replay';

export function decideRedemption(
  presented: RedemptionRow | null,
  family: readonly RedemptionRow[],
  redemption: Pick<Redemption, 'kind' | 'nowMs' | 'reuseGraceMs'>,
): RedemptionDecision {
  const { nowMs } = redemption;
  if (!presented || presented.expires_at_ms <= nowMs) return 'unknown';
  if (presented.active && !presented.revoked) return 'issue';
  return withinReuseGrace(presented, family, redemption) ? 'reissue' : 'replay';
}

/**
 * A retry of a rotation whose answer was lost: the presented refresh token was rotated (used, not
 * revoked) less than `reuseGraceMs` ago, its successor is still live, and no refresh token of the
 * family has been used since (so the successor never was). A tie in `used_at_ms` counts as used
 * since: an ambiguous case takes the strict answer.
 */
function withinReuseGrace(presented: RedemptionRow, family: readonly RedemptionRow[], redemption: Pick<Redemption, 'kind' | 'nowMs' | 'reuseGraceMs'>): boolean {
  const { kind, nowMs, reuseGraceMs } = redemption;
  if (kind !== 'refresh_token' || reuseGraceMs <= 0) return false;
  const usedAtMs = presented.used_at_ms;
  if (presented.revoked || usedAtMs === null || nowMs >= usedAtMs + reuseGraceMs) return false;
  const refreshTokens = family.filter((row) => row.kind === 'refresh_token' && row.signature !== presented.signature);
  const successorLive = refreshTokens.some((row) => row.active && !row.revoked && row.expires_at_ms > nowMs);
  const usedSince = refreshTokens.some((row) => row.used_at_ms !== null && row.used_at_ms >= usedAtMs);
  return successorLive && !usedSince;
}
