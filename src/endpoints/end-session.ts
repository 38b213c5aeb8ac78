/**
 * The end-session endpoint (OIDC RP-Initiated Logout 1.0 §2), GET and POST, as a named pipeline:
 * check the request (id_token_hint, client_id, post_logout_redirect_uri, state, …) → decide against
 * the browser's session → sign out at once when the hint's sid is this session's, else ask the
 * person (a CSRF-protected form posting the request back) → the signed-out answer: front-channel
 * frames, then the registered post_logout_redirect_uri with `state` (§3), or the signed-out page.
 * A request that fails its checks is answered with a page, never redirected (§3: only a registered
 * URI of a client the request proves is followed).
 */
import type { AppContext } from '../context.js';
import type { Logger } from '../observability/log.js';
import type { HttpRequest } from '../http/request.js';
import type { HttpResponse } from '../http/response.js';
import type { Route } from '../http/router.js';
import { CSRF_FIELD_NAME } from '../authn/csrf.js';
import { OAuthError } from '../oauth/errors.js';
import {
  checkEndSessionRequest,
  createIdTokenHintVerifier,
  decideLogout,
  postLogoutRedirectUrl,
  type EndSessionRequest,
} from '../oidc/logout/index.js';
import { OIDC_PATHS } from '../util/paths.js';
import { LOGOUT_CHOICE_FIELD, type LogoutChoice } from '../portal/pages/index.js';
import { portalDepsFrom, type PortalDeps } from './portal/deps.js';
import { checkCsrf, errorPage, openPortalRequest, redirectTo, type PortalRequest } from './portal/portal-request.js';
import { confirmationPage, signedOutAnswer, signOutAndAnswer } from './portal/sign-out.js';
import { PORTAL_PATHS } from './portal/sign-in.js';

/** What the endpoint needs, built once: the request's checks, the portal's slice (session, CSRF, sign-out), the logger. */
interface EndSessionDeps {
  request: Parameters<typeof checkEndSessionRequest>[1];
  portal: PortalDeps;
  logger: Logger;
}

export function endSessionRoutes(ctx: AppContext): Route[] {
  if (!ctx.oidc) return [];
  const { issuer, keys, services } = ctx.oidc;
  const deps: EndSessionDeps = {
    request: { clients: services.clients, verifyHint: createIdTokenHintVerifier({ issuer, keys, clients: services.clients }) },
    portal: portalDepsFrom(ctx),
    logger: ctx.logger,
  };
  const handler = (req: HttpRequest): Promise<HttpResponse> => endSession(deps, req);
  return [{ name: 'oidc_end_session', path: OIDC_PATHS.end_session, errorStyle: 'page', methods: { GET: handler, POST: handler } }];
}

async function endSession(deps: EndSessionDeps, req: HttpRequest): Promise<HttpResponse> {
  const params = req.method === 'POST' ? await req.form() : req.query;
  // 1. The person's answer to "Sign out?" comes back with the request it was asked for.
  const choice = req.method === 'POST' ? (params.get(LOGOUT_CHOICE_FIELD) as LogoutChoice | null) : null;
  if (choice !== null) params.delete(LOGOUT_CHOICE_FIELD);
  const pr = await openPortalRequest(deps.portal, req);
  if (choice !== null) checkCsrf(deps.portal, pr, params);
  // 2. RP-Initiated Logout 1.0 §2, §3.
  let request: EndSessionRequest;
  try {
    request = await checkEndSessionRequest(withoutFormState(params), deps.request);
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    deps.logger.info('end-session request refused', { client_id: params.get('client_id') ?? undefined, error: err.error, reason: err.description, cause: err.cause instanceof Error ? String(err.cause) : err.cause === undefined ? '' : JSON.stringify(err.cause) });
    return errorPage('Sign-out failed', `${err.description} (${err.error})`, 400);
  }
  const continueUrl = postLogoutRedirectUrl(request);
  // 3. Answered, asked, or tied to this session.
  if (choice === 'stay') return redirectTo(pr, continueUrl ?? PORTAL_PATHS.home);
  if (choice === 'sign_out') return signOutAndAnswer(deps.portal, pr, continueUrl);
  const current = signedInSession(pr);
  switch (decideLogout(request, current)) {
    case 'signed_out':
      return signedOutAnswer(pr, [], continueUrl);
    case 'sign_out':
      return signOutAndAnswer(deps.portal, pr, continueUrl);
    case 'confirm':
      return confirmationPage(pr, OIDC_PATHS.end_session, request.params, { clientName: request.client?.config.client_name, logoutHint: request.logout_hint });
  }
}

/** The session that can be signed out: a person's, not an anonymous one carrying flow state. */
function signedInSession(pr: PortalRequest): { sid?: string | undefined } | null {
  const session = pr.loaded?.session;
  return session && session.level !== 'none' && session.username !== null ? { sid: session.sid } : null;
}

/** The confirmation form's own fields (the CSRF token) are not parameters of the request. */
function withoutFormState(params: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams(params);
  out.delete(CSRF_FIELD_NAME);
  return out;
}
