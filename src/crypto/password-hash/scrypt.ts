/**
 * scrypt digests in the PHC form Authelia and passlib write: `$scrypt$ln=16,r=8,p=1$<salt>$<hash>`
 * (N = 2^ln). node:crypto's async scrypt runs on the thread pool; `maxmem` is raised to what the
 * digest needs, bounded by MAX_SCRYPT_MEMORY_BYTES.
 */
import { scrypt, type ScryptOptions } from 'node:crypto';
import { decodeBase64Loose, encodePhcBase64, parseDecimal } from './encoding.js';
import { DigestFormatError } from './errors.js';
import { sameBytes, type DigestFormat } from './format.js';
import { MAX_SCRYPT_MEMORY_BYTES, MIN_KEY_BYTES, scryptMemoryBytes } from './params.js';
import { checkParamNames, splitPhc } from './phc.js';
import { randomBytes } from '../random.js';
import type { PasswordDigest, ScryptParams } from './types.js';

export const scryptFormat: DigestFormat = { ids: ['scrypt'], parse: parseScrypt };

interface ScryptCost { readonly ln: number; readonly r: number; readonly p: number }

function parseScrypt(encoded: string): PasswordDigest {
  const parts = splitPhc(encoded, 'scrypt');
  if (parts.version !== undefined) throw new DigestFormatError('the scrypt digest must not have a version field');
  checkParamNames(parts.params, ['ln', 'r', 'p'], 'scrypt');
  const ln = parseDecimal(parts.params.get('ln'), 58);
  const r = parseDecimal(parts.params.get('r'), 1024);
  const p = parseDecimal(parts.params.get('p'), 1024);
  if (ln === undefined || r === undefined || p === undefined || ln < 1 || r < 1 || p < 1) {
    throw new DigestFormatError('the scrypt digest needs ln (1-58), r (1-1024) and p (1-1024)');
  }
  if (scryptMemoryBytes(ln, r) > MAX_SCRYPT_MEMORY_BYTES) {
    throw new DigestFormatError('the scrypt digest needs more than 1 GiB of memory (128 * r * 2^ln)');
  }
  const salt = decodeBase64Loose(parts.salt);
  if (salt === undefined || salt.length === 0) throw new DigestFormatError('the scrypt digest salt is not base64');
  const hash = decodeBase64Loose(parts.hash);
  if (hash === undefined || hash.length < MIN_KEY_BYTES || hash.length > 1024) {
    throw new DigestFormatError(`the scrypt digest hash is not base64 of ${MIN_KEY_BYTES} to 1024 bytes`);
  }
  const cost: ScryptCost = { ln, r, p };
  return Object.freeze({
    algorithm: 'scrypt',
    encoded,
    deprecated: false,
    verify: async (password: string) => sameBytes(await scryptAsync(password, salt, hash.length, cost), hash),
  });
}

export async function hashScrypt(password: string, params: ScryptParams): Promise<string> {
  const salt = randomBytes(params.salt_length);
  const cost: ScryptCost = { ln: params.iterations, r: params.block_size, p: params.parallelism };
  const key = await scryptAsync(password, salt, params.key_length, cost);
  return `$scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${encodePhcBase64(salt)}$${encodePhcBase64(key)}`;
}

function scryptAsync(password: string, salt: Buffer, keyLength: number, cost: ScryptCost): Promise<Buffer> {
  // Node refuses when 128 * N * r exceeds maxmem (32 MiB by default); leave room for the B array.
  const options: ScryptOptions = {
    N: 2 ** cost.ln, r: cost.r, p: cost.p,
    maxmem: scryptMemoryBytes(cost.ln, cost.r) + 128 * cost.r * cost.p + 1024 * 1024,
  };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}
