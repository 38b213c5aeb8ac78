/** The shape every grant module shares (fosite's one handler per flow, node-oidc-provider's grants/index). */
import type { GrantType, OidcConfig } from '../../config/index.js';
import type { IssuerKeySet } from '../../crypto/keys.js';
import type { OpaqueTokenStrategy } from '../../crypto/opaque-token.js';
import type { Logger } from '../../observability/log.js';
import type { Storage } from '../../storage/types.js';
import type { UsersBackend } from '../../users/index.js';
import type { Random } from '../../util/random.js';
import type { RegisteredClient } from '../clients.js';
import type { SignGrantIdToken } from '../grant-id-token.js';

export interface GrantDeps {
  storage: Pick<Storage, 'tokens'>;
  tokens: OpaqueTokenStrategy;
  config: OidcConfig;
  issuer: string;
  keys: IssuerKeySet;
  users: UsersBackend | null;
  logger: Logger;
  /** Request ids of grants that start here (client_credentials). */
  random: Random;
  /** Signs the ID Token when `openid` was granted: OpenID Connect's part (src/oidc/grant-id-token.ts). */
  signIdToken: SignGrantIdToken;
}

/** An authenticated token request (RFC 6749 §3.2). */
export interface TokenRequest {
  client: RegisteredClient;
  params: URLSearchParams;
  nowMs: number;
}

/** RFC 6749 §5.1, OIDC Core §3.1.3.3. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope?: string;
  refresh_token?: string;
  id_token?: string;
}

export interface GrantHandler {
  readonly grant_type: GrantType;
  handle(deps: GrantDeps, request: TokenRequest): Promise<TokenResponse>;
}
