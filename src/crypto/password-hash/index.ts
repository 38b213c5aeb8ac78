/**
 * Reads, verifies and writes stored password and client-secret digests (Authelia's formats).
 * Reading is parse-digest.ts (the `$id$` prefix picks the format module; every costly digest
 * verifies through the process's bounded queue, verification-queue.ts).
 */
import { hashArgon2 } from './argon2.js';
import { hashBcrypt } from './bcrypt.js';
import { resolveHashParams } from './params.js';
import { parseDigest } from './parse-digest.js';
import { hashPbkdf2 } from './pbkdf2.js';
import { hashScrypt } from './scrypt.js';
import type { HashParamsInput } from './types.js';

export { DigestFormatError, HashParamsError, HashVerificationBusyError } from './errors.js';
export { pickDummyDigest } from './dummy-digest.js';
export { parseDigest, verifiedThrough } from './parse-digest.js';
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
