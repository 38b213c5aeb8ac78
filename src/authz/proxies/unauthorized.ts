/**
 * Answers for a request that must sign in first, with Authelia's portal parameters:
 * `<portal>/?rd=<target>&rm=<method>`. A browser is sent there (302 after GET/HEAD/OPTIONS,
 * 303 otherwise so the browser follows with a GET, RFC 9110 §15.4.4); anything else gets 401, still
 * with `Location` (as Authelia does), which a script may follow on its own.
 */
import type { UnauthorizedAnswer, UnauthorizedInput } from './types.js';

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export function portalRedirectUrl(portalUrl: string, targetUrl: string, method: string): string {
  const base = portalUrl.endsWith('/') ? portalUrl.slice(0, -1) : portalUrl;
  return `${base}/?rd=${encodeURIComponent(targetUrl)}&rm=${encodeURIComponent(method)}`;
}

/** Browsers: Accept includes text/html and the request is not an XMLHttpRequest. */
export function isBrowserRequest(header: (name: string) => string | undefined): boolean {
  const accept = header('Accept')?.toLowerCase() ?? '';
  const requestedWith = header('X-Requested-With')?.trim().toLowerCase();
  return accept.includes('text/html') && requestedWith !== 'xmlhttprequest';
}

/** ForwardAuth, ExtAuthz, Legacy: redirect browsers, 401 for the rest. */
export function redirectBrowsers(input: UnauthorizedInput): UnauthorizedAnswer {
  if (input.portalUrl === '') return { status: 401 };
  const location = portalRedirectUrl(input.portalUrl, input.targetUrl, input.method);
  if (!input.isBrowser) return { status: 401, location };
  return { status: SAFE_METHODS.has(input.method) ? 302 : 303, location };
}

/** AuthRequest: nginx's auth_request passes only 2xx/401/403, so always 401; nginx maps it to a redirect. */
export function alwaysUnauthorized(input: UnauthorizedInput): UnauthorizedAnswer {
  if (input.portalUrl === '') return { status: 401 };
  return { status: 401, location: portalRedirectUrl(input.portalUrl, input.targetUrl, input.method) };
}
