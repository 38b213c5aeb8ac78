/**
 * Session ids: 32 random bytes (256 bits, far beyond guessing), base64url. Only the SHA-256 of an
 * id is stored or logged, so a database or log leak yields no usable cookie.
 */
import { createHash, randomBytes } from 'node:crypto';

const SESSION_ID_BYTES = 32;
/** 32 bytes in unpadded base64url: 43 characters, the last one of `AEIMQUYcgkosw048`. */
const SESSION_ID_SHAPE = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

export function newSessionId(): string {
  return randomBytes(SESSION_ID_BYTES).toString('base64url');
}

/** Whether a cookie value could be one of our ids; anything else is dropped before any storage call. */
export function isSessionId(value: string | undefined): value is string {
  return value !== undefined && SESSION_ID_SHAPE.test(value);
}

/** The storage key of a session: SHA-256 hex of the id. */
export function sessionIdHash(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('hex');
}

/**
 * A new OIDC session id (`sid`, Front-Channel Logout 1.0 §3): 16 random bytes, base64url. It is
 * not a credential (relying parties receive it), so it is stored in the clear beside the session.
 */
export function newSid(): string {
  return randomBytes(16).toString('base64url');
}
