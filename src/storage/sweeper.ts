/**
 * Deletes expired rows on a timer. Every store already treats an expired row as absent (get,
 * consume and add all compare with `nowMs`), so sweeping changes no answer: it only stops tokens,
 * PAR requests, authorization interactions, used `jti`s, portal sessions, consents and used TOTP steps from piling up forever.
 * Consent challenges and TOTP steps carry no expiry of their own: see CONSENT_CHALLENGE_LIFESPAN_MS
 * (stores/consents.ts) and totpHistoryRetentionMs below for when they stop mattering. The
 * authentication log is kept for `storage.retention.authentication_logs`, which config checks hold
 * at or above `regulation.find_time`: regulation counts only rows inside find_time, so neither
 * does pruning change an answer.
 */
import type { Kysely } from 'kysely';
import type { Logger } from '../observability/log.js';
import type { Clock } from '../util/clock.js';
import type { Database } from './schema.js';
import type { Storage } from './types.js';

/** The stores swept, in order; the names (snake_case, like every label value) label the counts, the log and the metric. */
export const SWEPT_STORES = ['tokens', 'par', 'interactions', 'jwt_blacklist', 'sessions', 'session_clients', 'consents', 'totp_history', 'webauthn_challenges', 'one_time_codes', 'authentication_logs'] as const;
export type SweptStore = (typeof SWEPT_STORES)[number];

/** Rows deleted per store; a store whose sweep failed is left out. */
export type SweepCounts = Partial<Record<SweptStore, number>>;

/** What the sweeper reports to metrics; shaped so `MetricsRecorder` can grow this method. */
export interface ExpirySweepMetrics {
  recordExpiredRowsDeleted(store: SweptStore, count: number): void;
}

/** Deletes authentication log rows logged before `beforeMs`; resolves to how many. */
export interface AuthenticationLogRetention {
  deleteBefore(beforeMs: number): Promise<number>;
}

/**
 * A direct query on `authentication_logs`, beside its only caller: request paths reach the log
 * through AuthenticationLog (stores/auth-log.ts), which has no use for a delete by age.
 */
export function createAuthenticationLogRetention(db: Kysely<Database>): AuthenticationLogRetention {
  return {
    async deleteBefore(beforeMs) {
      const result = await db.deleteFrom('authentication_logs').where('time_ms', '<', beforeMs).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

/** What the sweeper deletes from: the stores, and the authentication log's retention (openStorage makes both). */
export type SweptStorage = Pick<Storage, 'tokens' | 'par' | 'interactions' | 'jwtBlacklist' | 'sessions' | 'sessionClients' | 'consents' | 'totp' | 'webauthnChallenges' | 'oneTimeCodes'> & { authLogRetention: AuthenticationLogRetention };

export interface ExpirySweeperDeps {
  storage: SweptStorage;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
  /**
   * A first sweep this long after start, before the interval's first beat: a replica restarted more
   * often than `intervalMs` (rolling deploys, a crash loop) would otherwise never sweep at all.
   */
  firstSweepMs?: number;
  /** Used TOTP steps are kept this long after use: totpHistoryRetentionMs(config.totp). */
  totpHistoryMs: number;
  /** Authentication log rows are kept this long: `storage.retention.authentication_logs`. */
  authLogRetentionMs: number;
  metrics?: ExpirySweepMetrics;
}

export interface ExpirySweeper {
  /** Sweeps at once, after any sweep in progress (never two at a time). */
  sweepNow(): Promise<SweepCounts>;
  /** Stops the timer and waits for a sweep in progress, so storage can close after it. */
  stop(): Promise<void>;
}

/** Often enough that little piles up, rarely enough that the DELETEs cost nothing noticeable. */
export const DEFAULT_SWEEP_INTERVAL_MS = 5 * 60_000;
/** Start-up is busy enough (key loading, first logins): the first sweep waits a minute. */
export const DEFAULT_FIRST_SWEEP_MS = 60_000;

/** The floor of totpHistoryRetentionMs. */
export const MIN_TOTP_HISTORY_MS = 24 * 60 * 60_000;

/**
 * How long a used TOTP step must be remembered to refuse its replay (RFC 6238 §5.2). A code used
 * at `u` matched a step up to `skew` steps ahead of u's, and that step is accepted until `skew`
 * steps after it have passed: at most (2·skew + 1) periods after `u`. Doubled for margin, and
 * never under a day: `totp.period` governs new enrolments only, while a code is matched with the
 * period its user enrolled with, which an earlier configuration may have made longer.
 */
export function totpHistoryRetentionMs(totp: { period: number; skew: number }): number {
  const acceptedForMs = (2 * totp.skew + 1) * totp.period * 1000;
  return Math.max(2 * acceptedForMs, MIN_TOTP_HISTORY_MS);
}

type SweepDeps = Pick<ExpirySweeperDeps, 'storage' | 'totpHistoryMs' | 'authLogRetentionMs'>;

/** Each store's sweep at `nowMs`: how many rows it deleted. */
const SWEEPS: Readonly<Record<SweptStore, (deps: SweepDeps, nowMs: number) => Promise<number>>> = {
  tokens: ({ storage }, nowMs) => storage.tokens.deleteExpired(nowMs),
  par: ({ storage }, nowMs) => storage.par.deleteExpired(nowMs),
  interactions: ({ storage }, nowMs) => storage.interactions.deleteExpired(nowMs),
  jwt_blacklist: ({ storage }, nowMs) => storage.jwtBlacklist.deleteExpired(nowMs),
  sessions: ({ storage }, nowMs) => storage.sessions.deleteExpired(nowMs),
  session_clients: ({ storage }, nowMs) => storage.sessionClients.deleteExpired(nowMs),
  consents: ({ storage }, nowMs) => storage.consents.deleteExpired(nowMs),
  totp_history: ({ storage, totpHistoryMs }, nowMs) => storage.totp.deleteHistoryBefore(nowMs - totpHistoryMs),
  webauthn_challenges: ({ storage }, nowMs) => storage.webauthnChallenges.deleteExpired(nowMs),
  one_time_codes: ({ storage }, nowMs) => storage.oneTimeCodes.deleteExpired(nowMs),
  authentication_logs: ({ storage, authLogRetentionMs }, nowMs) => storage.authLogRetention.deleteBefore(nowMs - authLogRetentionMs),
};

export function startExpirySweeper(deps: ExpirySweeperDeps): ExpirySweeper {
  let tail: Promise<SweepCounts> | null = null;
  let stopped = false;

  // Sweeps queue behind one another, so a sweep never overlaps another.
  const runExclusive = (): Promise<SweepCounts> => {
    const next = (tail ?? Promise.resolve({})).then(() => sweepOnce(deps));
    tail = next;
    const clear = (): void => {
      if (tail === next) tail = null;
    };
    next.then(clear, clear);
    return next;
  };

  // A slow sweep makes the timer skip a beat rather than queue sweeps behind it.
  const beat = (): void => {
    if (tail === null) void runExclusive();
  };
  const timer = setInterval(beat, deps.intervalMs);
  const first = deps.firstSweepMs === undefined ? null : setTimeout(beat, deps.firstSweepMs);
  // The sweeper never keeps the process alive on its own.
  timer.unref();
  first?.unref();

  return {
    sweepNow() {
      if (stopped) return Promise.reject(new Error('the expiry sweeper is stopped'));
      return runExclusive();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (first !== null) clearTimeout(first);
      await tail;
    },
  };
}

/** One pass over every store at one `nowMs`; a failing store is logged and the others still run. */
async function sweepOnce(deps: Omit<ExpirySweeperDeps, 'intervalMs'>): Promise<SweepCounts> {
  const nowMs = deps.clock.nowMs();
  const counts: SweepCounts = {};
  // One store after another: SQLite has a single writer anyway, and PostgreSQL sees no burst.
  for (const store of SWEPT_STORES) {
    try {
      counts[store] = await SWEEPS[store](deps, nowMs);
      deps.metrics?.recordExpiredRowsDeleted(store, counts[store]);
    } catch (err) {
      deps.logger.warn('expired rows could not be deleted', { store, error: err instanceof Error ? err.message : String(err) });
    }
  }
  // Debug, not info: on a busy server nearly every sweep deletes something, and a line every few
  // minutes that needs no action would drown the lines that do.
  if (Object.values(counts).some((n) => n > 0)) deps.logger.debug('expired rows deleted', { deleted: counts });
  return counts;
}
