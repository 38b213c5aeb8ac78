/**
 * Defaults and limits for new digests (Authelia's `authentication_backend.file.password` names and
 * defaults). The memory caps also bound what a stored digest may ask for when verified, so one bad
 * config line cannot make a login allocate gigabytes.
 */
import { HashParamsError } from './errors.js';
import type {
  Argon2Params, Argon2Variant, BcryptParams, BcryptVariant, HashAlgorithm, HashParams, HashParamsInput,
  Pbkdf2Params, Pbkdf2Variant, ScryptParams,
} from './types.js';

export const HASH_ALGORITHMS: readonly HashAlgorithm[] = ['argon2', 'pbkdf2', 'scrypt', 'bcrypt'];
export const ARGON2_VARIANTS: readonly Argon2Variant[] = ['argon2id', 'argon2i', 'argon2d'];
export const PBKDF2_VARIANTS: readonly Pbkdf2Variant[] = ['sha512', 'sha384', 'sha256', 'sha224', 'sha1'];
export const BCRYPT_VARIANTS: readonly BcryptVariant[] = ['standard', 'sha256'];

/** 4 GiB: the most memory an argon2 digest may use (m= is in KiB). */
export const MAX_ARGON2_MEMORY_KIB = 4 * 1024 * 1024;
/** 1 GiB: the most memory an scrypt digest may use (128 * r * 2^ln bytes). */
export const MAX_SCRYPT_MEMORY_BYTES = 1024 * 1024 * 1024;
/** 16 bytes: the shortest derived key we write or accept; a short hash is a guessable hash. */
export const MIN_KEY_BYTES = 16;
/** bcrypt reads only the first 72 bytes of a password; the standard variant refuses longer ones. */
export const BCRYPT_MAX_PASSWORD_BYTES = 72;

export const DEFAULT_HASH_PARAMS: Readonly<{
  argon2: Argon2Params; pbkdf2: Pbkdf2Params; scrypt: ScryptParams; bcrypt: BcryptParams;
}> = Object.freeze({
  argon2: Object.freeze({ algorithm: 'argon2', variant: 'argon2id', iterations: 3, memory: 65536, parallelism: 4, key_length: 32, salt_length: 16 }),
  pbkdf2: Object.freeze({ algorithm: 'pbkdf2', variant: 'sha512', iterations: 310000, salt_length: 16 }),
  scrypt: Object.freeze({ algorithm: 'scrypt', iterations: 16, block_size: 8, parallelism: 1, key_length: 32, salt_length: 16 }),
  bcrypt: Object.freeze({ algorithm: 'bcrypt', variant: 'standard', cost: 12 }),
});

/** Fills in defaults and checks every parameter; throws HashParamsError naming the first bad one. */
export function resolveHashParams(input: HashParamsInput): HashParams {
  const defined = withoutUndefined(input);
  switch (input.algorithm) {
    case 'argon2': return checkArgon2({ ...DEFAULT_HASH_PARAMS.argon2, ...defined });
    case 'pbkdf2': return checkPbkdf2({ ...DEFAULT_HASH_PARAMS.pbkdf2, ...defined });
    case 'scrypt': return checkScrypt({ ...DEFAULT_HASH_PARAMS.scrypt, ...defined });
    case 'bcrypt': return checkBcrypt({ ...DEFAULT_HASH_PARAMS.bcrypt, ...defined });
    default: throw new HashParamsError(`algorithm must be one of ${HASH_ALGORITHMS.join(', ')}`);
  }
}

function checkArgon2(p: Argon2Params): Argon2Params {
  checkChoice('argon2', 'variant', p.variant, ARGON2_VARIANTS);
  checkRange('argon2', 'iterations', p.iterations, 1, 2 ** 32 - 1);
  checkRange('argon2', 'parallelism', p.parallelism, 1, 255);
  // Argon2 needs at least 8 KiB per lane (RFC 9106 section 3.1).
  checkRange('argon2', 'memory', p.memory, 8 * p.parallelism, MAX_ARGON2_MEMORY_KIB);
  checkRange('argon2', 'key_length', p.key_length, MIN_KEY_BYTES, 1024);
  checkRange('argon2', 'salt_length', p.salt_length, 8, 1024);
  return Object.freeze(p);
}

function checkPbkdf2(p: Pbkdf2Params): Pbkdf2Params {
  checkChoice('pbkdf2', 'variant', p.variant, PBKDF2_VARIANTS);
  checkRange('pbkdf2', 'iterations', p.iterations, 1, 2 ** 31 - 1);
  checkRange('pbkdf2', 'salt_length', p.salt_length, 8, 1024);
  return Object.freeze(p);
}

function checkScrypt(p: ScryptParams): ScryptParams {
  checkRange('scrypt', 'iterations', p.iterations, 1, 58);
  checkRange('scrypt', 'block_size', p.block_size, 1, 1024);
  checkRange('scrypt', 'parallelism', p.parallelism, 1, 1024);
  checkRange('scrypt', 'key_length', p.key_length, MIN_KEY_BYTES, 1024);
  checkRange('scrypt', 'salt_length', p.salt_length, 8, 1024);
  if (scryptMemoryBytes(p.iterations, p.block_size) > MAX_SCRYPT_MEMORY_BYTES) {
    throw new HashParamsError('scrypt iterations and block_size need more than 1 GiB of memory (128 * block_size * 2^iterations)');
  }
  return Object.freeze(p);
}

function checkBcrypt(p: BcryptParams): BcryptParams {
  checkChoice('bcrypt', 'variant', p.variant, BCRYPT_VARIANTS);
  checkRange('bcrypt', 'cost', p.cost, 4, 31);
  return Object.freeze(p);
}

/** Bytes scrypt allocates for its V array: 128 * r * N. */
export function scryptMemoryBytes(ln: number, blockSize: number): number {
  return 128 * blockSize * 2 ** ln;
}

function checkRange(algorithm: string, name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new HashParamsError(`${algorithm} ${name} must be a whole number from ${min} to ${max}, got ${String(value)}`);
  }
}

function checkChoice(algorithm: string, name: string, value: string, allowed: readonly string[]): void {
  if (!allowed.includes(value)) {
    throw new HashParamsError(`${algorithm} ${name} must be one of ${allowed.join(', ')}, got '${value}'`);
  }
}

function withoutUndefined(input: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}
