/**
 * `gatehouse crypto rand`: prints a random value for secrets in the config (hmac_secret, client
 * secrets before hashing). Shares the charset handling with `crypto hash generate --random`.
 */
import { EXIT_OK, UsageError, integerOption, stringOption, type Command, type ParsedCommandLine } from './command.js';
import { CHARSET_NAMES, isCharset, randomString, randomStringFrom } from '../crypto/random.js';

export const DEFAULT_RANDOM_LENGTH = 72;
const MAX_RANDOM_LENGTH = 65536;

export const cryptoRandCommand: Command = {
  words: ['crypto', 'rand'],
  summary: 'print a random value (for secrets)',
  help: `Usage: gatehouse crypto rand [--length N] [--charset NAME | --characters CHARS]

Prints 'Random Value: <value>', drawn uniformly from the system CSPRNG.

Options:
  --length N          number of characters (default ${DEFAULT_RANDOM_LENGTH})
  --charset NAME      one of ${CHARSET_NAMES.join(', ')} (default alphanumeric)
  --characters CHARS  draw from exactly these 2 to 256 distinct characters instead of a charset

Example:
  gatehouse crypto rand --length 64 --charset rfc3986
`,
  options: {
    length: { type: 'string' },
    charset: { type: 'string' },
    characters: { type: 'string' },
  },
  allowPositionals: false,
  run(args, io) {
    const length = integerOption(args, 'length', 1, MAX_RANDOM_LENGTH) ?? DEFAULT_RANDOM_LENGTH;
    const characters = stringOption(args, 'characters');
    const charsetName = stringOption(args, 'charset');
    if (characters !== undefined && charsetName !== undefined) throw new UsageError('give --charset or --characters, not both');
    const value = characters !== undefined ? randomWithCharacters(length, characters) : randomWithCharset(length, charsetName);
    io.out(`Random Value: ${value}\n`);
    return Promise.resolve(EXIT_OK);
  },
};

/** A random value from a named charset (alphanumeric when none is named); unknown names are usage errors. */
export function randomWithCharset(length: number, name: string | undefined, option = 'charset'): string {
  const charset = name ?? 'alphanumeric';
  if (!isCharset(charset)) throw new UsageError(`--${option} must be one of ${CHARSET_NAMES.join(', ')}, got '${charset}'`);
  return randomString(length, charset);
}

function randomWithCharacters(length: number, characters: string): string {
  const chars = Array.from(characters);
  if (chars.length < 2 || chars.length > 256 || new Set(chars).size !== chars.length) {
    throw new UsageError('--characters must hold 2 to 256 distinct characters');
  }
  return randomStringFrom(length, characters);
}

/** `--random.length` for `crypto hash generate`; exported so both commands share the bounds. */
export function randomLengthOption(args: ParsedCommandLine, name: string): number {
  return integerOption(args, name, 1, MAX_RANDOM_LENGTH) ?? DEFAULT_RANDOM_LENGTH;
}
