/** `gatehouse config validate`: parse and check the configuration file without starting anything. */
import { ConfigError, loadConfigFile } from '../config/index.js';
import { resolve } from 'node:path';
import { systemClock } from '../util/clock.js';
import { EXIT_FAILURE, EXIT_OK, stringOption, type Command } from './command.js';

export const configValidateCommand: Command = {
  words: ['config', 'validate'],
  summary: 'Check a configuration file and report every problem',
  help: `Usage: gatehouse config validate [--config FILE]

Parses the configuration file, applies secrets from GATEHOUSE_*_FILE / AUTHELIA_*_FILE variables,
and reports every problem at once with its path and line:column. Deprecated option names are
reported as warnings.

Options:
  -c, --config FILE   configuration file (default: config.yml)
  -h, --help          show this help`,
  options: { config: { type: 'string', short: 'c', default: 'config.yml' } },
  allowPositionals: false,
  async run(args, io) {
    const path = stringOption(args, 'config') ?? 'config.yml';
    try {
      const { warnings } = await loadConfigFile(resolve(io.cwd, path), { env: io.env, nowMs: systemClock.nowMs() });
      for (const warning of warnings) io.err(`warning: ${warning}`);
      io.out('Configuration parsed and loaded successfully without errors.');
      return EXIT_OK;
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      io.err(`Configuration ${path} has errors:\n${err.message}`);
      return EXIT_FAILURE;
    }
  },
};
