/**
 * How revocations reach every introspection cache: the in-process bus the revoking code emits on
 * and each cache subscribes to (src/authz/revocation-bus.ts implements it). Declared here because
 * storage emits on it too: revocation-channel.ts relays the other replicas' revocations (LISTEN),
 * after the revoking transaction sent them (revocation-notice.ts, with the notice below).
 * Imports nothing, so types.ts and the notice's module need not import each other.
 */
export type RevocationListener = (signatures: readonly string[]) => void;

export interface RevocationBus {
  emit(signatures: readonly string[]): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: RevocationListener): () => void;
}

/** Where this process's revocations are sent (PostgreSQL NOTIFY), and the origin they carry. */
export interface RevocationNotice {
  channel: string;
  /** Random per process: its own notifications come back to its listener, which skips them. */
  origin: string;
}
