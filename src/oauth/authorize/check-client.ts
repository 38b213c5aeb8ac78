/**
 * RFC 6749 §4.1.2.1: if the client or the redirect URI is invalid, the error is shown to the
 * person and MUST NOT be sent to the redirect URI. These two checks run first, before any other.
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

/**
 * Exact, case-sensitive string comparison with a registered redirect URI (RFC 9700 §4.1.3; the
 * clients guide: "The URIs are case-sensitive"). OIDC Core §3.1.2.1 makes the parameter required.
 */
export function checkRedirectUri(params: URLSearchParams, client: RegisteredClient): string {
  const redirectUri = params.get('redirect_uri');
  if (!redirectUri) throw new UnsafeAuthorizationError('invalid_request', "The 'redirect_uri' parameter is missing.");
  if (!client.config.redirect_uris.includes(redirectUri)) {
    throw new UnsafeAuthorizationError('invalid_request', `The redirect URI '${redirectUri}' is not registered for the client '${client.config.client_id}'.`);
  }
  // The out-of-band URI (public clients only, config validation) shows the code to the person.
  if (redirectUri === OOB_REDIRECT_URI && !client.config.public) {
    throw new UnsafeAuthorizationError('invalid_request', 'The out-of-band redirect URI is only for public clients.');
  }
  return redirectUri;
}
