/**
 * Finding a presented access or refresh token in any state, for introspection (RFC 7662 §2.1)
 * and revocation (RFC 7009 §2.1). `token_type_hint` only orders the look-ups: a wrong hint still
 * finds the token (RFC 7662 §2.1, RFC 7009 §2.1 "MUST extend its search across all of its supported token types").
 */
import type { Storage, TokenSessionRecord } from '../storage/types.js';
import { accessTokenSignatureOf, type AccessTokenProof } from './access-token.js';
import { OAuthError } from './errors.js';

export type TokenTypeHint = 'access_token' | 'refresh_token';
export const TOKEN_TYPE_HINTS: readonly TokenTypeHint[] = ['access_token', 'refresh_token'];

export interface FoundToken {
  kind: TokenTypeHint;
  signature: string;
  record: TokenSessionRecord;
}

const isHint = (value: string): value is TokenTypeHint => (TOKEN_TYPE_HINTS as readonly string[]).includes(value);

/**
 * The hint when it names a kind we serve. Others: ignored at introspection (RFC 7662 §2.1 "MAY
 * ignore"), refused with unsupported_token_type at revocation (RFC 7009 §2.2.1).
 */
export function parseTokenTypeHint(value: string | null, unknown: 'ignore' | 'refuse'): TokenTypeHint | undefined {
  if (value === null || value === '') return undefined;
  if (isHint(value)) return value;
  if (unknown === 'ignore') return undefined;
  throw new OAuthError('unsupported_token_type', `The token_type_hint '${value}' is not supported (supported: ${TOKEN_TYPE_HINTS.join(', ')}).`);
}

/** The record of a token we issued, whatever its state; null for anything else. */
export async function findToken(
  deps: AccessTokenProof & { storage: Pick<Storage, 'tokens'> },
  token: string,
  hint: TokenTypeHint | undefined,
): Promise<FoundToken | null> {
  const order: TokenTypeHint[] = hint === 'refresh_token' ? ['refresh_token', 'access_token'] : ['access_token', 'refresh_token'];
  for (const kind of order) {
    // Refresh tokens are always opaque; an access token may be a JWT (verified before any look-up).
    const signature = kind === 'access_token' ? await accessTokenSignatureOf(deps, token) : deps.tokens.signatureOf(token, 'rt');
    if (signature === null) continue;
    const record = await deps.storage.tokens.get(kind, signature);
    if (record) return { kind, signature, record };
  }
  return null;
}

/** RFC 7662 §2.2: active = issued by us, not revoked or consumed, not expired. */
export const isTokenActive = (record: TokenSessionRecord, nowMs: number): boolean =>
  record.active && !record.revoked && record.expires_at_ms > nowMs;
