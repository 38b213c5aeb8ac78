/**
 * Opaque access tokens, refresh tokens and authorization codes (ARCHITECTURE.md, Tokens):
 * `gatehouse_<kind>_<random>.<signature>`. The random part carries 256 bits; the signature is
 * HMAC-SHA-512/256 over everything before the dot, keyed from `hmac_secret`. Storage holds only
 * the signature, so a database leak yields no usable token, and a forged token fails before any
 * storage look-up.
 */
import { createHmac, createSecretKey, hkdfSync, timingSafeEqual } from 'node:crypto';
import { pooledRandomBytes } from '../util/random-pool.js';

/**
 * The kind tag inside an opaque token (`at`, `rt`, `ac`): the wire format's, not storage's
 * `TokenKind` (src/storage/types.ts: the row kind, access_token, refresh_token, …).
 */
export type OpaqueTokenKind = 'at' | 'rt' | 'ac';

export interface OpaqueTokenStrategy {
  generate(kind: OpaqueTokenKind): { token: string; signature: string };
  /** The signature of a presented token of this kind, after checking format, kind and HMAC in constant time; null when it is not a valid token of that kind. Storage looks tokens up by this signature. */
  signatureOf(token: string, kind: OpaqueTokenKind): string | null;
  /**
   * The signature a token of this kind claims, from its shape alone: no HMAC, so not proof of
   * anything. It lets a cache find the entry of a token it already verified; the cache must then
   * confirm the whole token (introspection-cache.ts), since a signature alone is no secret.
   */
  claimedSignatureOf(token: string, kind: OpaqueTokenKind): string | null;
}

export const TOKEN_PREFIX = 'gatehouse';
const RANDOM_BYTES = 32;
/** Base64url length of 32 bytes, for both the random part and the 256-bit signature. */
const ENCODED_LENGTH = 43;
const TOKEN_SHAPE = /^gatehouse_(at|rt|ac)_([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/;
const HKDF_INFO = 'gatehouse opaque tokens';
const TOKEN_LENGTH = TOKEN_PREFIX.length + 4 + 2 * ENCODED_LENGTH + 1;
const SIGNATURE_START = TOKEN_LENGTH - ENCODED_LENGTH;
const KIND_PREFIX: Readonly<Record<OpaqueTokenKind, string>> = { at: `${TOKEN_PREFIX}_at_`, rt: `${TOKEN_PREFIX}_rt_`, ac: `${TOKEN_PREFIX}_ac_` };

export function createOpaqueTokenStrategy(hmacSecret: string): OpaqueTokenStrategy {
  if (typeof hmacSecret !== 'string' || hmacSecret === '') throw new Error('the HMAC secret for opaque tokens is empty');
  // One derivation at start-up: the token key is independent of other uses of hmac_secret.
  // A KeyObject made once: passing raw bytes would import the key again on every HMAC (hot path).
  const key = createSecretKey(Buffer.from(hkdfSync('sha256', hmacSecret, Buffer.alloc(0), HKDF_INFO, 32)));
  const sign = (body: string): string => createHmac('sha512-256', key).update(body).digest('base64url');

  return {
    generate(kind) {
      const body = `${TOKEN_PREFIX}_${kind}_${pooledRandomBytes(RANDOM_BYTES).toString('base64url')}`;
      const signature = sign(body);
      return { token: `${body}.${signature}`, signature };
    },
    signatureOf(token, kind) {
      // The length check first keeps the regular expression off arbitrarily long input.
      if (typeof token !== 'string' || token.length !== TOKEN_LENGTH) return null;
      const match = TOKEN_SHAPE.exec(token);
      if (!match || match[1] !== kind) return null;
      const presented = match[3];
      const expected = sign(token.slice(0, token.length - ENCODED_LENGTH - 1));
      // Both are exactly 43 ASCII characters (checked above), so a direct constant-time compare
      // leaks nothing and spares two SHA-256 runs on the verify hot path.
      return timingSafeEqual(Buffer.from(presented, 'latin1'), Buffer.from(expected, 'latin1')) ? expected : null;
    },
    claimedSignatureOf(token, kind) {
      if (typeof token !== 'string' || token.length !== TOKEN_LENGTH || token.charCodeAt(SIGNATURE_START - 1) !== 0x2e /* . */) return null;
      return token.startsWith(KIND_PREFIX[kind]) ? token.slice(SIGNATURE_START) : null;
    },
  };
}
