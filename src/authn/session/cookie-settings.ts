/**
 * Which cookie domain a request belongs to, and the attributes of the session cookie there:
 * the pure rules the session manager and the forward-auth cookie strategy share.
 */
import type { CookieAttributes, SameSiteAttribute } from './cookies.js';
import { serializeCookie } from './cookies.js';
import type { SessionCookieSettings } from './types.js';

/**
 * The cookie settings whose `domain` the host equals or is a subdomain of, the longest such
 * domain winning; null when none. Matching is at a label boundary (RFC 6265 §5.1.3 domain-match):
 * `evilexample.com` is not under `example.com`. The host may carry a port; case and a trailing dot
 * are ignored.
 */
export function cookieSettingsForHost(host: string, all: readonly SessionCookieSettings[]): SessionCookieSettings | null {
  const hostname = normalizeHost(host);
  if (hostname === '') return null;
  let best: SessionCookieSettings | null = null;
  let bestLength = -1;
  for (const settings of all) {
    const domain = normalizeHost(settings.domain);
    if (domain === '') continue;
    const matches = hostname === domain || hostname.endsWith(`.${domain}`);
    if (matches && domain.length > bestLength) {
      best = settings;
      bestLength = domain.length;
    }
  }
  return best;
}

/** Lower case, without the port and without a trailing dot; IPv6 literals keep their brackets. */
function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const close = h.indexOf(']');
    return close < 0 ? '' : h.slice(0, close + 1);
  }
  const colon = h.indexOf(':');
  if (colon >= 0) h = h.slice(0, colon);
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A developer's machine, as a URL's `hostname` names it: where a plain-http portal is allowed. */
export const isLoopbackHost = (hostname: string): boolean => LOOPBACK_HOSTS.has(hostname);

/**
 * Secure, except on a plain-HTTP portal on the loopback host (a developer's machine): there is
 * no TLS to protect the cookie and browsers would not send a Secure one back from http://.
 * Any other http request still gets Secure: behind a TLS-terminating proxy the browser speaks https.
 */
export function cookieIsSecure(settings: SessionCookieSettings, requestIsHttps: boolean): boolean {
  if (requestIsHttps) return true;
  let url: URL;
  try {
    url = new URL(settings.authelia_url);
  } catch {
    return true;
  }
  return !(url.protocol === 'http:' && isLoopbackHost(url.hostname));
}

const SAME_SITE: Readonly<Record<SessionCookieSettings['same_site'], SameSiteAttribute>> = { lax: 'Lax', strict: 'Strict', none: 'None' };

/** Whether "remember me" is enabled for this cookie domain. */
export function rememberMeEnabled(settings: SessionCookieSettings): boolean {
  return settings.remember_me > 0;
}

/**
 * The attributes every session cookie of this domain carries. Domain is omitted for `localhost`:
 * browsers reject `Domain=localhost`, and a host-only cookie is what a single host needs anyway.
 */
export function sessionCookieAttributes(settings: SessionCookieSettings, requestIsHttps: boolean): CookieAttributes {
  const domain = normalizeHost(settings.domain);
  return {
    ...(domain === 'localhost' ? {} : { domain: settings.domain }),
    path: '/',
    httpOnly: true,
    secure: cookieIsSecure(settings, requestIsHttps),
    sameSite: SAME_SITE[settings.same_site],
  };
}

/** Set-Cookie for a session id: persistent (`Max-Age=remember_me`) when remembered, else a browser-session cookie. */
export function sessionSetCookie(id: string, remembered: boolean, settings: SessionCookieSettings, requestIsHttps: boolean): string {
  const attrs = sessionCookieAttributes(settings, requestIsHttps);
  return serializeCookie(settings.name, id, remembered ? { ...attrs, maxAgeSeconds: settings.remember_me } : attrs);
}

/** Set-Cookie that makes the browser drop the session cookie (same Domain and Path, or it would not match). */
export function clearSessionSetCookie(settings: SessionCookieSettings, requestIsHttps: boolean): string {
  return serializeCookie(settings.name, '', { ...sessionCookieAttributes(settings, requestIsHttps), maxAgeSeconds: 0, expiresEpoch: true });
}
