/**
 * GET/POST `/settings/webauthn`: register a security key or passkey (W3C WebAuthn §7.1). GET lists
 * the person's credentials and carries fresh creation options (the challenge single-use, bound to
 * this session, expiring after `webauthn.timeout`); POST verifies the attestation and stores the
 * credential under the name given. Registering a factor needs an elevated session: see
 * `elevationRequired`, the one place that decides it.
 */
import type { HttpRequest } from '../../http/request.js';
import type { HttpResponse } from '../../http/response.js';
import type { Route } from '../../http/router.js';
import { beginRegistration, finishRegistration, listWebAuthnCredentials, WebAuthnError } from '../../authn/webauthn/index.js';
import type { LoadedSession } from '../../authn/session/index.js';
import { renderWebAuthnRegistration, WEBAUTHN_DESCRIPTION_FIELD } from '../../portal/pages/webauthn-registration.js';
import { PORTAL_PATHS } from '../../util/paths.js';
import type { PortalDeps } from './deps.js';
import { checkCsrf, errorPage, flowParams, openPortalRequest, redirectTo, withQuery, type PortalRequest } from './portal-request.js';
import { elevationUrl, sessionIsElevated } from './settings.js';
import { listFactors } from '../../authn/second-factors.js';
import { ceremonyPage, postedCredential, relyingParty, sessionBinding, WEBAUTHN_FAILURE, webauthnDeps } from './webauthn-ceremony.js';

const REGISTERED = 'registered';

export function webauthnRegistrationRoutes(deps: PortalDeps): Route[] {
  return [
    {
      name: 'portal_webauthn_registration',
      path: PORTAL_PATHS.webauthnRegistration,
      errorStyle: 'page',
      methods: { GET: (req) => show(deps, req), POST: (req) => register(deps, req) },
    },
  ];
}

interface Registrant {
  loaded: LoadedSession;
  username: string;
}

/**
 * THE elevation hook: who may register a key now. Signed in; if they have a second factor already,
 * they must have used it (two_factor); and the session must be elevated (identity verification: a
 * code sent by the notifier, `requireElevatedSession`'s rule in settings.ts), so a password alone
 * never becomes a second factor. Answers where to send the person, or null when they may go on.
 */
async function elevationRequired(deps: PortalDeps, pr: PortalRequest, loaded: LoadedSession, username: string, flow: Record<string, string>): Promise<HttpResponse | null> {
  const hasFactor = (await listFactors(deps.portal.secondFactors, username)).length > 0;
  if (hasFactor && loaded.session.level !== 'two_factor') return redirectTo(pr, withQuery(PORTAL_PATHS.secondFactor, flow));
  if (!sessionIsElevated(deps, loaded, pr.nowMs)) return redirectTo(pr, elevationUrl('webauthn'));
  return null;
}

async function mayRegister(deps: PortalDeps, pr: PortalRequest, flow: Record<string, string>): Promise<Registrant | HttpResponse> {
  if (deps.portal.webauthn.disabled) return errorPage('Not available', 'Security keys are disabled on this portal.', 404);
  const loaded = pr.loaded;
  const username = loaded?.session.username;
  if (!loaded || !username || loaded.session.level === 'none') return redirectTo(pr, withQuery(PORTAL_PATHS.home, flow));
  return (await elevationRequired(deps, pr, loaded, username, flow)) ?? { loaded, username };
}

async function show(deps: PortalDeps, req: HttpRequest): Promise<HttpResponse> {
  const pr = await openPortalRequest(deps, req);
  const flow = flowParams(req.query);
  const who = await mayRegister(deps, pr, flow);
  if ('status' in who) return who;
  return render(deps, pr, who, flow, 200, undefined, req.query.get(REGISTERED) === '1' ? 'Your security key is registered.' : undefined);
}

async function render(deps: PortalDeps, pr: PortalRequest, who: Registrant, flow: Record<string, string>, status: number, error?: string, notice?: string): Promise<HttpResponse> {
  const options = await beginRegistration(webauthnDeps(deps), {
    username: who.username,
    displayName: who.loaded.session.display_name ?? who.username,
    binding: sessionBinding(who.loaded.id),
    rp: relyingParty(pr),
    nowMs: pr.nowMs,
  });
  const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
  const credentials = (await listWebAuthnCredentials(deps.storage.webauthn, who.username)).map((c) => ({
    description: c.description,
    created: day(c.created_at_ms),
    lastUsed: c.last_used_at_ms === null ? null : day(c.last_used_at_ms),
    passkey: c.discoverable,
  }));
  return ceremonyPage(
    pr,
    status,
    renderWebAuthnRegistration({
      csrfToken: pr.csrfToken,
      action: PORTAL_PATHS.webauthnRegistration,
      username: who.username,
      optionsJson: JSON.stringify(options),
      credentials,
      hidden: flow,
      error,
      notice,
      doneUrl: flow['rd'] ? withQuery(PORTAL_PATHS.home, flow) : PORTAL_PATHS.home,
    }),
  );
}

async function register(deps: PortalDeps, req: HttpRequest): Promise<HttpResponse> {
  const pr = await openPortalRequest(deps, req);
  const form = await req.form();
  checkCsrf(deps, pr, form);
  const flow = flowParams(form);
  const who = await mayRegister(deps, pr, flow);
  if ('status' in who) return who;
  const description = (form.get(WEBAUTHN_DESCRIPTION_FIELD) ?? '').trim();
  if (description === '' || description.length > 64) return render(deps, pr, who, flow, 400, 'Give the security key a name of 1 to 64 characters.');
  const response = postedCredential(form);
  if (response === null) return render(deps, pr, who, flow, 400, WEBAUTHN_FAILURE.no_credential);
  try {
    const credential = await finishRegistration(webauthnDeps(deps), { username: who.username, binding: sessionBinding(who.loaded.id), rp: relyingParty(pr), response, description, nowMs: pr.nowMs });
    deps.logger.info('webauthn credential registered', { username: who.username, description, discoverable: credential.discoverable, aaguid: credential.aaguid });
  } catch (err) {
    if (!(err instanceof WebAuthnError)) throw err;
    deps.logger.info('webauthn registration refused', { username: who.username, code: err.code, detail: err.message });
    return render(deps, pr, who, flow, 400, WEBAUTHN_FAILURE[err.code]);
  }
  // A first factor registered in a one_factor session is used at once, as a TOTP enrolment is.
  if (who.loaded.session.level !== 'two_factor') return redirectTo(pr, withQuery(PORTAL_PATHS.secondFactor, { ...flow, method: 'webauthn' }));
  return redirectTo(pr, withQuery(PORTAL_PATHS.webauthnRegistration, { ...flow, [REGISTERED]: '1' }));
}
