/**
 * `server.workers` > 1: `gatehouse serve` as a node:cluster of worker processes sharing the
 * listening socket (the primary accepts and hands connections round-robin).
 *
 * The primary serves no request. It
 * - does once what workers must not race on (secrets generated for SQLite, migrations: prepareShared);
 * - forks the workers, each numbered by its slot (1…N, kept by a replacement) in GATEHOUSE_WORKER;
 *   each builds its own context (storage connection, introspection cache, metrics registry) and
 *   serves the main port; worker 1 alone runs the expiry sweeper;
 * - relays revocations: a worker sends what it revoked, the primary passes it to every other
 *   worker, whose revocation bus evicts it from its introspection cache (as the PostgreSQL channel
 *   does between replicas). One IPC hop each way: well under a millisecond on an idle machine;
 * - serves the one metrics port, aggregating the registries of the workers that listen (prom-client's
 *   cluster protocol and AggregatorRegistry.aggregate; a worker still starting is not waited for);
 * - replaces a worker that dies (backoff doubling from 100 ms after each failed start, 10 s at
 *   most), gives up and exits 1 when a slot's worker fails to start 5 times in a row (a bad
 *   directory, a busy port: something a restart will not cure), or at once when a worker fails
 *   its very first start (the start fails, as a single process's would);
 * - on SIGTERM/SIGINT, stops replacing, sends every worker SIGTERM (each stops gracefully, as a
 *   single process does), waits for them (SIGKILL after the grace period), exits 0 if all did.
 *
 * Everything shared lives in storage (sessions, regulation, single-use codes, consents, PAR,
 * the JWT blacklist), so any worker may answer any request; what stays per worker is a cache or a
 * bound (introspection cache, verified-secret cache, LDAP pool, the hash verification queue: each
 * worker's sized for its share of the cores, GATEHOUSE_WORKERS).
 */
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { AggregatorRegistry, Registry } from 'prom-client';
import type { Config } from '../config/index.js';
import type { RevocationPeers } from '../authz/revocation-bus.js';
import { prepareShared } from '../context.js';
import { WORKER_COUNT_ENV } from '../crypto/password-hash/verification-queue.js';
import type { Logger } from '../observability/log.js';
import { createMetricsServer, type MetricsServer } from '../observability/metrics-server.js';
import { EXIT_FAILURE, EXIT_OK } from './command.js';

/** The worker's slot number (1-based), set by the primary in each worker's environment. */
export const WORKER_SLOT_ENV = 'GATEHOUSE_WORKER';
const REVOKED = 'gatehouse:revoked';
const READY = 'gatehouse:ready';

/** prom-client's cluster protocol (lib/cluster.js): the primary asks, each worker answers with its registries' JSON. */
const GET_METRICS_REQ = 'prom-client:getMetricsReq';
const GET_METRICS_RES = 'prom-client:getMetricsRes';
const SCRAPE_TIMEOUT_MS = 5000;

interface MetricsResponse {
  type: typeof GET_METRICS_RES;
  requestId: number;
  /** One entry per registry of the worker: its getMetricsAsJSON(). */
  metrics?: object[];
  error?: string;
}

interface Scrape {
  remaining: number;
  responses: object[];
  resolve: (text: string) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface RevokedMessage {
  type: typeof REVOKED;
  signatures: string[];
}
interface ReadyMessage {
  type: typeof READY;
  url: string;
}

/** `server.workers`: `auto` is one per core. */
export function workerCount(setting: 'auto' | number): number {
  return setting === 'auto' ? availableParallelism() : setting;
}

export function isClusterWorker(): boolean {
  return cluster.isWorker;
}

/** This worker's slot, 1…N. */
export function workerSlot(): number {
  const slot = Number(process.env[WORKER_SLOT_ENV]);
  return Number.isInteger(slot) && slot >= 1 ? slot : 1;
}

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export interface PrimaryOptions {
  config: Config;
  logger: Logger;
  workers: number;
  backoff?: Backoff;
  /** Consecutive failed starts of one slot before the primary gives up (exit 1). */
  maxStartFailures?: number;
  /** How long workers get to stop before SIGKILL: their own grace (10 s + 2 s) and some. */
  stopTimeoutMs?: number;
}

const DEFAULT_BACKOFF: Backoff = { initialMs: 100, maxMs: 10_000 };

interface Slot {
  readonly n: number;
  worker: Worker | null;
  ready: boolean;
  startFailures: number;
  restartTimer: NodeJS.Timeout | null;
}

/** Runs the primary until a signal stops it (exit 0) or workers cannot start (exit 1). */
export async function runPrimary(options: PrimaryOptions): Promise<number> {
  const { config, logger, workers } = options;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const maxStartFailures = options.maxStartFailures ?? 5;
  const stopTimeoutMs = options.stopTimeoutMs ?? 15_000;

  try {
    await prepareShared(config, { logger });
  } catch (err) {
    logger.error('start-up failed', { error: (err as Error).message });
    return EXIT_FAILURE;
  }

  cluster.schedulingPolicy = cluster.SCHED_RR;
  const slots: Slot[] = Array.from({ length: workers }, (_, i) => ({ n: i + 1, worker: null, ready: false, startFailures: 0, restartTimer: null }));
  const scrapes = new Map<number, Scrape>();
  let lastScrape = 0;
  /**
   * prom-client's protocol (each worker answers from its registry), asked of the ready workers
   * only: AggregatorRegistry.clusterMetrics would wait for a worker still starting and time out.
   */
  const clusterMetrics = (): Promise<string> => {
    const ready = slots.flatMap((s) => (s.ready && s.worker?.isConnected() ? [s.worker] : []));
    if (ready.length === 0) return Promise.resolve('');
    const requestId = ++lastScrape;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        scrapes.delete(requestId);
        reject(new Error('workers did not answer the metrics request'));
      }, SCRAPE_TIMEOUT_MS);
      scrapes.set(requestId, { remaining: ready.length, responses: [], resolve, reject, timer });
      for (const worker of ready) worker.send({ type: GET_METRICS_REQ, requestId }, undefined, () => undefined);
    });
  };
  const scrapeAnswered = (message: MetricsResponse): void => {
    const scrape = scrapes.get(message.requestId);
    if (scrape === undefined) return;
    if (message.error !== undefined || !Array.isArray(message.metrics)) {
      scrapes.delete(message.requestId);
      clearTimeout(scrape.timer);
      scrape.reject(new Error(message.error ?? 'a worker answered no metrics'));
      return;
    }
    scrape.responses.push(...message.metrics);
    if (--scrape.remaining > 0) return;
    scrapes.delete(message.requestId);
    clearTimeout(scrape.timer);
    AggregatorRegistry.aggregate(scrape.responses).metrics().then(scrape.resolve, scrape.reject);
  };

  const metricsConfig = config.telemetry.metrics;
  let metricsServer: MetricsServer | null = null;
  let metricsUrl: string | undefined;
  if (metricsConfig.enabled) {
    metricsServer = createMetricsServer({ registry: { metrics: clusterMetrics, contentType: Registry.PROMETHEUS_CONTENT_TYPE } }, metricsConfig.path);
    try {
      const address = await metricsServer.listen(metricsConfig.host, metricsConfig.port);
      metricsUrl = `http://${hostForUrl(address.address)}:${address.port}${metricsConfig.path}`;
    } catch (err) {
      logger.error('start-up failed', { error: (err as Error).message });
      await metricsServer.close();
      return EXIT_FAILURE;
    }
  }

  let stopping = false;
  let announced = false;
  let exitCode = EXIT_OK;
  let finish!: (code: number) => void;
  const finished = new Promise<number>((resolve) => (finish = resolve));

  const relay = (from: Worker, message: RevokedMessage): void => {
    for (const slot of slots) {
      const worker = slot.worker;
      if (worker === null || worker === from || !worker.isConnected()) continue;
      worker.send(message, undefined, () => undefined);
    }
  };

  const fork = (slot: Slot): void => {
    slot.ready = false;
    const worker = cluster.fork({ [WORKER_SLOT_ENV]: String(slot.n), [WORKER_COUNT_ENV]: String(workers) });
    slot.worker = worker;
    logger.info('worker started', { worker: slot.n, pid: worker.process.pid });
    worker.on('message', (message: unknown) => {
      if (isRevoked(message)) relay(worker, message);
      else if (isMetricsResponse(message)) scrapeAnswered(message);
      else if (isReady(message)) {
        slot.ready = true;
        slot.startFailures = 0;
        if (!announced && slots.every((s) => s.ready)) {
          announced = true;
          logger.info('listening', { url: message.url, metrics_url: metricsUrl, workers, storage: config.storage.postgres ? 'postgres' : 'sqlite' });
        }
      }
    });
    worker.on('exit', (code, signal) => exited(slot, worker, code, signal));
  };

  const exited = (slot: Slot, worker: Worker, code: number | null, signal: string | null): void => {
    if (slot.worker !== worker) return;
    slot.worker = null;
    if (stopping) {
      if (code !== 0) exitCode = EXIT_FAILURE;
      if (slots.every((s) => s.worker === null)) void shutDownPrimary();
      return;
    }
    if (!slot.ready) slot.startFailures++;
    // Before the cluster first listened, a failed start fails the whole start, as one process's would.
    if (!slot.ready && (!announced || slot.startFailures >= maxStartFailures)) {
      logger.error(announced ? 'workers keep failing to start; giving up' : 'a worker failed to start; stopping', { worker: slot.n, attempts: slot.startFailures, exit_code: code, signal: signal ?? undefined });
      exitCode = EXIT_FAILURE;
      stop('start failures');
      return;
    }
    const delayMs = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, slot.startFailures - 1));
    logger.warn('worker exited; replacing it', { worker: slot.n, pid: worker.process.pid, exit_code: code, signal: signal ?? undefined, delay_ms: delayMs });
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = null;
      if (!stopping) fork(slot);
    }, delayMs);
  };

  let killTimer: NodeJS.Timeout | null = null;
  const stop = (reason: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal: reason, workers });
    for (const slot of slots) {
      if (slot.restartTimer !== null) clearTimeout(slot.restartTimer);
      slot.restartTimer = null;
      slot.worker?.process.kill('SIGTERM');
    }
    if (slots.every((s) => s.worker === null)) {
      void shutDownPrimary();
      return;
    }
    killTimer = setTimeout(() => {
      logger.error('workers did not stop in time; killing them', { timeout_ms: stopTimeoutMs });
      exitCode = EXIT_FAILURE;
      for (const slot of slots) slot.worker?.process.kill('SIGKILL');
    }, stopTimeoutMs);
  };

  const shutDownPrimary = async (): Promise<void> => {
    if (killTimer !== null) clearTimeout(killTimer);
    process.off('SIGTERM', onTerm).off('SIGINT', onInt);
    await metricsServer?.close();
    logger.info('stopped', { workers });
    finish(exitCode);
  };

  // Kept attached until the end: a Ctrl-C reaches the whole process group, and a second signal
  // must not kill the primary before its workers are down.
  const onTerm = (): void => stop('SIGTERM');
  const onInt = (): void => stop('SIGINT');
  process.on('SIGTERM', onTerm).on('SIGINT', onInt);

  for (const slot of slots) fork(slot);
  return finished;
}

/** A worker's side of the relay: over the IPC channel to the primary. */
export function ipcRevocationPeers(): RevocationPeers {
  return {
    send(signatures) {
      if (!process.connected) return;
      const message: RevokedMessage = { type: REVOKED, signatures: [...signatures] };
      process.send?.(message, undefined, undefined, () => undefined);
    },
    receive(listener) {
      const onMessage = (message: unknown): void => {
        if (isRevoked(message)) listener(message.signatures);
      };
      process.on('message', onMessage);
      return () => process.off('message', onMessage);
    },
  };
}

/**
 * A worker answers the primary's metrics requests from its own registry (prom-client's protocol).
 * Called with null first thing at start-up: a worker still starting answers with nothing at once,
 * rather than keep a scrape waiting for prom-client's 5 s timeout and fail it.
 */
export function serveWorkerMetrics(registry: Registry | null): void {
  new AggregatorRegistry(); // sets up the worker's side of the protocol (idempotent)
  AggregatorRegistry.setRegistries(registry === null ? [] : [registry]);
}

/**
 * A worker that has stopped (or never started) leaves with its exit code: a disconnect it asks for
 * (not the primary going away, after which node:cluster exits the worker with 0 at once).
 */
export function leaveCluster(code: number): void {
  process.exitCode = code;
  if (cluster.worker?.isConnected()) cluster.worker.disconnect();
}

/** Tells the primary this worker listens. */
export function announceReady(url: string): void {
  const message: ReadyMessage = { type: READY, url };
  process.send?.(message, undefined, undefined, () => undefined);
}

function isRevoked(message: unknown): message is RevokedMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === REVOKED && Array.isArray((message as { signatures?: unknown }).signatures);
}

function isMetricsResponse(message: unknown): message is MetricsResponse {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === GET_METRICS_RES && typeof (message as { requestId?: unknown }).requestId === 'number';
}

function isReady(message: unknown): message is ReadyMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === READY;
}

function hostForUrl(address: string): string {
  if (address === '::' || address === '0.0.0.0') return '127.0.0.1';
  return address.includes(':') ? `[${address}]` : address;
}
