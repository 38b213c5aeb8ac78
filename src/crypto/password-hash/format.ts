/** The shape every digest format module shares; `index.ts` maps each `$id$` to one of these. */
import { timingSafeEqual } from 'node:crypto';
import type { PasswordDigest } from './types.js';

export interface DigestFormat {
  /** The `$id$` prefixes this format reads, without the dollars (e.g. 'pbkdf2-sha512'). */
  readonly ids: readonly string[];
  /** Reads and checks the digest; throws DigestFormatError. No hashing happens here. */
  parse(encoded: string): PasswordDigest;
}

/** Derived bytes against stored bytes; the lengths are public (both come from the digest). */
export function sameBytes(derived: Uint8Array, stored: Uint8Array): boolean {
  return derived.byteLength === stored.byteLength && timingSafeEqual(derived, stored);
}
