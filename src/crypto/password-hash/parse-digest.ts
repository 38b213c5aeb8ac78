/**
 * Reads a stored digest: the `$id$` prefix picks the format module; a value without a leading `$`
 * is a plaintext secret. Every costly digest read here verifies through the process's bounded
 * queue (verification-queue.ts).
 */
import { argon2Format } from './argon2.js';
import { bcryptFormat, bcryptSha256Format } from './bcrypt.js';
import { DigestFormatError } from './errors.js';
import type { DigestFormat } from './format.js';
import { pbkdf2Format } from './pbkdf2.js';
import { plaintextFormat } from './plaintext.js';
import { scryptFormat } from './scrypt.js';
import { shaCryptFormat } from './sha-crypt.js';
import type { PasswordDigest } from './types.js';
import { hashVerifications, type VerificationQueue } from './verification-queue.js';

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
