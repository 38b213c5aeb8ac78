/**
 * What the authorization endpoint hands back for each response type (Multiple Response Type
 * Encoding Practices §3-§5; OIDC Core §3.2.2.5, §3.3.2.5): a code, an access token, an ID Token,
 * or a combination. Everything issued here shares one `request_id`, so a replayed code revokes
 * the access token issued beside it too.
 */
import type { OidcConfig } from '../config/index.js';
import type { IssuerKeySet } from '../crypto/keys.js';
import type { UsersBackend } from '../users/user.js';
import type { ResponseType } from './authorize/index.js';
import { returns } from './authorize/index.js';
import type { RegisteredClient } from './clients.js';
import type { GrantSession } from './grant-session.js';
import type { Storage } from '../storage/types.js';
import { formatScope, grantsOfflineAccess } from './scopes.js';
import type { SignGrantIdToken } from './grant-id-token.js';
import { issueAccessToken, issueToken, type AccessTokenIssuerDeps, type IssuableGrant } from './token-issuer.js';
import { systemRandom } from '../util/random.js';

export interface AuthorizationResponseDeps extends AccessTokenIssuerDeps {
  /** `sessionClients`: a grant made in a portal session is remembered with it, for logout. */
  storage: Pick<Storage, 'tokens' | 'sessionClients'>;
  config: Pick<OidcConfig, 'lifespans'>;
  keys: IssuerKeySet;
  issuer: string;
  users: UsersBackend | null;
  /** Signs the ID Token (src/oidc/grant-id-token.ts implements it): oauth does not import oidc. */
  signIdToken: SignGrantIdToken;
}

export interface AuthorizationGrant {
  response_type: ResponseType;
  client: RegisteredClient;
  subject: string;
  scopes: string[];
  audience: string[];
  requested_scopes: string[];
  requested_audience: string[];
  session: GrantSession;
  state?: string;
  nowMs: number;
}

/** The response parameters before delivery (state and iss included, RFC 9207 §2). */
export async function issueAuthorizationResponse(deps: AuthorizationResponseDeps, input: AuthorizationGrant): Promise<Record<string, string>> {
  const grant: IssuableGrant = {
    request_id: (deps.random ?? systemRandom).uuid(),
    client: input.client.config,
    subject: input.subject,
    requested_scopes: input.requested_scopes,
    granted_scopes: input.scopes,
    requested_audience: input.requested_audience,
    granted_audience: input.audience,
    session: input.session,
  };
  // OIDC Back-/Front-Channel Logout: the session remembers the client before the client gets anything.
  if (input.session.sid !== undefined) {
    await deps.storage.sessionClients.record({
      sid: input.session.sid,
      request_id: grant.request_id,
      client_id: grant.client.client_id,
      subject: input.subject,
      offline_access: grantsOfflineAccess(input.scopes),
      created_at_ms: input.nowMs,
    });
  }
  const params: Record<string, string> = {};
  if (returns(input.response_type, 'code')) {
    params['code'] = (await issueToken(deps, 'authorization_code', grant, input.nowMs)).token;
  }
  if (returns(input.response_type, 'token')) {
    // RFC 6749 §4.2.2: token_type and expires_in; scope since it may differ from the request.
    const access = await issueAccessToken(deps, grant, input.nowMs);
    params['access_token'] = access.token;
    params['token_type'] = 'Bearer';
    params['expires_in'] = String(access.expires_in);
    if (input.scopes.length > 0) params['scope'] = formatScope(input.scopes);
  }
  if (returns(input.response_type, 'id_token')) params['id_token'] = await idTokenOf(deps, grant, input, params);
  if (input.state) params['state'] = input.state;
  params['iss'] = deps.issuer;
  return params;
}

/** OIDC Core §3.2.2.10 (at_hash when a token is returned) and §3.3.2.11 (c_hash when a code is). */
function idTokenOf(deps: AuthorizationResponseDeps, grant: IssuableGrant, input: AuthorizationGrant, issued: Record<string, string>): Promise<string> {
  return deps.signIdToken(grant, {
    subject: input.subject,
    scopes: input.scopes,
    nonce: input.session.nonce,
    access_token: issued['access_token'],
    code: issued['code'],
    nowMs: input.nowMs,
  });
}
