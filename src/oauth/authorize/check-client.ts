/**
 * RFC 6749 §4.1.2.1: if the client or the redirect URI is invalid, the error is shown to the
 * person and MUST NOT be sent to the redirect URI. These two checks run first, before any other
 * (the redirect URI's: check-redirect-uri.ts).
 */
import type { ClientRegistry, RegisteredClient } from '../clients.js';
import { OAuthError } from '../errors.js';

/** Native apps without a redirect endpoint: the code is shown for the person to copy. */
export const OOB_REDIRECT_URI = 'urn:ietf:wg:oauth:2.0:oob';

/** Thrown for problems that must not be redirected: the endpoint shows an error page. */
export class UnsafeAuthorizationError extends OAuthError {}

export function checkClient(params: URLSearchParams, clients: ClientRegistry): RegisteredClient {
  const id = params.get('client_id');
  if (!id) throw new UnsafeAuthorizationError('invalid_request', "The 'client_id' parameter is missing.");
  const client = clients.get(id);
  if (!client) throw new UnsafeAuthorizationError('invalid_client', `No client is registered with the id '${id}'.`, { status: 400 });
  return client;
}
