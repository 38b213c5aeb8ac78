/**
 * Does an access token's audience (a resource URL the token was granted for) cover the target of
 * a forward-auth request? The audience is a prefix of resources, compared after RFC 3986 §6.2
 * normalization:
 * - scheme, host and port equal; hosts case-insensitively, default ports removed
 *   (`https://a.com` is `https://a.com:443`), one trailing host dot ignored;
 * - the target path equals the audience path or lies below it at a `/` boundary: `https://a.com/api`
 *   covers `/api`, `/api/`, `/api/x`, not `/apix`. An audience ending in `/` (`/api/`) covers what is
 *   below it, not `/api` itself. An empty audience path is `/`: the whole origin;
 * - percent-encoding normalized on both sides (`%7E` is `~`, `%2f` is `%2F`) — and `%2F` is *not*
 *   a segment boundary: `/api%2Fx` is not below `/api`;
 * - dot segments resolved (WHATWG parsing, `%2e%2e` included): `/api/../admin` is `/admin`;
 * - the target's query is ignored.
 * An audience with a query, a fragment, credentials or no host covers nothing: a query is no
 * prefix boundary, and ignoring it would silently widen the grant beyond what was written.
 */
import { memoizeByObject } from '../util/memo.js';
import { normalizePercentEncoding } from './percent-encoding.js';

export interface CompiledAudience {
  readonly audience: string;
  covers(target: URL): boolean;
}

interface Origin {
  readonly protocol: string;
  readonly hostname: string;
  readonly port: string;
}

const NOTHING = (audience: string): CompiledAudience => Object.freeze({ audience, covers: () => false });

function hostWithoutDot(hostname: string): string {
  return hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
}

function sameOrigin(a: Origin, target: URL): boolean {
  return a.protocol === target.protocol && a.port === target.port && a.hostname === hostWithoutDot(target.hostname);
}

/** `path` is `base` or below it at a `/` boundary. */
export function pathCovers(base: string, path: string): boolean {
  if (!path.startsWith(base)) return false;
  return path.length === base.length || base.endsWith('/') || path.charCodeAt(base.length) === 0x2f;
}

/** Parses the audience once; the returned matcher does no parsing. */
export function compileAudience(audience: string): CompiledAudience {
  if (audience.includes('?') || audience.includes('#')) return NOTHING(audience);
  let url: URL;
  try {
    url = new URL(audience);
  } catch {
    return NOTHING(audience);
  }
  if (url.host === '' || url.username !== '' || url.password !== '') return NOTHING(audience);
  const origin: Origin = { protocol: url.protocol, hostname: hostWithoutDot(url.hostname), port: url.port };
  const base = normalizePercentEncoding(url.pathname === '' ? '/' : url.pathname);
  return Object.freeze({
    audience,
    covers: (target: URL) => sameOrigin(origin, target) && pathCovers(base, normalizePercentEncoding(target.pathname)),
  });
}

export function audienceCovers(audience: string, target: URL): boolean {
  return compileAudience(audience).covers(target);
}

export function anyAudienceCovers(audiences: readonly string[], target: URL): boolean {
  return audiences.some((audience) => audienceCovers(audience, target));
}

/**
 * Many audiences compiled at once, for a cached token checked on every request. Parsed targets
 * are shared and never changed after parsing (proxies/target-headers.ts remembers them), so the
 * answer per target object is remembered too: a repeated target costs one WeakMap look-up.
 */
export function compileAudiences(audiences: readonly string[]): (target: URL) => boolean {
  const compiled = audiences.map(compileAudience);
  return memoizeByObject((target: URL) => compiled.some((audience) => audience.covers(target)));
}
