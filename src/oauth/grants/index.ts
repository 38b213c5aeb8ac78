/** The grant types the token endpoint serves, by `grant_type` (Authelia's OpenID Connect 1.0 integration guide: Grant Types; `implicit` has no token request). */
import { authorizationCodeGrant } from './authorization-code.js';
import { clientCredentialsGrant } from './client-credentials.js';
import { refreshTokenGrant } from './refresh-token.js';
import type { GrantHandler } from './types.js';

export type { GrantDeps, GrantHandler, TokenRequest, TokenResponse } from './types.js';

export const GRANTS: ReadonlyMap<string, GrantHandler> = new Map(
  [authorizationCodeGrant, refreshTokenGrant, clientCredentialsGrant].map((g) => [g.grant_type, g] as const),
);
