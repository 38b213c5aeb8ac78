/**
 * The registered clients (`identity_providers.oidc.clients`), looked up by `client_id`. Secret
 * digests are parsed once at start-up, so a request never re-parses a PHC string and a malformed
 * digest fails the start, not a token request.
 */
import type { OidcClientConfig } from '../config/index.js';
import { parseDigest, type PasswordDigest } from '../crypto/password-hash/index.js';

export interface RegisteredClient {
  config: OidcClientConfig;
  /** The parsed `client_secret`; null for public clients and private_key_jwt-only clients. */
  secret: PasswordDigest | null;
}

export interface ClientRegistry {
  /** The client, or null when no client has this id. */
  get(client_id: string): RegisteredClient | null;
  all(): readonly RegisteredClient[];
}

export function createClientRegistry(clients: readonly OidcClientConfig[]): ClientRegistry {
  const byId = new Map<string, RegisteredClient>();
  for (const config of clients) {
    const secret = config.client_secret === undefined ? null : parseDigest(config.client_secret);
    byId.set(config.client_id, Object.freeze({ config, secret }));
  }
  const list = Object.freeze([...byId.values()]);
  return {
    get: (client_id) => byId.get(client_id) ?? null,
    all: () => list,
  };
}
