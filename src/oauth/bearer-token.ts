/**
 * RFC 6750 bearer tokens in one place: reading one from an `Authorization` (or
 * `Proxy-Authorization`) header, and the `WWW-Authenticate: Bearer …` challenge that answers a
 * missing or refused one. Used by UserInfo (src/endpoints/userinfo.ts) and the forward-auth
 * strategies (src/authz/strategies/).
 */

/** `<scheme> <credentials>` as read from an authorization header (RFC 7235 §2.1). */
export interface Credentials {
  scheme: string;
  credentials: string;
}

// RFC 7235 §2.1: auth-scheme = token (RFC 7230 §3.2.6 tchar).
const SCHEME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Reads `Authorization` (or `Proxy-Authorization`) and splits the scheme (case-insensitive) from the
 * credentials at the first space or tab. Null when the header is absent, empty, or has no valid
 * scheme token; a scheme with no credentials gives `credentials: ''` (present but malformed, for
 * the verifier to reject). Read on every verify request: a split, not a regular expression over the
 * whole header.
 */
export function readCredentials(header: string | undefined): Credentials | null {
  if (header === undefined) return null;
  const text = header.trim();
  const space = firstSpaceOrTab(text);
  const scheme = space === -1 ? text : text.slice(0, space);
  if (!SCHEME.test(scheme)) return null;
  return { scheme, credentials: space === -1 ? '' : text.slice(space + 1).trim() };
}

function firstSpaceOrTab(text: string): number {
  const space = text.indexOf(' ');
  const tab = text.indexOf('\t');
  return space === -1 ? tab : tab === -1 ? space : Math.min(space, tab);
}

/** RFC 6750 §2.1: the token is a b64token (so it never needs quoting or escaping). */
export function isB64Token(token: string): boolean {
  return B64TOKEN.test(token);
}

/**
 * RFC 6750 §2.1: the token of `Authorization: Bearer <b64token>` (the scheme case-insensitive,
 * RFC 7235 §2.1). `absent` when the header is missing or names another scheme (which carries no
 * bearer token); `malformed` when it says Bearer but what follows is not a b64token.
 */
export type BearerFromHeader = { kind: 'absent' } | { kind: 'malformed' } | { kind: 'token'; token: string };

export function bearerTokenFromHeader(header: string | undefined): BearerFromHeader {
  const read = readCredentials(header);
  if (read === null || read.scheme.toLowerCase() !== 'bearer') return { kind: 'absent' };
  return isB64Token(read.credentials) ? { kind: 'token', token: read.credentials } : { kind: 'malformed' };
}

/** RFC 6750 §3.1 error codes. */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

/** A `WWW-Authenticate: Bearer …` value (RFC 6750 §3). */
export interface BearerChallenge {
  realm: string;
  /** Absent when the request carried no credentials at all (RFC 6750 §3.1). */
  error?: BearerErrorCode;
  error_description?: string;
  /** RFC 6750 §3: the scopes needed, for insufficient_scope. */
  scope?: readonly string[];
}

/**
 * A quoted-string (RFC 7235 §2.1, RFC 7230 §3.2.6). RFC 6750 §3 limits values to %x20-21 /
 * %x23-5B / %x5D-7E; RFC 7230 escapes '"' and '\' as quoted-pairs. Anything outside printable
 * ASCII (CR, LF, non-ASCII) could split or corrupt the header, so it becomes '?'.
 */
export function quoteString(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, '?');
  return `"${printable.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

export function bearerChallenge(challenge: BearerChallenge): string {
  const params: Array<[string, string]> = [['realm', challenge.realm]];
  if (challenge.error !== undefined) {
    params.push(['error', challenge.error]);
    if (challenge.error_description !== undefined) params.push(['error_description', challenge.error_description]);
    if (challenge.scope !== undefined && challenge.scope.length > 0) params.push(['scope', challenge.scope.join(' ')]);
  }
  return `Bearer ${params.map(([name, value]) => `${name}=${quoteString(value)}`).join(', ')}`;
}
