/**
 * The provider needs an issuer: configured, or derived from the first session cookie's portal URL.
 * A configured one must be on a cookie's domain: the portal signs users in under the issuer, and
 * without a session cookie for its host it can never serve them.
 */
import { issuerOf } from '../issuer.js';
import { tryUrl } from '../schema/common.js';
import { isWithinDomain } from './session.js';
import { OIDC_PATH, type CheckProblem, type ParsedConfig, type ParsedOidc } from './types.js';

export const MISSING_ISSUER = 'is required when session.cookies configures no authelia_url to take the issuer from';

export function checkIssuer(oidc: ParsedOidc, session: ParsedConfig['session']): CheckProblem[] {
  const path = [...OIDC_PATH, 'issuer'];
  if (issuerOf({ identity_providers: { oidc }, session }) === undefined) return [{ path, message: MISSING_ISSUER }];
  // Without cookies no user signs in here (a provider for client_credentials only); a derived
  // issuer is a cookie's authelia_url, whose domain checks/session.ts checks.
  const host = oidc.issuer === undefined ? undefined : tryUrl(oidc.issuer)?.hostname;
  const domains = session.cookies.map((cookie) => cookie.domain.toLowerCase());
  if (host === undefined || domains.length === 0 || domains.some((domain) => isWithinDomain(host, domain))) return [];
  const listed = domains.map((domain) => `'${domain}'`).join(', ');
  return [{ path, message: `must be on the domain of a session cookie (${listed}) or a subdomain of one but is '${oidc.issuer}': the portal could never sign users in for it` }];
}
