/**
 * Cookie header parsing and Set-Cookie serialization (RFC 6265). Pure string functions, shared by
 * the portal endpoints and the forward-auth cookie strategy.
 */

/**
 * Name → value of a Cookie request header, tolerant like a user agent (RFC 6265 §5.2): pairs are
 * split on ';', whitespace around names and values is trimmed, pairs without '=' or with an empty
 * name are skipped, and one pair of surrounding double quotes is removed (the `cookie-value`
 * grammar of §4.1.1 allows them). The first value of a repeated name wins: user agents send the
 * most specific cookie first (§5.4 step 2), so a parent domain cannot shadow ours.
 * Values are not percent-decoded.
 */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (header === undefined || header === '') return cookies;
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals < 0) continue;
    const name = pair.slice(0, equals).trim();
    if (name === '' || cookies.has(name)) continue;
    cookies.set(name, unquote(pair.slice(equals + 1).trim()));
  }
  return cookies;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

export type SameSiteAttribute = 'Lax' | 'Strict' | 'None';

export interface CookieAttributes {
  domain?: string;
  path?: string;
  maxAgeSeconds?: number;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: SameSiteAttribute;
  /** Adds `Expires=Thu, 01 Jan 1970 00:00:00 GMT`, for clients that ignore `Max-Age=0`. */
  expiresEpoch?: boolean;
}

/** RFC 6265 §4.1.1: `cookie-name` is an RFC 7230 token. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** RFC 6265 §4.1.1: `cookie-octet` (no CTLs, whitespace, DQUOTE, comma, semicolon or backslash). */
const COOKIE_OCTETS = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;
/** An attribute value may hold anything but CTLs and ';' (§4.1.1 `av-octet`). */
const ATTRIBUTE_VALUE = /^[\x20-\x3A\x3C-\x7E]+$/;

/**
 * A Set-Cookie header value. Throws RangeError on a name, value or attribute that would let one
 * cookie smuggle others (';', CR/LF, ...): those are programming errors, never user input.
 */
export function serializeCookie(name: string, value: string, attrs: CookieAttributes): string {
  if (!TOKEN.test(name)) throw new RangeError(`invalid cookie name ${JSON.stringify(name)}`);
  if (!COOKIE_OCTETS.test(value)) throw new RangeError(`invalid value for cookie ${name}`);
  const parts = [`${name}=${value}`];
  if (attrs.domain !== undefined) parts.push(`Domain=${attributeValue('Domain', attrs.domain)}`);
  if (attrs.path !== undefined) parts.push(`Path=${attributeValue('Path', attrs.path)}`);
  if (attrs.maxAgeSeconds !== undefined) {
    if (!Number.isInteger(attrs.maxAgeSeconds)) throw new RangeError(`Max-Age must be a whole number of seconds, got ${attrs.maxAgeSeconds}`);
    parts.push(`Max-Age=${attrs.maxAgeSeconds}`);
  }
  if (attrs.expiresEpoch === true) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (attrs.httpOnly === true) parts.push('HttpOnly');
  if (attrs.secure === true) parts.push('Secure');
  if (attrs.sameSite !== undefined) parts.push(`SameSite=${attrs.sameSite}`);
  return parts.join('; ');
}

function attributeValue(attribute: string, value: string): string {
  if (!ATTRIBUTE_VALUE.test(value)) throw new RangeError(`invalid ${attribute} attribute ${JSON.stringify(value)}`);
  return value;
}
