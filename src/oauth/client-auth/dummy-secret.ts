/**
 * The digest a presented secret is verified against when the client is unknown (or has no digest
 * for it): the most common algorithm among the clients that authenticate with a secret, so the
 * failure costs what a wrong secret for a known client costs. Picked once per client registry.
 */
import { pickDummyDigest, type PasswordDigest } from '../../crypto/password-hash/index.js';
import type { ClientRegistry, RegisteredClient } from '../clients.js';

const dummies = new WeakMap<ClientRegistry, PasswordDigest>();

export function dummySecretOf(clients: ClientRegistry): PasswordDigest {
  let dummy = dummies.get(clients);
  if (dummy === undefined) {
    dummy = pickDummyDigest(clients.all().filter(verifiesSecret).map((client) => client.secret!));
    dummies.set(clients, dummy);
  }
  return dummy;
}

/** Clients whose secret is checked as a digest (client_secret_basic / _post); client_secret_jwt signs with it instead. */
function verifiesSecret(client: RegisteredClient): boolean {
  const method = client.config.token_endpoint_auth_method;
  return client.secret !== null && (method === 'client_secret_basic' || method === 'client_secret_post' || client.config.allow_multiple_auth_methods);
}
