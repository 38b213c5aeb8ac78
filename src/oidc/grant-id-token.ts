/**
 * The ID Token of a grant (OIDC Core §2), wherever it is issued: at the token endpoint (code and
 * refresh grants) or at the authorization endpoint (implicit and hybrid). What the person did
 * comes from the grant's session; at_hash / c_hash from the token and code issued beside it.
 * OpenID Connect's part of a grant: the OAuth grants receive it as `signIdToken`
 * (src/oauth/grant-id-token.ts), as fosite's openid handler joins the token chain.
 */
import type { OidcConfig } from '../config/index.js';
import type { IssuerKeySet } from '../crypto/keys.js';
import type { GrantIdTokenInput, SignGrantIdToken } from '../oauth/grant-id-token.js';
import type { IssuableGrant } from '../oauth/issuable-grant.js';
import { lifespanSeconds } from '../oauth/token-issuer.js';
import type { UsersBackend } from '../users/user.js';
import type { Random } from '../util/random.js';
import { signIdToken } from './id-token.js';

export interface GrantIdTokenDeps {
  keys: IssuerKeySet;
  issuer: string;
  config: Pick<OidcConfig, 'lifespans'>;
  users: UsersBackend | null;
  random?: Random;
}

export function signGrantIdToken(deps: GrantIdTokenDeps, grant: IssuableGrant, input: GrantIdTokenInput): Promise<string> {
  const { session } = grant;
  return signIdToken(
    { keys: deps.keys, issuer: deps.issuer, lifespanSeconds: lifespanSeconds(deps.config, grant.client, 'id_token'), ...(deps.random ? { random: deps.random } : {}) },
    {
      client: grant.client,
      subject: input.subject,
      username: session.username,
      scopes: input.scopes,
      auth_time_s: session.auth_time_s,
      amr: session.amr,
      ...(input.nonce === undefined ? {} : { nonce: input.nonce }),
      ...(session.sid === undefined ? {} : { sid: session.sid }),
      requested_at_s: session.requested_at_s,
      ...(input.access_token === undefined ? {} : { access_token: input.access_token }),
      ...(input.code === undefined ? {} : { code: input.code }),
      now_s: Math.floor(input.nowMs / 1000),
      users: deps.users,
    },
  );
}

/** The signer the OAuth grants are given (GrantDeps.signIdToken). */
export function grantIdTokenSigner(deps: GrantIdTokenDeps): SignGrantIdToken {
  return (grant, input) => signGrantIdToken(deps, grant, input);
}
