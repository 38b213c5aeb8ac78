/**
 * The issuer key set that start-up will build (src/crypto/keys.ts `loadIssuerKeys`, src/context.ts),
 * modelled from the configuration alone, synchronously, through the same selection rule and key id
 * derivation. test/config/signed-response-keys.test.ts proves the model and the real key set agree.
 */
import { readPrivateKey } from '../../crypto/key-checks.js';
import { RSA_ALGS, type SigningAlg } from '../../crypto/keys/algorithms.js';
import { defaultKeyId } from '../../crypto/keys/public-jwk.js';
import { servedAlgorithms } from '../../crypto/keys/served-algorithms.js';
import type { ParsedOidc } from './types.js';

export interface ModelKey {
  /** Position in `identity_providers.oidc.jwks`; null for the key generated when jwks is empty. */
  index: number | null;
  /** The configured key_id, else the id derived from the key; undefined when it cannot be known here. */
  kid: string | undefined;
  /** Every algorithm `select` lets this key sign with. */
  algorithms: readonly SigningAlg[];
}

/**
 * With an empty jwks, start-up signs with a generated RSA key configured for RS256 and no key_id,
 * so it serves every RSA algorithm; its id derives from a key that exists only in the data directory.
 */
const GENERATED_KEY: ModelKey = Object.freeze({ index: null, kid: undefined, algorithms: RSA_ALGS });

export function issuerKeyModel(oidc: Pick<ParsedOidc, 'jwks'>): ModelKey[] {
  if (oidc.jwks.length === 0) return [GENERATED_KEY];
  const keys = oidc.jwks.map((jwk) => readable(jwk.key));
  const served = servedAlgorithms(oidc.jwks.map((jwk, i) => ({ alg: jwk.algorithm, kty: keys[i]?.kind.kty })));
  return oidc.jwks.map((jwk, i) => {
    const key = keys[i];
    return {
      index: i,
      kid: jwk.key_id ?? (key ? defaultKeyId(key.key) : undefined),
      algorithms: served[i],
    };
  });
}

/** An unreadable key is reported by checkIssuerKeys; here it only has no derivable id. */
function readable(pem: string): ReturnType<typeof readPrivateKey> | undefined {
  try {
    return readPrivateKey(pem);
  } catch {
    return undefined;
  }
}
