/**
 * The two answers every sign-out shares (the portal's `/logout`, the end-session endpoint): end the
 * browser's session everywhere (src/oidc/logout/sign-out.ts) and clear its cookie; then the
 * signed-out page, with the front-channel frames and their CSP when there are any, or a redirect
 * straight on. And the question to ask first when a sign-out cannot be tied to the person.
 */
import { pageSecurityHeadersAllowing } from '../../http/headers.js';
import { html, type HttpResponse } from '../../http/response.js';
import { frameOrigins, type FrontChannelFrame } from '../../oidc/logout/index.js';
import { renderLogoutConfirmation, renderSignedOut, SIGNED_OUT_SCRIPT_HASH } from '../../portal/pages/index.js';
import { clearSessionSetCookie } from '../../authn/session/index.js';
import type { PortalDeps } from './deps.js';
import { page, redirectTo, type PortalRequest } from './portal-request.js';
import { PORTAL_PATHS } from './sign-in.js';

/** Ends the request's session (every session of its sid) and answers; `continueUrl` is already checked by the caller. */
export async function signOutAndAnswer(deps: PortalDeps, pr: PortalRequest, continueUrl: string | null): Promise<HttpResponse> {
  const loaded = pr.loaded;
  let frames: FrontChannelFrame[] = [];
  let clear = clearSessionSetCookie(pr.settings, pr.https);
  if (loaded) {
    if (loaded.session.sid !== undefined) {
      const ended = await deps.signOut.endSession(loaded.session.sid);
      frames = ended.frontChannel;
    }
    // Also the session itself: one stored before sessions had a sid ends here.
    clear = await deps.portal.sessions.destroy(loaded.id, pr.settings, pr.https);
    deps.logger.info('signed out', { username: loaded.session.username ?? undefined, sid: loaded.session.sid });
  }
  return signedOutAnswer(pr, frames, continueUrl, [clear]);
}

/** With frames: the page that loads them, then goes on. Without: a redirect, or the plain page. */
export function signedOutAnswer(pr: PortalRequest, frames: readonly FrontChannelFrame[], continueUrl: string | null, cookies: string[] = []): HttpResponse {
  if (frames.length === 0 && continueUrl !== null) return redirectTo(pr, continueUrl, cookies);
  const markup = renderSignedOut({ portalUrl: PORTAL_PATHS.home, frames, ...(continueUrl === null ? {} : { continueUrl }) });
  if (frames.length === 0) return page(pr, 200, markup, cookies);
  const headers = pageSecurityHeadersAllowing({ frameOrigins: frameOrigins(frames), scriptHashes: continueUrl === null ? [] : [SIGNED_OUT_SCRIPT_HASH] });
  return html(200, markup, { ...headers, 'Set-Cookie': [...pr.setCookies, ...cookies] });
}

/** "Sign out?", posting `hidden` back to `action` with the page's CSRF token. */
export function confirmationPage(pr: PortalRequest, action: string, hidden: Readonly<Record<string, string>>, asking: { clientName?: string | undefined; logoutHint?: string | undefined } = {}): HttpResponse {
  const markup = renderLogoutConfirmation({
    csrfToken: pr.csrfToken,
    action,
    username: pr.loaded?.session.username ?? '',
    clientName: asking.clientName,
    logoutHint: asking.logoutHint,
    hidden,
  });
  return page(pr, 200, markup);
}
