/**
 * What the settings page (and the CLI) need of a user's WebAuthn credentials: a list without key
 * material, and removal of one by id or all. Removing a factor requires an elevated session; that
 * check is the caller's.
 */
import type { WebAuthnCredentialRecord, WebAuthnCredentials } from '../../storage/types.js';

/** A credential as a list shows it: no public key. */
export type WebAuthnCredentialSummary = Omit<WebAuthnCredentialRecord, 'public_key'>;

export async function listWebAuthnCredentials(store: Pick<WebAuthnCredentials, 'list'>, username: string): Promise<WebAuthnCredentialSummary[]> {
  return (await store.list(username)).map(({ public_key: _key, ...summary }) => summary);
}

/** True when the user had that credential and it is gone. */
export function removeWebAuthnCredential(store: Pick<WebAuthnCredentials, 'delete'>, username: string, credentialId: string): Promise<boolean> {
  return store.delete(username, credentialId);
}

/** How many of the user's credentials were removed. */
export function removeAllWebAuthnCredentials(store: Pick<WebAuthnCredentials, 'deleteAll'>, username: string): Promise<number> {
  return store.deleteAll(username);
}
