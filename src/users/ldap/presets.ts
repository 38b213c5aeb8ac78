/**
 * Each `implementation`'s defaults, as Authelia 4.38/4.39 sets them (internal/configuration/schema/
 * authentication.go, DefaultLDAPAuthenticationBackendConfigurationImplementation*): a value the
 * configuration leaves unset comes from its implementation's preset; a preset without a value
 * leaves it unset. Pooling and TLS defaults do not depend on the implementation (schema/ldap.ts).
 */
import type { LdapGroupSearchMode, LdapImplementation } from '../../config/schema/ldap.js';

export interface LdapAttributeNames {
  distinguished_name?: string;
  username?: string;
  display_name?: string;
  mail?: string;
  member_of?: string;
  group_name?: string;
}

export interface LdapPreset {
  timeoutSeconds: number;
  additional_users_dn?: string;
  users_filter?: string;
  additional_groups_dn?: string;
  groups_filter?: string;
  group_search_mode: LdapGroupSearchMode;
  attributes: LdapAttributeNames;
}

const EITHER_NAME_OR_MAIL = '(|({username_attribute}={input})({mail_attribute}={input}))';

export const LDAP_PRESETS: Readonly<Record<LdapImplementation, Readonly<LdapPreset>>> = Object.freeze({
  custom: {
    timeoutSeconds: 20,
    group_search_mode: 'filter',
    attributes: { username: 'uid', display_name: 'displayName', mail: 'mail', group_name: 'cn' },
  },
  activedirectory: {
    timeoutSeconds: 5,
    users_filter: `(&${EITHER_NAME_OR_MAIL}(sAMAccountType=805306368)(!(userAccountControl:1.2.840.113556.1.4.803:=2))(!(pwdLastSet=0))(|(!(accountExpires=*))(accountExpires=0)(accountExpires>={date-time:microsoft-nt})))`,
    groups_filter: '(&(member={dn})(|(sAMAccountType=268435456)(sAMAccountType=536870912)))',
    group_search_mode: 'filter',
    attributes: { distinguished_name: 'distinguishedName', username: 'sAMAccountName', display_name: 'displayName', mail: 'mail', member_of: 'memberOf', group_name: 'cn' },
  },
  rfc2307bis: {
    timeoutSeconds: 5,
    users_filter: `(&${EITHER_NAME_OR_MAIL}(|(objectClass=inetOrgPerson)(objectClass=organizationalPerson)))`,
    groups_filter: '(&(|(member={dn})(uniqueMember={dn}))(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=groupOfMembers))(!(pwdReset=TRUE)))',
    group_search_mode: 'filter',
    attributes: { username: 'uid', display_name: 'displayName', mail: 'mail', member_of: 'memberOf', group_name: 'cn' },
  },
  freeipa: {
    timeoutSeconds: 5,
    users_filter: `(&${EITHER_NAME_OR_MAIL}(objectClass=person)(!(nsAccountLock=TRUE))(krbPasswordExpiration>={date-time:generalized})(|(!(krbPrincipalExpiration=*))(krbPrincipalExpiration>={date-time:generalized})))`,
    groups_filter: '(&(member={dn})(objectClass=groupOfNames))',
    group_search_mode: 'filter',
    attributes: { username: 'uid', display_name: 'displayName', mail: 'mail', member_of: 'memberOf', group_name: 'cn' },
  },
  lldap: {
    timeoutSeconds: 5,
    additional_users_dn: 'OU=people',
    users_filter: `(&${EITHER_NAME_OR_MAIL}(objectClass=person))`,
    additional_groups_dn: 'OU=groups',
    groups_filter: '(&(member={dn})(objectClass=groupOfUniqueNames))',
    group_search_mode: 'filter',
    attributes: { username: 'uid', display_name: 'cn', mail: 'mail', member_of: 'memberOf', group_name: 'cn' },
  },
  glauth: {
    timeoutSeconds: 5,
    users_filter: `(&${EITHER_NAME_OR_MAIL}(objectClass=posixAccount)(!(accountStatus=inactive)))`,
    groups_filter: '(&(uniqueMember={dn})(objectClass=posixGroup))',
    group_search_mode: 'filter',
    attributes: { username: 'cn', display_name: 'description', mail: 'mail', member_of: 'memberOf', group_name: 'cn' },
  },
});
