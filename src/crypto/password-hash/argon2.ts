/**
 * Argon2 digests in PHC form: `$argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>` (also argon2i and
 * argon2d; no `v=` means version 16). We derive with @node-rs/argon2's async `hashRaw` (its own
 * thread pool) from the parameters we parsed and compare the bytes ourselves, so the limits we
 * check here are exactly the ones that apply.
 */
import type { Options } from '@node-rs/argon2';
import { decodeBase64Loose, encodePhcBase64, parseDecimal } from './encoding.js';
import { DigestFormatError } from './errors.js';
import { sameBytes, type DigestFormat } from './format.js';
import { ARGON2_VARIANTS, MAX_ARGON2_MEMORY_KIB, MIN_KEY_BYTES } from './params.js';
import { checkParamNames, splitPhc } from './phc.js';
import { randomBytes } from '../random.js';
import type { Argon2Params, Argon2Variant, PasswordDigest } from './types.js';

/** The native module's `hashRaw`, loaded with the first argon2 digest checked or made, not at start-up (issue #14). */
const hashRaw = async (password: string, options: Options): Promise<Buffer> => (await import('@node-rs/argon2')).hashRaw(password, options);

// @node-rs/argon2 declares Algorithm and Version as ambient const enums, which isolated modules
// cannot read; these are their documented numeric values.
const ALGORITHM: Readonly<Record<Argon2Variant, NonNullable<Options['algorithm']>>> = { argon2d: 0, argon2i: 1, argon2id: 2 };
const VERSION: Readonly<Record<'16' | '19', NonNullable<Options['version']>>> = { '16': 0, '19': 1 };

export const argon2Format: DigestFormat = { ids: ARGON2_VARIANTS, parse: parseArgon2 };

function parseArgon2(encoded: string): PasswordDigest {
  const parts = splitPhc(encoded, 'argon2');
  const variant = ARGON2_VARIANTS.find((v) => v === parts.id);
  if (variant === undefined) throw new DigestFormatError('the argon2 digest variant is not argon2id, argon2i or argon2d');
  const version = parts.version ?? '16';
  if (version !== '16' && version !== '19') throw new DigestFormatError('the argon2 digest version is not 16 or 19');
  checkParamNames(parts.params, ['m', 't', 'p'], 'argon2');
  const memoryCost = parseDecimal(parts.params.get('m'), MAX_ARGON2_MEMORY_KIB);
  const timeCost = parseDecimal(parts.params.get('t'), 2 ** 32 - 1);
  const parallelism = parseDecimal(parts.params.get('p'), 255);
  if (memoryCost === undefined || timeCost === undefined || parallelism === undefined || timeCost < 1 || parallelism < 1) {
    throw new DigestFormatError(`the argon2 digest needs m (up to ${MAX_ARGON2_MEMORY_KIB} KiB), t (at least 1) and p (1-255)`);
  }
  // RFC 9106 section 3.1: at least 8 KiB of memory per lane.
  if (memoryCost < 8 * parallelism) throw new DigestFormatError('the argon2 digest memory (m) is below 8 KiB per lane (p)');
  const salt = decodeBase64Loose(parts.salt);
  // RFC 9106 section 3.1: the salt is at least 8 bytes.
  if (salt === undefined || salt.length < 8) throw new DigestFormatError('the argon2 digest salt is not base64 of at least 8 bytes');
  const hash = decodeBase64Loose(parts.hash);
  if (hash === undefined || hash.length < MIN_KEY_BYTES || hash.length > 1024) {
    throw new DigestFormatError(`the argon2 digest hash is not base64 of ${MIN_KEY_BYTES} to 1024 bytes`);
  }
  const options: Options = {
    algorithm: ALGORITHM[variant], version: VERSION[version], memoryCost, timeCost, parallelism, outputLen: hash.length, salt,
  };
  return Object.freeze({
    algorithm: variant,
    encoded,
    deprecated: false,
    verify: async (password: string) => sameBytes(await hashRaw(password, options), hash),
  });
}

export async function hashArgon2(password: string, params: Argon2Params): Promise<string> {
  const salt = randomBytes(params.salt_length);
  const key = await hashRaw(password, {
    algorithm: ALGORITHM[params.variant], version: VERSION['19'], memoryCost: params.memory, timeCost: params.iterations,
    parallelism: params.parallelism, outputLen: params.key_length, salt,
  });
  const cost = `m=${params.memory},t=${params.iterations},p=${params.parallelism}`;
  return `$${params.variant}$v=19$${cost}$${encodePhcBase64(salt)}$${encodePhcBase64(key)}`;
}
