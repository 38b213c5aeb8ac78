/** The users module's public surface: only explicit re-exports. */
export type { UserDetails, UserRecord, UsersBackend } from './user.js';
export type { UsersFileProblem } from './users-file-error.js';
export { UsersFileError, formatUsersFileProblem } from './users-file-error.js';
export type { ParsedUsersFile } from './users-file.js';
export { parseUsersFile } from './users-file.js';
export type { FileBackendOptions, FileUsersBackend } from './file-backend.js';
export { openFileBackend } from './file-backend.js';
export { UsersUnavailableError } from './users-unavailable-error.js';
export type { LdapBackendOptions, LdapUsersBackend } from './ldap/index.js';
export { openLdapBackend, ldapSettingsOf, LdapStartupError } from './ldap/index.js';
