/**
 * Where OpenID Connect joins an OAuth grant: when `openid` was granted, the token response carries
 * an ID Token (OIDC Core §3.1.3.3). oauth declares what it needs; src/oidc/grant-id-token.ts signs
 * it, and the endpoint hands that signer to the grants (oidc builds on oauth, never the reverse).
 */
import type { IssuableGrant } from './issuable-grant.js';

export interface GrantIdTokenInput {
  subject: string;
  scopes: string[];
  nonce?: string | undefined;
  /** The access token issued beside it, for `at_hash`. */
  access_token?: string | undefined;
  /** The code issued beside it, for `c_hash`. */
  code?: string | undefined;
  nowMs: number;
}

export type SignGrantIdToken = (grant: IssuableGrant, input: GrantIdTokenInput) => Promise<string>;
