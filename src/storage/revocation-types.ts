/**
 * How revocations reach every introspection cache: the in-process bus the revoking code emits on
 * and each cache subscribes to (src/authz/revocation-bus.ts implements it). Declared here because
 * storage emits on it too: revocation-channel.ts relays the other replicas' revocations (LISTEN).
 */
export type RevocationListener = (signatures: readonly string[]) => void;

export interface RevocationBus {
  emit(signatures: readonly string[]): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: RevocationListener): () => void;
}
