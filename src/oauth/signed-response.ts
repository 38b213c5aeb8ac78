/**
 * Signed endpoint answers: the introspection JWT (RFC 9701 §5), the JARM authorization response
 * (response-modes/jarm.ts) and the UserInfo JWT (OIDC Core §5.3.2). One helper so all pick keys and
 * build headers the same way as the ID Token: the client's `*_signed_response_alg` chooses the key,
 * `*_signed_response_key_id` pins one. In oauth because two of its three users are OAuth; oidc
 * builds on it.
 */
import { SignJWT } from 'jose';
import type { IssuerKeySet, SigningAlg } from '../crypto/keys.js';

export interface SignedResponseInput {
  alg: SigningAlg;
  /** The client's `*_signed_response_key_id`; without it the issuer's key for `alg`. */
  kid?: string;
  /** The JOSE `typ` header; omitted when not given (OIDC Core sets none for UserInfo). */
  typ?: string;
  /** The complete claims set: the caller adds `iss`, `aud`, `iat` as its spec requires. */
  claims: Record<string, unknown>;
}

/** The compact JWS of `claims`; throws KeySelectionError when no issuer key fits `alg`/`kid`. */
export async function signResponse(keys: IssuerKeySet, input: SignedResponseInput): Promise<string> {
  const key = keys.select(input.alg, input.kid);
  const header = input.typ === undefined ? { alg: input.alg, kid: key.kid } : { alg: input.alg, kid: key.kid, typ: input.typ };
  return new SignJWT(input.claims).setProtectedHeader(header).sign(key.privateKey);
}

/** A client's `*_signed_response_alg`: null for 'none' (answer plain JSON), else the algorithm. */
export function signingAlgOf(configured: SigningAlg | 'none' | undefined): SigningAlg | null {
  return configured === undefined || configured === 'none' ? null : configured;
}
