/**
 * `gatehouse crypto hash generate <algorithm>` and `gatehouse crypto hash validate`: write a digest
 * for a password or client secret (Authelia's parameter names and defaults), and check one.
 * We never prompt: the password comes from --password, or --random makes one.
 */
import {
  EXIT_FAILURE, EXIT_OK, UsageError, integerOption, stringOption, type Command, type ParsedCommandLine,
} from './command.js';
import { randomLengthOption, randomWithCharset } from './crypto-rand.js';
import {
  DigestFormatError, HASH_ALGORITHMS, HashParamsError, hashPassword, parseDigest, DEFAULT_HASH_PARAMS,
  type HashAlgorithm, type HashParamsInput,
} from '../crypto/password-hash/index.js';
import { CHARSET_NAMES } from '../crypto/random.js';

/** CLI option → HashParams field, and which algorithms take it. */
const PARAM_OPTIONS = {
  variant: { field: 'variant', algorithms: ['argon2', 'pbkdf2', 'bcrypt'] },
  iterations: { field: 'iterations', algorithms: ['argon2', 'pbkdf2', 'scrypt'] },
  memory: { field: 'memory', algorithms: ['argon2'] },
  parallelism: { field: 'parallelism', algorithms: ['argon2', 'scrypt'] },
  'block-size': { field: 'block_size', algorithms: ['scrypt'] },
  'key-length': { field: 'key_length', algorithms: ['argon2', 'scrypt'] },
  'salt-length': { field: 'salt_length', algorithms: ['argon2', 'pbkdf2', 'scrypt'] },
  cost: { field: 'cost', algorithms: ['bcrypt'] },
} as const satisfies Record<string, { field: string; algorithms: readonly HashAlgorithm[] }>;

type ParamOption = keyof typeof PARAM_OPTIONS;

const d = DEFAULT_HASH_PARAMS;

export const cryptoHashGenerateCommand: Command = {
  words: ['crypto', 'hash', 'generate'],
  summary: 'hash a password or client secret',
  help: `Usage: gatehouse crypto hash generate <${HASH_ALGORITHMS.join('|')}> (--password P | --random) [options]

Prints 'Digest: <digest>' for users' passwords and clients' client_secret. With --random a value is
generated and printed first as 'Random Value: <value>'.

Options:
  --password P             the password or secret to hash
  --random                 generate the value instead (give the client the Random Value, store the Digest)
  --random.length N        length of the generated value (default 72)
  --random.charset NAME    charset of the generated value (default alphanumeric; also --random-charset):
                           ${CHARSET_NAMES.join(', ')}
  --variant V              argon2: argon2id|argon2i|argon2d (${d.argon2.variant}); pbkdf2: sha512|sha384|sha256|sha224|sha1
                           (${d.pbkdf2.variant}); bcrypt: standard|sha256 (${d.bcrypt.variant})
  --iterations N           argon2 (${d.argon2.iterations}), pbkdf2 (${d.pbkdf2.iterations}), scrypt ln (${d.scrypt.iterations})
  --memory KiB             argon2 (${d.argon2.memory})
  --parallelism N          argon2 (${d.argon2.parallelism}), scrypt (${d.scrypt.parallelism})
  --block-size N           scrypt (${d.scrypt.block_size})
  --key-length BYTES       argon2 (${d.argon2.key_length}), scrypt (${d.scrypt.key_length})
  --salt-length BYTES      argon2, pbkdf2, scrypt (16)
  --cost N                 bcrypt (${d.bcrypt.cost})

Examples:
  gatehouse crypto hash generate argon2 --password 'correct horse battery staple'
  gatehouse crypto hash generate pbkdf2 --variant sha512 --random --random.length 72 --random.charset rfc3986
`,
  options: {
    password: { type: 'string' },
    random: { type: 'boolean' },
    'random.length': { type: 'string' },
    'random.charset': { type: 'string' },
    'random-charset': { type: 'string' },
    variant: { type: 'string' },
    iterations: { type: 'string' },
    memory: { type: 'string' },
    parallelism: { type: 'string' },
    'block-size': { type: 'string' },
    'key-length': { type: 'string' },
    'salt-length': { type: 'string' },
    cost: { type: 'string' },
  },
  allowPositionals: true,
  async run(args, io) {
    const algorithm = algorithmArgument(args);
    const params = paramsFromOptions(args, algorithm);
    const { password, randomValue } = passwordFromOptions(args);
    let digest: string;
    try {
      digest = await hashPassword(password, params);
    } catch (err) {
      if (err instanceof HashParamsError) throw new UsageError(err.message);
      throw err;
    }
    io.out(`${randomValue === undefined ? '' : `Random Value: ${randomValue}\n`}Digest: ${digest}\n`);
    return EXIT_OK;
  },
};

export const cryptoHashValidateCommand: Command = {
  words: ['crypto', 'hash', 'validate'],
  summary: 'check a password against a digest',
  help: `Usage: gatehouse crypto hash validate --password P DIGEST

Checks the password against the digest (argon2, pbkdf2, scrypt, bcrypt, bcrypt-sha256, SHA-crypt or
plaintext). Exit 0 when it matches, 1 when it does not or the digest is malformed. Quote the digest:
it contains '$'.

Options:
  --password P   the password or secret to check

Example:
  gatehouse crypto hash validate --password 'insecure_secret' '$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng'
`,
  options: { password: { type: 'string' } },
  allowPositionals: true,
  async run(args, io) {
    const password = stringOption(args, 'password');
    if (password === undefined) throw new UsageError('a password is required: give --password');
    if (args.positionals.length !== 1) throw new UsageError('give exactly one DIGEST argument');
    let matches: boolean;
    try {
      matches = await parseDigest(args.positionals[0]).verify(password);
    } catch (err) {
      if (!(err instanceof DigestFormatError)) throw err;
      io.err(`The digest is malformed: ${err.message}.\n`);
      return EXIT_FAILURE;
    }
    io.out(matches ? 'The password matches the digest.\n' : 'The password does not match the digest.\n');
    return matches ? EXIT_OK : EXIT_FAILURE;
  },
};

function algorithmArgument(args: ParsedCommandLine): HashAlgorithm {
  const [name, ...extra] = args.positionals;
  const algorithm = HASH_ALGORITHMS.find((a) => a === name);
  if (algorithm === undefined) {
    throw new UsageError(name === undefined
      ? `give the algorithm: one of ${HASH_ALGORITHMS.join(', ')}`
      : `unknown algorithm '${name}': use one of ${HASH_ALGORITHMS.join(', ')}`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  return algorithm;
}

function paramsFromOptions(args: ParsedCommandLine, algorithm: HashAlgorithm): HashParamsInput {
  const params: Record<string, string | number> = { algorithm };
  for (const option of Object.keys(PARAM_OPTIONS) as ParamOption[]) {
    const { field, algorithms } = PARAM_OPTIONS[option];
    if (args.values[option] === undefined) continue;
    if (!(algorithms as readonly string[]).includes(algorithm)) throw new UsageError(`--${option} does not apply to ${algorithm}`);
    // Ranges are checked by resolveHashParams; this only insists on a whole number.
    params[field] = option === 'variant' ? stringOption(args, option)! : integerOption(args, option, 0, 2 ** 32 - 1)!;
  }
  return params as HashParamsInput;
}

function passwordFromOptions(args: ParsedCommandLine): { password: string; randomValue: string | undefined } {
  const password = stringOption(args, 'password');
  const random = args.values['random'] === true;
  const charset = stringOption(args, 'random.charset');
  const charsetAlias = stringOption(args, 'random-charset');
  const randomTuning = args.values['random.length'] !== undefined || charset !== undefined || charsetAlias !== undefined;
  if (password !== undefined && random) throw new UsageError('give --password or --random, not both');
  if (!random && randomTuning) throw new UsageError('--random.length and --random.charset need --random');
  if (password !== undefined) {
    if (password.length === 0) throw new UsageError('--password must not be empty');
    return { password, randomValue: undefined };
  }
  if (!random) throw new UsageError('a password is required: give --password or --random');
  if (charset !== undefined && charsetAlias !== undefined) throw new UsageError('give --random.charset once (--random-charset is the same option)');
  const value = charset !== undefined
    ? randomWithCharset(randomLengthOption(args, 'random.length'), charset, 'random.charset')
    : randomWithCharset(randomLengthOption(args, 'random.length'), charsetAlias, 'random-charset');
  return { password: value, randomValue: value };
}
