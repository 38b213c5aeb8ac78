/** RFC 6749 §5.2 invalid_client, with the Basic challenge when the client tried Basic. */
import { ERROR_DESCRIPTIONS, OAuthError } from '../errors.js';

export const BASIC_REALM = 'gatehouse';

export function clientAuthFailure(description: string, basicTried: boolean): OAuthError {
  return new OAuthError('invalid_client', description, {
    status: 401,
    headers: basicTried ? { 'WWW-Authenticate': `Basic realm="${BASIC_REALM}"` } : {},
  });
}

/** The same message for an unknown client and a wrong secret: neither tells a prober which it hit. */
export const CLIENT_AUTH_FAILED = ERROR_DESCRIPTIONS.invalid_client;

/** Seconds a client is asked to wait when the server is too busy to verify its secret. */
export const BUSY_RETRY_AFTER_SECONDS = 1;

/**
 * RFC 6749 §4.1.2.1 `temporarily_unavailable`, as 503 with `Retry-After` (RFC 9110 §10.2.3): the
 * verification queue was full, so the secret was not checked at all (neither right nor wrong).
 * Answered alike for known and unknown clients, which queue alike.
 */
export function clientAuthUnavailable(cause: unknown): OAuthError {
  return new OAuthError('temporarily_unavailable', 'The server is too busy to verify client credentials; try again later.', {
    status: 503,
    headers: { 'Retry-After': String(BUSY_RETRY_AFTER_SECONDS) },
    cause,
  });
}
