/**
 * client_credentials (RFC 6749 §4.4): a confidential client acting on its own behalf. No person,
 * so no subject, no refresh token (§4.4.3) and no ID Token.
 */
import type { OidcClientConfig } from '../../config/index.js';
import { grantAudience, parseAudience } from '../audience.js';
import { OAuthError } from '../errors.js';
import { OFFLINE_SCOPES, parseScope, requireScopesWithin } from '../scopes.js';
import { issueTokens } from './issue-tokens.js';
import type { GrantHandler } from './types.js';

/** Authelia's OpenID Connect 1.0 integration guide: Grant Types: with client_credentials as the only grant, openid, offline and offline_access are not allowed. */
const USER_SCOPES: readonly string[] = ['openid', ...OFFLINE_SCOPES];

export function checkClientCredentialsScopes(requested: readonly string[], client: Pick<OidcClientConfig, 'grant_types' | 'scopes'>): void {
  const only = client.grant_types.every((g) => g === 'client_credentials');
  const userScope = only ? requested.find((s) => USER_SCOPES.includes(s)) : undefined;
  if (userScope !== undefined) {
    throw new OAuthError('invalid_scope', `The scope '${userScope}' is not allowed for a client whose only grant type is client_credentials.`);
  }
  requireScopesWithin(requested, client.scopes, 'registered for the client');
}

export const clientCredentialsGrant: GrantHandler = {
  grant_type: 'client_credentials',
  async handle(deps, { client, params, nowMs }) {
    // RFC 6749 §4.4: "The client credentials grant type MUST only be used by confidential clients."
    if (client.config.public) throw new OAuthError('unauthorized_client', 'A public client may not use the client_credentials grant (RFC 6749 §4.4).');
    const scopes = parseScope(params.get('scope'));
    checkClientCredentialsScopes(scopes, client.config);
    const requestedAudience = parseAudience(params);
    const audience = grantAudience(requestedAudience, client.config);
    return issueTokens(deps, {
      request_id: deps.random.uuid(),
      client: client.config,
      subject: null,
      requested_scopes: scopes,
      granted_scopes: scopes,
      requested_audience: requestedAudience,
      granted_audience: audience,
      session: { username: null, auth_time_s: null, amr: [], requested_at_s: Math.floor(nowMs / 1000) },
    }, { idToken: false }, nowMs);
  },
};
