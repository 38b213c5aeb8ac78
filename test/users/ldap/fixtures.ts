/** A backend on the private slapd (test/helpers/slapd.ts), configured through the real schema. */
import type { Test } from 'tap';
import { parseConfig } from '../../../src/config/index.js';
import { silentLogger, type Logger } from '../../../src/observability/log.js';
import { openLdapBackend, ldapSettingsOf, type LdapUsersBackend } from '../../../src/users/index.js';
import type { LdapSettings } from '../../../src/users/ldap/settings.js';
import type { Clock } from '../../../src/util/clock.js';
import { stringify } from 'yaml';
import { BASE_DN, SERVICE, type Slapd } from '../../helpers/slapd.js';

export type LdapOverrides = Record<string, unknown>;

/** The `authentication_backend` section for the test directory, with `over` merged into `ldap`. */
export function ldapSection(slapd: Pick<Slapd, 'url'>, over: LdapOverrides = {}, refreshInterval?: string): Record<string, unknown> {
  return {
    ...(refreshInterval !== undefined ? { refresh_interval: refreshInterval } : {}),
    ldap: {
      address: slapd.url,
      implementation: 'custom',
      base_dn: BASE_DN,
      additional_users_dn: 'ou=people',
      users_filter: '(&(|({username_attribute}={input})({mail_attribute}={input}))(objectClass=inetOrgPerson))',
      additional_groups_dn: 'ou=groups',
      groups_filter: '(&(member={dn})(objectClass=groupOfNames))',
      user: SERVICE.dn,
      password: SERVICE.password,
      timeout: '2s',
      ...over,
    },
  };
}

/** Through parseConfig, so the schema's defaults and checks apply as in production. */
export function settingsFor(section: Record<string, unknown>, trustedCertificates: string[] = []): LdapSettings {
  const text = stringify({ storage: { local: { path: '/tmp/unused.sqlite3' } }, authentication_backend: section });
  const { config } = parseConfig(text, { env: {}, nowMs: Date.now() });
  const backend = config.authentication_backend;
  return ldapSettingsOf({ ldap: backend.ldap!, refreshInterval: backend.refresh_interval, trustedCertificates });
}

export interface Recorded {
  requests: Array<{ operation: string; outcome: string }>;
}

export async function openBackend(
  t: Test,
  settings: LdapSettings,
  options: { clock?: Clock; logger?: Logger } = {},
): Promise<{ backend: LdapUsersBackend; recorded: Recorded }> {
  const recorded: Recorded = { requests: [] };
  const backend = await openLdapBackend({
    settings,
    logger: options.logger ?? silentLogger,
    clock: options.clock ?? { nowMs: () => Date.now() },
    metrics: { recordLdapRequest: (operation, outcome) => void recorded.requests.push({ operation, outcome }) },
  });
  t.teardown(() => backend.close());
  return { backend, recorded };
}
