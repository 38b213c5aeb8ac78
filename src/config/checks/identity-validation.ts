/**
 * What the password reset needs beside a notifier: a reset_password.jwt_secret to sign its links,
 * and a users file hash Gatehouse can write. Missing, the reset is simply not offered; each gap is
 * said once at start-up, so nobody wonders where the link went.
 */
import type { CheckReport, ParsedConfig } from './types.js';

export function checkIdentityValidation(sections: Pick<ParsedConfig, 'notifier' | 'identity_validation' | 'authentication_backend'>): CheckReport {
  const report: CheckReport = { problems: [], warnings: [] };
  const backend = sections.authentication_backend;
  const hasUsers = backend.file !== undefined || backend.ldap !== undefined;
  if (!hasUsers) return report;
  // Without a notifier nothing is sent at all (README: Notifier); the pages say so where it matters.
  if (sections.notifier === undefined) return report;
  if (!backend.password_reset.disable && sections.identity_validation.reset_password.jwt_secret === undefined) {
    report.warnings.push('identity_validation.reset_password.jwt_secret is not set: the portal offers no password reset (set it, or set authentication_backend.password_reset.disable: true)');
  }
  if (!backend.password_reset.disable && backend.file?.password.algorithm === 'sha2crypt') {
    report.warnings.push("authentication_backend.file.password.algorithm is 'sha2crypt', which Gatehouse reads but does not write: the portal offers no password reset (choose argon2, pbkdf2, scrypt or bcrypt for new digests)");
  }
  return report;
}
