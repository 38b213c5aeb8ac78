/**
 * `/logout`: the portal's sign-out. POST (the portal's own sign-out form, CSRF-protected) ends the
 * session at once; GET (a "sign out" link of an application behind the proxy) ends it at once when
 * the browser says the link was followed from this site or its subdomains (`Sec-Fetch-Site`), and
 * asks first when it came from another site, so no other site can sign anyone out. Either way the
 * session ends everywhere (every protected host of the cookie domain, every relying party), and
 * the browser goes on to `rd` only when src/authn/redirect.ts accepts it, as after a sign-in.
 */
import type { HttpRequest } from '../../http/request.js';
import type { HttpResponse } from '../../http/response.js';
import type { Route } from '../../http/router.js';
import { safeRedirectTarget } from '../../authn/redirect.js';
import { LOGOUT_CHOICE_FIELD } from '../../portal/pages/index.js';
import type { PortalDeps } from './deps.js';
import { checkCsrf, openPortalRequest, redirectTo, type PortalRequest } from './portal-request.js';
import { confirmationPage, signedOutAnswer, signOutAndAnswer } from './sign-out.js';
import { PORTAL_PATHS } from './sign-in.js';

export function logoutRoutes(deps: PortalDeps): Route[] {
  return [{ name: 'portal_logout', path: PORTAL_PATHS.logout, errorStyle: 'page', methods: { GET: (req) => linked(deps, req), POST: (req) => posted(deps, req) } }];
}

/** Fetch Metadata (W3C): a navigation from another site, or one the browser does not describe as ours. */
const SAME_SITE_VALUES: ReadonlySet<string> = new Set(['same-origin', 'same-site', 'none']);

function target(deps: PortalDeps, pr: PortalRequest, params: URLSearchParams): string | null {
  return safeRedirectTarget(params.get('rd') ?? undefined, pr.settings, deps.portal.cookies);
}

async function linked(deps: PortalDeps, req: HttpRequest): Promise<HttpResponse> {
  const pr = await openPortalRequest(deps, req);
  const next = target(deps, pr, req.query);
  if (!signedIn(pr)) return signedOutAnswer(pr, [], next);
  const site = req.header('sec-fetch-site');
  // Browsers that send no Fetch Metadata are asked too: without it a cross-site link looks like ours.
  if (site === undefined || !SAME_SITE_VALUES.has(site)) return confirmationPage(pr, PORTAL_PATHS.logout, next === null ? {} : { rd: next });
  return signOutAndAnswer(deps, pr, next);
}

async function posted(deps: PortalDeps, req: HttpRequest): Promise<HttpResponse> {
  const pr = await openPortalRequest(deps, req);
  const form = await req.form();
  checkCsrf(deps, pr, form);
  const next = target(deps, pr, form);
  if (form.get(LOGOUT_CHOICE_FIELD) === 'stay') return redirectTo(pr, next ?? PORTAL_PATHS.home);
  return signOutAndAnswer(deps, pr, next);
}

function signedIn(pr: PortalRequest): boolean {
  return pr.loaded !== null && pr.loaded.session.level !== 'none' && pr.loaded.session.username !== null;
}
