/**
 * refresh_token (RFC 6749 §6, OIDC Core §12): single use with rotation. A replayed refresh token
 * revokes the whole family (RFC 9700 §4.14.2). On success the family is revoked before the new
 * pair is minted, which retires the previous access token (Authelia does so) and leaves exactly
 * one live access token and one live refresh token per grant.
 */
import { OAuthError } from '../errors.js';
import { requiredParameter } from '../parameters.js';
import { parseScope, requireScopesWithin } from '../scopes.js';
import type { TokenSessionRecord } from '../../storage/types.js';
import type { RegisteredClient } from '../clients.js';
import { issueTokens } from './issue-tokens.js';
import { grantFromRecord } from './stored-grant.js';
import type { GrantDeps, GrantHandler } from './types.js';

const INVALID_REFRESH = 'The refresh token is invalid, expired or was issued to another client.';

async function findRefreshToken(deps: GrantDeps, token: string, client: RegisteredClient, nowMs: number): Promise<TokenSessionRecord> {
  const signature = deps.tokens.signatureOf(token, 'rt');
  const record = signature === null ? null : await deps.storage.tokens.get('refresh_token', signature);
  if (!record || record.expires_at_ms <= nowMs) throw new OAuthError('invalid_grant', INVALID_REFRESH);
  // RFC 6749 §6: "validate the refresh token and ensure that it was issued to the authenticated client".
  if (record.client_id !== client.config.client_id) {
    throw new OAuthError('invalid_grant', INVALID_REFRESH, { cause: `refresh token of '${record.client_id}' presented by '${client.config.client_id}'` });
  }
  return record;
}

/** RFC 6749 §6: the requested scope "MUST NOT include any scope not originally granted"; absent = all of it. */
export function narrowScopes(requested: readonly string[], granted: readonly string[]): string[] {
  if (requested.length === 0) return [...granted];
  requireScopesWithin(requested, granted, 'granted to this refresh token');
  return [...requested];
}

async function consumeRefreshToken(deps: GrantDeps, record: TokenSessionRecord, nowMs: number): Promise<void> {
  const consumed = await deps.storage.tokens.consume('refresh_token', record.signature, nowMs);
  if (!consumed) throw new OAuthError('invalid_grant', INVALID_REFRESH);
  if (!consumed.firstUse) {
    const revoked = await deps.storage.tokens.revokeByRequestId(record.request_id);
    deps.logger.warn('refresh token reused: grant revoked', { client_id: record.client_id, request_id: record.request_id, revoked: revoked.length });
    throw new OAuthError('invalid_grant', 'The refresh token has already been used or was revoked; every token of its grant is revoked.');
  }
}

export const refreshTokenGrant: GrantHandler = {
  grant_type: 'refresh_token',
  async handle(deps, { client, params, nowMs }) {
    const record = await findRefreshToken(deps, requiredParameter(params, 'refresh_token'), client, nowMs);
    const scopes = narrowScopes(parseScope(params.get('scope')), record.granted_scopes);
    await consumeRefreshToken(deps, record, nowMs);
    await deps.storage.tokens.revokeByRequestId(record.request_id);
    const grant = grantFromRecord(record, client.config);
    return issueTokens(deps, { ...grant, requested_scopes: scopes, granted_scopes: scopes }, {
      refreshGrant: grant,
      idToken: scopes.includes('openid'),
    }, nowMs);
  },
};
