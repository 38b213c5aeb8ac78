/**
 * What one authorization grant carries from the authorization endpoint to every token issued from
 * it. It is stored (encrypted) as `TokenSessionRecord.session` on the authorization code and on
 * each access / refresh token of the same `request_id` (the grant family).
 */
import type { JsonObject } from '../storage/types.js';

export interface GrantSession {
  /** The person who authorized; null for client_credentials. */
  username: string | null;
  /** OIDC Core §2 `auth_time`: when the person authenticated (seconds). */
  auth_time_s: number | null;
  /** RFC 8176 values earned in the portal session ('pwd', 'otp', 'mfa'). */
  amr: string[];
  /** OIDC Core §3.1.2.1, returned in the ID token. */
  nonce?: string;
  /** The portal session the grant was made in: the ID Token's `sid` (OIDC Back-Channel Logout 1.0 §2.1). */
  sid?: string;
  /** RFC 6749 §4.1.3: when present in the authorization request it must be repeated, identical, at the token endpoint. */
  redirect_uri?: string;
  /** RFC 7636 §4.3. */
  code_challenge?: string;
  code_challenge_method?: 'S256' | 'plain';
  /** Authelia's `rat` claim: when the authorization was requested (seconds). */
  requested_at_s: number;
  /** The consent the grant was issued on, if any. */
  consent_challenge_id?: string;
}

export function grantSessionToJson(session: GrantSession): JsonObject {
  const out: JsonObject = {
    username: session.username,
    auth_time_s: session.auth_time_s,
    amr: [...session.amr],
    requested_at_s: session.requested_at_s,
  };
  if (session.nonce !== undefined) out['nonce'] = session.nonce;
  if (session.sid !== undefined) out['sid'] = session.sid;
  if (session.redirect_uri !== undefined) out['redirect_uri'] = session.redirect_uri;
  if (session.code_challenge !== undefined) out['code_challenge'] = session.code_challenge;
  if (session.code_challenge_method !== undefined) out['code_challenge_method'] = session.code_challenge_method;
  if (session.consent_challenge_id !== undefined) out['consent_challenge_id'] = session.consent_challenge_id;
  return out;
}

/** Reads a stored session back; throws on a shape that this version never wrote. */
export function grantSessionFromJson(json: JsonObject): GrantSession {
  const str = (k: string): string | undefined => (typeof json[k] === 'string' ? json[k] : undefined);
  const num = (k: string): number | null => (typeof json[k] === 'number' ? json[k] : null);
  const amr = Array.isArray(json['amr']) ? json['amr'].filter((v): v is string => typeof v === 'string') : [];
  const requested = num('requested_at_s');
  if (requested === null) throw new Error('grant session without requested_at_s');
  const method = str('code_challenge_method');
  return {
    username: str('username') ?? null,
    auth_time_s: num('auth_time_s'),
    amr,
    nonce: str('nonce'),
    sid: str('sid'),
    redirect_uri: str('redirect_uri'),
    code_challenge: str('code_challenge'),
    code_challenge_method: method === 'S256' || method === 'plain' ? method : undefined,
    requested_at_s: requested,
    consent_challenge_id: str('consent_challenge_id'),
  };
}
