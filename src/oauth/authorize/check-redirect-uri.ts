/**
 * The redirect URI of an authorization request (RFC 6749 §3.1.2.3, §4.1.2.1; OIDC Core §3.1.2.1):
 * required, and one the client registered. Compared as strings, exactly and case-sensitively
 * (RFC 9700 §4.1.3; the clients guide: "The URIs are case-sensitive"), with the one exception
 * RFC 9700 §4.1.3 names: a loopback IP literal's port.
 *
 * RFC 8252 §7.3: "The authorization server MUST allow any port to be specified at the time of the
 * request for loopback IP redirect URIs", because a native app gets an ephemeral port from the OS.
 * Only `http` with the IP literals `127.0.0.0/8` and `[::1]`: RFC 8252 §8.3 calls `localhost`
 * NOT RECOMMENDED (it may resolve elsewhere or be grabbed by another listener), so a `localhost`
 * URI, like every other, matches only exactly (so does node-oidc-provider). The port is the only
 * thing relaxed: the host literal, path and query must be the registered ones, character for character.
 *
 * For every client, not only public ones, as Authelia (fosite's `isMatchingAsLoopback`) does, so an
 * Authelia configuration behaves the same. node-oidc-provider limits it to `application_type:
 * native`, which Authelia's client configuration does not have. It gives a confidential client
 * nothing to fear: a code delivered to another local port is useless without the client's secret.
 */
import type { RegisteredClient } from '../clients.js';
import { OOB_REDIRECT_URI, UnsafeAuthorizationError } from './check-client.js';

/** `http://`, a loopback IP literal, an optional port, then the rest (path and query) verbatim. */
const LOOPBACK_IP_URI = /^http:\/\/(127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}|\[::1\])(?::(\d{1,5}))?([/?].*)?$/s;

interface LoopbackUri {
  host: string;
  /** Everything after the authority, '' when nothing follows it. */
  rest: string;
}

function loopbackIpUri(uri: string): LoopbackUri | null {
  const match = LOOPBACK_IP_URI.exec(uri);
  if (match === null) return null;
  const [, host = '', port, rest = ''] = match;
  if (port !== undefined && (port === '' || Number(port) > 65535)) return null;
  return { host, rest };
}

/** RFC 9700 §4.1.3 with RFC 8252 §7.3: does `requested` name the `registered` redirect URI? */
export function redirectUriMatches(registered: string, requested: string): boolean {
  if (registered === requested) return true;
  const loopback = loopbackIpUri(registered);
  if (loopback === null) return false;
  const candidate = loopbackIpUri(requested);
  return candidate !== null && candidate.host === loopback.host && candidate.rest === loopback.rest;
}

/** The request's `redirect_uri` (the one the answer goes to, port included), once it matches a registered one. */
export function checkRedirectUri(params: URLSearchParams, client: RegisteredClient): string {
  const redirectUri = params.get('redirect_uri');
  if (!redirectUri) throw new UnsafeAuthorizationError('invalid_request', "The 'redirect_uri' parameter is missing.");
  if (!client.config.redirect_uris.some((registered) => redirectUriMatches(registered, redirectUri))) {
    throw new UnsafeAuthorizationError('invalid_request', `The redirect URI '${redirectUri}' is not registered for the client '${client.config.client_id}'.`);
  }
  // The out-of-band URI (public clients only, config validation) shows the code to the person.
  if (redirectUri === OOB_REDIRECT_URI && !client.config.public) {
    throw new UnsafeAuthorizationError('invalid_request', 'The out-of-band redirect URI is only for public clients.');
  }
  return redirectUri;
}
