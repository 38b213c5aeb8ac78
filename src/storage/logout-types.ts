/**
 * The storage contract of logout (OIDC Front-Channel Logout 1.0 §3, Back-Channel Logout 1.0 §2):
 * which clients each portal session (by its `sid`) signed into, and the portal sessions of one
 * sid or one user. Re-exported by types.ts with the rest.
 */

/** One grant a portal session made: a client it signed into, and under which subject. */
export interface SessionClient {
  /** The portal session's stable id, the ID Token's `sid`. */
  sid: string;
  /** The grant family (every token of the grant shares it). */
  request_id: string;
  client_id: string;
  /** The subject the client knows the person by (pairwise clients each have their own). */
  subject: string;
  /** Granted `offline_access`: the grant outlives the session (OIDC Core §11). */
  offline_access: boolean;
  created_at_ms: number;
}

export interface SessionClients {
  /** Remembers one grant of a session; recording the same (sid, request_id) again changes nothing. */
  record(entry: SessionClient): Promise<void>;
  /** The grants of a session, oldest first. */
  list(sid: string): Promise<SessionClient[]>;
  /**
   * Forgets the session's grants and lists them, in one statement (DELETE … RETURNING): of two
   * sign-outs of one session racing on two replicas, exactly one gets each row, so each client is
   * notified once.
   */
  end(sid: string): Promise<SessionClient[]>;
  /**
   * Deletes the rows no sign-out can reach any more: recorded at least a minute before `nowMs`
   * (a session being re-established under a new id keeps its sid) and whose sid has no portal
   * session live at `nowMs`. Returns how many.
   */
  deleteExpired(nowMs: number): Promise<number>;
}

/** A stored portal session seen from outside the request path (the CLI, sign-out by sid). */
export interface StoredPortalSession {
  id_hash: string;
  sid: string | null;
  username: string | null;
  expires_at_ms: number;
  /** The session data, decrypted. */
  data: { [key: string]: unknown };
}
