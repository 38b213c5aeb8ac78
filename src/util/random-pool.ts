/**
 * CSPRNG bytes drawn from a pool refilled 4 KiB at a time: a token's 32 random bytes and a sealed
 * record's 12-byte nonce each cost one crypto.randomBytes call into OpenSSL (~3 % of the token
 * endpoint's CPU in issue #14's profile); a pool makes that one call per ~100 tokens. The bytes are
 * the same CSPRNG's, each handed out once (Node's randomUUID pools the same way). Each process has
 * its own pool: node:cluster workers are fresh processes, never forks of a filled pool.
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
/** Requests larger than this are served directly, not from the pool. */
const MAX_POOLED = 256;

const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/** `n` fresh random bytes, in a buffer of their own. */
export function pooledRandomBytes(n: number): Buffer {
  if (!Number.isInteger(n) || n < 0) throw new RangeError('pooledRandomBytes needs a whole number of bytes');
  const out = Buffer.allocUnsafe(n);
  if (n > MAX_POOLED) return randomFillSync(out);
  if (offset + n > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  pool.copy(out, 0, offset, offset + n);
  // Handed out once: zeroed so the pool never holds bytes already given to a caller.
  pool.fill(0, offset, offset + n);
  offset += n;
  return out;
}
