/** POST `/logout`: destroys the session server-side and clears its cookie (CSRF-protected). */
import type { AppContext } from '../../context.js';
import type { HttpRequest } from '../../http/request.js';
import type { HttpResponse } from '../../http/response.js';
import type { Route } from '../../http/router.js';
import { renderSignedOut } from '../../portal/pages/index.js';
import { clearSessionSetCookie } from '../../authn/session/index.js';
import { checkCsrf, openPortalRequest, page } from './portal-request.js';
import { PORTAL_PATHS } from './sign-in.js';

export function logoutRoutes(ctx: AppContext): Route[] {
  return [{ name: 'portal_logout', path: PORTAL_PATHS.logout, errorStyle: 'page', methods: { POST: (req) => logout(ctx, req) } }];
}

async function logout(ctx: AppContext, req: HttpRequest): Promise<HttpResponse> {
  const pr = await openPortalRequest(ctx, req);
  checkCsrf(ctx, pr, await req.form());
  const clear = pr.loaded
    ? await ctx.portal.sessions.destroy(pr.loaded.id, pr.settings, pr.https)
    : clearSessionSetCookie(pr.settings, pr.https);
  if (pr.loaded) ctx.logger.info('signed out', { username: pr.loaded.session.username ?? undefined });
  return page(pr, 200, renderSignedOut({ portalUrl: PORTAL_PATHS.home }), [clear]);
}
