/**
 * RFC 3986 §6.2.2 syntax-based normalization of percent-encoding: escapes of unreserved
 * characters (§2.3: ALPHA DIGIT - . _ ~) are decoded, every other escape is upper-cased.
 * `/%7euser` and `/~user` are one resource; `%2F` stays an escape, so it never becomes a `/`
 * (a segment boundary) — decoding it would let `/api%2F..%2Fadmin` change meaning after the check.
 */
const ESCAPE = /%([0-9A-Fa-f]{2})/g;
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

function normalizeEscape(_escape: string, hex: string): string {
  const char = String.fromCharCode(Number.parseInt(hex, 16));
  return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
}

export function normalizePercentEncoding(value: string): string {
  // The hot path: most paths have no escape at all, so no regex runs and nothing is allocated.
  if (!value.includes('%')) return value;
  return value.replace(ESCAPE, normalizeEscape);
}
