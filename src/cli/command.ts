/**
 * The shape every CLI command shares. A command is a value: its words (`crypto hash generate`),
 * a one-line summary, a help text, the options `node:util.parseArgs` reads, and `run`, which
 * returns the exit code. Wrong usage throws `UsageError`; main prints it with the help and exits 2.
 */
import type { ParseArgsConfig } from 'node:util';

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedCommandLine {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

export interface Command {
  /** The words that name the command, e.g. ['crypto', 'hash', 'generate']. */
  words: readonly string[];
  summary: string;
  /** Full help text shown by `--help` and after a usage error. */
  help: string;
  options: OptionSpec;
  /** Whether positionals beyond the command words are accepted. */
  allowPositionals: boolean;
  run(args: ParsedCommandLine, io: CliIO): Promise<number>;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Exit codes: 0 success, 1 the command failed (bad config, bad digest), 2 wrong usage. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export function stringOption(args: ParsedCommandLine, name: string): string | undefined {
  const value = args.values[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new UsageError(`--${name} takes a value`);
  return value;
}

export function integerOption(args: ParsedCommandLine, name: string, min: number, max: number): number | undefined {
  const raw = stringOption(args, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}
