/**
 * The Logout Token (OIDC Back-Channel Logout 1.0 §2.4): a JWT signed like the client's ID Tokens,
 * explicitly typed `logout+jwt`, with iss, aud, iat, exp, jti, the `events` claim, and the sid and
 * sub of the session that ended. Never a nonce (§2.4: "A nonce Claim MUST NOT be present").
 */
import { SignJWT } from 'jose';
import type { OidcClientConfig } from '../../config/index.js';
import type { IssuerKeySet } from '../../crypto/keys.js';
import { idTokenAlgOf } from '../id-token.js';

/** §2.4 `events`: the one member that makes the JWT a Logout Token. */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
/** §2.4, RFC 8725 §3.11: the explicit type (`application/logout+jwt`). */
export const LOGOUT_TOKEN_TYPE = 'logout+jwt';
/** Short: the RP checks it as it arrives, and a replay window is a risk (§2.6). */
export const LOGOUT_TOKEN_LIFESPAN_SECONDS = 120;

export interface LogoutTokenInput {
  issuer: string;
  client: OidcClientConfig;
  /** The subject as this client knows it. */
  sub: string;
  sid?: string | undefined;
  jti: string;
  now_s: number;
}

/** The claims set: pure. */
export function logoutTokenClaims(input: LogoutTokenInput): Record<string, unknown> {
  return {
    iss: input.issuer,
    sub: input.sub,
    aud: input.client.client_id,
    iat: input.now_s,
    exp: input.now_s + LOGOUT_TOKEN_LIFESPAN_SECONDS,
    jti: input.jti,
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    ...(input.sid === undefined ? {} : { sid: input.sid }),
  };
}

/** §2.4: "The same keys are used to sign ... Logout Tokens as are used for ID Tokens." */
export async function signLogoutToken(keys: IssuerKeySet, input: LogoutTokenInput): Promise<string> {
  const alg = idTokenAlgOf(input.client);
  const key = keys.select(alg, input.client.id_token_signed_response_key_id);
  return new SignJWT(logoutTokenClaims(input)).setProtectedHeader({ alg, kid: key.kid, typ: LOGOUT_TOKEN_TYPE }).sign(key.privateKey);
}
