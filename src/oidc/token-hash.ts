/**
 * OIDC Core §3.1.3.6 (at_hash) and §3.3.2.11 (c_hash): base64url of the left-most half of the
 * hash of the token's ASCII octets, where the hash is the one of the ID Token's `alg`
 * (SHA-256 for *256, SHA-384 for *384, SHA-512 for *512).
 */
import { createHash } from 'node:crypto';
import type { SigningAlg } from '../crypto/keys.js';

type HashName = 'sha256' | 'sha384' | 'sha512';

/** RFC 7518 §3.1: the digest size is the algorithm name's suffix, for RS, PS and ES alike. */
export function hashOfAlg(alg: SigningAlg): HashName {
  const bits = alg.slice(2);
  if (bits === '256' || bits === '384' || bits === '512') return `sha${bits}`;
  throw new Error(`no hash is defined for the algorithm ${alg}`);
}

export function halfHash(value: string, alg: SigningAlg): string {
  // Our tokens and codes are ASCII, where UTF-8 is the same octets (and what verifiers encode with).
  const digest = createHash(hashOfAlg(alg)).update(value, 'utf8').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
