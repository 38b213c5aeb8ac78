/** The LDAP users backend's public surface: only explicit re-exports. */
export type { LdapBackendOptions, LdapUsersBackend } from './backend.js';
export { openLdapBackend } from './backend.js';
export type { LdapSettings, LdapSettingsInput, ResolvedLdapConfig } from './settings.js';
export { ldapSettingsOf, resolveLdapConfig } from './settings.js';
export type { LdapFeatures } from './startup-check.js';
export { LdapStartupError } from './startup-check.js';
export type { LdapOperation, LdapOutcome, LdapPoolStats, LdapRequestRecorder } from './client-pool.js';
export { escapeFilterValue, fillFilter } from './filter.js';
export { LDAP_PRESETS } from './presets.js';
