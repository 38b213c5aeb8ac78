/**
 * OAuth services shared by several endpoints (token, introspection, revocation, PAR, authorization),
 * built once per context. Filled in by the OAuth core.
 */
import type { OidcConfig } from '../config/index.js';
import type { Logger } from '../observability/log.js';
import type { Clock } from '../util/clock.js';

export interface OAuthServicesDeps {
  config: OidcConfig;
  logger: Logger;
  clock: Clock;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface OAuthServices {}

export function createOAuthServices(_deps: OAuthServicesDeps): OAuthServices {
  return {};
}
