/**
 * OAuth services shared by several endpoints (token, introspection, revocation, PAR, authorization),
 * built once per context: the client registry, the verified-secret cache, client keys, client authentication.
 */
import type { OidcConfig } from '../config/index.js';
import type { Logger } from '../observability/log.js';
import { OIDC_PATHS } from '../util/paths.js';
import { createRegulator, type RegulationSettings } from '../authn/regulation.js';
import type { AuthenticationLog, JwtBlacklist } from '../storage/types.js';
import type { Clock } from '../util/clock.js';
import { authenticateClient, type AuthenticatedClient, type ClientAuthRequest } from './client-auth/index.js';
import type { ClientAssertionDeps } from './client-auth/types.js';
import { regulateClientAuthentication } from './client-auth-regulation.js';
import { createClientKeyStore, type ClientKeyStore, type ClientKeyStoreOptions } from './client-keys.js';
import { createClientRegistry, type ClientRegistry } from './clients.js';
import { createSecretCache, type SecretCache, type SecretCacheOptions } from './secret-cache.js';

export interface OAuthServicesDeps {
  config: OidcConfig;
  logger: Logger;
  clock: Clock;
  /** The issuer identifier (no trailing slash); defaults to `config.issuer`. */
  issuer?: string;
  /** Spent client-assertion `jti`s; without it JWT client authentication is refused. */
  jwtBlacklist?: JwtBlacklist;
  /** Tests inject a counting verifier or a shorter TTL. */
  secretCache?: SecretCacheOptions;
  /** Tests inject a fetcher or shorter cache times for `jwks_uri`. */
  clientKeys?: ClientKeyStoreOptions;
  /**
   * Failed client authentications counted and banned like sign-ins (client-auth-regulation.ts),
   * with the `regulation` settings; `onBan` is told once per ban (metrics). Without it, unregulated.
   */
  regulation?: { settings: RegulationSettings; authLog: AuthenticationLog; onBan?: () => void };
}

export interface OAuthServices {
  clients: ClientRegistry;
  secrets: SecretCache;
  /** Clients' public keys (config `jwks` or `jwks_uri`). */
  clientKeys: ClientKeyStore;
  /**
   * RFC 6749 §2.3 / §3.2.1: exactly one method, the registered one, verified; else invalid_client /
   * invalid_request. Regulated per client_id and per `ip`, the request's source address.
   */
  authenticateClient(request: ClientAuthRequest, ip: string): Promise<AuthenticatedClient>;
}

export function createOAuthServices(deps: OAuthServicesDeps): OAuthServices {
  const clients = createClientRegistry(deps.config.clients);
  const secrets = createSecretCache(deps.secretCache);
  const clientKeys = createClientKeyStore(deps.clientKeys);
  const issuer = (deps.issuer ?? deps.config.issuer)?.replace(/\/+$/, '');
  const assertions: ClientAssertionDeps | undefined =
    issuer !== undefined && deps.jwtBlacklist !== undefined
      ? { issuer, tokenEndpointUrl: `${issuer}${OIDC_PATHS.token}`, jwtBlacklist: deps.jwtBlacklist, keys: clientKeys, clock: deps.clock }
      : undefined;
  const authDeps = { clients, secrets, ...(assertions ? { assertions } : {}) };
  const authenticate = (request: ClientAuthRequest): Promise<AuthenticatedClient> => authenticateClient(authDeps, request);
  const regulation = deps.regulation;
  const regulator = regulation
    ? createRegulator(regulation.settings, {
        authLog: regulation.authLog,
        logger: deps.logger.child({ component: 'client-auth-regulation' }),
        subject: 'client',
        ...(regulation.onBan ? { onBan: regulation.onBan } : {}),
      })
    : null;
  return {
    clients,
    secrets,
    clientKeys,
    authenticateClient: regulator ? regulateClientAuthentication(authenticate, { regulator, clock: deps.clock, clients, secrets }) : (request) => authenticate(request),
  };
}
