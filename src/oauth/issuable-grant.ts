/**
 * What a token is issued on: one grant of one client. Its own module because every minter reads
 * it (token-issuer.ts, jwt-access-token.ts, the ID Token of src/oidc/grant-id-token.ts) and none
 * of them should import another for a type.
 */
import type { OidcClientConfig } from '../config/index.js';
import type { GrantSession } from './grant-session.js';

export interface IssuableGrant {
  request_id: string;
  client: OidcClientConfig;
  subject: string | null;
  requested_scopes: string[];
  granted_scopes: string[];
  requested_audience: string[];
  granted_audience: string[];
  session: GrantSession;
}
