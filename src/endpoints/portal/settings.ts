/**
 * The person's security settings and identity verification:
 * - GET `/settings`: the registered second factors (every method's source), the elevation state;
 * - POST `/settings/factors/remove`: removes one, in an elevated session only;
 * - GET/POST `/settings/elevation`, POST `/settings/elevation/send`: a one-time code by e-mail
 *   (notifier) elevates the session for `identity_validation.elevated_session.elevation_lifespan`.
 */
import type { HttpRequest } from '../../http/request.js';
import type { HttpResponse } from '../../http/response.js';
import type { Route } from '../../http/router.js';
import { isElevated } from '../../authn/identity-verification.js';
import { listFactors } from '../../authn/second-factors.js';
import type { LoadedSession } from '../../authn/session/index.js';
import { NotifierError } from '../../notifier/index.js';
import type { UsersBackend } from '../../users/index.js';
import { maskAddress, PORTAL_FIELDS, renderElevation, renderSettings } from '../../portal/pages/index.js';
import { PORTAL_PATHS } from '../../util/paths.js';
import type { PortalDeps } from './deps.js';
import { checkCsrf, errorPage, openPortalRequest, page, redirectTo, withQuery, type PortalRequest } from './portal-request.js';

/** Where an elevation returns to: a name, never a URL. */
const NEXT_PAGES = Object.freeze({ settings: PORTAL_PATHS.settings, totp: PORTAL_PATHS.totpEnrolment, webauthn: PORTAL_PATHS.webauthnRegistration } as const);
type NextPage = keyof typeof NEXT_PAGES;
const nextOf = (params: URLSearchParams): NextPage => {
  const next = params.get('next');
  return next === 'totp' || next === 'webauthn' ? next : 'settings';
};

const NOTICES: Readonly<Record<string, string>> = Object.freeze({ removed: 'The second factor was removed.', elevated: 'Thank you: you may now add or remove second factors.' });

export function settingsRoutes(deps: PortalDeps): Route[] {
  return [
    { name: 'portal_settings', path: PORTAL_PATHS.settings, errorStyle: 'page', methods: { GET: (req) => show(deps, req) } },
    { name: 'portal_factor_removal', path: PORTAL_PATHS.factorRemoval, errorStyle: 'page', methods: { POST: (req) => remove(deps, req) } },
    { name: 'portal_elevation', path: PORTAL_PATHS.elevation, errorStyle: 'page', methods: { GET: (req) => elevation(deps, req), POST: (req) => verify(deps, req) } },
    { name: 'portal_elevation_send', path: PORTAL_PATHS.elevationSend, errorStyle: 'page', methods: { POST: (req) => send(deps, req) } },
  ];
}

type SignedIn = { loaded: LoadedSession; username: string };

/** Signed in with at least one factor, or a redirect to sign in. */
function signedIn(pr: PortalRequest): SignedIn | HttpResponse {
  const loaded = pr.loaded;
  const username = loaded?.session.username;
  if (!loaded || !username || loaded.session.level === 'none') return redirectTo(pr, PORTAL_PATHS.home);
  return { loaded, username };
}

/**
 * Whether this session is elevated now (a code, or skip_second_factor at two_factor). Exported for
 * the enrolment pages: every registration of a second factor asks it first.
 */
export function sessionIsElevated(deps: PortalDeps, loaded: LoadedSession, nowMs: number): boolean {
  return deps.portal.identity !== null && isElevated(loaded.session, deps.portal.identity.settings, nowMs);
}

/** Where to confirm identity before coming back to `next`. */
export function elevationUrl(next: NextPage): string {
  return withQuery(PORTAL_PATHS.elevation, { next });
}

async function show(deps: PortalDeps, req: HttpRequest): Promise<HttpResponse> {
  const pr = await openPortalRequest(deps, req);
  const who = signedIn(pr);
  if ('status' in who) return who;
  return settingsPage(deps, pr, who, 200, NOTICES[req.query.get('done') ?? '']);
}

async function settingsPage(deps: PortalDeps, pr: PortalRequest, who: SignedIn, status: number, notice?: string, error?: string): Promise<HttpResponse> {
  const factors = await listFactors(deps.portal.secondFactors, who.username);
  const { identity } = deps.portal;
  const elevated = sessionIsElevated(deps, who.loaded, pr.nowMs);
  const hasTotp = factors.some((f) => f.method === 'totp');
  return page(
    pr,
    status,
    renderSettings({
      csrfToken: pr.csrfToken,
      username: who.username,
      displayName: who.loaded.session.display_name ?? who.username,
      factors,
      elevatedUntilMs: elevated && identity !== null ? (who.loaded.session.elevated_until_ms ?? pr.nowMs + identity.settings.elevation_lifespan * 1000) : null,
      elevationUrl: deps.portal.identity !== null ? elevationUrl('settings') : null,
      removeAction: PORTAL_PATHS.factorRemoval,
      addLinks: [
        ...(!hasTotp && !deps.portal.totp.disabled && deps.portal.identity !== null ? [{ label: 'Set up one-time codes (authenticator app)', href: PORTAL_PATHS.totpEnrolment }] : []),
        ...(!deps.portal.webauthn.disabled && deps.portal.identity !== null ? [{ label: 'Register a security key or passkey', href: PORTAL_PATHS.webauthnRegistration }] : []),
      ],
      notice,
      error,
    }),
  );
}

async function remove(deps: PortalDeps, req: HttpRequest): Promise<HttpResponse> {
  const pr = await openPortalRequest(deps, req);
  const form = await req.form();
  checkCsrf(deps, pr, form);
  const who = signedIn(pr);
  if ('status' in who) return who;
  if (!sessionIsElevated(deps, who.loaded, pr.nowMs)) return redirectTo(pr, elevationUrl('settings'));
  const source = deps.portal.secondFactors.find((s) => s.method === form.get('method'));
  const removed = source !== undefined && (await source.remove(who.username, form.get('id') ?? ''));
  if (!removed) return settingsPage(deps, pr, who, 404, undefined, 'That second factor is not registered (any more).');
  deps.logger.info('second factor removed', { username: who.username, method: source.method, client_ip: req.clientIp });
  return redirectTo(pr, withQuery(PORTAL_PATHS.settings, { done: 'removed' }));
}

/** Who may elevate, and the identity verification and users backend that elevate them (both present). */
type Elevating = { who: SignedIn; address: string; identity: NonNullable<PortalDeps['portal']['identity']>; users: UsersBackend };

/** Who may elevate: signed in, a notifier configured, an address; and with require_second_factor, their second factor used first. */
async function mayElevate(deps: PortalDeps, pr: PortalRequest): Promise<Elevating | HttpResponse> {
  const who = signedIn(pr);
  if ('status' in who) return who;
  const identity = deps.portal.identity;
  if (identity === null) return errorPage('Not available', 'This portal cannot send e-mail (no notifier is configured), so second factors cannot be changed here. Ask an administrator.', 404);
  if (identity.settings.require_second_factor && who.loaded.session.level !== 'two_factor' && (await listFactors(deps.portal.secondFactors, who.username)).length > 0) {
    return redirectTo(pr, PORTAL_PATHS.secondFactor);
  }
  const { users } = deps;
  const user = await users?.lookup(who.username);
  const address = user?.emails[0];
  // Without a users backend there is no address either.
  if (!address || users === null) return errorPage('No e-mail address', 'Your account has no e-mail address to send a code to. Ask an administrator.', 409);
  return { who, address, identity, users };
}

function elevationPage(pr: PortalRequest, may: Elevating, next: NextPage, sent: boolean, status: number, error?: string): HttpResponse {
  return page(
    pr,
    status,
    renderElevation({
      csrfToken: pr.csrfToken,
      sendAction: PORTAL_PATHS.elevationSend,
      verifyAction: PORTAL_PATHS.elevation,
      maskedAddress: maskAddress(may.address),
      sent,
      codeLength: may.identity.settings.characters,
      hidden: { next },
      error,
    }),
  );
}

async function elevation(deps: PortalDeps, req: HttpRequest): Promise<HttpResponse> {
  const pr = await openPortalRequest(deps, req);
  const may = await mayElevate(deps, pr);
  if ('status' in may) return may;
  const next = nextOf(req.query);
  if (sessionIsElevated(deps, may.who.loaded, pr.nowMs)) return redirectTo(pr, NEXT_PAGES[next]);
  return elevationPage(pr, may, next, req.query.get('sent') === '1', 200);
}

/** The steps both elevation forms share: the request, its CSRF token, who may elevate, where to return. */
async function openElevationPost(deps: PortalDeps, req: HttpRequest): Promise<Elevating & { pr: PortalRequest; form: URLSearchParams; next: NextPage } | HttpResponse> {
  const pr = await openPortalRequest(deps, req);
  const form = await req.form();
  checkCsrf(deps, pr, form);
  const may = await mayElevate(deps, pr);
  if ('status' in may) return may;
  return { pr, form, ...may, next: nextOf(form) };
}

async function send(deps: PortalDeps, req: HttpRequest): Promise<HttpResponse> {
  const opened = await openElevationPost(deps, req);
  if ('status' in opened) return opened;
  const { pr, next } = opened;
  const may = opened;
  const user = await may.users.lookup(may.who.username);
  let outcome: Awaited<ReturnType<Elevating['identity']['sendCode']>>;
  try {
    outcome = await may.identity.sendCode(user!, pr.nowMs);
  } catch (error) {
    if (!(error instanceof NotifierError)) throw error;
    deps.logger.error('identity verification: the code could not be sent', { username: may.who.username, error: error.message });
    return elevationPage(pr, may, next, false, 503, 'The code could not be sent right now. Please try again later.');
  }
  if (outcome === 'rate_limited') return elevationPage(pr, may, next, false, 429, 'Several codes were sent already: use the latest one, or wait a few minutes.');
  deps.logger.info('identity verification: code sent', { username: may.who.username, client_ip: req.clientIp });
  return redirectTo(pr, withQuery(PORTAL_PATHS.elevation, { next, sent: '1' }));
}

async function verify(deps: PortalDeps, req: HttpRequest): Promise<HttpResponse> {
  const opened = await openElevationPost(deps, req);
  if ('status' in opened) return opened;
  const { pr, form, next } = opened;
  const may = opened;
  const { identity } = may;
  const outcome = await identity.checkCode({ username: may.who.username, code: form.get(PORTAL_FIELDS.code) ?? '', ip: req.clientIp, nowMs: pr.nowMs, request_uri: PORTAL_PATHS.elevation });
  if (outcome !== 'valid') {
    deps.logger.info('identity verification: code refused', { username: may.who.username, client_ip: req.clientIp, outcome });
    return elevationPage(pr, may, next, false, 401, 'That code is not valid: it may be mistyped, used already or expired. Ask for a new one.');
  }
  const { loaded } = may.who;
  await deps.portal.sessions.save(loaded.id, { ...loaded.session, elevated_until_ms: pr.nowMs + identity.settings.elevation_lifespan * 1000 }, pr.settings, pr.nowMs);
  deps.logger.info('identity verification: session elevated', { username: may.who.username, client_ip: req.clientIp });
  return redirectTo(pr, next === 'settings' ? withQuery(PORTAL_PATHS.settings, { done: 'elevated' }) : NEXT_PAGES[next]);
}
