/**
 * The target URL of a forward-auth request, parsed and normalized once so every later check
 * (rules, audience, cookie domain) sees one canonical form:
 * - WHATWG `new URL`: lower-case host (IDN → punycode), default port removed, `\` read as `/`,
 *   and dot segments resolved (RFC 3986 §5.2.4, including `%2e%2e`): `/public/../admin` *is*
 *   `/admin` for the rules, as it is for the upstream that will serve it;
 * - RFC 3986 §6.2.2 percent-encoding normalization of path and query (see percent-encoding.ts);
 * - one trailing dot of the host removed (`app.example.com.` is `app.example.com`), so an
 *   absolute DNS name cannot slip past a `domain` rule;
 * - the fragment dropped: it never reaches a server.
 */
import { normalizePercentEncoding } from './percent-encoding.js';

export type TargetScheme = 'https:' | 'wss:';

/** null when `raw` is not an absolute URL. The scheme is not checked here: see `isSecureTarget`. */
export function parseTargetUrl(raw: string): URL | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  normalizeTargetUrl(url);
  return url;
}

/** Normalizes `url` in place (see the module comment) and returns it. */
export function normalizeTargetUrl(url: URL): URL {
  if (url.hostname.endsWith('.')) url.hostname = url.hostname.slice(0, -1);
  const pathname = normalizePercentEncoding(url.pathname);
  if (pathname !== url.pathname) url.pathname = pathname;
  const search = normalizePercentEncoding(url.search);
  if (search !== url.search) url.search = search;
  url.hash = '';
  return url;
}

/** Forward-auth protects https (and wss) only: session cookies are `Secure`. */
export function isSecureTarget(url: URL): boolean {
  return url.protocol === 'https:' || url.protocol === 'wss:';
}
