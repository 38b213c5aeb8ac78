/**
 * The digest checked, its result discarded, when there is none to check a guess against (an unknown
 * user or client): "no such account" then costs as much time as "wrong password", and timing does
 * not reveal who has an account. Shared by the users file backend and client authentication.
 */
import { parseDigest } from './parse-digest.js';
import type { PasswordDigest } from './types.js';

/** Argon2id with Authelia's default parameters, of a random password nobody knows: used only when no account has a digest. */
const FALLBACK_DIGEST = '$argon2id$v=19$m=65536,t=3,p=4$hucKmoa2Zp6cRDG+vyCsKQ$xEmrzfmJuXfOErl/wrS+qhGgL7M0X5kTBuryWBoAL4M';

/**
 * The first digest of the most common algorithm among `digests`: same algorithm and (for that
 * account) the same cost parameters as a real check. Its result is always discarded.
 */
export function pickDummyDigest(digests: Iterable<PasswordDigest>): PasswordDigest {
  const byAlgorithm = new Map<string, { first: PasswordDigest; count: number }>();
  for (const digest of digests) {
    const seen = byAlgorithm.get(digest.algorithm);
    if (seen) seen.count += 1;
    else byAlgorithm.set(digest.algorithm, { first: digest, count: 1 });
  }
  let best: { first: PasswordDigest; count: number } | undefined;
  for (const candidate of byAlgorithm.values()) if (best === undefined || candidate.count > best.count) best = candidate;
  return best?.first ?? parseDigest(FALLBACK_DIGEST);
}
