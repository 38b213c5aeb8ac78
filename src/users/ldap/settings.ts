/**
 * `authentication_backend.ldap` → what the backend runs on: the implementation's preset under
 * what the configuration sets (Authelia's rule: a value left unset takes the preset's), the
 * attribute placeholders filled once, search bases joined, TLS options for Node. Pure: trusted
 * CA certificates (read from `certificates_directory`) come in as an argument.
 */
import { checkServerIdentity, type ConnectionOptions } from 'node:tls';
import type { Config } from '../../config/schema/config.js';
import { DEFAULT_REFRESH_INTERVAL_SECONDS, type LdapAddress, type LdapGroupSearchMode, type LdapImplementation } from '../../config/schema/ldap.js';
import { withAttributeNames } from './filter.js';
import { LDAP_PRESETS, type LdapAttributeNames } from './presets.js';

export type LdapConfig = NonNullable<Config['authentication_backend']['ldap']>;

/** The configuration with the preset applied: every key Authelia's validator fills in. */
export interface ResolvedLdapConfig {
  implementation: LdapImplementation;
  timeoutSeconds: number;
  additional_users_dn: string | undefined;
  users_filter: string | undefined;
  additional_groups_dn: string | undefined;
  groups_filter: string | undefined;
  group_search_mode: LdapGroupSearchMode;
  attributes: LdapAttributeNames;
}

export function resolveLdapConfig(ldap: Pick<LdapConfig, 'implementation' | 'timeout' | 'additional_users_dn' | 'users_filter' | 'additional_groups_dn' | 'groups_filter' | 'group_search_mode' | 'attributes'>): ResolvedLdapConfig {
  const preset = LDAP_PRESETS[ldap.implementation];
  const attributes: LdapAttributeNames = {};
  for (const key of ['distinguished_name', 'username', 'display_name', 'mail', 'member_of', 'group_name'] as const) {
    const value = ldap.attributes[key] ?? preset.attributes[key];
    if (value !== undefined) attributes[key] = value;
  }
  return {
    implementation: ldap.implementation,
    timeoutSeconds: ldap.timeout ?? preset.timeoutSeconds,
    additional_users_dn: ldap.additional_users_dn ?? preset.additional_users_dn,
    users_filter: ldap.users_filter ?? preset.users_filter,
    additional_groups_dn: ldap.additional_groups_dn ?? preset.additional_groups_dn,
    groups_filter: ldap.groups_filter ?? preset.groups_filter,
    group_search_mode: ldap.group_search_mode ?? preset.group_search_mode,
    attributes,
  };
}

export interface LdapSettings {
  address: LdapAddress;
  implementation: LdapImplementation;
  timeoutMs: number;
  startTls: boolean;
  /** For ldaps:// and StartTLS (RFC 4513 §3.1.3: the server's identity is checked against `servername`). */
  tls: ConnectionOptions;
  pooling: { enable: boolean; count: number; retries: number; timeoutMs: number };
  usersBaseDn: string;
  groupsBaseDn: string;
  /** Attribute placeholders filled; `{input}` and the date-times are filled per search. */
  usersFilter: string;
  groupsFilter: string;
  groupSearchMode: LdapGroupSearchMode;
  attributes: LdapAttributeNames & { username: string; group_name: string };
  /** What a user search asks for. */
  userAttributes: string[];
  permitReferrals: boolean;
  permitFeatureDetectionFailure: boolean;
  /** The service account; null with `permit_unauthenticated_bind` and no user (anonymous searches). */
  bind: { dn: string; password: string } | null;
  /** How long a user's details are trusted: 0 asks the directory at every use; null never refreshes. */
  refreshIntervalMs: number | null;
}

export interface LdapSettingsInput {
  ldap: LdapConfig;
  /** Seconds, or 'disable'; Authelia's 5 minutes when unset. */
  refreshInterval: number | 'disable' | undefined;
  /** PEM certificates trusted beside Node's store (`certificates_directory`). */
  trustedCertificates?: readonly string[];
}

/** Config validation (config/checks/ldap.ts) has already refused what this cannot build. */
export function ldapSettingsOf(input: LdapSettingsInput): LdapSettings {
  const { ldap } = input;
  const resolved = resolveLdapConfig(ldap);
  const attributes = { ...resolved.attributes, username: resolved.attributes.username ?? 'uid', group_name: resolved.attributes.group_name ?? 'cn' };
  const under = (extra: string | undefined): string => (extra ? `${extra},${ldap.base_dn}` : ldap.base_dn);
  const userAttributes = [...new Set([attributes.username, attributes.mail, attributes.display_name, attributes.member_of].filter((a): a is string => a !== undefined))];
  return {
    address: ldap.address,
    implementation: ldap.implementation,
    timeoutMs: resolved.timeoutSeconds * 1000,
    startTls: ldap.start_tls,
    tls: tlsOptionsOf(ldap, input.trustedCertificates),
    pooling: { enable: ldap.pooling.enable, count: ldap.pooling.count, retries: ldap.pooling.retries, timeoutMs: ldap.pooling.timeout * 1000 },
    usersBaseDn: under(resolved.additional_users_dn),
    groupsBaseDn: under(resolved.additional_groups_dn),
    usersFilter: withAttributeNames(resolved.users_filter ?? '', attributes),
    groupsFilter: withAttributeNames(resolved.groups_filter ?? '', attributes),
    groupSearchMode: resolved.group_search_mode,
    attributes,
    userAttributes,
    permitReferrals: ldap.permit_referrals,
    permitFeatureDetectionFailure: ldap.permit_feature_detection_failure,
    bind: ldap.user !== undefined ? { dn: ldap.user, password: ldap.password ?? '' } : null,
    refreshIntervalMs: input.refreshInterval === 'disable' ? null : (input.refreshInterval ?? DEFAULT_REFRESH_INTERVAL_SECONDS) * 1000,
  };
}

function tlsOptionsOf(ldap: LdapConfig, trusted: readonly string[] | undefined): ConnectionOptions {
  const tls = ldap.tls;
  const servername = tls.server_name ?? (ldap.address.scheme === 'ldapi' ? undefined : ldap.address.host);
  return {
    // An IP address is not a valid SNI name (RFC 6066 §3); Node then checks the address against the certificate.
    ...(servername !== undefined && !/^[\d.]+$|:/.test(servername) ? { servername } : {}),
    ...(tls.server_name !== undefined ? { checkServerIdentity: serverIdentityAs(tls.server_name) } : {}),
    rejectUnauthorized: !tls.skip_verify,
    minVersion: tls.minimum_version === 'TLS1.3' ? 'TLSv1.3' : 'TLSv1.2',
    ...(tls.maximum_version !== undefined ? { maxVersion: tls.maximum_version === 'TLS1.3' ? 'TLSv1.3' : 'TLSv1.2' } : {}),
    ...(trusted !== undefined && trusted.length > 0 ? { ca: [...trusted] } : {}),
    ...(tls.certificate_chain !== undefined && tls.private_key !== undefined ? { cert: tls.certificate_chain, key: tls.private_key } : {}),
  };
}

/** `tls.server_name` names the identity to check, whatever host the address connects to. */
function serverIdentityAs(name: string): NonNullable<ConnectionOptions['checkServerIdentity']> {
  return (_host, cert) => checkServerIdentity(name, cert);
}
