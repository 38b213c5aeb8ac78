/**
 * Shared by client_secret_basic and client_secret_post: the presented secret against the digest.
 * Every failure costs one digest verification, so timing tells a prober nothing: a wrong secret, an
 * empty one, and (through `spendSecretVerification`) an unknown client or one that has no secret.
 * A full verification queue is 503 `temporarily_unavailable`, for known and unknown clients alike.
 */
import { HashVerificationBusyError, type PasswordDigest } from '../../crypto/password-hash/index.js';
import type { RegisteredClient } from '../clients.js';
import { CLIENT_AUTH_FAILED, clientAuthFailure, clientAuthUnavailable } from './failure.js';
import type { ClientAuthDeps, PresentedCredentials } from './types.js';

export async function verifyClientSecret(
  client: RegisteredClient,
  credentials: PresentedCredentials,
  deps: ClientAuthDeps,
  basicTried: boolean,
): Promise<void> {
  const secret = credentials.secret ?? '';
  // Unreached: config checks give every client registered for a secret method a secret.
  const digest = client.secret;
  if (digest === null) throw clientAuthFailure(CLIENT_AUTH_FAILED, basicTried);
  // An empty secret is never accepted, but costs what a wrong one does.
  const ok = await unlessBusy(() => deps.secrets.verify(client.config.client_id, digest, secret));
  if (!ok || secret === '') throw clientAuthFailure(CLIENT_AUTH_FAILED, basicTried);
}

/**
 * Where the presented secret has no digest to be checked against (unknown client, a client without
 * a secret or registered for another method), verifies it against `dummy` the way a wrong secret
 * is verified, and discards the answer. Nothing when no secret was presented: a known client would
 * not have verified a digest either.
 */
export async function spendSecretVerification(credentials: PresentedCredentials, deps: ClientAuthDeps, dummy: PasswordDigest): Promise<void> {
  const secret = credentials.secret;
  if (secret === undefined) return;
  await unlessBusy(() => deps.secrets.verify(credentials.client_id, dummy, secret));
}

async function unlessBusy(verify: () => Promise<boolean>): Promise<boolean> {
  try {
    return await verify();
  } catch (error) {
    if (error instanceof HashVerificationBusyError) throw clientAuthUnavailable(error);
    throw error;
  }
}
