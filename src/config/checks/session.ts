/** Session cookies: a domain per cookie, and the portal URL (authelia_url) served from inside it. */
import { isIP } from 'node:net';
import { tryUrl } from '../schema/common.js';
import type { CheckProblem, ParsedConfig } from './types.js';

/** Why `domain` cannot scope a cookie, or null when it can. */
export function cookieDomainProblem(domain: string): string | null {
  if (domain.includes('://')) return `must be a domain without a scheme but is '${domain}'`;
  if (domain.startsWith('.')) return `must not start with a dot but is '${domain}'`;
  if (/[/:?#\s]/.test(domain)) return `must be a domain name only (no port or path) but is '${domain}'`;
  if (!domain.includes('.') && domain !== 'localhost' && isIP(domain) === 0) {
    return `must not be a bare top-level domain but is '${domain}': browsers refuse cookies for it`;
  }
  return null;
}

export const isWithinDomain = (hostname: string, domain: string): boolean =>
  hostname === domain || hostname.endsWith(`.${domain}`);

export function checkSession(session: ParsedConfig['session']): CheckProblem[] {
  const problems: CheckProblem[] = [];
  const domains = new Map<string, number>();
  session.cookies.forEach((cookie, i) => {
    const at = ['session', 'cookies', i];
    const domainProblem = cookieDomainProblem(cookie.domain);
    if (domainProblem) {
      problems.push({ path: [...at, 'domain'], message: domainProblem });
      return;
    }
    const first = domains.get(cookie.domain);
    if (first !== undefined) problems.push({ path: [...at, 'domain'], message: `'${cookie.domain}' is already configured by session.cookies[${first}]` });
    else domains.set(cookie.domain, i);
    const portal = tryUrl(cookie.authelia_url);
    if (portal && !isWithinDomain(portal.hostname, cookie.domain)) {
      problems.push({ path: [...at, 'authelia_url'], message: `must be on the domain '${cookie.domain}' or a subdomain of it but is '${cookie.authelia_url}'` });
    }
    if (cookie.default_redirection_url !== undefined) {
      const target = tryUrl(cookie.default_redirection_url);
      if (target && !isWithinDomain(target.hostname, cookie.domain)) {
        problems.push({ path: [...at, 'default_redirection_url'], message: `must be on the domain '${cookie.domain}' or a subdomain of it but is '${cookie.default_redirection_url}'` });
      } else if (target && portal && target.href === portal.href) {
        problems.push({ path: [...at, 'default_redirection_url'], message: 'must not be the same as authelia_url' });
      }
    }
  });
  return problems;
}
