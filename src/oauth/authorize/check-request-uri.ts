/**
 * RFC 9101 §5.2 / OIDC Core §6.2 `request_uri`: only our own pushed requests (RFC 9126) are
 * supported, and those are resolved before the checks run; any other `request_uri` (a client's
 * `https://…/ro.jwt`) is refused with request_uri_not_supported (RFC 9101 §6.2, OIDC Core §3.1.2.6).
 * Once the query's redirect URI is trusted the client hears of it there; when the query names
 * none (it may be only inside the object we do not fetch), the person is shown the error.
 */
import { OAuthError } from '../errors.js';
import { UnsafeAuthorizationError } from './check-client.js';

const NOT_SUPPORTED = "The 'request_uri' parameter is only supported with pushed authorization requests.";

export function checkRequestUri(params: URLSearchParams, answer: 'redirect' | 'page'): void {
  if (!params.has('request_uri')) return;
  throw answer === 'redirect' ? new OAuthError('request_uri_not_supported', NOT_SUPPORTED) : new UnsafeAuthorizationError('request_uri_not_supported', NOT_SUPPORTED);
}
