/**
 * What an authorization request leaves in storage on its way (RFC 9126 pushed requests, the
 * interaction of src/oidc/interaction/, OIDC Core §3.1.2.4 consent) and the subjects and `jti`s
 * it is checked against.
 */

export interface PushedAuthorizationRequest {
  request_uri: string;
  client_id: string;
  expires_at_ms: number;
  /** The authorization request parameters; encrypted at rest. */
  parameters: Record<string, string>;
}

export interface PushedAuthorizationRequests {
  /** Rejects with StorageConflictError when the request_uri exists. */
  create(request: PushedAuthorizationRequest): Promise<void>;
  /**
   * Atomic single use, bound to the client that pushed it (RFC 9126 §4): null when unknown,
   * expired at `nowMs`, already used, or pushed by another client.
   */
  consume(requestUri: string, clientId: string, nowMs: number): Promise<PushedAuthorizationRequest | null>;
  deleteExpired(nowMs: number): Promise<number>;
}

/**
 * An authorization request between its arrival and its answer (src/oidc/interaction/): validated
 * once, resumed by `id` after sign-in and consent, completed once.
 */
export interface AuthorizationInteraction {
  /** 256 random bits, base64url: the only handle the browser carries. */
  id: string;
  client_id: string;
  expires_at_ms: number;
  /** The oldest `auth_time` that satisfies the request (prompt=login, max_age), decided on arrival. */
  auth_time_min_s: number | null;
  /** The request's effective parameters (pushed or request-object ones resolved); encrypted at rest. */
  parameters: Record<string, string>;
}

export interface AuthorizationInteractions {
  /** Rejects with StorageConflictError when the id exists. */
  create(interaction: AuthorizationInteraction): Promise<void>;
  /** The interaction, or null when unknown, completed or expired at `nowMs`. */
  get(id: string, nowMs: number): Promise<AuthorizationInteraction | null>;
  /** Ends it: true for the one caller that completed a live interaction, false for every other. */
  complete(id: string, nowMs: number): Promise<boolean>;
  deleteExpired(nowMs: number): Promise<number>;
}

export interface ConsentSession {
  /** A UUID, the handle the consent page posts back. */
  challenge_id: string;
  client_id: string;
  /** The opaque subject identifier. */
  subject: string;
  requested_at_ms: number;
  responded_at_ms: number | null;
  /** Set for a pre-configured consent: it may be reused until then. */
  expires_at_ms: number | null;
  /** The user's answer: true when accepted. */
  authorized: boolean;
  /** True once tokens were issued on this consent. */
  granted: boolean;
  requested_scopes: string[];
  granted_scopes: string[];
  requested_audience: string[];
  granted_audience: string[];
  pre_configured: boolean;
  /** The authorization request, form encoded, to resume after the answer; encrypted at rest. */
  form: string;
}

export type NewConsentSession = Omit<
  ConsentSession,
  'responded_at_ms' | 'expires_at_ms' | 'authorized' | 'granted' | 'granted_scopes' | 'granted_audience' | 'pre_configured'
>;

export interface ConsentResponse {
  authorized: boolean;
  granted_scopes: string[];
  granted_audience: string[];
  responded_at_ms: number;
  /** When present, the consent becomes pre-configured and reusable until this time. */
  pre_configured_until_ms?: number;
}

export interface Consents {
  /** Rejects with StorageConflictError when the challenge_id exists. */
  create(session: NewConsentSession): Promise<void>;
  get(challengeId: string): Promise<ConsentSession | null>;
  /**
   * The session, if its challenge may still be answered or resumed at `nowMs`: requested less than
   * CONSENT_CHALLENGE_LIFESPAN_MS ago (stores/consents.ts), whether or not the sweep has run.
   */
  getAnswerable(challengeId: string, nowMs: number): Promise<ConsentSession | null>;
  /** Records the user's answer once: false when unknown or already answered. */
  respond(challengeId: string, response: ConsentResponse): Promise<boolean>;
  /** Marks an accepted consent as used to issue tokens; false when unknown. */
  markGranted(challengeId: string): Promise<boolean>;
  /**
   * A pre-configured, accepted, unexpired consent of the same subject and client whose granted
   * scopes and audience are exactly (order-insensitively) the ones requested now; else null.
   */
  findPreConfigured(query: { client_id: string; subject: string; scopes: string[]; audience: string[]; nowMs: number }): Promise<ConsentSession | null>;
  /**
   * Deletes the consents nothing can use at `nowMs` any more; returns how many. Dead: the challenge
   * was requested at least CONSENT_CHALLENGE_LIFESPAN_MS ago (stores/consents.ts) and the row is
   * not a pre-configured consent still unexpired at `nowMs`.
   */
  deleteExpired(nowMs: number): Promise<number>;
}

export interface SubjectKey {
  service: 'openid';
  /** '' for public subjects, the sector identifier host for pairwise ones. */
  sector_id: string;
  username: string;
}

export interface SubjectIdentifiers {
  /** The user's opaque identifier (RFC 4122 UUIDv4), created on first use; safe under races. */
  getOrCreate(key: SubjectKey): Promise<string>;
  findByIdentifier(identifier: string): Promise<SubjectKey | null>;
}

export interface JwtBlacklist {
  /**
   * Remembers a used `jti` (callers scope it, e.g. `client_id:jti`) until `expiresAtMs`: true when
   * newly added, false when already present and unexpired at `nowMs` (a replay). Atomic.
   */
  add(jti: string, expiresAtMs: number, nowMs: number): Promise<boolean>;
  deleteExpired(nowMs: number): Promise<number>;
}
