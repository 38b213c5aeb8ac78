/**
 * Proxy setups that cannot work, as warnings (the configuration is valid; the deployment around
 * it is what fails): the verify endpoints believe X-Forwarded-* and X-Original-* only from
 * `server.trusted_proxies`, and the portal behind an https proxy needs X-Forwarded-Proto too.
 */
import type { ParsedConfig } from './types.js';

type Server = ParsedConfig['server'];
type Session = ParsedConfig['session'];

export function checkProxySetup(server: Server, session: Session | undefined): string[] {
  const warnings: string[] = [];
  const endpoints = Object.keys(server.endpoints.authz);
  const httpsPortal = (session?.cookies ?? []).some((c) => c.authelia_url?.startsWith('https://'));
  if (server.trusted_proxies.length === 0) {
    if (endpoints.length > 0) {
      warnings.push(
        `server.trusted_proxies is empty: X-Forwarded-* and X-Original-* headers are believed from no proxy, so every request to the verify endpoints (${endpoints.map((n) => `/api/authz/${n}`).join(', ')}) is refused with 400: add your proxy's address`,
      );
    }
    if (httpsPortal) {
      warnings.push("server.trusted_proxies is empty while the portal's authelia_url is https: Gatehouse serves plain http and needs X-Forwarded-Proto from the TLS-terminating proxy, so sign-in cookies and redirects cannot work: add the proxy's address");
    }
  }
  return warnings;
}
