/**
 * The storage contract of identity verification: one-time codes sent by the notifier (an elevated
 * session's code, a password reset link's id). Only a keyed hash of each is stored; each is used
 * at most once, and never after it expired. Re-exported by types.ts with the rest.
 */

/** What a code proves; a code is only ever accepted for the purpose it was made for. */
export type OneTimeCodeIntent = 'elevation' | 'reset_password';

export interface NewOneTimeCode {
  /** A random id of the row (logs, audit); not the code. */
  id: string;
  username: string;
  intent: OneTimeCodeIntent;
  /** HMAC-SHA-256 of the code (hex), keyed from the storage encryption key. */
  code_hash: string;
  created_at_ms: number;
  expires_at_ms: number;
}

export interface OneTimeCodes {
  create(code: NewOneTimeCode): Promise<void>;
  /**
   * Uses the user's code of this intent and hash, atomically: true exactly once, when it exists,
   * is unused and has not expired at `nowMs`; false otherwise (unknown, used, expired, another
   * user's, another intent's).
   */
  consume(query: { username: string; intent: OneTimeCodeIntent; code_hash: string; nowMs: number }): Promise<boolean>;
  /** How many codes of this intent the user was sent since `sinceMs` (the sending rate limit). */
  countSince(username: string, intent: OneTimeCodeIntent, sinceMs: number): Promise<number>;
  /** Revokes every unused code of the user and intent (a password changed: older links die); how many. */
  revokeAll(username: string, intent: OneTimeCodeIntent, nowMs: number): Promise<number>;
  /** Deletes codes expired before `nowMs`; how many. */
  deleteExpired(nowMs: number): Promise<number>;
}
