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

// C0 controls and DEL: never allowed in a field value (RFC 9110 §5.5); CR/LF would split the header.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

/**
 * Text (a display name, a group) as a header field value: control characters become spaces, and
 * anything beyond ASCII travels as its UTF-8 octets (RFC 9110 §5.5 allows opaque octets; Authelia
 * sends UTF-8), which Node writes byte for byte from a latin1 string. Node refuses a string with
 * characters above U+00FF outright, so 'Łukasz' must not reach `writeHead` as it is.
 */
export function headerText(text: string): string {
  const clean = text.replace(CONTROL_CHARACTERS, ' ');
  return /^[\u0000-\u007f]*$/.test(clean) ? clean : Buffer.from(clean, 'utf8').toString('latin1');
}
