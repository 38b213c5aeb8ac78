/**
 * Revocations reach the introspection caches at once: the revocation endpoint and refresh-family
 * revocation `emit` the signatures they revoked; each cache `subscribe`s and evicts them. With
 * PostgreSQL, the revoking transaction announces each batch to the other replicas (NOTIFY,
 * src/storage/revocation-notice.ts) and src/storage/revocation-channel.ts emits theirs here (LISTEN),
 * so a token revoked through any replica is refused by all of them.
 */
import type { RevocationBus, RevocationListener } from '../storage/revocation-types.js';

export type { RevocationBus, RevocationListener } from '../storage/revocation-types.js';

export function createRevocationBus(): RevocationBus {
  const listeners = new Set<RevocationListener>();
  return {
    emit(signatures) {
      if (signatures.length === 0) return;
      // A listener's failure must not keep the others from evicting.
      for (const listener of listeners) {
        try {
          listener(signatures);
        } catch {
          /* a cache eviction cannot fail in a way the revoking request could act on */
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
