/**
 * Reads, verifies and writes stored password and client-secret digests (Authelia's formats).
 * The `$id$` prefix picks the format module; a value without a leading `$` is a plaintext secret.
 * Every costly digest read here verifies through the process's bounded queue (verification-queue.ts).
 */
import { argon2Format, hashArgon2 } from './argon2.js';
import { bcryptFormat, bcryptSha256Format, hashBcrypt } from './bcrypt.js';
import { DigestFormatError } from './errors.js';
import type { DigestFormat } from './format.js';
import { resolveHashParams } from './params.js';
import { hashPbkdf2, pbkdf2Format } from './pbkdf2.js';
import { plaintextFormat } from './plaintext.js';
import { hashScrypt, scryptFormat } from './scrypt.js';
import { shaCryptFormat } from './sha-crypt.js';
import type { HashParamsInput, PasswordDigest } from './types.js';
import { hashVerifications, type VerificationQueue } from './verification-queue.js';

export { DigestFormatError, HashParamsError, HashVerificationBusyError } from './errors.js';
export { pickDummyDigest } from './dummy-digest.js';
export {
  createVerificationQueue, defaultVerificationQueueOptions, hashVerifications,
  type VerificationQueue, type VerificationQueueOptions, type VerificationQueueStats,
} from './verification-queue.js';
export {
  DEFAULT_HASH_PARAMS, HASH_ALGORITHMS, ARGON2_VARIANTS, PBKDF2_VARIANTS, BCRYPT_VARIANTS, resolveHashParams,
} from './params.js';
export type {
  HashAlgorithm, DigestAlgorithm, PasswordDigest, HashParams, HashParamsInput,
  Argon2Params, Pbkdf2Params, ScryptParams, BcryptParams, Argon2Variant, Pbkdf2Variant, BcryptVariant,
} from './types.js';

const FORMATS: readonly DigestFormat[] = [
  argon2Format, pbkdf2Format, scryptFormat, bcryptFormat, bcryptSha256Format, shaCryptFormat, plaintextFormat,
];
const FORMAT_BY_ID: ReadonlyMap<string, DigestFormat> = new Map(FORMATS.flatMap((f) => f.ids.map((id) => [id, f] as const)));

/**
 * Reads a stored digest; throws DigestFormatError (naming the problem, never the value). Its
 * `verify` waits its turn in the process's queue and rejects with HashVerificationBusyError when
 * the queue is full; plaintext comparisons skip the queue.
 */
export function parseDigest(encoded: string): PasswordDigest {
  return verifiedThrough(hashVerifications, parseUnqueued(encoded));
}

/** `digest`, its verifications run through `queue` (plaintext comparisons excepted). */
export function verifiedThrough(queue: VerificationQueue, digest: PasswordDigest): PasswordDigest {
  if (digest.algorithm === 'plaintext') return digest;
  return Object.freeze({
    algorithm: digest.algorithm,
    encoded: digest.encoded,
    deprecated: digest.deprecated,
    verify: (password: string) => queue.run(() => digest.verify(password)),
  });
}

function parseUnqueued(encoded: string): PasswordDigest {
  if (encoded.length === 0) throw new DigestFormatError('the digest is empty');
  if (!encoded.startsWith('$')) return plaintextFormat.parse(encoded);
  const end = encoded.indexOf('$', 1);
  const format = end > 1 ? FORMAT_BY_ID.get(encoded.slice(1, end)) : undefined;
  if (format === undefined) {
    throw new DigestFormatError(`the digest algorithm is not supported (supported: ${[...FORMAT_BY_ID.keys()].join(', ')})`);
  }
  return format.parse(encoded);
}

/** True when `password` matches; rejects with DigestFormatError when the digest is malformed, HashVerificationBusyError when the queue is full. */
export async function verifyPassword(encoded: string, password: string): Promise<boolean> {
  return parseDigest(encoded).verify(password);
}

/** A new digest with a fresh random salt; throws HashParamsError for out-of-range parameters. */
export async function hashPassword(password: string, input: HashParamsInput): Promise<string> {
  const params = resolveHashParams(input);
  switch (params.algorithm) {
    case 'argon2': return hashArgon2(password, params);
    case 'pbkdf2': return hashPbkdf2(password, params);
    case 'scrypt': return hashScrypt(password, params);
    case 'bcrypt': return hashBcrypt(password, params);
  }
}
