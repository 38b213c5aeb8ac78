/**
 * The tables as Kysely sees them. Milliseconds are `bigint` columns, which `pg` may hand back as
 * strings, so their select type is `number | string` and the mapping layer applies `Number()`.
 * Booleans are 0/1 integers on both engines; string lists are JSON text; encrypted values are
 * binary (`blob` / `bytea`).
 */
import type { ColumnType, Generated } from 'kysely';

export type Ms = ColumnType<number | string, number, number>;
export type Flag = number;

export interface TokenSessionTable {
  kind: string;
  signature: string;
  request_id: string;
  client_id: string;
  subject: string | null;
  requested_at_ms: Ms;
  expires_at_ms: Ms;
  used_at_ms: Ms | null;
  requested_scopes: string;
  granted_scopes: string;
  requested_audience: string;
  granted_audience: string;
  active: Flag;
  revoked: Flag;
  session_data: Uint8Array;
}

export interface ParTable {
  request_uri: string;
  client_id: string;
  expires_at_ms: Ms;
  used: Flag;
  parameters: Uint8Array;
}

export interface InteractionTable {
  id: string;
  client_id: string;
  expires_at_ms: Ms;
  auth_time_min_s: Ms | null;
  parameters: Uint8Array;
}

export interface ConsentTable {
  challenge_id: string;
  client_id: string;
  subject: string;
  requested_at_ms: Ms;
  responded_at_ms: Ms | null;
  expires_at_ms: Ms | null;
  authorized: Flag;
  granted: Flag;
  requested_scopes: string;
  granted_scopes: string;
  requested_audience: string;
  granted_audience: string;
  pre_configured: Flag;
  form_data: Uint8Array;
}

export interface SubjectTable {
  identifier: string;
  service: string;
  sector_id: string;
  username: string;
}

export interface JtiTable {
  jti: string;
  expires_at_ms: Ms;
}

export interface TotpTable {
  username: string;
  issuer: string;
  algorithm: string;
  digits: number;
  period: number;
  secret: Uint8Array;
  created_at_ms: Ms;
}

export interface TotpHistoryTable {
  username: string;
  step: Ms;
  used_at_ms: Ms;
}

export interface AuthLogTable {
  id: Generated<number>;
  time_ms: Ms;
  successful: Flag;
  username: string;
  remote_ip: string;
  auth_type: string;
  request_uri: string | null;
  request_method: string | null;
  /** 1 while a reserved attempt is being checked (migration 0002); settled rows are 0. */
  pending: ColumnType<Flag, Flag | undefined, Flag>;
}

export interface BanTable {
  kind: string;
  value: string;
  expires_at_ms: Ms;
  reason: string;
}

export interface PortalSessionTable {
  id_hash: string;
  username: string | null;
  /** The session's stable OIDC `sid` (migration 0004); null for sessions from before it. */
  sid: ColumnType<string | null, string | null | undefined, string | null>;
  data: Uint8Array;
  expires_at_ms: Ms;
}

/** Which clients a portal session signed into: one row per grant (migration 0004). */
export interface SessionClientTable {
  sid: string;
  request_id: string;
  client_id: string;
  subject: string;
  offline_access: Flag;
  created_at_ms: Ms;
}

/** Identity verification's one-time codes (migration 0006). */
export interface OneTimeCodeTable {
  id: string;
  username: string;
  intent: string;
  code_hash: string;
  created_at_ms: Ms;
  expires_at_ms: Ms;
  consumed_at_ms: Ms | null;
}

export interface EncryptionTable {
  name: string;
  value: Uint8Array;
}

export interface Database {
  oauth2_token_sessions: TokenSessionTable;
  oauth2_par_requests: ParTable;
  oidc_interactions: InteractionTable;
  oauth2_consent_sessions: ConsentTable;
  user_opaque_identifiers: SubjectTable;
  oauth2_blacklisted_jti: JtiTable;
  totp_configurations: TotpTable;
  totp_history: TotpHistoryTable;
  one_time_codes: OneTimeCodeTable;
  authentication_logs: AuthLogTable;
  bans: BanTable;
  portal_sessions: PortalSessionTable;
  oidc_session_clients: SessionClientTable;
  encryption: EncryptionTable;
  webauthn_credentials: WebAuthnCredentialTable;
  webauthn_users: WebAuthnUserTable;
  webauthn_challenges: WebAuthnChallengeTable;
  user_preferences: UserPreferencesTable;
}

/** Migration 0005. */
export interface WebAuthnCredentialTable {
  credential_id: string;
  username: string;
  description: string;
  rp_id: string;
  aaguid: string;
  public_key: Uint8Array;
  sign_count: Ms;
  transports: string;
  discoverable: Flag;
  user_verified: Flag;
  backup_eligible: Flag;
  backup_state: Flag;
  attestation_format: string;
  created_at_ms: Ms;
  last_used_at_ms: Ms | null;
}

export interface WebAuthnUserTable {
  username: string;
  user_handle: string;
}

export interface WebAuthnChallengeTable {
  challenge: string;
  ceremony: string;
  binding: string;
  username: string | null;
  expires_at_ms: Ms;
}

export interface UserPreferencesTable {
  username: string;
  second_factor_method: string | null;
}

/** Converts a selected millisecond column (number, or string from `pg`) to a number. */
export const ms = (value: number | string): number => Number(value);
export const msOrNull = (value: number | string | null): number | null => (value === null ? null : Number(value));
export const flag = (value: boolean): Flag => (value ? 1 : 0);
export const list = (value: string): string[] => JSON.parse(value) as string[];
export const listText = (value: string[]): string => JSON.stringify(value);
