/**
 * The target of a forward-auth request: the URL the proxy asks about. Gatehouse must decide on
 * exactly the resource the backend will serve, and proxies and backends read an ambiguous URL in
 * different ways (nginx routes `Host: a:x@b` by `a`, WHATWG `URL` reads it as host `b`; WHATWG turns
 * `\` into `/` and resolves `..`, nginx passes `$request_uri` on raw, Go and Express route the raw
 * path, Apache and Tomcat resolve `//` and `..;`). So a target is taken only when every reader
 * agrees on it, and refused otherwise, with the reason (the verify endpoint answers 400):
 * - no control character, whitespace or character beyond ASCII anywhere, no raw `#` or `\`;
 * - an `https`/`wss` scheme, and a plain `host[:port]` authority: no user info, no percent-escape,
 *   a host that WHATWG `URL` leaves as it is (no `0x7f.1`-style IPv4 forms, IPv6 in canonical form);
 * - a path starting with `/`, without dot segments (`.`, `..`, also percent-encoded, behind `;`
 *   parameters, between `%2F`/`%5C`, or as fullwidth dots), without empty segments (`//`), encoded
 *   NUL, overlong UTF-8 or IIS `%u` escapes, and without the characters WHATWG would percent-encode (`"<>`{}`), so
 *   the path decided on is the path as sent.
 * What is then normalized changes no backend's reading: the host lower-cased, one trailing dot and
 * the default port removed (RFC 3986 §6.2.3), percent-escapes of unreserved characters decoded and
 * the others upper-cased (RFC 3986 §6.2.2, percent-encoding.ts).
 */
import { domainToUnicode } from 'node:url';
import { normalizePercentEncoding } from './percent-encoding.js';

export type TargetRead = { ok: true; url: URL } | { ok: false; reason: string };

/** A target as a proxy sends it: scheme, authority, path and query, each named for messages. */
export interface TargetParts {
  scheme: string;
  authority: string;
  /** Path and query; '' means `/`. */
  pathAndQuery: string;
}

export interface TargetSources {
  scheme: string;
  authority: string;
  path: string;
}

/** Visible ASCII without `#` and `\`: the whole target in one test on the common path. */
const PLAIN = /^[\x21\x22\x24-\x5b\x5d-\x7e]*$/;
const SCHEME = /^[a-z][a-z0-9+.-]*$/;
/** A bracketed IPv6 literal or a dotted name of letters, digits, `-` and `_`, one optional trailing dot; then a port. */
const AUTHORITY = /^(\[[0-9a-f:.]+\]|[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?)(?::(\d{1,5}))?$/i;
/** Characters WHATWG percent-encodes in a path (beyond those refused already). */
const REENCODED_IN_PATH = /["<>`{}]/;
/** Segment boundaries as some backend reads them: `/`, and `%2F` / `%5C` once decoded. */
const SEGMENT_BOUNDARY = /\/|%2f|%5c/i;
const ENCODED_DOT = /%2e/gi;
const ENCODED_NUL = /%00/;
/** Lead bytes that only ever encode ASCII the long way round (`%c0%af` is `/`), RFC 3629 §3. */
const OVERLONG_UTF8 = /%c[01]|%e0%[89]|%f0%8|%f[89a-d]/i;
/** IIS's `%uXXXX` escapes (`%u002e` is `.`). */
const PERCENT_U = /%u[0-9a-f]{4}/i;

const ok = (url: URL): TargetRead => ({ ok: true, url });
const fail = (reason: string): TargetRead => ({ ok: false, reason });

/** Why `value` has a character no target may carry; null when it has none. */
export function forbiddenCharacter(value: string, source: string): string | null {
  if (PLAIN.test(value)) return null;
  if (/[\x00-\x1f\x7f]/.test(value)) return `a control character in ${source}`;
  if (value.includes(' ')) return `whitespace in ${source}`;
  if (/[^\x21-\x7e]/.test(value)) return `a character beyond ASCII in ${source}`;
  if (value.includes('#')) return `a raw '#' in ${source}`;
  return `a raw backslash in ${source}`;
}

/**
 * `scheme://authority` then the rest; null when `raw` is not of that form. The authority ends only
 * at `/`: nginx's `$host` may hold a `?` (`Host: public.example.com?.example.com` is routed by a
 * wildcard or default server), and ending it there would decide on `public.example.com` while the
 * backend serves the path; with the `?` inside, the host check refuses it.
 */
export function splitAbsoluteUrl(raw: string): TargetParts | null {
  const colon = raw.indexOf('://');
  if (colon <= 0) return null;
  const rest = raw.slice(colon + 3);
  const end = rest.indexOf('/');
  return {
    scheme: raw.slice(0, colon),
    authority: end === -1 ? rest : rest.slice(0, end),
    pathAndQuery: end === -1 ? '' : rest.slice(end),
  };
}

/** The target from its parts, or why it is refused (see the module comment). */
export function parseTarget(parts: TargetParts, sources: TargetSources): TargetRead {
  const scheme = parts.scheme.toLowerCase();
  const bad = forbiddenCharacter(parts.scheme, sources.scheme) ?? forbiddenCharacter(parts.authority, sources.authority) ?? forbiddenCharacter(parts.pathAndQuery, sources.path);
  if (bad !== null) return fail(bad);
  if (!SCHEME.test(scheme)) return fail(`${sources.scheme} is not a URL scheme`);
  if (scheme !== 'https' && scheme !== 'wss') return fail(`scheme ${scheme} is not allowed: forward-auth targets are https or wss`);
  const authority = checkAuthority(parts.authority, sources.authority);
  if (authority !== null) return fail(authority);
  const pathAndQuery = parts.pathAndQuery === '' ? '/' : parts.pathAndQuery.startsWith('?') ? `/${parts.pathAndQuery}` : parts.pathAndQuery;
  if (!pathAndQuery.startsWith('/')) return fail('the target path must start with /');
  const query = pathAndQuery.indexOf('?');
  const path = checkPath(query === -1 ? pathAndQuery : pathAndQuery.slice(0, query), sources.path);
  if (path !== null) return fail(path);
  const hostname = plainHostname(parts.authority);
  if (hostname.includes('xn--') && !isValidPunycode(hostname)) return fail(`${sources.authority} has an \`xn--\` label that is not valid punycode`);
  let url: URL;
  try {
    url = new URL(`${scheme}://${parts.authority}${pathAndQuery}`);
  } catch {
    return fail(`${sources.authority} is not a valid host`);
  }
  if (url.hostname !== hostname) {
    return fail(`${sources.authority} names its host in a form URL parsers rewrite (${url.hostname})`);
  }
  return ok(normalizeTargetUrl(url));
}

function checkAuthority(authority: string, source: string): string | null {
  if (authority.includes('@')) return `user info in ${source}`;
  const match = AUTHORITY.exec(authority);
  if (match === null) return `${source} is not a plain host[:port]`;
  const port = match[2];
  if (port !== undefined && Number(port) > 65535) return `${source} has a port out of range`;
  return null;
}

function checkPath(path: string, source: string): string | null {
  if (path.includes('//')) return `an empty path segment ('//') in ${source}`;
  if (REENCODED_IN_PATH.test(path)) return `a character URL parsers percent-encode (one of "<>\`{}) in ${source}`;
  if (ENCODED_NUL.test(path)) return `an encoded NUL (%00) in ${source}`;
  if (OVERLONG_UTF8.test(path)) return `an overlong UTF-8 encoding in ${source}`;
  if (PERCENT_U.test(path)) return `a %u escape (IIS) in ${source}`;
  if (hasDotSegment(path)) return `a dot segment ('.' or '..', maybe encoded) in ${source}`;
  return null;
}

/**
 * `.` or `..` as a segment as any backend might read it: percent-decoded (`%2e`, `%3b`), before `;`
 * parameters (Tomcat's `..;`) or a NUL, between encoded separators, and after Unicode compatibility
 * normalization (fullwidth `．．`, NFKC).
 */
function hasDotSegment(path: string): boolean {
  if (!path.includes('.') && !path.includes('%')) return false;
  for (const segment of path.split(SEGMENT_BOUNDARY)) {
    const decoded = segment.includes('%') ? decodeSegment(segment).normalize('NFKC') : segment;
    const bare = decoded.split(/[;\0]/, 1)[0];
    if (bare === '.' || bare === '..') return true;
  }
  return false;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment.replace(ENCODED_DOT, '.'); // not UTF-8: only the dots matter here
  }
}

/**
 * Whether every `xn--` label decodes (RFC 5891 §4.4). Node 20 and 22 refuse `xn--app.example.com`
 * in `new URL`, Node 24 takes it as it is: a host readers disagree on, refused on every line.
 */
function isValidPunycode(hostname: string): boolean {
  const unicode = domainToUnicode(hostname);
  return unicode !== '' && !unicode.split('.').some((label) => label.startsWith('xn--'));
}

/** The hostname as WHATWG leaves a canonical one: lower-case, without the port (IPv6 keeps its brackets). */
function plainHostname(authority: string): string {
  const colon = authority.lastIndexOf(':');
  const hasPort = colon !== -1 && !authority.endsWith(']') && (!authority.startsWith('[') || authority[colon - 1] === ']');
  return (hasPort ? authority.slice(0, colon) : authority).toLowerCase();
}

/** An absolute target URL, strictly (see `parseTarget`); null when refused. For tests and tools. */
export function parseTargetUrl(raw: string): URL | null {
  const parts = splitAbsoluteUrl(raw);
  if (parts === null) return null;
  const read = parseTarget(parts, { scheme: 'the URL', authority: 'the URL', path: 'the URL' });
  return read.ok ? read.url : null;
}

/** Normalizes `url` in place (host dot, percent-encoding; see the module comment) and returns it. */
export function normalizeTargetUrl(url: URL): URL {
  if (url.hostname.endsWith('.')) url.hostname = url.hostname.slice(0, -1);
  const pathname = normalizePercentEncoding(url.pathname);
  if (pathname !== url.pathname) url.pathname = pathname;
  const search = normalizePercentEncoding(url.search);
  if (search !== url.search) url.search = search;
  return url;
}
