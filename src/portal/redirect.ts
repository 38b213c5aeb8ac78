/**
 * Where the portal may send a browser after signing in: only back inside the protected domains.
 * Anything else (another host, a look-alike suffix, javascript:, credentials in the URL, a
 * scheme-relative `//evil`) falls back to the default, so the portal is never an open redirect.
 */
import type { SessionCookieSettings } from './session/index.js';
import { cookieSettingsForHost } from './session/index.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The absolute target when `rd` is safe: https (http only on a loopback development host whose
 * portal itself is plain http), no userinfo, and a host equal to or under a configured cookie
 * domain. A path on the portal itself (`/settings`) stays relative. Null when unsafe or absent.
 */
export function safeRedirectTarget(rd: string | undefined, portal: SessionCookieSettings, all: readonly SessionCookieSettings[]): string | null {
  if (!rd) return null;
  if (/^\/(?![/\\])/.test(rd)) return rd;
  let url: URL;
  try {
    url = new URL(rd);
  } catch {
    return null;
  }
  if (url.username !== '' || url.password !== '') return null;
  const allowHttp = LOOPBACK.has(url.hostname) && new URL(portal.authelia_url).protocol === 'http:';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowHttp)) return null;
  return cookieSettingsForHost(url.host, all) ? url.href : null;
}

/** The target after sign-in: the safe `rd`, else the domain's default_redirection_url, else null (portal home). */
export function redirectAfterSignIn(rd: string | undefined, portal: SessionCookieSettings, all: readonly SessionCookieSettings[]): string | null {
  return safeRedirectTarget(rd, portal, all) ?? portal.default_redirection_url ?? null;
}
