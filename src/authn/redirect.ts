/**
 * Where the portal may send a browser after signing in: only back inside the protected domains.
 * `rd` (already form/query-decoded) is resolved against the portal URL (RFC 3986 §5.2, as the
 * WHATWG URL parser does it) and checked as the absolute URL a browser would follow; anything else
 * (another host, a look-alike suffix, javascript:, credentials in the URL, a scheme-relative
 * `//evil` in any spelling, characters a browser would silently strip) falls back to the default,
 * so the portal is never an open redirect. What it answers is the parsed URL's `href`: ASCII by
 * construction, so it can always go into a `Location` header.
 */
import type { SessionCookieSettings } from './session/index.js';
import { cookieSettingsForHost, isLoopbackHost } from './session/index.js';

/** Why an `rd` was ignored; each names the one rule it broke. */
export type RedirectRejection = 'absent' | 'forbidden_character' | 'not_a_url' | 'userinfo' | 'scheme' | 'host';

export type RedirectDecision = { readonly ok: true; readonly href: string } | { readonly ok: false; readonly reason: RedirectRejection };


/**
 * C0 controls, DEL, C1 controls and every whitespace character, anywhere in the value. The URL
 * parser (WHATWG URL §4.4) and browsers strip tab/CR/LF and trim C0 + space, which turns
 * `/\t/evil.com` into `//evil.com`: such a value is refused, never cleaned up.
 */
const FORBIDDEN_CHARACTER = /[\u0000-\u001f\u007f-\u009f\s]/u;

/** RFC 9110 §10.2.2 Location is a URI reference: visible ASCII only. */
const HEADER_SAFE = /^[\u0021-\u007e]+$/;

/**
 * The decision on `rd`: accepted as an absolute `href` when, resolved against `portal.authelia_url`,
 * it is https (http only for a loopback host while the portal itself is plain http), carries no
 * userinfo, and its host is the portal's or equal to or under a configured cookie domain (`all`).
 * Pure: no I/O, no clock.
 */
export function checkRedirectTarget(rd: string | undefined, portal: SessionCookieSettings, all: readonly SessionCookieSettings[]): RedirectDecision {
  if (!rd) return rejected('absent');
  if (FORBIDDEN_CHARACTER.test(rd)) return rejected('forbidden_character');
  let base: URL;
  let url: URL;
  try {
    base = new URL(portal.authelia_url);
    url = new URL(rd, base);
  } catch {
    return rejected('not_a_url');
  }
  if (url.username !== '' || url.password !== '') return rejected('userinfo');
  const allowHttp = url.protocol === 'http:' && isLoopbackHost(url.hostname) && base.protocol === 'http:';
  if (url.protocol !== 'https:' && !allowHttp) return rejected('scheme');
  if (url.host !== base.host && !cookieSettingsForHost(url.host, all)) return rejected('host');
  // http(s) hrefs are ASCII (hosts in punycode, the rest percent-encoded); kept as a check so a
  // Location built here can never carry CR/LF or non-Latin-1, whatever the parser does.
  if (!HEADER_SAFE.test(url.href)) return rejected('forbidden_character');
  return Object.freeze({ ok: true, href: url.href });
}

/** The absolute target when `rd` is safe (see `checkRedirectTarget`), else null. */
export function safeRedirectTarget(rd: string | undefined, portal: SessionCookieSettings, all: readonly SessionCookieSettings[]): string | null {
  const decision = checkRedirectTarget(rd, portal, all);
  return decision.ok ? decision.href : null;
}

/**
 * The target after sign-in: the safe `rd`, else the domain's default_redirection_url (configured,
 * so trusted; also answered as its parsed `href`), else null (portal home).
 */
export function redirectAfterSignIn(rd: string | undefined, portal: SessionCookieSettings, all: readonly SessionCookieSettings[]): string | null {
  return safeRedirectTarget(rd, portal, all) ?? hrefOf(portal.default_redirection_url);
}

function hrefOf(configured: string | undefined): string | null {
  if (configured === undefined || !URL.canParse(configured)) return null;
  const { href } = new URL(configured);
  return HEADER_SAFE.test(href) ? href : null;
}

function rejected(reason: RedirectRejection): RedirectDecision {
  return Object.freeze({ ok: false, reason });
}
