/**
 * Randomness comes in through a Random, as time comes in through a Clock (clock.ts): the ids a
 * module makes (request ids, `jti`s, subject identifiers) are then known values in tests. Secrets
 * and tokens are not made here: they come from src/crypto (random.ts, opaque-token.ts).
 */
import { randomUUID } from 'node:crypto';

export interface Random {
  /** A random UUID (RFC 9562 version 4). */
  uuid(): string;
}

export const systemRandom: Random = { uuid: () => randomUUID() };

/** UUIDv4-shaped ids counting up from 1 (`00000000-0000-4000-8000-000000000001`, …): distinct, and known in advance. */
export function sequenceRandom(): Random {
  let next = 0;
  return { uuid: () => `00000000-0000-4000-8000-${(++next).toString(16).padStart(12, '0')}` };
}
