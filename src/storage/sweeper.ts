/**
 * Deletes expired rows on a timer. Every store already treats an expired row as absent (get,
 * consume and add all compare with `nowMs`), so sweeping changes no answer: it only stops tokens,
 * PAR requests, used `jti`s and portal sessions from piling up forever.
 */
import type { Logger } from '../observability/log.js';
import type { Clock } from '../util/clock.js';
import type { Storage } from './types.js';

/** The stores that keep rows with an expiry and offer `deleteExpired(nowMs)`. */
export const SWEPT_STORES = ['tokens', 'par', 'jwtBlacklist', 'sessions'] as const;
export type SweptStore = (typeof SWEPT_STORES)[number];

/** Rows deleted per store; a store whose sweep failed is left out. */
export type SweepCounts = Partial<Record<SweptStore, number>>;

/** What the sweeper reports to metrics; shaped so `MetricsRecorder` can grow this method. */
export interface ExpirySweepMetrics {
  recordExpiredRowsDeleted(store: SweptStore, count: number): void;
}

export interface ExpirySweeperDeps {
  storage: Pick<Storage, SweptStore>;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
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

  const timer = setInterval(() => {
    // A slow sweep makes the timer skip a beat rather than queue sweeps behind it.
    if (tail === null) void runExclusive();
  }, deps.intervalMs);
  // The sweeper never keeps the process alive on its own.
  timer.unref();

  return {
    sweepNow() {
      if (stopped) return Promise.reject(new Error('the expiry sweeper is stopped'));
      return runExclusive();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
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
      counts[store] = await deps.storage[store].deleteExpired(nowMs);
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
