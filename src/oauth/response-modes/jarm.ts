/**
 * JWT Secured Authorization Response Mode (JARM §2.1, §2.3): the response parameters, success or
 * error, become claims of a JWS with `iss`, `aud` (the client) and a short `exp`; the caller then
 * delivers that one `response` parameter by the underlying mode. JARM wraps, it does not branch.
 */
import type { OidcClientConfig } from '../../config/index.js';
import type { IssuerKeySet, SigningAlg } from '../../crypto/keys.js';
import { signResponse } from '../signed-response.js';

/** JARM §2.1 asks for a short lifetime; 10 minutes, like a code. */
export const JARM_LIFETIME_SECONDS = 600;

/**
 * The client's `authorization_signed_response_alg`. JARM §3 makes RS256 the default and forbids
 * `none`; our config defaults the option to `none` (Authelia's spelling of "not set"), so `none`
 * reads as unset and a client that asks for a JARM mode gets RS256.
 */
export function jarmAlgOf(client: Pick<OidcClientConfig, 'authorization_signed_response_alg'>): SigningAlg {
  const alg = client.authorization_signed_response_alg;
  return alg === 'none' ? 'RS256' : alg;
}

/** The claims set (JARM §2.1): the parameters, then iss/aud/exp/iat, which no parameter may override. */
export function jarmClaims(issuer: string, clientId: string, params: Readonly<Record<string, string>>, nowS: number): Record<string, unknown> {
  return { ...params, iss: issuer, aud: clientId, exp: nowS + JARM_LIFETIME_SECONDS, iat: nowS };
}

export interface JarmDeps {
  keys: IssuerKeySet;
  issuer: string;
}

/** The `response` parameter's value: the compact JWS (no `typ`, as JARM §2.1's example). */
export async function signJarmResponse(
  deps: JarmDeps,
  client: Pick<OidcClientConfig, 'client_id' | 'authorization_signed_response_alg' | 'authorization_signed_response_key_id'>,
  params: Readonly<Record<string, string>>,
  nowS: number,
): Promise<string> {
  return signResponse(deps.keys, {
    alg: jarmAlgOf(client),
    ...(client.authorization_signed_response_key_id === undefined ? {} : { kid: client.authorization_signed_response_key_id }),
    claims: jarmClaims(deps.issuer, client.client_id, params, nowS),
  });
}
