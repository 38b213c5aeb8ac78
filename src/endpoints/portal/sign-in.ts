/**
 * The portal's front door. GET `/`: the sign-in form, or — for a signed-in person — onwards (second
 * factor, the safe `rd` target, or the portal home). POST `/login`: the first factor.
 */
import { parseTargetUrl } from '../../authz/target-url.js';
import { HashVerificationBusyError } from '../../crypto/password-hash/index.js';
import type { HttpRequest } from '../../http/request.js';
import type { HttpResponse } from '../../http/response.js';
import type { Route } from '../../http/router.js';
import { checkFirstFactor } from '../../authn/regulation.js';
import { UsersUnavailableError } from '../../users/index.js';
import { OIDC_PATHS } from '../../util/paths.js';
import { redirectAfterSignIn, safeRedirectTarget } from '../../authn/redirect.js';
import { PORTAL_FIELDS, renderSignIn, renderSignedIn } from '../../portal/pages/index.js';
import type { PortalSession } from '../../authn/session/index.js';
import { PORTAL_PATHS } from '../../util/paths.js';
import type { PortalDeps } from './deps.js';
import { checkCsrf, flowParams, openPortalRequest, page, redirectTo, withQuery, type PortalRequest } from './portal-request.js';
import { beginAuthentication } from '../../authn/webauthn/index.js';
import { browserBinding, ceremonyPage, relyingParty, webauthnDeps } from './webauthn-ceremony.js';

/** The portal's paths live in the one table (src/util/paths.ts); re-exported for the portal's endpoints. */
export { PORTAL_PATHS };

const INVALID_CREDENTIALS = 'Incorrect username or password.';
const SIGN_IN_BUSY = 'Too many sign-ins are being checked right now. Please try again in a moment.';
const DIRECTORY_UNAVAILABLE = 'The user directory cannot be reached right now. Please try again later.';

export function signInRoutes(deps: PortalDeps): Route[] {
  return [
    { name: 'portal_home', path: PORTAL_PATHS.home, errorStyle: 'page', methods: { GET: (req) => home(deps, req) } },
    { name: 'portal_login', path: PORTAL_PATHS.login, errorStyle: 'page', methods: { GET: (req) => home(deps, req), POST: (req) => firstFactor(deps, req) } },
  ];
}

async function home(deps: PortalDeps, req: HttpRequest): Promise<HttpResponse> {
  const pr = await openPortalRequest(deps, req);
  const flow = flowParams(req.query);
  const session = pr.loaded?.session;
  // reauth=1: a client asked for a fresh sign-in (OIDC prompt=login, max_age).
  const reauth = req.query.get('reauth') === '1';
  if (!session || session.level === 'none' || !session.username || reauth) return signInPage(deps, pr, flow, 200);
  return onwards(deps, pr, session, flow);
}

/**
 * Where a signed-in person goes next: the second factor if they have one (TOTP, a security key),
 * have not used it and the destination asks for two factors, else the target.
 */
export async function onwards(deps: PortalDeps, pr: PortalRequest, session: PortalSession, flow: Record<string, string>, extraCookies: string[] = []): Promise<HttpResponse> {
  const username = session.username!;
  const totp = deps.portal.totp.disabled ? null : await deps.storage.totp.get(username);
  const hasKey = !deps.portal.webauthn.disabled && (await deps.storage.webauthn.list(username)).length > 0;
  if (session.level === 'one_factor' && (totp || hasKey) && (await asksForSecondFactor(deps, pr, username, flow))) {
    return redirectTo(pr, withQuery(PORTAL_PATHS.secondFactor, flow), extraCookies);
  }
  const target = redirectAfterSignIn(flow['rd'], pr.settings, deps.portal.cookies);
  if (target) return redirectTo(pr, target, extraCookies);
  if (pr.req.method === 'POST') return redirectTo(pr, PORTAL_PATHS.home, extraCookies);
  const markup = renderSignedIn({
    username,
    displayName: session.display_name ?? username,
    level: session.level === 'two_factor' ? 'two_factor' : 'one_factor',
    amr: session.amr,
    csrfToken: pr.csrfToken,
    hasTotp: totp !== null,
    ...(totp || deps.portal.totp.disabled ? {} : { enrolUrl: PORTAL_PATHS.totpEnrolment }),
  });
  return page(pr, 200, markup, extraCookies);
}

/**
 * Whether the destination asks for two factors (a second factor is offered, never forced on a
 * one_factor destination; Authelia's portal asks its authorizer the same way):
 * - the authorization endpoint applies its client's `authorization_policy` itself and sends the
 *   person on to the second factor when the client needs it, so it is returned to at once;
 * - a forward-auth `rd` target asks what its access_control rule says for this person (`rm` the
 *   method, as the proxy sent it): bypass and one_factor are satisfied by the password;
 * - two_factor, deny, and no safe target at all: the enrolled second factor, as always.
 */
async function asksForSecondFactor(deps: PortalDeps, pr: PortalRequest, username: string, flow: Record<string, string>): Promise<boolean> {
  const target = safeRedirectTarget(flow['rd'], pr.settings, deps.portal.cookies);
  if (target === null) return true;
  const url = new URL(target);
  const ownOrigins = [new URL(pr.settings.authelia_url).origin, ...(deps.oidc ? [new URL(deps.oidc.issuer).origin] : [])];
  if (deps.oidc && url.pathname === OIDC_PATHS.authorization && ownOrigins.includes(url.origin)) return false;
  // Read as the verify endpoint reads a target (parseTargetUrl, an upper-case method): what it
  // would refuse or read another way keeps the second factor.
  const decided = parseTargetUrl(target);
  const method = flow['rm'] ?? 'GET';
  if (decided === null || !/^[A-Z]+$/.test(method)) return true;
  const user = (await deps.users?.lookup(username)) ?? null;
  const { policy } = deps.access.decide({ url: decided, method, remoteIp: pr.req.clientIp }, { username, groups: user?.groups ?? [] });
  return policy !== 'one_factor' && policy !== 'bypass';
}

const withRetryAfter = (page: HttpResponse, seconds: number): HttpResponse => ({ ...page, headers: { ...page.headers, 'Retry-After': String(seconds) } });

/** The sign-in page; with `webauthn.enable_passkey_login`, also a passkey button (its challenge bound to this browser). */
export async function signInPage(deps: PortalDeps, pr: PortalRequest, flow: Record<string, string>, status: number, error?: string, username?: string): Promise<HttpResponse> {
  const model = { csrfToken: pr.csrfToken, action: PORTAL_PATHS.login, rememberMeAllowed: pr.settings.remember_me > 0, hidden: flow, error, username, resetPasswordUrl: deps.portal.passwordReset ? PORTAL_PATHS.resetPassword : undefined };
  if (!deps.portal.webauthn.passkeyLogin) return page(pr, status, renderSignIn(model));
  const options = await beginAuthentication(webauthnDeps(deps), { ceremony: 'passkey', username: null, binding: browserBinding(pr), rp: relyingParty(pr), nowMs: pr.nowMs });
  return ceremonyPage(pr, status, renderSignIn({ ...model, passkey: { action: PORTAL_PATHS.passkeySignIn, optionsJson: JSON.stringify(options) } }));
}

async function firstFactor(deps: PortalDeps, req: HttpRequest): Promise<HttpResponse> {
  const pr = await openPortalRequest(deps, req);
  const form = await req.form();
  checkCsrf(deps, pr, form);
  const flow = flowParams(form);
  const username = (form.get(PORTAL_FIELDS.username) ?? '').trim();
  const password = form.get(PORTAL_FIELDS.password) ?? '';
  if (!deps.users || username === '' || password === '') return signInPage(deps, pr, flow, 401, INVALID_CREDENTIALS, username);

  let outcome: Awaited<ReturnType<typeof checkFirstFactor>>;
  try {
    outcome = await checkFirstFactor(
      { username, password, ip: req.clientIp, nowMs: pr.nowMs, request_uri: PORTAL_PATHS.login, request_method: 'POST' },
      { users: deps.users, regulator: deps.portal.regulator, timing: deps.portal.timing, logger: deps.logger },
    );
  } catch (error) {
    // The process's hash verifications are all taken (a flood), or the directory cannot be asked:
    // nothing was checked, so say "later", not "wrong".
    if (error instanceof HashVerificationBusyError) return withRetryAfter(await signInPage(deps, pr, flow, 503, SIGN_IN_BUSY, username), 1);
    if (error instanceof UsersUnavailableError) return withRetryAfter(await signInPage(deps, pr, flow, 503, DIRECTORY_UNAVAILABLE, username), 5);
    throw error;
  }
  deps.metrics.recordAuthentication('1fa', outcome.ok ? 'success' : outcome.reason);
  if (!outcome.ok) return signInPage(deps, pr, flow, 401, INVALID_CREDENTIALS, username);

  const remember = form.get(PORTAL_FIELDS.rememberMe) === 'on' && pr.settings.remember_me > 0;
  const session: PortalSession = {
    username: outcome.user.username,
    display_name: outcome.user.display_name,
    level: 'one_factor',
    // OIDC Core §2 auth_time: when authentication completed, after the uniform delay, not when the form arrived.
    auth_time_s: Math.floor(deps.clock.nowMs() / 1000),
    amr: ['pwd'],
    remember_me: remember,
    created_at_ms: pr.nowMs,
    last_activity_at_ms: pr.nowMs,
  };
  // A new session id after every successful factor: no fixation (OWASP session management).
  // Another person signing in over a live session ends that person's session everywhere first
  // (OIDC Back-Channel Logout 1.0 §2.7: their relying parties hear of it); the new one gets a new sid.
  const previous = pr.loaded?.session;
  if (previous?.sid !== undefined && previous.username !== null && previous.username !== session.username) await deps.signOut.endSession(previous.sid);
  const { setCookie } = await deps.portal.sessions.establish(pr.loaded?.id ?? null, session, pr.settings, pr.https, pr.nowMs);
  deps.logger.info('first factor succeeded', { username: session.username, client_ip: req.clientIp });
  return onwards(deps, pr, session, flow, [setCookie]);
}
