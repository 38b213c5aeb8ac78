/**
 * bcrypt digests: `$2b$`, `$2a$`, `$2y$` (modular crypt), and passlib/Authelia's
 * `$bcrypt-sha256$v=2,t=2b,r=12$<salt22>$<hash31>`, which first turns the password into
 * base64(HMAC-SHA256(key = salt22, password)) so bytes past bcrypt's 72 still count.
 * The `bcrypt` package hashes and compares on libuv's thread pool (never on the event loop); its
 * `compare` recomputes with the stored salt and compares the result in constant time.
 */
import { createHmac } from 'node:crypto';
import type bcryptModule from 'bcrypt';
import { parseDecimal } from './encoding.js';
import { DigestFormatError, HashParamsError } from './errors.js';
import type { DigestFormat } from './format.js';
import { BCRYPT_MAX_PASSWORD_BYTES } from './params.js';
import { checkParamNames, splitPhc } from './phc.js';
import type { BcryptParams, PasswordDigest } from './types.js';

const MODULAR = /^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$/;
const SALT22 = /^[./A-Za-z0-9]{22}$/;
const HASH31 = /^[./A-Za-z0-9]{31}$/;

export const bcryptFormat: DigestFormat = { ids: ['2a', '2b', '2y'], parse: parseModularBcrypt };
export const bcryptSha256Format: DigestFormat = { ids: ['bcrypt-sha256'], parse: parseBcryptSha256 };

function parseModularBcrypt(encoded: string): PasswordDigest {
  if (!MODULAR.test(encoded)) {
    throw new DigestFormatError('the bcrypt digest does not have the form $2b$<cost 04-31>$<53 bcrypt-base64 characters>');
  }
  return Object.freeze({
    algorithm: 'bcrypt',
    encoded,
    deprecated: false,
    verify: (password: string) => bcryptVerify(password, encoded),
  });
}

function parseBcryptSha256(encoded: string): PasswordDigest {
  const parts = splitPhc(encoded, 'bcrypt-sha256');
  checkParamNames(parts.params, ['v', 't', 'r'], 'bcrypt-sha256');
  if (parts.params.get('v') !== '2') throw new DigestFormatError('the bcrypt-sha256 digest is not version 2 (v=2)');
  const type = parts.params.get('t');
  if (type !== '2a' && type !== '2b' && type !== '2y') throw new DigestFormatError('the bcrypt-sha256 digest type (t) is not 2a, 2b or 2y');
  const cost = parseDecimal(parts.params.get('r'), 31);
  if (cost === undefined || cost < 4) throw new DigestFormatError('the bcrypt-sha256 digest cost (r) is not from 4 to 31');
  if (!SALT22.test(parts.salt) || !HASH31.test(parts.hash)) {
    throw new DigestFormatError('the bcrypt-sha256 digest salt and hash are not 22 and 31 bcrypt-base64 characters');
  }
  const inner = `$${type}$${String(cost).padStart(2, '0')}$${parts.salt}${parts.hash}`;
  return Object.freeze({
    algorithm: 'bcrypt-sha256',
    encoded,
    deprecated: false,
    verify: (password: string) => bcryptVerify(prehash(password, parts.salt), inner),
  });
}

/** The native module, loaded with the first bcrypt digest checked or made, not at start-up (issue #14). */
const loadBcrypt = async (): Promise<typeof bcryptModule> => (await import('bcrypt')).default;

export async function hashBcrypt(password: string, params: BcryptParams): Promise<string> {
  if (params.variant === 'sha256') {
    const setting = await bcryptSetting(params.cost);
    const salt = setting.slice(7, 29);
    const inner = await (await loadBcrypt()).hash(prehash(password, salt), setting);
    return `$bcrypt-sha256$v=2,t=2b,r=${params.cost}$${salt}$${inner.slice(29)}`;
  }
  // bcrypt silently ignores bytes past 72; refusing is kinder than a password that is secretly shorter.
  if (Buffer.byteLength(password) > BCRYPT_MAX_PASSWORD_BYTES) {
    throw new HashParamsError(`bcrypt reads at most ${BCRYPT_MAX_PASSWORD_BYTES} bytes of a password; use the sha256 variant for longer ones`);
  }
  return (await loadBcrypt()).hash(password, await bcryptSetting(params.cost));
}

/** passlib bcrypt_sha256 v2: base64(HMAC-SHA256(key = the 22-character salt, password)). */
function prehash(password: string, salt22: string): string {
  return createHmac('sha256', salt22).update(password).digest('base64');
}

/**
 * `$2y$` (PHP's name for the fixed algorithm) and `$2b$` compute the same hash; the library knows
 * `$2a$`/`$2b$` only, so a `$2y$` digest is checked under its `$2b$` name.
 */
async function bcryptVerify(password: string, digest: string): Promise<boolean> {
  return (await loadBcrypt()).compare(password, digest.startsWith('$2y$') ? `$2b$${digest.slice(4)}` : digest);
}

async function bcryptSetting(cost: number): Promise<string> {
  return (await loadBcrypt()).genSalt(cost, 'b'); // $2b$<cost>$<salt22>
}
