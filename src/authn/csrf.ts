/**
 * CSRF protection for the portal's forms: OWASP's "signed double-submit cookie". The browser holds
 * a random value in a cookie; each form carries HMAC(key, 'csrf:' + value). A cross-site attacker
 * can make the browser send the cookie but can neither read it nor compute the matching token, so
 * a forged POST fails. Stateless: nothing is stored server side.
 */
import { createHmac, randomBytes as cryptoRandomBytes } from 'node:crypto';
import { constantTimeEqual } from '../crypto/constant-time.js';

export const CSRF_COOKIE_NAME = 'gatehouse_csrf';
export const CSRF_FIELD_NAME = 'csrf_token';

export interface CsrfProtection {
  /** A fresh cookie value (32 random bytes, base64url) for a browser that has none. */
  newCookieValue(): string;
  /** The token to embed in forms for this cookie value: base64url(HMAC-SHA-256(key, 'csrf:' + cookieValue)). */
  tokenFor(cookieValue: string): string;
  /** Whether the submitted form token matches the cookie (constant time; false when either is missing/empty/malformed). */
  verify(cookieValue: string | undefined, formToken: string | undefined): boolean;
}

export interface CsrfOptions {
  /** Source of random bytes; tests pass a fixed one. */
  randomBytes?: (n: number) => Buffer;
}

export const CSRF_KEY_BYTES = 32;
const COOKIE_VALUE_BYTES = 32;
/** Domain separation: the same key may sign other things; a CSRF token is never valid as one of them. */
const HMAC_LABEL = 'csrf:';
/** 32 bytes in unpadded base64url are exactly 43 characters, the last one of `AEIMQUYcgkosw048`. */
const BASE64URL_32_BYTES = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

/** Whether a cookie value has the shape `newCookieValue` produces; if not, the endpoint issues a new one. */
export function isCsrfCookieValue(value: string | undefined): value is string {
  return value !== undefined && BASE64URL_32_BYTES.test(value);
}

export function createCsrfProtection(key: Buffer, options: CsrfOptions = {}): CsrfProtection {
  if (key.byteLength < CSRF_KEY_BYTES) {
    throw new RangeError(`the CSRF key must be at least ${CSRF_KEY_BYTES} bytes, got ${key.byteLength}`);
  }
  // A private copy, so a caller that later zeroes or reuses its buffer cannot change our key.
  const secret = Buffer.from(key);
  const random = options.randomBytes ?? cryptoRandomBytes;
  const tokenFor = (cookieValue: string): string =>
    createHmac('sha256', secret).update(HMAC_LABEL + cookieValue, 'utf8').digest('base64url');

  return {
    newCookieValue: () => random(COOKIE_VALUE_BYTES).toString('base64url'),
    tokenFor,
    verify(cookieValue, formToken) {
      // Shape checks first: they reveal nothing secret and keep junk away from the HMAC.
      if (!isCsrfCookieValue(cookieValue) || formToken === undefined || !BASE64URL_32_BYTES.test(formToken)) return false;
      return constantTimeEqual(tokenFor(cookieValue), formToken);
    },
  };
}
