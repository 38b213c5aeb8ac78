/**
 * refresh_token (RFC 6749 §6, OIDC Core §12): single use with rotation. The new pair is minted (and
 * the ID Token signed) first; then one storage transaction uses the presented token, retires the
 * previous access token and stores the new pair (TokenSessions.redeem), so a failure at any point
 * leaves the presented token usable and nothing the client never received live. A replayed refresh
 * token revokes the whole family (RFC 9700 §4.14.2), unless `refresh_token_reuse_interval` is set
 * and it is a retry of a rotation whose answer was lost: then its unused successor is replaced.
 * Exactly one live access token and one live refresh token per grant.
 */
import { OAuthError } from '../errors.js';
import { requiredParameter } from '../parameters.js';
import { parseScope, requireScopesWithin } from '../scopes.js';
import type { TokenSessionRecord } from '../../storage/types.js';
import type { RegisteredClient } from '../clients.js';
import { mintTokens } from './issue-tokens.js';
import { redeem, type RedeemWording } from './redeem.js';
import { grantFromRecord } from './stored-grant.js';
import type { GrantDeps, GrantHandler } from './types.js';

const INVALID_REFRESH = 'The refresh token is invalid, expired or was issued to another client.';

const WORDING: RedeemWording = {
  kind: 'refresh_token',
  invalid: INVALID_REFRESH,
  replayed: 'The refresh token has already been used or was revoked; every token of its grant is revoked.',
  replayLog: 'refresh token reused: grant revoked',
};

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

export const refreshTokenGrant: GrantHandler = {
  grant_type: 'refresh_token',
  async handle(deps, { client, params, nowMs }) {
    const record = await findRefreshToken(deps, requiredParameter(params, 'refresh_token'), client, nowMs);
    const scopes = narrowScopes(parseScope(params.get('scope')), record.granted_scopes);
    const grant = grantFromRecord(record, client.config);
    const minted = await mintTokens(deps, { ...grant, requested_scopes: scopes, granted_scopes: scopes }, {
      refreshGrant: grant,
      idToken: scopes.includes('openid'),
    }, nowMs);
    return redeem(deps, record, WORDING, minted, { nowMs, reuseGraceMs: deps.config.refresh_token_reuse_interval * 1000 });
  },
};
