/**
 * `WWW-Authenticate: Bearer …` values (RFC 6750 §3), shared by UserInfo and the forward-auth
 * bearer strategy. Attribute values are quoted-strings (RFC 7235 §2.1, RFC 7230 §3.2.6).
 */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

export interface BearerChallenge {
  realm: string;
  /** Absent when the request carried no credentials at all (RFC 6750 §3.1). */
  error?: BearerErrorCode;
  error_description?: string;
  /** RFC 6750 §3: the scopes needed, for insufficient_scope. */
  scope?: readonly string[];
}

/**
 * A quoted-string. RFC 6750 §3 limits values to %x20-21 / %x23-5B / %x5D-7E; RFC 7230 escapes '"'
 * and '\' as quoted-pairs. Anything outside printable ASCII (CR, LF, non-ASCII) could split or
 * corrupt the header, so it becomes '?'.
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
