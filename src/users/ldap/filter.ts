/**
 * Authelia's filter placeholders, filled in one pass so that a value put in is never read again
 * as a placeholder. Every value that comes from a person or from the directory is escaped as an
 * RFC 4515 §3 assertion value: `*`, `(`, `)`, `\` and NUL become `\2a`, `\28`, `\29`, `\5c`, `\00`,
 * so `*)(uid=*` can only ever be matched literally.
 * - at start-up: `{distinguished_name_attribute}`, `{username_attribute}`, `{mail_attribute}`,
 *   `{display_name_attribute}`, `{member_of_attribute}` (the configured attribute names);
 * - users filter, per search: `{input}` (what was typed), `{date-time:generalized}`,
 *   `{date-time:unix}`, `{date-time:microsoft-nt}` (now, for expiry checks);
 * - groups filter, per search: `{input}`, `{username}`, `{dn}`, `{memberof:dn}`, `{memberof:rdn}`.
 */
import type { LdapAttributeNames } from './presets.js';

/** RFC 4515 §3 valueencoding: the four specials and NUL as `\XX`; UTF-8 passes as is. */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const ATTRIBUTE_PLACEHOLDERS: ReadonlyArray<[string, keyof LdapAttributeNames]> = [
  ['{distinguished_name_attribute}', 'distinguished_name'],
  ['{username_attribute}', 'username'],
  ['{mail_attribute}', 'mail'],
  ['{display_name_attribute}', 'display_name'],
  ['{member_of_attribute}', 'member_of'],
];

/** The start-up phase: attribute names, from the configuration (not escaped: they are the operator's). */
export function withAttributeNames(template: string, attributes: LdapAttributeNames): string {
  let out = template;
  for (const [placeholder, key] of ATTRIBUTE_PLACEHOLDERS) out = out.split(placeholder).join(attributes[key] ?? '');
  return out;
}

const PER_SEARCH = /\{(input|username|dn|memberof:dn|memberof:rdn|date-time:generalized|date-time:unix|date-time:microsoft-nt)\}/g;

export interface FilterValues {
  input?: string;
  username?: string;
  dn?: string;
  memberOf?: readonly string[];
  /** For `{memberof:dn}`: the directory's distinguished name attribute. */
  distinguishedNameAttribute?: string;
  nowMs?: number;
}

/** Windows FILETIME: 100 ns ticks since 1601-01-01 (accountExpires, pwdLastSet). */
const NT_EPOCH_OFFSET_TICKS = 116_444_736_000_000_000n;

/** The search phase. A placeholder without its value (not applicable to this filter) is left as written. */
export function fillFilter(template: string, values: FilterValues): string {
  return template.replace(PER_SEARCH, (whole, name: string) => {
    switch (name) {
      case 'input':
        return values.input === undefined ? whole : escapeFilterValue(values.input);
      case 'username':
        return values.username === undefined ? whole : escapeFilterValue(values.username);
      case 'dn':
        return values.dn === undefined ? whole : escapeFilterValue(values.dn);
      case 'memberof:dn': {
        const attribute = values.distinguishedNameAttribute ?? 'distinguishedName';
        return (values.memberOf ?? []).map((dn) => `(${attribute}=${escapeFilterValue(dn)})`).join('');
      }
      case 'memberof:rdn':
        return (values.memberOf ?? []).map((dn) => rdnAssertion(dn)).join('');
      default:
        return values.nowMs === undefined ? whole : dateTime(name, values.nowMs);
    }
  });
}

function dateTime(name: string, nowMs: number): string {
  if (name === 'date-time:unix') return String(Math.floor(nowMs / 1000));
  if (name === 'date-time:microsoft-nt') return String(BigInt(Math.floor(nowMs)) * 10_000n + NT_EPOCH_OFFSET_TICKS);
  // RFC 4517 §3.3.13 GeneralizedTime, as Authelia writes it: 20060102150405.0Z.
  const iso = new Date(nowMs).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}.0Z`;
}

/**
 * A DN's first RDN as an equality assertion: its value unescaped from its DN form (RFC 4514 §3),
 * then escaped for a filter (RFC 4515 §3): `cn=Smith\, John (ops),ou=groups` → `(cn=Smith, John \28ops\29)`.
 */
export function rdnAssertion(dn: string): string {
  const rdn = firstRdn(dn);
  const eq = rdn.indexOf('=');
  if (eq <= 0) return `(${escapeFilterValue(rdn)})`;
  return `(${rdn.slice(0, eq).trim()}=${escapeFilterValue(unescapeDnValue(rdn.slice(eq + 1)))})`;
}

/** The first RDN: up to the first comma that is not escaped. */
function firstRdn(dn: string): string {
  for (let i = 0; i < dn.length; i++) {
    if (dn[i] === '\\') i++;
    else if (dn[i] === ',') return dn.slice(0, i);
  }
  return dn;
}

/** RFC 4514 §3: `\` before a special, or two hex digits (one byte of UTF-8). */
export function unescapeDnValue(value: string): string {
  const bytes: number[] = [];
  const text = value.trim();
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === '\\' && i + 1 < text.length) {
      bytes.push(...Buffer.from(text[i + 1], 'utf8'));
      i += 1;
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
