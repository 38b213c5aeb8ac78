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

/**
 * The other worker processes of this server (`server.workers` > 1), reached over cluster IPC
 * through the primary: `send` hands this worker's revocations on, `receive` hears theirs.
 */
export interface RevocationPeers {
  send(signatures: readonly string[]): void;
  /** Returns the unsubscribe. */
  receive(listener: RevocationListener): () => void;
}

/**
 * The bus the token store announces on: each revocation reaches this process's listeners and the
 * peers; the peers' revocations reach this process's listeners only (never sent back, so no loop).
 */
export function relayToPeers(local: RevocationBus, peers: RevocationPeers): RevocationBus {
  peers.receive((signatures) => local.emit(signatures));
  return {
    emit(signatures) {
      if (signatures.length === 0) return;
      local.emit(signatures);
      peers.send(signatures);
    },
    subscribe: (listener) => local.subscribe(listener),
  };
}
