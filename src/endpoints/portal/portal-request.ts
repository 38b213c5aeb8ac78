/**
 * The steps every portal page shares: which cookie domain the request is for, whether it came over
 * https, the session (if any), and the CSRF cookie + form token. One place, so each page stays a
 * short list of its own steps.
 */
import { HttpError } from '../../http/errors.js';
import { PAGE_SECURITY_HEADERS } from '../../http/headers.js';
import type { HttpRequest } from '../../http/request.js';
import { html, redirect, type Headers, type HttpResponse } from '../../http/response.js';
import { CSRF_COOKIE_NAME, CSRF_FIELD_NAME, isCsrfCookieValue } from '../../authn/csrf.js';
import { renderError } from '../../portal/pages/index.js';
import { cookieIsSecure, cookieSettingsForHost, parseCookies, serializeCookie, type LoadedSession, type SessionCookieSettings } from '../../authn/session/index.js';
import type { PortalDeps } from './deps.js';

export interface PortalRequest {
  req: HttpRequest;
  settings: SessionCookieSettings;
  https: boolean;
  nowMs: number;
  loaded: LoadedSession | null;
  /** The CSRF token to put in this answer's forms. */
  csrfToken: string;
  /** Set-Cookie values this answer must carry (a new CSRF cookie, session cookies). */
  setCookies: string[];
}

/** The host the browser asked for: X-Forwarded-Host from a trusted proxy, else Host. */
export function requestHost(req: HttpRequest): string {
  return (req.fromTrustedProxy ? req.header('x-forwarded-host') : undefined) ?? req.header('host') ?? '';
}

export function requestIsHttps(req: HttpRequest): boolean {
  return req.fromTrustedProxy && (req.header('x-forwarded-proto') ?? '').toLowerCase() === 'https';
}

export async function openPortalRequest(deps: PortalDeps, req: HttpRequest): Promise<PortalRequest> {
  const host = requestHost(req);
  const settings = cookieSettingsForHost(host, deps.portal.cookies);
  if (!settings) throw new HttpError(400, `This portal is not configured for the host '${host}'.`);
  const https = requestIsHttps(req);
  const nowMs = deps.clock.nowMs();
  const cookieHeader = req.header('cookie');
  const loaded = await deps.portal.sessions.load(cookieHeader, settings, nowMs);

  const setCookies: string[] = [];
  const secure = cookieIsSecure(settings, https);
  let csrfCookie = parseCookies(cookieHeader).get(csrfCookieName(secure));
  if (!isCsrfCookieValue(csrfCookie)) {
    csrfCookie = deps.portal.csrf.newCookieValue();
    setCookies.push(serializeCookie(csrfCookieName(secure), csrfCookie, { path: '/', httpOnly: true, secure, sameSite: 'Strict' }));
  }
  return { req, settings, https, nowMs, loaded, csrfToken: deps.portal.csrf.tokenFor(csrfCookie), setCookies };
}

/**
 * A state-changing POST must carry the CSRF token of the browser's CSRF cookie, and — when the
 * browser says where it comes from — come from the portal's own origin.
 */
export function checkCsrf(deps: PortalDeps, pr: PortalRequest, form: URLSearchParams): void {
  const origin = pr.req.header('origin');
  if (origin !== undefined && origin !== 'null' && origin !== new URL(pr.settings.authelia_url).origin && origin !== currentOrigin(pr)) {
    throw new HttpError(403, 'This form was sent from another site.');
  }
  const cookie = parseCookies(pr.req.header('cookie')).get(csrfCookieName(cookieIsSecure(pr.settings, pr.https)));
  if (!deps.portal.csrf.verify(cookie, form.get(CSRF_FIELD_NAME) ?? undefined)) {
    throw new HttpError(403, 'This form has expired. Go back, reload the page and try again.');
  }
}

/**
 * Over https the CSRF cookie is a `__Host-` cookie (RFC 6265bis §4.1.3.2): Secure, host-only, Path=/,
 * so a sibling subdomain cannot plant its own cookie + token pair (the weakness of a plain
 * double-submit cookie).
 */
function csrfCookieName(secure: boolean): string {
  return secure ? `__Host-${CSRF_COOKIE_NAME}` : CSRF_COOKIE_NAME;
}

function currentOrigin(pr: PortalRequest): string {
  return `${pr.https ? 'https' : 'http'}://${requestHost(pr.req)}`;
}

export function page(pr: PortalRequest, status: number, markup: string, extra: string[] = []): HttpResponse {
  return html(status, markup, withCookies(PAGE_SECURITY_HEADERS, [...pr.setCookies, ...extra]));
}

/** 303 See Other after a POST (RFC 9110 §15.4.4), 302 after a GET. */
export function redirectTo(pr: PortalRequest, location: string, extra: string[] = []): HttpResponse {
  const status = pr.req.method === 'POST' ? 303 : 302;
  return redirect(location, status, withCookies({ 'Cache-Control': 'no-store' }, [...pr.setCookies, ...extra]));
}

export function errorPage(title: string, message: string, status: number): HttpResponse {
  return html(status, renderError({ title, message, status }), { ...PAGE_SECURITY_HEADERS });
}

function withCookies(headers: Readonly<Headers>, cookies: string[]): Headers {
  return cookies.length > 0 ? { ...headers, 'Set-Cookie': cookies } : { ...headers };
}

/**
 * Carries rd / rm through the forms of a sign-in, as given: they only ever travel URL-encoded
 * (`withQuery`) or HTML-escaped (hidden fields). `rd` becomes a Location only through
 * `redirectAfterSignIn` (portal/redirect.ts), which parses and checks it.
 */
export function flowParams(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['rd', 'rm']) {
    const value = params.get(name);
    if (value) out[name] = value;
  }
  return out;
}

export function withQuery(path: string, params: Record<string, string>): string {
  const query = new URLSearchParams(params).toString();
  return query ? `${path}?${query}` : path;
}
