/** Shared by client_secret_basic and client_secret_post: the presented secret against the digest. */
import type { RegisteredClient } from '../clients.js';
import { CLIENT_AUTH_FAILED, clientAuthFailure } from './failure.js';
import type { ClientAuthDeps, PresentedCredentials } from './types.js';

export async function verifyClientSecret(
  client: RegisteredClient,
  credentials: PresentedCredentials,
  deps: ClientAuthDeps,
  basicTried: boolean,
): Promise<void> {
  const secret = credentials.secret ?? '';
  if (client.secret === null || secret === '') throw clientAuthFailure(CLIENT_AUTH_FAILED, basicTried);
  const ok = await deps.secrets.verify(client.config.client_id, client.secret, secret);
  if (!ok) throw clientAuthFailure(CLIENT_AUTH_FAILED, basicTried);
}
