/**
 * OAuth services shared by several endpoints (token, introspection, revocation, PAR, authorization),
 * built once per context: the client registry, the verified-secret cache, client authentication.
 */
import type { OidcConfig } from '../config/index.js';
import type { Logger } from '../observability/log.js';
import type { Clock } from '../util/clock.js';
import { authenticateClient, type AuthenticatedClient, type ClientAuthRequest } from './client-auth/index.js';
import { createClientRegistry, type ClientRegistry } from './clients.js';
import { createSecretCache, type SecretCache, type SecretCacheOptions } from './secret-cache.js';

export interface OAuthServicesDeps {
  config: OidcConfig;
  logger: Logger;
  clock: Clock;
  /** Tests inject a counting verifier or a shorter TTL. */
  secretCache?: SecretCacheOptions;
}

export interface OAuthServices {
  clients: ClientRegistry;
  secrets: SecretCache;
  /** RFC 6749 §2.3 / §3.2.1: exactly one method, the registered one, verified; else invalid_client / invalid_request. */
  authenticateClient(request: ClientAuthRequest): Promise<AuthenticatedClient>;
}

export function createOAuthServices(deps: OAuthServicesDeps): OAuthServices {
  const clients = createClientRegistry(deps.config.clients);
  const secrets = createSecretCache(deps.secretCache);
  return {
    clients,
    secrets,
    authenticateClient: (request) => authenticateClient({ clients, secrets }, request),
  };
}
