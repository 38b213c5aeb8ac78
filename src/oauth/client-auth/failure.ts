/** RFC 6749 §5.2 invalid_client, with the Basic challenge when the client tried Basic. */
import { OAuthError } from '../errors.js';

export const BASIC_REALM = 'gatehouse';

export function clientAuthFailure(description: string, basicTried: boolean): OAuthError {
  return new OAuthError('invalid_client', description, {
    status: 401,
    headers: basicTried ? { 'WWW-Authenticate': `Basic realm="${BASIC_REALM}"` } : {},
  });
}

/** The same message for an unknown client and a wrong secret: neither tells a prober which it hit. */
export const CLIENT_AUTH_FAILED = 'Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).';
