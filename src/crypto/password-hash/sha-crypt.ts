/**
 * SHA-crypt digests (Ulrich Drepper, "Unix crypt using SHA-256 and SHA-512"): `$6$` sha512crypt and
 * `$5$` sha256crypt, optionally `$6$rounds=N$salt$hash`. Read-only: Authelia can verify these, we
 * never write them. node:crypto has no async SHA-crypt, so the rounds run here in slices of
 * SLICE_ROUNDS with a yield to the event loop between slices.
 */
import { createHash } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { parseDecimal } from './encoding.js';
import { DigestFormatError } from './errors.js';
import { sameBytes, type DigestFormat } from './format.js';
import type { PasswordDigest } from './types.js';

type ShaName = 'sha512' | 'sha256';

const HASH64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DEFAULT_ROUNDS = 5000;
const SLICE_ROUNDS = 1000;
const ENCODED_LENGTH: Readonly<Record<ShaName, number>> = { sha512: 86, sha256: 43 };
const SHA_BY_ID: Readonly<Record<string, ShaName>> = { '6': 'sha512', '5': 'sha256' };

/** The spec's byte order for the final encoding: triples of digest byte indexes, then the tail. */
const SHA512_ORDER: readonly (readonly number[])[] = [
  [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48], [28, 49, 7],
  [50, 8, 29], [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13], [56, 14, 35], [15, 36, 57],
  [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41], [63],
];
const SHA256_ORDER: readonly (readonly number[])[] = [
  [0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14], [15, 25, 5], [6, 16, 26], [27, 7, 17],
  [18, 28, 8], [9, 19, 29], [31, 30],
];

export const shaCryptFormat: DigestFormat = { ids: ['6', '5'], parse: parseShaCrypt };

function parseShaCrypt(encoded: string): PasswordDigest {
  const fields = encoded.split('$');
  const sha = SHA_BY_ID[fields[1] ?? ''];
  const hasRounds = fields.length === 5 && fields[2].startsWith('rounds=');
  if (sha === undefined || fields[0] !== '' || (fields.length !== 4 && !hasRounds)) {
    throw new DigestFormatError('the SHA-crypt digest does not have the form $6$[rounds=N$]salt$hash');
  }
  const rounds = hasRounds ? parseDecimal(fields[2].slice('rounds='.length), 999_999_999) : DEFAULT_ROUNDS;
  if (rounds === undefined || rounds < 1000) throw new DigestFormatError('the SHA-crypt digest rounds are not from 1000 to 999999999');
  const [salt, hash] = fields.slice(hasRounds ? 3 : 2) as [string, string];
  if (salt.length > 16 || /[$:\n]/.test(salt)) throw new DigestFormatError('the SHA-crypt digest salt is longer than 16 characters');
  if (hash.length !== ENCODED_LENGTH[sha] || [...hash].some((c) => !HASH64.includes(c))) {
    throw new DigestFormatError(`the SHA-crypt digest hash is not ${ENCODED_LENGTH[sha]} crypt-base64 characters`);
  }
  const stored = Buffer.from(hash, 'ascii');
  return Object.freeze({
    algorithm: sha === 'sha512' ? 'sha512crypt' : 'sha256crypt',
    encoded,
    deprecated: false,
    verify: async (password: string) =>
      sameBytes(Buffer.from(encodeHash64(await shaCrypt(sha, Buffer.from(password), Buffer.from(salt), rounds), sha), 'ascii'), stored),
  });
}

/** Steps 1-21 of the specification; returns the final digest C. */
async function shaCrypt(sha: ShaName, password: Buffer, salt: Buffer, rounds: number): Promise<Buffer> {
  const h = (...parts: Buffer[]): Buffer => parts.reduce((hash, p) => hash.update(p), createHash(sha)).digest();
  const b = h(password, salt, password);
  const a = createHash(sha).update(password).update(salt).update(repeatTo(b, password.length));
  for (let n = password.length; n > 0; n >>= 1) a.update(n & 1 ? b : password);
  let c = a.digest();
  const p = repeatTo(h(...Array<Buffer>(password.length).fill(password)), password.length);
  const s = repeatTo(h(...Array<Buffer>(16 + c[0]).fill(salt)), salt.length);
  for (let i = 0; i < rounds; i++) {
    const round = createHash(sha).update(i & 1 ? p : c);
    if (i % 3) round.update(s);
    if (i % 7) round.update(p);
    c = round.update(i & 1 ? c : p).digest();
    if ((i + 1) % SLICE_ROUNDS === 0) await yieldToEventLoop();
  }
  return c;
}

function repeatTo(block: Buffer, length: number): Buffer {
  return Buffer.concat(Array<Buffer>(Math.ceil(length / block.length)).fill(block)).subarray(0, length);
}

/** crypt's base64: little-endian 6-bit groups of each 24-bit (or shorter tail) group. */
function encodeHash64(digest: Buffer, sha: ShaName): string {
  let out = '';
  for (const group of sha === 'sha512' ? SHA512_ORDER : SHA256_ORDER) {
    let value = 0;
    for (const index of group) value = (value << 8) | digest[index];
    for (let i = 0; i < group.length + 1; i++, value >>= 6) out += HASH64[value & 0x3f];
  }
  return out;
}
