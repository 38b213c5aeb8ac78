/**
 * What to change when a verify request is refused because of how things are set up, not because
 * of what one client sent: the proxy or Gatehouse's configuration (see README, "Forward auth").
 * Keyed by the reasons the target readers give (target-headers.ts, ../target-url.ts); null for
 * the refusals that are about one request (ambiguous paths, user info, …), which need no hint.
 */
import { UNTRUSTED_REASON } from './target-headers.js';

export const HOST_OUTSIDE_COOKIE_DOMAINS = 'is not inside any session.cookies domain';

const HINTS: ReadonlyArray<readonly [(reason: string) => boolean, string]> = [
  [
    (r) => r === UNTRUSTED_REASON,
    "add the proxy's address (logged as `proxy`) to server.trusted_proxies; Gatehouse and the proxy must see each other's addresses as configured",
  ],
  [
    (r) => r.startsWith('scheme http is not allowed') || r.startsWith('scheme ws is not allowed'),
    'protected applications must be served over https: terminate TLS at the proxy (Caddy: tls internal for a test) and have it send the scheme it serves (X-Forwarded-Proto / X-Original-URL)',
  ],
  [
    (r) => r.endsWith(HOST_OUTSIDE_COOKIE_DOMAINS),
    "add a session.cookies entry whose domain contains this host, or make the proxy send the application's public host (X-Forwarded-Host, or $host in X-Original-URL)",
  ],
  [
    (r) => r.startsWith('missing header '),
    'the proxy does not send this header to this endpoint: compare its configuration with proxy-examples/, and check the endpoint (forward-auth for Traefik and Caddy, auth-request for nginx)',
  ],
];

export function refusalHint(reason: string): string | null {
  for (const [matches, hint] of HINTS) if (matches(reason)) return hint;
  return null;
}
