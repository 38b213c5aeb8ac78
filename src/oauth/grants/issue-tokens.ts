/**
 * The successful token response every grant ends with (RFC 6749 §5.1): an access token, a refresh
 * token when the grant allows one, and an ID Token when `openid` was granted (OIDC Core §3.1.3.3).
 * Everything that can fail is done before anything is stored: the tokens are minted (a JWT access
 * token signed, jwt-access-token.ts) and the ID Token signed first (its at_hash over the access token
 * as issued), then the rows are stored (by a redemption's transaction, or by `issueTokens`),
 * and then only the answer remains to be sent.
 */
import { OAuthError } from '../errors.js';
import { formatScope } from '../scopes.js';
import { mintAccessToken, mintToken, type IssuableGrant } from '../token-issuer.js';
import type { Redemption } from '../../storage/types.js';
import type { GrantDeps, TokenResponse } from './types.js';

export interface IssueOptions {
  /** The grant the refresh token carries (its scopes never narrow); absent: no refresh token. */
  refreshGrant?: IssuableGrant;
  idToken: boolean;
  /** OIDC Core §12.2: a refreshed ID Token carries no nonce. */
  nonce?: string;
}

/** The answer, valid once `rows` are stored. */
export interface MintedResponse {
  response: TokenResponse;
  rows: Redemption['issue'];
}

export async function mintTokens(deps: GrantDeps, grant: IssuableGrant, options: IssueOptions, nowMs: number): Promise<MintedResponse> {
  const access = await mintAccessToken(deps, grant, nowMs);
  const response: TokenResponse = { access_token: access.token, token_type: 'Bearer', expires_in: access.expires_in };
  const rows: Array<Redemption['issue'][number]> = [{ kind: access.kind, record: access.record }];
  if (grant.granted_scopes.length > 0) response.scope = formatScope(grant.granted_scopes);
  if (options.refreshGrant) {
    const refresh = mintToken(deps, 'refresh_token', options.refreshGrant, nowMs);
    response.refresh_token = refresh.token;
    rows.push({ kind: refresh.kind, record: refresh.record });
  }
  if (options.idToken) response.id_token = await idTokenFor(deps, grant, access.token, options.nonce, nowMs);
  return { response, rows };
}

/** A grant that redeems nothing (client_credentials): mint, then store the rows. */
export async function issueTokens(deps: GrantDeps, grant: IssuableGrant, options: IssueOptions, nowMs: number): Promise<TokenResponse> {
  const { response, rows } = await mintTokens(deps, grant, options, nowMs);
  for (const { kind, record } of rows) await deps.storage.tokens.create(kind, record);
  return response;
}

async function idTokenFor(deps: GrantDeps, grant: IssuableGrant, accessToken: string, nonce: string | undefined, nowMs: number): Promise<string> {
  if (grant.subject === null) throw new OAuthError('server_error', 'The grant has no subject for an ID Token.', { cause: `request ${grant.request_id} has openid but no subject` });
  return deps.signIdToken(grant, { subject: grant.subject, scopes: grant.granted_scopes, nonce, access_token: accessToken, nowMs });
}
