/** `gatehouse serve`: load and validate the config, start, and stop gracefully on SIGTERM/SIGINT. */
import { startApp } from '../app.js';
import { ConfigError, loadConfigFile } from '../config/index.js';
import { createLoggerFromConfig } from '../observability/log-from-config.js';
import { systemClock } from '../util/clock.js';
import { EXIT_FAILURE, EXIT_OK, stringOption, type Command } from './command.js';

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
then closes storage.`,
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
    const logger = createLoggerFromConfig(loaded.config.log);
    for (const warning of loaded.warnings) logger.warn(warning);

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
