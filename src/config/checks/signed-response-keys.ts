/**
 * A client's `*_signed_response_alg` and `*_signed_response_key_id` against the issuer keys (Authelia's OpenID Connect 1.0 integration guide,
 * Response Object, Introspection and User Information Signing Algorithm tables). Each option is
 * checked the way the runtime signs with it, so an accepted client never fails to sign (a 500)
 * and a client that signs fine is never refused.
 */
import type { SigningAlg } from '../../crypto/keys/algorithms.js';
import type { ConfigPath } from '../errors.js';
import type { ModelKey } from './issuer-key-model.js';
import type { CheckProblem, ParsedClient } from './types.js';

const SIGNED_RESPONSES = ['authorization', 'id_token', 'access_token', 'userinfo', 'introspection'] as const;
type SignedResponse = (typeof SIGNED_RESPONSES)[number];

/** JARM §3: RS256 when unset, and our `none` means unset (src/oauth/response-modes/jarm.ts `jarmAlgOf`). */
const JARM_DEFAULT_ALG: SigningAlg = 'RS256';

/**
 * The algorithm the runtime signs this option's answers with, or null when it never signs with
 * the client's settings: `none` is plain JSON for userinfo and introspection (an introspection
 * asked for by Accept alone signs RS256 without the key id), is refused for the ID Token by
 * checkAuthMethods, and leaves JARM on its RS256 default.
 */
export function signingAlgOf(option: SignedResponse, configured: SigningAlg | 'none'): SigningAlg | null {
  if (configured !== 'none') return configured;
  return option === 'authorization' ? JARM_DEFAULT_ALG : null;
}

export function checkSignedResponseKeys(client: ParsedClient, path: ConfigPath, keys: readonly ModelKey[]): CheckProblem[] {
  return SIGNED_RESPONSES.flatMap((option) => {
    const configured = client[`${option}_signed_response_alg`];
    const kid = client[`${option}_signed_response_key_id`];
    const message = kid === undefined ? algProblem(option, configured, keys) : keyIdProblem(option, configured, kid, keys);
    const field = kid === undefined ? `${option}_signed_response_alg` : `${option}_signed_response_key_id`;
    return message === null ? [] : [{ path: [...path, field], message }];
  });
}

/** `select(alg)`: some key signs with the algorithm. */
function algProblem(option: SignedResponse, configured: SigningAlg | 'none', keys: readonly ModelKey[]): string | null {
  // JARM's RS256 default is the jwks rule "must include an RS256 key" (checkIssuerKeys), reported there.
  if (configured === 'none') return null;
  const alg = signingAlgOf(option, configured)!;
  if (keys.some((key) => key.algorithms.includes(alg))) return null;
  if (keys.some((key) => key.index === null)) {
    return `is '${alg}' but identity_providers.oidc.jwks is empty and the generated issuer key is an RSA key: configure an ${alg} key in jwks`;
  }
  return `is '${alg}' but identity_providers.oidc.jwks has no ${alg} key`;
}

/** `select(alg, kid)`: the key with that id exists and signs with the algorithm. */
function keyIdProblem(option: SignedResponse, configured: SigningAlg | 'none', kid: string, keys: readonly ModelKey[]): string | null {
  const key = keys.find((k) => k.kid === kid);
  if (!key) {
    return keys.some((k) => k.index === null)
      ? `'${kid}' is not a key_id in identity_providers.oidc.jwks, which is empty: the generated issuer key has no key_id to pin, so configure the key in jwks with this key_id`
      : `'${kid}' is not a key_id in identity_providers.oidc.jwks`;
  }
  // Nothing signs with the key id then, but a key id naming no key is still a mistake.
  const alg = signingAlgOf(option, configured);
  if (alg === null || key.algorithms.includes(alg)) return null;
  const signs = `names identity_providers.oidc.jwks[${key.index}], which signs only with ${key.algorithms.join(', ')}`;
  return configured === 'none'
    ? `${signs}, but JARM signs with ${alg} while ${option}_signed_response_alg is 'none' (JARM §3 default)`
    : `${signs}, but ${option}_signed_response_alg is '${alg}'`;
}
