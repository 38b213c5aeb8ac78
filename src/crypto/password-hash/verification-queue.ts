/**
 * Digest verifications (client secrets, user passwords) run through one bounded queue, so a flood of
 * wrong guesses cannot take every core from the event loop, which serves the verify endpoint and the
 * portal, nor grow a backlog that every honest login then waits behind.
 *
 * - At most `concurrency` verifications run at once. Default: the cores this process may use
 *   (affinity included) less one, kept for the event loop; at least 1; and at most libuv's thread
 *   pool less one, so file reads and DNS always find a thread.
 * - At most `maxQueued` wait for a slot, first come first served. Default: 16 per slot, so a waiting
 *   verification starts within about 16 verification times (≈ 3 s at Authelia's default costs).
 * - Beyond that, `run` rejects at once with HashVerificationBusyError, and the digest is not checked.
 *   That is not a wrong password: callers answer 503 "try again later" (the token endpoint RFC 6749
 *   `temporarily_unavailable` with `Retry-After`) and do not count it as a failed attempt.
 *
 * The process has one queue (`hashVerifications`), which `parseDigest` puts every costly digest
 * behind: the resource it shares out, the cores and libuv's thread pool, is the process's, so two
 * queues (one per context) would each admit their share and together oversubscribe it. Worker
 * processes (`server.workers`) each count their share of the cores (`coresOfThisProcess`): a
 * queue per worker, at least one slot each. Plaintext
 * comparisons cost nothing and skip it. Tests build their own with `createVerificationQueue`.
 */
import { availableParallelism } from 'node:os';
import { HashVerificationBusyError } from './errors.js';

export interface VerificationQueueOptions {
  /** Verifications running at once (≥ 1). */
  readonly concurrency: number;
  /** Verifications waiting for a slot (≥ 0); one more is refused at once. */
  readonly maxQueued: number;
}

export interface VerificationQueueStats {
  readonly running: number;
  readonly queued: number;
  /** Verifications refused because the queue was full, since the queue was made. */
  readonly rejected: number;
}

export interface VerificationQueue {
  readonly options: VerificationQueueOptions;
  /** Runs `verification` in a free slot, after those waiting; rejects with HashVerificationBusyError when the queue is full. */
  run<T>(verification: () => Promise<T>): Promise<T>;
  stats(): VerificationQueueStats;
}

/** libuv's default thread pool size, when UV_THREADPOOL_SIZE does not set it. */
export const DEFAULT_THREAD_POOL_SIZE = 4;
/** Waiting verifications allowed per running one. */
export const QUEUED_PER_SLOT = 16;

/** The defaults above, for `cores` usable cores and a thread pool of `threadPoolSize` threads. */
export function defaultVerificationQueueOptions(cores: number, threadPoolSize: number): VerificationQueueOptions {
  const concurrency = Math.max(1, Math.min(cores - 1, threadPoolSize - 1));
  return { concurrency, maxQueued: concurrency * QUEUED_PER_SLOT };
}

export function createVerificationQueue(options: VerificationQueueOptions): VerificationQueue {
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new RangeError('concurrency must be a whole number of at least 1');
  if (!Number.isInteger(options.maxQueued) || options.maxQueued < 0) throw new RangeError('maxQueued must be a whole number of at least 0');
  const frozen = Object.freeze({ concurrency: options.concurrency, maxQueued: options.maxQueued });
  const waiting: Array<() => void> = [];
  let running = 0;
  let rejected = 0;

  const next = (): void => {
    running -= 1;
    const start = waiting.shift();
    if (start !== undefined) start();
  };

  /** Takes a slot (the caller checked one is free) and gives it back when the verification settles. */
  const start = <T>(verification: () => Promise<T>): Promise<T> => {
    running += 1;
    let result: Promise<T>;
    try {
      result = verification();
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passes on whatever the verification threw, unchanged
      result = Promise.reject(error);
    }
    result.then(next, next);
    return result;
  };

  return {
    options: frozen,
    run<T>(verification: () => Promise<T>): Promise<T> {
      if (running < frozen.concurrency && waiting.length === 0) return start(verification);
      if (waiting.length >= frozen.maxQueued) {
        rejected += 1;
        return Promise.reject(new HashVerificationBusyError(
          `too many password or secret verifications at once (${running} running, ${waiting.length} waiting)`,
        ));
      }
      return new Promise<T>((resolve, reject) => {
        waiting.push(() => {
          start(verification).then(resolve, reject);
        });
      });
    },
    stats: () => ({ running, queued: waiting.length, rejected }),
  };
}

function threadPoolSize(): number {
  const configured = Number(process.env['UV_THREADPOOL_SIZE']);
  return Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_THREAD_POOL_SIZE;
}

/**
 * Set by `gatehouse serve`'s primary in each worker's environment (`server.workers` > 1): how many
 * worker processes share the cores.
 */
export const WORKER_COUNT_ENV = 'GATEHOUSE_WORKERS';

/** The cores this process may count on: its share when several workers split them (at least 1). */
export function coresOfThisProcess(cores: number, env: NodeJS.ProcessEnv = process.env): number {
  const workers = Number(env[WORKER_COUNT_ENV]);
  return Number.isInteger(workers) && workers > 1 ? Math.max(1, Math.floor(cores / workers)) : cores;
}

/** The process's queue: every digest `parseDigest` returns verifies through it. */
export const hashVerifications: VerificationQueue = createVerificationQueue(defaultVerificationQueueOptions(coresOfThisProcess(availableParallelism()), threadPoolSize()));
