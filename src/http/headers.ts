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

/**
 * The portal's Content-Security-Policy: no script, frame or plugin at all, style and images only
 * from ourselves, never framed, no <base>.
 *
 * No `form-action`, on purpose (issue #12 item 1). CSP3 §6.3.1 checks `form-action` against every
 * hop of the redirect chain a form submission starts, and a portal form's chain ends wherever the
 * flow ends: sign-in or consent → 303 authorization endpoint → 302 the client's redirect URI (an
 * RFC 8252 §7.3 `http://127.0.0.1` loopback, `http://localhost`, a §7.1 private-use scheme such as
 * `com.example.app:/cb`), and then wherever the client itself redirects next (its own origin or
 * another). No list written here can name that; a per-page list would be wrong as soon as the
 * client redirects on, and the sign-in page knows the flow only through `rd`. `form-action` does
 * not fall back to `default-src`, so leaving it out means "any target": safe here because the
 * portal's forms post only to the portal and its templates escape every value by construction.
 */
const PORTAL_CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";

/** For HTML pages: no script, style or frame from anywhere but ourselves. */
export const PAGE_SECURITY_HEADERS: Readonly<Headers> = Object.freeze({
  ...BASE_SECURITY_HEADERS,
  'Content-Security-Policy': PORTAL_CONTENT_SECURITY_POLICY,
  'Cross-Origin-Opener-Policy': 'same-origin',
});

/**
 * The portal's policy for a page that frames others or runs one known script: `frame-src` lists
 * exactly `frameOrigins` (front-channel logout's iframes, OIDC Front-Channel Logout 1.0 §4) and
 * `script-src` exactly `scriptHashes` ('sha256-…'); without either, the page gets PAGE_SECURITY_HEADERS.
 */
export function pageSecurityHeadersAllowing(allow: { frameOrigins?: readonly string[]; scriptHashes?: readonly string[] }): Readonly<Headers> {
  const frames = allow.frameOrigins ?? [];
  const scripts = allow.scriptHashes ?? [];
  if (frames.length === 0 && scripts.length === 0) return PAGE_SECURITY_HEADERS;
  const extra = [...(frames.length > 0 ? [`frame-src ${frames.join(' ')}`] : []), ...(scripts.length > 0 ? [`script-src ${scripts.join(' ')}`] : [])];
  return Object.freeze({ ...PAGE_SECURITY_HEADERS, 'Content-Security-Policy': `${PORTAL_CONTENT_SECURITY_POLICY}; ${extra.join('; ')}` });
}

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
