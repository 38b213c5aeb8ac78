/**
 * Random strings and bytes from the CSPRNG. Characters are drawn by rejection sampling so every
 * character of the set is equally likely (a plain `byte % n` favours the first 256 % n characters).
 */
import { randomBytes as cryptoRandomBytes } from 'node:crypto';

/** Authelia's character set names (`crypto rand --charset`). */
export type Charset =
  | 'ascii' | 'alphanumeric' | 'alphanumeric-lower' | 'alphanumeric-upper' | 'alphabetic'
  | 'numeric' | 'numeric-hex' | 'rfc3986' | 'rfc3986-lower' | 'rfc3986-upper';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const SYMBOLS = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
/** RFC 3986 section 2.3: unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~". */
const UNRESERVED_SYMBOLS = '-._~';

export const CHARSETS: Readonly<Record<Charset, string>> = Object.freeze({
  ascii: UPPER + LOWER + DIGITS + SYMBOLS,
  alphanumeric: UPPER + LOWER + DIGITS,
  'alphanumeric-lower': LOWER + DIGITS,
  'alphanumeric-upper': UPPER + DIGITS,
  alphabetic: UPPER + LOWER,
  numeric: DIGITS,
  'numeric-hex': DIGITS + 'abcdef',
  rfc3986: UPPER + LOWER + DIGITS + UNRESERVED_SYMBOLS,
  'rfc3986-lower': LOWER + DIGITS + UNRESERVED_SYMBOLS,
  'rfc3986-upper': UPPER + DIGITS + UNRESERVED_SYMBOLS,
});

export const CHARSET_NAMES = Object.keys(CHARSETS) as readonly Charset[];

export function isCharset(name: string): name is Charset {
  return Object.hasOwn(CHARSETS, name);
}

export function randomBytes(n: number): Buffer {
  if (!Number.isInteger(n) || n < 0) throw new RangeError('randomBytes needs a whole number of bytes');
  return cryptoRandomBytes(n);
}

/**
 * `length` characters drawn uniformly from a named charset, or from the given characters when
 * `charset` is not a name (2 to 256 distinct characters, so one byte picks one).
 */
export function randomString(length: number, charset: string): string {
  return randomStringFrom(length, isCharset(charset) ? CHARSETS[charset] : charset);
}

/** `length` characters drawn uniformly from exactly `characters` (never read as a charset name). */
export function randomStringFrom(length: number, characters: string): string {
  if (!Number.isInteger(length) || length < 1) throw new RangeError('randomString needs a length of at least 1');
  const chars = Array.from(characters);
  if (chars.length < 2 || chars.length > 256 || new Set(chars).size !== chars.length) {
    throw new RangeError('randomString needs 2 to 256 distinct characters');
  }
  // Bytes at or above `limit` would make the low characters likelier; they are drawn again.
  const limit = 256 - (256 % chars.length);
  const picked: string[] = [];
  while (picked.length < length) {
    for (const byte of cryptoRandomBytes(length - picked.length + 16)) {
      if (byte >= limit) continue;
      picked.push(chars[byte % chars.length]);
      if (picked.length === length) break;
    }
  }
  return picked.join('');
}
