/** `gatehouse serve`: load and validate the config, start, and stop gracefully on SIGTERM/SIGINT. */
import { startApp } from '../app.js';
import { ConfigError, loadConfigFile, type Config } from '../config/index.js';
import type { Logger } from '../observability/log.js';
import { createLoggerFromConfig } from '../observability/log-from-config.js';
import { systemClock } from '../util/clock.js';
import { EXIT_FAILURE, EXIT_OK, stringOption, type Command } from './command.js';
import { announceReady, ipcRevocationPeers, isClusterWorker, leaveCluster, runPrimary, serveWorkerMetrics, workerCount, workerSlot } from './serve-cluster.js';

export const serveCommand: Command = {
  words: ['serve'],
  summary: 'Run the server',
  help: `Usage: gatehouse serve [--config FILE]

Runs the OpenID Connect provider and forward-auth endpoints.

Options:
  -c, --config FILE   configuration file (default: config.yml)
  -h, --help          show this help

Stops gracefully on SIGTERM or SIGINT: stops accepting connections, lets requests in flight
finish (10 s at most), cuts the connections still open, waits 2 s at most for their handlers,
then closes storage.

With server.workers > 1 (or auto: one per core) this process is the primary of that many
worker processes sharing the port: it restarts a worker that dies, serves the metrics of all,
and passes SIGTERM/SIGINT on to them (src/cli/serve-cluster.ts).`,
  options: { config: { type: 'string', short: 'c', default: 'config.yml' } },
  allowPositionals: false,
  async run(args, io) {
    const path = stringOption(args, 'config') ?? 'config.yml';
    let loaded;
    try {
      loaded = await loadConfigFile(path, { env: io.env, nowMs: systemClock.nowMs() });
    } catch (err) {
      if (err instanceof ConfigError) {
        io.err(`gatehouse: the configuration in ${path} is invalid:\n${err.message}`);
        return EXIT_FAILURE;
      }
      throw err;
    }
    const baseLogger = createLoggerFromConfig(loaded.config.log);
    if (isClusterWorker()) {
      // The primary validated this config and logged its warnings; the worker only serves.
      const code = await serveWorker(loaded.config, baseLogger.child({ worker: workerSlot() }));
      // The IPC channel would keep the process alive.
      leaveCluster(code);
      return code;
    }
    const logger = baseLogger;
    for (const warning of loaded.warnings) logger.warn(warning);
    const workers = workerCount(loaded.config.server.workers);
    if (workers > 1) return runPrimary({ config: loaded.config, logger, workers });

    let app;
    try {
      app = await startApp(loaded.config, { logger, clock: systemClock });
    } catch (err) {
      logger.error('start-up failed', { error: (err as Error).message });
      return EXIT_FAILURE;
    }
    const running = app;
    return new Promise<number>((resolve) => {
      const shutdown = (signal: string): void => {
        process.off('SIGTERM', onTerm).off('SIGINT', onInt);
        logger.info('shutting down', { signal });
        running.stop().then(
          () => resolve(EXIT_OK),
          (err: unknown) => {
            logger.error('shutdown failed', { error: (err as Error).message });
            resolve(EXIT_FAILURE);
          },
        );
      };
      const onTerm = (): void => shutdown('SIGTERM');
      const onInt = (): void => shutdown('SIGINT');
      process.on('SIGTERM', onTerm).on('SIGINT', onInt);
    });
  },
};

/**
 * One worker of the cluster: the same app, with its revocations relayed to the other workers, its
 * metrics answered to the primary (no metrics listener of its own), and the expiry sweeper in
 * worker 1 only. Stops gracefully on SIGTERM/SIGINT; should the primary die, node:cluster ends the
 * worker at once (its own rule for a worker whose channel closes unasked).
 */
async function serveWorker(config: Config, logger: Logger): Promise<number> {
  const slot = workerSlot();
  // A password reset through one worker rewrites the users file: the others must re-read it.
  const file = config.authentication_backend.file;
  const workerConfig: Config = file && !file.watch ? { ...config, authentication_backend: { ...config.authentication_backend, file: { ...file, watch: true } } } : config;
  serveWorkerMetrics(null);
  let app;
  try {
    app = await startApp(workerConfig, { logger, clock: systemClock, revocationPeers: ipcRevocationPeers(), sweep: slot === 1, worker: slot });
  } catch (err) {
    logger.error('start-up failed', { error: (err as Error).message });
    return EXIT_FAILURE;
  }
  serveWorkerMetrics(app.context.metrics.registry);
  announceReady(app.url);
  const running = app;
  return new Promise<number>((resolve) => {
    let stopping = false;
    // Handlers stay attached: a Ctrl-C reaches the worker and, relayed, from the primary again.
    const shutdown = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      logger.info('shutting down', { signal });
      running.stop().then(
        () => resolve(EXIT_OK),
        (err: unknown) => {
          logger.error('shutdown failed', { error: (err as Error).message });
          resolve(EXIT_FAILURE);
        },
      );
    };
    process.on('SIGTERM', () => shutdown('SIGTERM')).on('SIGINT', () => shutdown('SIGINT'));
  });
}
