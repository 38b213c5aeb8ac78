/**
 * `authentication_backend`: exactly one backend, and the LDAP one as Authelia's validator checks it
 * (internal/configuration/validator/authentication.go), on the values its implementation's preset
 * fills in: a service account (or permit_unauthenticated_bind without a password), a users filter
 * in parentheses with `{username_attribute}` and `{input}`, a groups filter, the `memberof` mode's
 * placeholders and the attributes they need, and no pre-4.38 `{0}`/`{1}` placeholders. Each filter
 * must parse as RFC 4515 once its placeholders are filled.
 */
import { FilterParser } from 'ldapts';
import { resolveLdapConfig } from '../../users/ldap/settings.js';
import { fillFilter, withAttributeNames } from '../../users/ldap/filter.js';
import { NOT_IMPLEMENTED_REFRESH_INTERVAL, notImplementedWarning } from '../authelia/not-implemented.js';
import type { CheckReport, ParsedConfig } from './types.js';

const LDAP = ['authentication_backend', 'ldap'] as const;

export function checkAuthenticationBackend(backend: ParsedConfig['authentication_backend'], certificatesDirectory: string | undefined, smtpNotifier = false): CheckReport {
  const report: CheckReport = { problems: [], warnings: [] };
  if (backend.file && backend.ldap) report.problems.push({ path: [...LDAP], message: 'must not be set together with authentication_backend.file: configure exactly one users backend' });
  if (backend.file && backend.refresh_interval !== undefined) report.warnings.push(notImplementedWarning('authentication_backend.refresh_interval', NOT_IMPLEMENTED_REFRESH_INTERVAL));
  if (certificatesDirectory !== undefined && !backend.ldap && !smtpNotifier) {
    report.warnings.push(notImplementedWarning('certificates_directory', "it is read for authentication_backend.ldap and notifier.smtp only; other outbound connections trust Node's store plus the file named by NODE_EXTRA_CA_CERTS"));
  }
  const ldap = backend.ldap;
  if (!ldap) return report;
  const problem = (path: readonly (string | number)[], message: string): void => void report.problems.push({ path: [...LDAP, ...path], message });
  const resolved = resolveLdapConfig(ldap);

  if (ldap.permit_unauthenticated_bind) {
    if (ldap.password !== undefined) problem(['password'], 'must not be set with permit_unauthenticated_bind');
  } else {
    if (ldap.user === undefined) problem(['user'], 'is required (the service account that searches the directory) unless permit_unauthenticated_bind is true');
    if (ldap.password === undefined) problem(['password'], 'is required (the service account that searches the directory) unless permit_unauthenticated_bind is true');
  }
  if ((ldap.tls.certificate_chain === undefined) !== (ldap.tls.private_key === undefined)) {
    problem(['tls', ldap.tls.certificate_chain === undefined ? 'certificate_chain' : 'private_key'], 'is required when the other half of the client certificate (certificate_chain, private_key) is set');
  }
  if (ldap.start_tls && ldap.address.scheme === 'ldaps') report.warnings.push('authentication_backend.ldap.start_tls is ignored with an ldaps:// address: the connection is TLS from the start');
  if (ldap.permit_referrals) report.warnings.push('authentication_backend.ldap.permit_referrals: referrals are not followed; searches use the entries the server returns itself');

  const filterAt = (key: 'users_filter' | 'groups_filter'): string | undefined => resolved[key];
  const users = filterAt('users_filter');
  const where = (key: 'users_filter' | 'groups_filter'): string => (ldap[key] === undefined ? ` (the '${ldap.implementation}' default)` : '');
  if (users === undefined) problem(['users_filter'], `is required with implementation '${ldap.implementation}'`);
  else {
    if (!users.startsWith('(') || !users.endsWith(')')) problem(['users_filter'], `must be enclosed in parentheses, as in '(${users})', but is '${users}'`);
    if (!users.includes('{username_attribute}')) problem(['users_filter'], 'must contain the {username_attribute} placeholder');
    if (!users.includes('{input}')) problem(['users_filter'], 'must contain the {input} placeholder');
    if (users.includes('{0}')) problem(['users_filter'], "has the placeholder '{0}', which is '{input}' since Authelia 4.38");
  }
  const groups = filterAt('groups_filter');
  if (groups === undefined) problem(['groups_filter'], `is required with implementation '${ldap.implementation}'`);
  else {
    if (!groups.startsWith('(') || !groups.endsWith(')')) problem(['groups_filter'], `must be enclosed in parentheses, as in '(${groups})', but is '${groups}'`);
    if (groups.includes('{0}')) problem(['groups_filter'], "has the placeholder '{0}', which is '{input}' since Authelia 4.38");
    if (groups.includes('{1}')) problem(['groups_filter'], "has the placeholder '{1}', which is '{username}' since Authelia 4.38");
    const byDn = groups.includes('{memberof:dn}');
    const byRdn = groups.includes('{memberof:rdn}');
    if (resolved.group_search_mode === 'memberof' && !byDn && !byRdn) problem(['groups_filter'], "must contain the {memberof:rdn} or {memberof:dn} placeholder with group_search_mode 'memberof'");
    if (byDn && resolved.attributes.distinguished_name === undefined) problem(['attributes', 'distinguished_name'], 'is required by the {memberof:dn} placeholder');
    if ((byDn || byRdn) && resolved.attributes.member_of === undefined) problem(['attributes', 'member_of'], 'is required by the {memberof:rdn} and {memberof:dn} placeholders');
  }

  // RFC 4515: each filter must parse once filled with sample values.
  const sample = { input: 'someone', username: 'someone', dn: 'uid=someone,dc=example,dc=com', memberOf: ['cn=group,dc=example,dc=com'], nowMs: 0, distinguishedNameAttribute: resolved.attributes.distinguished_name ?? 'distinguishedName' };
  for (const key of ['users_filter', 'groups_filter'] as const) {
    const template = filterAt(key);
    if (template === undefined || report.problems.some((p) => p.path[2] === key)) continue;
    try {
      FilterParser.parseString(fillFilter(withAttributeNames(template, resolved.attributes), sample));
    } catch (err) {
      problem([key], `is not a valid LDAP filter (RFC 4515)${where(key)}: ${(err as Error).message}`);
    }
  }
  return report;
}
