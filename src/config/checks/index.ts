/**
 * All cross-field checks, in file order. Each section is parsed on its own, so the checks of the
 * sections that parsed still run when another section has problems: one run reports them all.
 */
import { checkAccessControl } from './access-control.js';
import { checkIssuer } from './issuer.js';
import { checkAuthenticationBackend } from './ldap.js';
import { checkIdentityValidation } from './identity-validation.js';
import { checkOidc } from './oidc-provider.js';
import { checkProxySetup } from './proxy-setup.js';
import { checkSession } from './session.js';
import { checkAuthenticationLogRetention, checkSharedSecrets, checkStorage } from './storage.js';
import type { CheckReport, ParsedConfig } from './types.js';

export function checkConfig(sections: Partial<ParsedConfig>, nowMs: number): CheckReport {
  const report: CheckReport = { problems: [], warnings: [] };
  const oidcParsed = 'identity_providers' in sections;
  const oidc = sections.identity_providers?.oidc;
  if (oidc) {
    const oidcReport = checkOidc(oidc, nowMs);
    report.problems.push(...oidcReport.problems);
    report.warnings.push(...oidcReport.warnings);
    // Without a parsed session the cookies are unknown; its own problems are reported instead.
    if (sections.session) report.problems.push(...checkIssuer(oidc, sections.session));
  }
  if (sections.authentication_backend) {
    const backend = checkAuthenticationBackend(sections.authentication_backend, sections.certificates_directory, sections.notifier?.smtp !== undefined);
    report.problems.push(...backend.problems);
    report.warnings.push(...backend.warnings);
  }
  if (sections.authentication_backend && sections.identity_validation && 'notifier' in sections) {
    report.warnings.push(...checkIdentityValidation({ notifier: sections.notifier, identity_validation: sections.identity_validation, authentication_backend: sections.authentication_backend }).warnings);
  }
  if (sections.session) report.problems.push(...checkSession(sections.session));
  if (sections.storage) report.problems.push(...checkStorage(sections.storage));
  if (sections.storage && oidcParsed) report.problems.push(...checkSharedSecrets(sections.storage, oidc));
  if (sections.storage && sections.regulation) report.problems.push(...checkAuthenticationLogRetention(sections.storage, sections.regulation));
  if (sections.access_control) report.problems.push(...checkAccessControl(sections.access_control));
  if (sections.server) report.warnings.push(...checkProxySetup(sections.server, sections.session));
  return report;
}
