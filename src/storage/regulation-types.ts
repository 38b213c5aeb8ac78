/**
 * The storage contract of regulation (Authelia's `regulation` section): the authentication log, the
 * attempt reservations that keep it race-free, and bans. Re-exported by types.ts with the rest.
 */
/** What was authenticated: portal factors, forward-auth Basic, and OAuth clients at the back channel. */
export type AuthType = '1fa' | '2fa' | 'basic' | 'client';
/**
 * What a ban is on. People (auth types 1fa, 2fa, basic) are banned by `user` and `ip`; OAuth
 * clients (auth type `client`, whose client_id goes in the log's `username` column) by `client` and
 * `client_ip`. Each kind counts only its own attempts: a prober of client secrets does not ban the
 * person signing in from the same address, and a client_id that equals a username stays apart.
 */
export type BanKind = 'user' | 'ip' | 'client' | 'client_ip';

export interface AuthenticationAttempt {
  username: string;
  remote_ip: string;
  successful: boolean;
  auth_type: AuthType;
  time_ms: number;
  request_uri?: string;
  request_method?: string;
}

/** One value regulation counts and bans by: a username, an IP, a client_id. */
export interface RegulationKey {
  kind: BanKind;
  value: string;
}

/** The `regulation` rule for one attempt, in storage terms. */
export interface RegulationWindow {
  /** Counted and serialised separately; an attempt is refused when any of them is. */
  keys: readonly RegulationKey[];
  /** Attempts before this instant do not count (`now - find_time`). */
  sinceMs: number;
  max_retries: number;
}

export type AttemptReservation =
  | { reserved: true; id: number }
  /** Nothing was logged. `banned_until_ms` is null when no ban is active yet but `max_retries` attempts already failed or are under way. */
  | { reserved: false; banned_until_ms: number | null };

export interface AuthenticationLog {
  record(attempt: AuthenticationAttempt): Promise<void>;
  /**
   * Settled failures since the last success, counting only attempts at or after `sinceMs`.
   * Filters by username, remote IP, or both; at least one is required. All auth types count.
   */
  countFailures(query: { username?: string; remote_ip?: string; sinceMs: number }): Promise<number>;
  /**
   * Reserves one regulated attempt before its secret is verified. One transaction, serialised
   * against every other reserve and settle on the same keys, in this process and in any other on
   * the same database (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction advisory lock per key):
   * refused while a key has an active ban, or when, since the key's last success, its last ban's
   * end and `sinceMs`, `max_retries` attempts have failed or are still pending. Otherwise the
   * attempt is logged as a pending failure and its id returned. So at most `max_retries`
   * secrets are ever checked per key inside the window, however many requests race.
   */
  reserveAttempt(attempt: Omit<AuthenticationAttempt, 'successful'>, window: RegulationWindow, nowMs: number): Promise<AttemptReservation>;
  /**
   * Settles a reserved attempt (same serialisation). A success resets the count; with `forget`
   * its row is deleted instead when nothing was there to reset (no failure since the last
   * success), so frequent successes (OAuth clients) do not grow the log. A failure bans every key
   * whose settled failures reach `max_retries` and that has no active ban: one ban per ban, until
   * `ban.expires_at_ms`. Returns the bans placed, with the failures that placed them.
   */
  settleAttempt(
    id: number,
    outcome: { successful: boolean; forget?: boolean },
    window: RegulationWindow,
    ban: { expires_at_ms: number; reason: string; nowMs: number },
  ): Promise<{ banned: Array<RegulationKey & { failures: number }> }>;
  /** Drops a reserved attempt whose check could not run (an error, not a verdict). */
  releaseAttempt(id: number): Promise<void>;
  /** Bans a user or an IP until `expires_at_ms`, replacing an earlier ban of the same value. */
  ban(ban: { kind: BanKind; value: string; expires_at_ms: number; reason: string }): Promise<void>;
  activeBan(kind: BanKind, value: string, nowMs: number): Promise<{ expires_at_ms: number; reason: string } | null>;
  /** Lifts a ban; false when there was none. */
  lift(kind: BanKind, value: string): Promise<boolean>;
}
