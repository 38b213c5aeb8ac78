/**
 * The token store's contract: grant records by signature (RFC 6749 codes, access and refresh
 * tokens, PKCE and OpenID Connect sessions), single-use redemption and family revocation.
 */
import type { JsonObject } from './json-types.js';

export type TokenKind = 'access_token' | 'refresh_token' | 'authorization_code' | 'openid_connect' | 'pkce';

export interface TokenSessionRecord {
  signature: string;
  /** The authorization every token of one grant family was issued from. */
  request_id: string;
  client_id: string;
  subject: string | null;
  requested_at_ms: number;
  expires_at_ms: number;
  requested_scopes: string[];
  granted_scopes: string[];
  requested_audience: string[];
  granted_audience: string[];
  /** False once consumed (single use) or revoked. */
  active: boolean;
  revoked: boolean;
  /** The OIDC session and claims; encrypted at rest. */
  session: JsonObject;
}

export type NewTokenSession = Omit<TokenSessionRecord, 'active' | 'revoked'>;

export interface TokenRef {
  kind: TokenKind;
  signature: string;
}

/** A single-use credential presented at the token endpoint, and what to store when it is honoured. */
export interface Redemption {
  kind: 'authorization_code' | 'refresh_token';
  signature: string;
  /** The tokens the answer will carry; stored in the redeeming transaction, or not at all. */
  issue: ReadonlyArray<{ kind: TokenKind; record: NewTokenSession }>;
  nowMs: number;
  /**
   * Refresh tokens only; 0 is off. For this long after a refresh token was rotated, presenting it
   * again is taken for a retry whose answer was lost, not for reuse, while its successor is unused.
   */
  reuseGraceMs: number;
}

export type RedemptionResult =
  /** First use: the credential is used, its family's other live tokens are revoked, `issue` is stored. */
  | { outcome: 'issued'; revoked: TokenRef[] }
  /** A retry within the grace: the unused successor tokens are revoked, `issue` is stored. */
  | { outcome: 'reissued'; revoked: TokenRef[] }
  /** Used before (outside any grace) or revoked: the whole family is revoked, nothing stored. */
  | { outcome: 'replayed'; revoked: TokenRef[] }
  /** Unknown, or expired at `nowMs`: nothing changed. */
  | { outcome: 'unknown' }
  /** Still deadlocked or serialisation-failed after the bounded retries: nothing changed. */
  | { outcome: 'contended' };

export interface TokenSessions {
  /** Stores a new active record; rejects with StorageConflictError when (kind, signature) exists. */
  create(kind: TokenKind, record: NewTokenSession): Promise<void>;
  /** The record whatever its state (inactive, revoked, expired), or null when unknown. */
  get(kind: TokenKind, signature: string): Promise<TokenSessionRecord | null>;
  /**
   * Atomic single use: the first call marks the row inactive and answers `firstUse: true`; every
   * later call (a replay, or a revoked token) answers `firstUse: false` so the caller can revoke the
   * family (RFC 6749 §4.1.2, RFC 9700 §4.14.2). Null when unknown or expired at `nowMs`.
   */
  consume(kind: TokenKind, signature: string, nowMs: number): Promise<{ record: TokenSessionRecord; firstUse: boolean } | null>;
  /**
   * A code exchange or a refresh rotation, as one write transaction: every change below commits
   * together or not at all, so a failure at any point leaves the presented credential as it was.
   * Concurrent redemptions of one credential are serialised by locking its row first, then its
   * family's rows in (kind, signature) order (PostgreSQL: SELECT … FOR UPDATE; SQLite: BEGIN
   * IMMEDIATE), and in one process queue before they take a connection; exactly one of them is
   * `issued`. Deadlocks, serialisation failures and lock waits past a few seconds are retried a
   * few times, then answered `contended`. By the presented row, at `nowMs`:
   * - unknown or expired → `unknown`;
   * - active → `issued`: the row is marked used, the family's other live tokens are revoked (a
   *   refresh retires the previous access token), `issue` is inserted;
   * - a refresh token used less than `reuseGraceMs` ago, not revoked, whose family has a live
   *   refresh token and no refresh token used since (its successor was never used) → `reissued`:
   *   the family's live tokens (the successor pair) are revoked, `issue` is inserted;
   * - otherwise (used, or revoked) → `replayed`: the whole family is revoked (RFC 6749 §4.1.2,
   *   RFC 9700 §4.14.2), nothing is inserted.
   * `revoked` lists what this call revoked; on PostgreSQL with a revocation notice, its access
   * tokens are announced in the same transaction.
   */
  redeem(redemption: Redemption): Promise<RedemptionResult>;
  /** Marks one record revoked and inactive; false when unknown. */
  revoke(kind: TokenKind, signature: string): Promise<boolean>;
  /** Revokes the whole grant family and lists every member, so the caller can evict caches. */
  revokeByRequestId(requestId: string): Promise<TokenRef[]>;
  /** Deletes records expired at `nowMs`; returns how many. */
  deleteExpired(nowMs: number): Promise<number>;
}
