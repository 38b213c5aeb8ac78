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
import type { JsonObject } from './json-types.js';
import type { TokenSessions } from './token-types.js';
import type { AuthorizationInteractions, Consents, JwtBlacklist, PushedAuthorizationRequests, SubjectIdentifiers } from './authorization-types.js';

export type * from './regulation-types.js';
export type * from './logout-types.js';
export type * from './one-time-code-types.js';
export type * from './webauthn-types.js';

export type * from './json-types.js';

export type * from './token-types.js';
export type * from './authorization-types.js';

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
