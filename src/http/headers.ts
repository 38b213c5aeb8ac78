/**
 * Headers on every answer. API answers are never cached and never framed; portal pages add their
 * own Content-Security-Policy. Handlers may override any of these (discovery sets a max-age).
 */
import type { Headers } from './response.js';

export const BASE_SECURITY_HEADERS: Readonly<Headers> = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
});

/** For HTML pages: no script, style or frame from anywhere but ourselves. */
export const PAGE_SECURITY_HEADERS: Readonly<Headers> = Object.freeze({
  ...BASE_SECURITY_HEADERS,
  'Content-Security-Policy':
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self' https:; frame-ancestors 'none'; base-uri 'none'",
  'Cross-Origin-Opener-Policy': 'same-origin',
});
