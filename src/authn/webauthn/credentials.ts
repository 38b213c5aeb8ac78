/**
 * What the settings page (and the CLI) need of a user's WebAuthn credentials: a list without key
 * material, and removal of one by id or all. Removing a factor requires an elevated session; that
 * check is the caller's.
 */
import type { WebAuthnCredentialRecord, WebAuthnCredentials } from '../../storage/types.js';
import type { SecondFactorSource } from '../second-factors.js';

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

/** The settings page's source for WebAuthn (authn/second-factors.ts): each credential by its id, named as the user named it. */
export function webauthnFactors(store: Pick<WebAuthnCredentials, 'list' | 'delete'>): SecondFactorSource {
  return {
    method: 'webauthn',
    async list(username) {
      return (await store.list(username)).map((c) => ({
        method: 'webauthn' as const,
        id: c.credential_id,
        description: c.discoverable ? `${c.description} (passkey)` : c.description,
        created_at_ms: c.created_at_ms,
        last_used_at_ms: c.last_used_at_ms,
      }));
    },
    remove: (username, id) => removeWebAuthnCredential(store, username, id),
  };
}
