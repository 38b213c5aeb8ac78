/**
 * The base64 dialects stored digests use. PHC strings (argon2, scrypt) use standard base64 without
 * padding; passlib's pbkdf2 uses "adapted base64" (ab64: `.` instead of `+`, no padding). Readers
 * accept both spellings because they are unambiguous and tools disagree (passlib vs go-crypt scrypt).
 */

const BASE64_LOOSE = /^[A-Za-z0-9+./]*$/;

/** Decodes std-base64 or ab64, unpadded; undefined when the text is not base64 at all. */
export function decodeBase64Loose(text: string): Buffer | undefined {
  if (!BASE64_LOOSE.test(text) || text.length % 4 === 1) return undefined;
  return Buffer.from(text.replaceAll('.', '+'), 'base64');
}

/** Standard base64 without padding (PHC). */
export function encodePhcBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/=+$/, '');
}

/** passlib's adapted base64: `.` for `+`, no padding. */
export function encodeAb64(bytes: Uint8Array): string {
  return encodePhcBase64(bytes).replaceAll('+', '.');
}

/** A positive decimal integer with no sign, leading zeros or exponent; undefined otherwise. */
export function parseDecimal(text: string | undefined, max: number = Number.MAX_SAFE_INTEGER): number | undefined {
  if (text === undefined || !/^(0|[1-9][0-9]{0,15})$/.test(text)) return undefined;
  const value = Number(text);
  return value <= max ? value : undefined;
}
