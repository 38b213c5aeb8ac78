/**
 * `authentication_backend.ldap` (Authelia 4.38/4.39 names). What depends on `implementation`
 * (filters, attributes, search bases, timeout) is left unset here and filled from the
 * implementation's preset when the backend is built (src/users/ldap/presets.ts), as Authelia does;
 * what does not depend on it has its default beside its field.
 */
import { z } from 'zod';
import { describeValue, durationDefault, durationSeconds, tryUrl } from './common.js';

export const LDAP_IMPLEMENTATIONS = ['custom', 'activedirectory', 'rfc2307bis', 'freeipa', 'lldap', 'glauth'] as const;
export type LdapImplementation = (typeof LDAP_IMPLEMENTATIONS)[number];
export const LDAP_GROUP_SEARCH_MODES = ['filter', 'memberof'] as const;
export type LdapGroupSearchMode = (typeof LDAP_GROUP_SEARCH_MODES)[number];

/** `ldap://host[:389]`, `ldaps://host[:636]` or `ldapi:///path/to/socket` (also `ldapi://%2Fpath`). */
export interface LdapAddress {
  scheme: 'ldap' | 'ldaps' | 'ldapi';
  host: string;
  port: number;
  /** ldapi only: the Unix socket. */
  socketPath: string;
  /** As written, for messages. */
  address: string;
}

export function parseLdapAddress(value: string): LdapAddress | string {
  const url = tryUrl(value);
  const scheme = url?.protocol.slice(0, -1);
  if (!url || (scheme !== 'ldap' && scheme !== 'ldaps' && scheme !== 'ldapi')) {
    return `must be an address such as 'ldap://host:389', 'ldaps://host:636' or 'ldapi:///run/slapd/ldapi' but is ${describeValue(value)}`;
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') return `must have no user, query or fragment but is '${value}'`;
  if (scheme === 'ldapi') {
    const socketPath = decodeURIComponent(url.hostname !== '' ? url.hostname : url.pathname);
    if (!socketPath.startsWith('/')) return `must name the socket's absolute path, as in 'ldapi:///run/slapd/ldapi', but is '${value}'`;
    return { scheme, host: 'localhost', port: 0, socketPath, address: value };
  }
  if (url.hostname === '') return `must name a host but is '${value}'`;
  if (url.pathname !== '' && url.pathname !== '/') return `must have no path (set base_dn instead) but is '${value}'`;
  const port = url.port === '' ? (scheme === 'ldaps' ? 636 : 389) : Number(url.port);
  return { scheme, host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port, socketPath: '', address: value };
}

const ldapAddress = z.string().transform((value, ctx) => {
  const parsed = parseLdapAddress(value);
  if (typeof parsed === 'string') {
    ctx.addIssue({ code: 'custom', message: parsed, input: value });
    return z.NEVER;
  }
  return parsed;
});

/** Authelia writes `''` for "not set" in its reference file. */
const optionalText = z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional());

export const ldapSchema = z.strictObject({
  address: ldapAddress,
  implementation: z.enum(LDAP_IMPLEMENTATIONS).default('custom'),
  /** Connect and operation timeout; the implementation's (5 s, custom 20 s) when unset. */
  timeout: durationSeconds.optional(),
  start_tls: z.boolean().default(false),
  tls: z
    .strictObject({
      server_name: optionalText,
      skip_verify: z.boolean().default(false),
      minimum_version: z.enum(['TLS1.2', 'TLS1.3']).default('TLS1.2'),
      maximum_version: z.enum(['TLS1.2', 'TLS1.3']).optional(),
      certificate_chain: optionalText,
      private_key: optionalText,
    })
    .prefault({}),
  pooling: z
    .strictObject({
      enable: z.boolean().default(false),
      count: z.int().min(1).default(5),
      retries: z.int().min(1).default(2),
      timeout: durationDefault(10),
    })
    .prefault({}),
  base_dn: z.string().min(1),
  additional_users_dn: optionalText,
  users_filter: optionalText,
  additional_groups_dn: optionalText,
  groups_filter: optionalText,
  group_search_mode: z.enum(LDAP_GROUP_SEARCH_MODES).optional(),
  attributes: z
    .strictObject({
      distinguished_name: optionalText,
      username: optionalText,
      display_name: optionalText,
      mail: optionalText,
      member_of: optionalText,
      group_name: optionalText,
    })
    .prefault({}),
  permit_referrals: z.boolean().default(false),
  permit_unauthenticated_bind: z.boolean().default(false),
  permit_feature_detection_failure: z.boolean().default(false),
  user: optionalText,
  password: optionalText,
});

/** Authelia's default `refresh_interval` (5m), for the LDAP backend; left unset in the model so that writing it with the users file can be warned about. */
export const DEFAULT_REFRESH_INTERVAL_SECONDS = 300;

/** `authentication_backend.refresh_interval`: seconds, `'always'` (0: every use asks) or `'disable'` (never refreshed). */
export const refreshIntervalSchema = z
  .union([z.literal('always'), z.literal('disable'), durationSeconds])
  .transform((v): number | 'disable' => (v === 'always' ? 0 : v))
  .optional();
