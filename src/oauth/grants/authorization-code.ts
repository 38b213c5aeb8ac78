/**
 * authorization_code (RFC 6749 §4.1.3, RFC 7636 §4.6, OIDC Core §3.1.3): the code is checked
 * (client, redirect_uri, PKCE) before it is consumed, so a bad attempt does not burn the
 * legitimate client's code; the tokens are minted (and the ID Token signed); then one storage
 * transaction consumes the code and stores the tokens (TokenSessions.redeem): both or neither.
 * A replay revokes every token issued from it (RFC 6749 §4.1.2).
 */
import { OAuthError } from '../errors.js';
import { optionalParameter, requiredParameter } from '../parameters.js';
import { verifyCodeVerifier } from '../pkce.js';
import { grantsOfflineAccess } from '../scopes.js';
import type { GrantSession } from '../grant-session.js';
import type { TokenSessionRecord } from '../../storage/types.js';
import type { RegisteredClient } from '../clients.js';
import { mintTokens } from './issue-tokens.js';
import { redeem, type RedeemWording } from './redeem.js';
import { grantFromRecord } from './stored-grant.js';
import type { GrantDeps, GrantHandler } from './types.js';

const INVALID_CODE = 'The authorization code is invalid, expired or was issued to another client.';

/** Single use: a second redemption revokes the whole grant family. */
const WORDING: RedeemWording = {
  kind: 'authorization_code',
  invalid: INVALID_CODE,
  replayed: 'The authorization code has already been used; every token issued from it is revoked.',
  replayLog: 'authorization code replayed: grant revoked',
};

/** The stored, unexpired code of this client; consumption comes later. */
async function findCode(deps: GrantDeps, code: string, client: RegisteredClient, nowMs: number): Promise<TokenSessionRecord> {
  const signature = deps.tokens.signatureOf(code, 'ac');
  const record = signature === null ? null : await deps.storage.tokens.get('authorization_code', signature);
  if (!record || record.expires_at_ms <= nowMs) throw new OAuthError('invalid_grant', INVALID_CODE);
  // RFC 6749 §4.1.3: "ensure that the authorization code was issued to the authenticated confidential client".
  if (record.client_id !== client.config.client_id) {
    throw new OAuthError('invalid_grant', INVALID_CODE, { cause: `code of client '${record.client_id}' presented by '${client.config.client_id}'` });
  }
  return record;
}

/** RFC 6749 §4.1.3: redirect_uri must be repeated, identical, when the authorization request had one. */
export function checkRedirectUri(session: Pick<GrantSession, 'redirect_uri'>, redirect_uri: string | undefined): void {
  if (session.redirect_uri === undefined) return;
  if (redirect_uri !== session.redirect_uri) {
    throw new OAuthError('invalid_grant', "The 'redirect_uri' parameter does not match the one of the authorization request.");
  }
}

export const authorizationCodeGrant: GrantHandler = {
  grant_type: 'authorization_code',
  async handle(deps, { client, params, nowMs }) {
    const record = await findCode(deps, requiredParameter(params, 'code'), client, nowMs);
    const grant = grantFromRecord(record, client.config);
    checkRedirectUri(grant.session, optionalParameter(params, 'redirect_uri'));
    verifyCodeVerifier(grant.session, optionalParameter(params, 'code_verifier'));
    const refresh = grantsOfflineAccess(grant.granted_scopes) && client.config.grant_types.includes('refresh_token');
    const minted = await mintTokens(deps, grant, {
      ...(refresh ? { refreshGrant: grant } : {}),
      idToken: grant.granted_scopes.includes('openid'),
      ...(grant.session.nonce === undefined ? {} : { nonce: grant.session.nonce }),
    }, nowMs);
    return redeem(deps, record, WORDING, minted, { nowMs, reuseGraceMs: 0 });
  },
};
