/**
 * Which algorithms each issuer key signs with: the one rule behind `IssuerKeySet.select`
 * (src/crypto/keys.ts) and the config checks' model of it (src/config/checks/issuer-key-model.ts).
 */
import { RSA_ALGS, SIGNING_ALGS, type SigningAlg } from './algorithms.js';

export interface AlgorithmOwner {
  /** The configured (or default) algorithm. */
  alg: SigningAlg;
  /** undefined when the key cannot be read: it then serves only its own algorithm. */
  kty: string | undefined;
}

/**
 * Every algorithm each key signs with, in the order of `keys`: its own algorithm, plus each
 * algorithm it is the default key for. The default for an algorithm is the first key configured
 * for it; failing that, for an RSA algorithm, the first RS256 RSA key, else the first RSA key
 * (as Authelia does).
 */
export function servedAlgorithms(keys: readonly AlgorithmOwner[]): Array<readonly SigningAlg[]> {
  const defaults = defaultKeyByAlgorithm(keys);
  return keys.map((key, i) => Object.freeze(SIGNING_ALGS.filter((alg) => alg === key.alg || defaults.get(alg) === i)));
}

/** Which key (by index) is the default for each algorithm. */
function defaultKeyByAlgorithm(keys: readonly AlgorithmOwner[]): Map<SigningAlg, number> {
  const defaults = new Map<SigningAlg, number>();
  keys.forEach((key, i) => {
    if (!defaults.has(key.alg)) defaults.set(key.alg, i);
  });
  const rsaIndexes = keys.flatMap((key, i) => (key.kty === 'RSA' ? [i] : []));
  const fallback = rsaIndexes.find((i) => keys[i].alg === 'RS256') ?? rsaIndexes[0];
  if (fallback !== undefined) {
    for (const alg of RSA_ALGS) if (!defaults.has(alg)) defaults.set(alg, fallback);
  }
  return defaults;
}
