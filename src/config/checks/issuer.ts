/** The provider needs an issuer: configured, or derived from the first session cookie's portal URL. */
import { issuerOf } from '../issuer.js';
import { OIDC_PATH, type CheckProblem, type ParsedConfig, type ParsedOidc } from './types.js';

export const MISSING_ISSUER = 'is required when session.cookies configures no authelia_url to take the issuer from';

export function checkIssuer(oidc: ParsedOidc, session: ParsedConfig['session']): CheckProblem[] {
  if (issuerOf({ identity_providers: { oidc }, session }) !== undefined) return [];
  return [{ path: [...OIDC_PATH, 'issuer'], message: MISSING_ISSUER }];
}
