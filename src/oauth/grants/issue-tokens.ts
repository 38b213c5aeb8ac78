/**
 * The successful token response every grant ends with (RFC 6749 §5.1): an access token, a refresh
 * token when the grant allows one, and an ID Token when `openid` was granted (OIDC Core §3.1.3.3).
 */
import { OAuthError } from '../errors.js';
import { formatScope } from '../scopes.js';
import { signGrantIdToken } from '../grant-id-token.js';
import { issueToken, type IssuableGrant } from '../token-issuer.js';
import type { GrantDeps, TokenResponse } from './types.js';

export interface IssueOptions {
  /** The grant the refresh token carries (its scopes never narrow); absent: no refresh token. */
  refreshGrant?: IssuableGrant;
  idToken: boolean;
  /** OIDC Core §12.2: a refreshed ID Token carries no nonce. */
  nonce?: string;
}

export async function issueTokens(deps: GrantDeps, grant: IssuableGrant, options: IssueOptions, nowMs: number): Promise<TokenResponse> {
  const access = await issueToken(deps, 'access_token', grant, nowMs);
  const response: TokenResponse = { access_token: access.token, token_type: 'Bearer', expires_in: access.expires_in };
  if (grant.granted_scopes.length > 0) response.scope = formatScope(grant.granted_scopes);
  if (options.refreshGrant) response.refresh_token = (await issueToken(deps, 'refresh_token', options.refreshGrant, nowMs)).token;
  if (options.idToken) response.id_token = await idTokenFor(deps, grant, access.token, options.nonce, nowMs);
  return response;
}

async function idTokenFor(deps: GrantDeps, grant: IssuableGrant, accessToken: string, nonce: string | undefined, nowMs: number): Promise<string> {
  if (grant.subject === null) throw new OAuthError('server_error', 'The grant has no subject for an ID Token.', { cause: `request ${grant.request_id} has openid but no subject` });
  return signGrantIdToken(deps, grant, { subject: grant.subject, scopes: grant.granted_scopes, nonce, access_token: accessToken, nowMs });
}
