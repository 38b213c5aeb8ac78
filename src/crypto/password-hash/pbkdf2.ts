/**
 * PBKDF2 digests in passlib's form, which Authelia writes: `$pbkdf2-sha512$<iterations>$<salt>$<hash>`
 * with ab64 salt and hash; `$pbkdf2$` is SHA-1. Derivation runs on the libuv thread pool.
 */
import { pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import { decodeBase64Loose, encodeAb64, parseDecimal } from './encoding.js';
import { DigestFormatError } from './errors.js';
import { sameBytes, type DigestFormat } from './format.js';
import { MIN_KEY_BYTES } from './params.js';
import { randomBytes } from '../random.js';
import type { Pbkdf2Params, Pbkdf2Variant, PasswordDigest } from './types.js';

const pbkdf2Async = promisify(pbkdf2);

const VARIANT_BY_ID: Readonly<Record<string, Pbkdf2Variant>> = {
  'pbkdf2-sha512': 'sha512',
  'pbkdf2-sha384': 'sha384',
  'pbkdf2-sha256': 'sha256',
  'pbkdf2-sha224': 'sha224',
  pbkdf2: 'sha1',
};

/** Bytes each variant yields: the key length Authelia and passlib use. */
const KEY_BYTES: Readonly<Record<Pbkdf2Variant, number>> = { sha512: 64, sha384: 48, sha256: 32, sha224: 28, sha1: 20 };

export const pbkdf2Format: DigestFormat = { ids: Object.keys(VARIANT_BY_ID), parse: parsePbkdf2 };

function parsePbkdf2(encoded: string): PasswordDigest {
  const fields = encoded.split('$');
  const variant = VARIANT_BY_ID[fields[1] ?? ''];
  if (fields.length !== 5 || fields[0] !== '' || variant === undefined) {
    throw new DigestFormatError('the pbkdf2 digest does not have the form $pbkdf2-<variant>$iterations$salt$hash');
  }
  const iterations = parseDecimal(fields[2], 2 ** 31 - 1);
  if (iterations === undefined || iterations < 1) {
    throw new DigestFormatError('the pbkdf2 digest iterations are not a whole number from 1 to 2147483647');
  }
  const salt = decodeBase64Loose(fields[3]);
  if (salt === undefined || salt.length === 0) throw new DigestFormatError('the pbkdf2 digest salt is not base64');
  const hash = decodeBase64Loose(fields[4]);
  if (hash === undefined || hash.length < MIN_KEY_BYTES || hash.length > 1024) {
    throw new DigestFormatError(`the pbkdf2 digest hash is not base64 of ${MIN_KEY_BYTES} to 1024 bytes`);
  }
  const algorithm = variant === 'sha1' ? 'pbkdf2-sha1' : `pbkdf2-${variant}` as const;
  return Object.freeze({
    algorithm,
    encoded,
    deprecated: false,
    verify: async (password: string) =>
      sameBytes(await pbkdf2Async(password, salt, iterations, hash.length, variant), hash),
  });
}

export async function hashPbkdf2(password: string, params: Pbkdf2Params): Promise<string> {
  const salt = randomBytes(params.salt_length);
  const key = await pbkdf2Async(password, salt, params.iterations, KEY_BYTES[params.variant], params.variant);
  const id = params.variant === 'sha1' ? 'pbkdf2' : `pbkdf2-${params.variant}`;
  return `$${id}$${params.iterations}$${encodeAb64(salt)}$${encodeAb64(key)}`;
}
