/**
 * `gatehouse crypto pair rsa generate` and `gatehouse crypto pair ecdsa generate`: write a new key
 * pair as PEM files (PKCS#8 private key, mode 0600; SPKI public key), for `identity_providers.oidc.jwks`.
 */
import { generateKeyPair, type KeyObject } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { EXIT_FAILURE, EXIT_OK, UsageError, stringOption, type CliIO, type Command, type OptionSpec, type ParsedCommandLine } from './command.js';

const generateKeyPairAsync = promisify(generateKeyPair);

const RSA_BITS = ['2048', '3072', '4096'] as const;
const CURVES = ['P-256', 'P-384', 'P-521'] as const;

const FILE_OPTIONS: OptionSpec = {
  directory: { type: 'string', short: 'd' },
  'file.private-key': { type: 'string' },
  'file.public-key': { type: 'string' },
};

const FILE_HELP = `  -d, --directory DIR          where to write the files (default: the current directory)
      --file.private-key NAME  private key file name (default: private.pem)
      --file.public-key NAME   public key file name (default: public.pem)
  -h, --help                   show this help

Existing files are never overwritten.`;

export const cryptoPairRsaGenerateCommand: Command = {
  words: ['crypto', 'pair', 'rsa', 'generate'],
  summary: 'Generate an RSA key pair (PEM) for the OIDC issuer',
  help: `Usage: gatehouse crypto pair rsa generate [--bits 2048|3072|4096] [--directory DIR]

Writes a new RSA private key (PKCS#8 PEM, mode 0600) and its public key (SPKI PEM).

Options:
  -b, --bits BITS              key size: 2048, 3072 or 4096 (default: 2048)
${FILE_HELP}`,
  options: { bits: { type: 'string', short: 'b' }, ...FILE_OPTIONS },
  allowPositionals: false,
  async run(args, io) {
    const bits = oneOf(args, 'bits', RSA_BITS, '2048');
    const files = outputFiles(args, io);
    return writePair(files, io, `an RSA key pair of ${bits} bits`, async () =>
      generateKeyPairAsync('rsa', { modulusLength: Number(bits) }));
  },
};

export const cryptoPairEcdsaGenerateCommand: Command = {
  words: ['crypto', 'pair', 'ecdsa', 'generate'],
  summary: 'Generate an ECDSA key pair (PEM) for the OIDC issuer',
  help: `Usage: gatehouse crypto pair ecdsa generate [--curve P-256|P-384|P-521] [--directory DIR]

Writes a new ECDSA private key (PKCS#8 PEM, mode 0600) and its public key (SPKI PEM).
P-256 signs ES256, P-384 ES384, P-521 ES512.

Options:
  -c, --curve CURVE            P-256, P-384 or P-521 (default: P-256)
${FILE_HELP}`,
  options: { curve: { type: 'string', short: 'c' }, ...FILE_OPTIONS },
  allowPositionals: false,
  async run(args, io) {
    const curve = oneOf(args, 'curve', CURVES, 'P-256');
    const files = outputFiles(args, io);
    return writePair(files, io, `an ECDSA key pair on ${curve}`, async () =>
      generateKeyPairAsync('ec', { namedCurve: curve }));
  },
};

interface OutputFiles {
  directory: string;
  privateKey: string;
  publicKey: string;
}

function oneOf<T extends string>(args: ParsedCommandLine, name: string, allowed: readonly T[], fallback: T): T {
  const value = stringOption(args, name) ?? fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got '${value}'`);
  }
  return value as T;
}

function outputFiles(args: ParsedCommandLine, io: CliIO): OutputFiles {
  const directory = resolve(io.cwd, stringOption(args, 'directory') ?? '.');
  const privateName = stringOption(args, 'file.private-key') ?? 'private.pem';
  const publicName = stringOption(args, 'file.public-key') ?? 'public.pem';
  if (privateName === '' || publicName === '') throw new UsageError('--file.private-key and --file.public-key must not be empty');
  const files = { directory, privateKey: resolve(directory, privateName), publicKey: resolve(directory, publicName) };
  if (files.privateKey === files.publicKey) throw new UsageError('--file.private-key and --file.public-key must name different files');
  return files;
}

async function writePair(
  files: OutputFiles,
  io: CliIO,
  what: string,
  generate: () => Promise<{ privateKey: KeyObject; publicKey: KeyObject }>,
): Promise<number> {
  // Both checked before anything is written, so a refusal never leaves half a pair.
  for (const path of [files.privateKey, files.publicKey]) {
    if (await exists(path)) {
      io.err(`gatehouse: ${path} already exists: refusing to overwrite it`);
      return EXIT_FAILURE;
    }
  }
  const { privateKey, publicKey } = await generate();
  try {
    await mkdir(files.directory, { recursive: true, mode: 0o700 });
    // 'wx' fails rather than overwrite a file created since the check above.
    await writeFile(files.privateKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), { flag: 'wx', mode: 0o600 });
    await writeFile(files.publicKey, publicKey.export({ type: 'spki', format: 'pem' }), { flag: 'wx', mode: 0o644 });
  } catch (err) {
    io.err(`gatehouse: cannot write the key pair: ${(err as Error).message}`);
    return EXIT_FAILURE;
  }
  io.out(`Generated ${what}.\nPrivate key: ${files.privateKey}\nPublic key: ${files.publicKey}\n`);
  return EXIT_OK;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
