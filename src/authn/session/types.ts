/**
 * The login portal's session model: who signed in, how strongly (authentication level and RFC 8176
 * `amr`), since when, and the pending flow state carried from page to page.
 */
import type { AuthenticationLevel } from '../level.js';

/** One `session.cookies[]` entry, already validated and with the session-level defaults applied (durations in seconds). */
export interface SessionCookieSettings {
  domain: string;
  authelia_url: string;
  default_redirection_url?: string;
  name: string;
  same_site: 'lax' | 'strict' | 'none';
  expiration: number;
  inactivity: number;
  /** -1: "remember me" is disabled for this domain. */
  remember_me: number;
}

/** RFC 8176 §2 authentication method reference values. */
export type AmrValue = 'pwd' | 'otp' | 'mfa' | 'hwk' | 'user' | 'pop';

/** Every AmrValue, for parsing stored sessions. */
export const AMR_VALUES = ['pwd', 'otp', 'mfa', 'hwk', 'user', 'pop'] as const satisfies readonly AmrValue[];

export interface PortalSession {
  /**
   * The session id relying parties see (OIDC Front-Channel Logout 1.0 §3, the ID Token's `sid`):
   * stable while the same person stays signed in, whatever new cookie id each factor brings.
   * Set by `establish`; absent only on a session stored before it existed.
   */
  sid?: string;
  username: string | null;
  display_name?: string;
  level: AuthenticationLevel;
  /** When authentication completed (after the last factor it took), epoch seconds: the OIDC `auth_time` claim (Core §2). */
  auth_time_s: number | null;
  /** 'pwd' after the first factor, plus 'otp' and 'mfa' after TOTP; WebAuthn and passkeys: authn/webauthn/amr.ts. */
  amr: AmrValue[];
  remember_me: boolean;
  created_at_ms: number;
  last_activity_at_ms: number;
  /** The users backend's version when the user was last checked. */
  users_version?: number;
  /** Identity verification: until when this session may register or remove second factors (epoch ms). */
  elevated_until_ms?: number;
  /** Pending OIDC/redirect state carried across pages (rd, rm, workflow ids). */
  flow?: Record<string, string>;
}

export interface LoadedSession {
  id: string;
  session: PortalSession;
}

export interface SessionManager {
  /**
   * The session the request's cookie names (raw Cookie header in), or null: unknown, expired
   * (absolute `expiration`, or the `remember_me` lifetime when remembered), idle past `inactivity`
   * (not applied when remembered), or whose user is now unknown or disabled (then the stored
   * session is deleted).
   */
  load(cookieHeader: string | undefined, settings: SessionCookieSettings, nowMs: number): Promise<LoadedSession | null>;
  /**
   * Creates a session with a NEW id (no fixation: call after every successful factor, passing the
   * old id to delete it). The lifetime restarts at `nowMs`. The `sid` carries over from the old
   * session when the same person signs in again (a second factor, a re-authentication), else it is
   * new. Returns the new id, the `sid` and the Set-Cookie header value.
   */
  establish(
    previousId: string | null,
    session: PortalSession,
    settings: SessionCookieSettings,
    requestIsHttps: boolean,
    nowMs: number,
  ): Promise<{ id: string; sid: string; setCookie: string }>;
  /**
   * Records activity on an existing session, keeping its id. Writes (the given session, with
   * `last_activity_at_ms = nowMs`) at most once per `inactivity / 10`, to spare storage on hot
   * paths; returns whether it wrote. Use `save` for changes that must be kept.
   */
  touch(id: string, session: PortalSession, settings: SessionCookieSettings, nowMs: number): Promise<boolean>;
  /** Saves changes to an existing session (flow state), keeping its id; also counts as activity. */
  save(id: string, session: PortalSession, settings: SessionCookieSettings, nowMs: number): Promise<void>;
  /** Sign-out: deletes the session server-side; returns a Set-Cookie header value that clears the cookie. */
  destroy(id: string, settings: SessionCookieSettings, requestIsHttps: boolean): Promise<string>;
}
