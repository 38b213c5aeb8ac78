/**
 * The two ways hashing can fail. Messages name the problem and never the value: a digest may be a
 * plaintext secret by mistake, and these messages end up in logs and config-validation output.
 */

/** A stored digest that cannot be read: malformed, or an algorithm we do not support. */
export class DigestFormatError extends Error {
  override readonly name = 'DigestFormatError';
  readonly code = 'ERR_DIGEST_FORMAT';
}

/** Parameters for a new digest that are out of range (e.g. bcrypt cost 3). */
export class HashParamsError extends Error {
  override readonly name = 'HashParamsError';
  readonly code = 'ERR_HASH_PARAMS';
}

/**
 * The verification queue is full (verification-queue.ts): the digest was not checked at all. Not a
 * wrong password: callers answer "try again later" (HTTP 503) and must not count it as a failed attempt.
 */
export class HashVerificationBusyError extends Error {
  override readonly name = 'HashVerificationBusyError';
  readonly code = 'ERR_HASH_VERIFICATION_BUSY';
}
