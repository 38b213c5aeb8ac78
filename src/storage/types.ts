/**
 * Storage contracts, one small interface per concern (as fosite splits `handler/oauth2/storage.go`, `handler/pkce/storage.go`).
 * All times are epoch milliseconds. Session data (OIDC session blobs, form data, TOTP secrets,
 * portal sessions) is encrypted at rest; tokens are stored by signature only, so the API never
 * sees a raw token. Every engine passes the same contract suite (test/storage/contract.ts).
 */
import type { Logger } from '../observability/log.js';
import type { SessionClients, StoredPortalSession } from './logout-types.js';
import type { AuthenticationLog } from './regulation-types.js';
import type { OneTimeCodes } from './one-time-code-types.js';
import type { RevocationNotice } from './revocation-types.js';
import type { UserPreferences, WebAuthnChallenges, WebAuthnCredentials } from './webauthn-types.js';
import type { Random } from '../util/random.js';

export type * from './regulation-types.js';
export type * from './logout-types.js';
export type * from './one-time-code-types.js';
export type * from './webauthn-types.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type TokenKind = 'access_token' | 'refresh_token' | 'authorization_code' | 'openid_connect' | 'pkce';

export interface TokenSessionRecord {
  signature: string;
  /** The authorization every token of one grant family was issued from. */
  request_id: string;
  client_id: string;
  subject: string | null;
  requested_at_ms: number;
  expires_at_ms: number;
  requested_scopes: string[];
  granted_scopes: string[];
  requested_audience: string[];
  granted_audience: string[];
  /** False once consumed (single use) or revoked. */
  active: boolean;
  revoked: boolean;
  /** The OIDC session and claims; encrypted at rest. */
  session: JsonObject;
}

export type NewTokenSession = Omit<TokenSessionRecord, 'active' | 'revoked'>;

export interface TokenRef {
  kind: TokenKind;
  signature: string;
}

/** A single-use credential presented at the token endpoint, and what to store when it is honoured. */
export interface Redemption {
  kind: 'authorization_code' | 'refresh_token';
  signature: string;
  /** The tokens the answer will carry; stored in the redeeming transaction, or not at all. */
  issue: ReadonlyArray<{ kind: TokenKind; record: NewTokenSession }>;
  nowMs: number;
  /**
   * Refresh tokens only; 0 is off. For this long after a refresh token was rotated, presenting it
   * again is taken for a retry whose answer was lost, not for reuse, while its successor is unused.
   */
  reuseGraceMs: number;
}

export type RedemptionResult =
  /** First use: the credential is used, its family's other live tokens are revoked, `issue` is stored. */
  | { outcome: 'issued'; revoked: TokenRef[] }
  /** A retry within the grace: the unused successor tokens are revoked, `issue` is stored. */
  | { outcome: 'reissued'; revoked: TokenRef[] }
  /** Used before (outside any grace) or revoked: the whole family is revoked, nothing stored. */
  | { outcome: 'replayed'; revoked: TokenRef[] }
  /** Unknown, or expired at `nowMs`: nothing changed. */
  | { outcome: 'unknown' }
  /** Still deadlocked or serialisation-failed after the bounded retries: nothing changed. */
  | { outcome: 'contended' };

export interface TokenSessions {
  /** Stores a new active record; rejects with StorageConflictError when (kind, signature) exists. */
  create(kind: TokenKind, record: NewTokenSession): Promise<void>;
  /** The record whatever its state (inactive, revoked, expired), or null when unknown. */
  get(kind: TokenKind, signature: string): Promise<TokenSessionRecord | null>;
  /**
   * Atomic single use: the first call marks the row inactive and answers `firstUse: true`; every
   * later call (a replay, or a revoked token) answers `firstUse: false` so the caller can revoke the
   * family (RFC 6749 §4.1.2, RFC 9700 §4.14.2). Null when unknown or expired at `nowMs`.
   */
  consume(kind: TokenKind, signature: string, nowMs: number): Promise<{ record: TokenSessionRecord; firstUse: boolean } | null>;
  /**
   * A code exchange or a refresh rotation, as one write transaction: every change below commits
   * together or not at all, so a failure at any point leaves the presented credential as it was.
   * Concurrent redemptions of one credential are serialised by locking its row first, then its
   * family's rows in (kind, signature) order (PostgreSQL: SELECT … FOR UPDATE; SQLite: BEGIN
   * IMMEDIATE), and in one process queue before they take a connection; exactly one of them is
   * `issued`. Deadlocks, serialisation failures and lock waits past a few seconds are retried a
   * few times, then answered `contended`. By the presented row, at `nowMs`:
   * - unknown or expired → `unknown`;
   * - active → `issued`: the row is marked used, the family's other live tokens are revoked (a
   *   refresh retires the previous access token), `issue` is inserted;
   * - a refresh token used less than `reuseGraceMs` ago, not revoked, whose family has a live
   *   refresh token and no refresh token used since (its successor was never used) → `reissued`:
   *   the family's live tokens (the successor pair) are revoked, `issue` is inserted;
   * - otherwise (used, or revoked) → `replayed`: the whole family is revoked (RFC 6749 §4.1.2,
   *   RFC 9700 §4.14.2), nothing is inserted.
   * `revoked` lists what this call revoked; on PostgreSQL with a revocation notice, its access
   * tokens are announced in the same transaction.
   */
  redeem(redemption: Redemption): Promise<RedemptionResult>;
  /** Marks one record revoked and inactive; false when unknown. */
  revoke(kind: TokenKind, signature: string): Promise<boolean>;
  /** Revokes the whole grant family and lists every member, so the caller can evict caches. */
  revokeByRequestId(requestId: string): Promise<TokenRef[]>;
  /** Deletes records expired at `nowMs`; returns how many. */
  deleteExpired(nowMs: number): Promise<number>;
}

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

export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

export interface TotpConfiguration {
  username: string;
  issuer: string;
  algorithm: TotpAlgorithm;
  digits: number;
  period: number;
  /** The shared secret; encrypted at rest. */
  secret: Buffer;
  created_at_ms: number;
}

export interface TotpConfigurations {
  /** Creates or replaces the user's configuration (and forgets its used steps). */
  save(config: TotpConfiguration): Promise<void>;
  get(username: string): Promise<TotpConfiguration | null>;
  /** Every user's configuration, by username (`gatehouse storage user totp export`). */
  list(): Promise<TotpConfiguration[]>;
  /** Deletes the configuration and its history; false when there was none. */
  delete(username: string): Promise<boolean>;
  /** Records a used time step: true the first time for (username, step), false on a replay. Atomic. */
  markUsed(username: string, step: number, usedAtMs: number): Promise<boolean>;
  /** Forgets steps used before `ms` (they can no longer validate anyway). */
  deleteHistoryBefore(ms: number): Promise<number>;
}

// The authentication log and bans: regulation-types.ts.

export interface PortalSessions {
  /**
   * Creates or replaces a session. `idHash` is the SHA-256 hex of the cookie value; `data` is
   * encrypted at rest, and its `username` field (when a string) is also kept in its own column.
   */
  put(idHash: string, data: JsonObject, expiresAtMs: number): Promise<void>;
  /** The session data, or null when unknown or expired at `nowMs`. */
  get(idHash: string, nowMs: number): Promise<JsonObject | null>;
  delete(idHash: string): Promise<boolean>;
  /** Logs a user out everywhere; returns how many sessions were deleted. */
  deleteForUser(username: string): Promise<number>;
  /** The user's sessions live at `nowMs`, soonest to end first. */
  listForUser(username: string, nowMs: number): Promise<StoredPortalSession[]>;
  /** The sessions live at `nowMs` whose data has this `sid` (one, or two while it moves to a new id). */
  findBySid(sid: string, nowMs: number): Promise<StoredPortalSession[]>;
  /** Ends every session of this `sid`; returns how many were deleted. */
  deleteBySid(sid: string): Promise<number>;
  deleteExpired(nowMs: number): Promise<number>;
}

export type StorageEngine = 'sqlite' | 'postgres';

export interface Storage {
  tokens: TokenSessions;
  par: PushedAuthorizationRequests;
  interactions: AuthorizationInteractions;
  consents: Consents;
  subjects: SubjectIdentifiers;
  jwtBlacklist: JwtBlacklist;
  totp: TotpConfigurations;
  /** Identity verification's one-time codes (one-time-code-types.ts). */
  oneTimeCodes: OneTimeCodes;
  /** WebAuthn credentials and user handles, ceremony challenges, preferred second factor (webauthn-types.ts). */
  webauthn: WebAuthnCredentials;
  webauthnChallenges: WebAuthnChallenges;
  preferences: UserPreferences;
  authLog: AuthenticationLog;
  sessions: PortalSessions;
  /** Which clients each portal session signed into (logout-types.ts). */
  sessionClients: SessionClients;
  engine: StorageEngine;
  /** A trivial query; rejects when the database is unreachable. */
  health(): Promise<void>;
  close(): Promise<void>;
}

export interface PostgresTlsConfig {
  server_name?: string;
  skip_verify: boolean;
  minimum_version?: 'TLS1.2' | 'TLS1.3';
  /** A client certificate chain (PEM) presented with `private_key` (mutual TLS). */
  certificate_chain?: string;
  private_key?: string;
}

export interface PostgresConfig {
  host: string;
  port: number;
  database: string;
  /** Default 'public'; created when missing. */
  schema: string;
  username: string;
  password: string;
  timeout: number /* seconds */;
  tls?: PostgresTlsConfig;
}

export interface StorageConfig {
  encryption_key: string;
  /** SQLite file; its directory is created (0700) when missing. */
  local?: { path: string };
  postgres?: PostgresConfig;
}

export interface OpenStorageOptions {
  logger: Logger;
  /** Apply pending migrations (default true); when false, pending migrations are an error. */
  migrate?: boolean;
  /**
   * PostgreSQL: access-token revocations are announced on this channel (NOTIFY) in the transaction
   * that revokes them. Ignored on SQLite, where one process owns the file.
   */
  revocationNotice?: RevocationNotice;
  /** Where new subject identifiers come from (default: the system's UUIDs). */
  random?: Random;
}

export interface MigrationState {
  name: string;
  executed_at_ms: number | null;
}
