/**
 * `gatehouse storage migrate up|status`: apply or list the storage migrations of the configured
 * database, without starting the server (e.g. before a rolling upgrade of several replicas).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, loadConfigFile } from '../config/index.js';
import { migrateUp, migrationStatus, type StorageLocation } from '../storage/index.js';
import type { MigrationState, StorageConfig } from '../storage/types.js';
import { systemClock } from '../util/clock.js';
import { EXIT_FAILURE, EXIT_OK, stringOption, type CliIO, type Command, type ParsedCommandLine } from './command.js';

/** `storage` as the config file has it: the key may be left to the generated file beside the database. */
export type ConfiguredStorage = StorageLocation & { encryption_key?: string };

/** The file `serve` generates the key into for local storage when the config has none. */
export const ENCRYPTION_KEY_FILE = 'storage.encryption_key';

/** The configured key, else (local storage) the generated key file; else an Error. */
export async function resolveEncryptionKey(storage: ConfiguredStorage): Promise<StorageConfig> {
  if (storage.encryption_key) return { ...storage, encryption_key: storage.encryption_key };
  if (storage.local) {
    try {
      const key = (await readFile(join(dirname(resolve(storage.local.path)), ENCRYPTION_KEY_FILE), 'utf8')).trim();
      if (key) return { ...storage, encryption_key: key };
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') throw err;
    }
  }
  throw new Error('no storage.encryption_key');
}

export function formatMigrationStatus(states: MigrationState[]): string {
  const width = Math.max(0, ...states.map((s) => s.name.length));
  const lines = states.map((s) => `${s.name.padEnd(width)}  ${s.executed_at_ms === null ? 'pending' : `applied ${new Date(s.executed_at_ms).toISOString()}`}`);
  const pending = states.filter((s) => s.executed_at_ms === null).length;
  return `${lines.join('\n')}\n${states.length - pending} applied, ${pending} pending\n`;
}

const HELP_OPTIONS = `Options:
  -c, --config FILE   configuration file (default: config.yml)
  -h, --help          show this help`;

async function loadStorage(args: ParsedCommandLine, io: CliIO): Promise<ConfiguredStorage | null> {
  const path = stringOption(args, 'config') ?? 'config.yml';
  try {
    const { config } = await loadConfigFile(resolve(io.cwd, path), { env: io.env, nowMs: systemClock.nowMs() });
    return config.storage;
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(`gatehouse: the configuration in ${path} is invalid:\n${err.message}\n`);
      return null;
    }
    throw err;
  }
}

/** Runs a storage action; its failure is the command's failure (exit 1), with the reason. */
async function attempt(io: CliIO, action: () => Promise<string>): Promise<number> {
  try {
    io.out(await action());
    return EXIT_OK;
  } catch (err) {
    io.err(`gatehouse: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_FAILURE;
  }
}

export async function runMigrateUp(storage: ConfiguredStorage, io: CliIO): Promise<number> {
  return attempt(io, async () => {
    const applied = await migrateUp(await resolveEncryptionKey(storage));
    return applied.length === 0 ? 'storage schema is up to date\n' : `applied migrations: ${applied.join(', ')}\n`;
  });
}

export async function runMigrateStatus(storage: ConfiguredStorage, io: CliIO): Promise<number> {
  return attempt(io, async () => formatMigrationStatus(await migrationStatus(storage)));
}

export const storageMigrateUpCommand: Command = {
  words: ['storage', 'migrate', 'up'],
  summary: 'apply pending storage migrations',
  help: `Usage: gatehouse storage migrate up [--config FILE]

Applies every pending migration to the configured storage (SQLite file or PostgreSQL schema)
and checks that storage.encryption_key matches the database. 'serve' does the same at start-up.

${HELP_OPTIONS}
`,
  options: { config: { type: 'string', short: 'c', default: 'config.yml' } },
  allowPositionals: false,
  async run(args, io) {
    const storage = await loadStorage(args, io);
    return storage ? runMigrateUp(storage, io) : EXIT_FAILURE;
  },
};

export const storageMigrateStatusCommand: Command = {
  words: ['storage', 'migrate', 'status'],
  summary: 'list storage migrations and whether they ran',
  help: `Usage: gatehouse storage migrate status [--config FILE]

Lists every storage migration this version knows, with when it was applied or 'pending'.

${HELP_OPTIONS}
`,
  options: { config: { type: 'string', short: 'c', default: 'config.yml' } },
  allowPositionals: false,
  async run(args, io) {
    const storage = await loadStorage(args, io);
    return storage ? runMigrateStatus(storage, io) : EXIT_FAILURE;
  },
};
