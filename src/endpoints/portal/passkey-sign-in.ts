/**
 * POST `/login/passkey`: passkey sign-in as a first factor (`webauthn.enable_passkey_login`), W3C
 * WebAuthn §7.2 with a discoverable credential: no username is asked, the authenticator says whose
 * key it is (the user handle must be the credential owner's), and user verification is required;
 * a ban regulation placed on the user or the IP refuses it too. The session is one_factor with amr
 * ['pop', 'hwk', 'user'] — or, with Authelia 4.39's `experimental_enable_passkey_uv_two_factors`,
 * two_factor with 'mfa' added (authn/webauthn/amr.ts).
 */
import type { HttpRequest } from '../../http/request.js';
import type { HttpResponse } from '../../http/response.js';
import type { Route } from '../../http/router.js';
import { finishAuthentication, passkeyOutcome, WebAuthnError } from '../../authn/webauthn/index.js';
import type { PortalSession } from '../../authn/session/index.js';
import { PORTAL_PATHS } from '../../util/paths.js';
import type { PortalDeps } from './deps.js';
import { checkCsrf, errorPage, flowParams, openPortalRequest } from './portal-request.js';
import { onwards, signInPage } from './sign-in.js';
import { browserBinding, PASSKEY_CREDENTIAL, postedCredential, relyingParty, WEBAUTHN_FAILURE, webauthnDeps } from './webauthn-ceremony.js';

export function passkeySignInRoutes(deps: PortalDeps): Route[] {
  return [{ name: 'portal_passkey_sign_in', path: PORTAL_PATHS.passkeySignIn, errorStyle: 'page', methods: { POST: (req) => passkeySignIn(deps, req) } }];
}

async function passkeySignIn(deps: PortalDeps, req: HttpRequest): Promise<HttpResponse> {
  const pr = await openPortalRequest(deps, req);
  const form = await req.form();
  checkCsrf(deps, pr, form);
  const flow = flowParams(form);
  if (!deps.portal.webauthn.passkeyLogin) return errorPage('Not available', 'Passkey sign-in is not enabled on this portal.', 404);
  const response = postedCredential(form);
  if (response === null) return signInPage(deps, pr, flow, 400, WEBAUTHN_FAILURE.no_credential);

  let done: Awaited<ReturnType<typeof finishAuthentication>>;
  try {
    done = await finishAuthentication(webauthnDeps(deps), { ceremony: 'passkey', username: null, binding: browserBinding(pr), rp: relyingParty(pr), response, nowMs: pr.nowMs });
  } catch (err) {
    if (!(err instanceof WebAuthnError)) throw err;
    deps.metrics.recordAuthentication('1fa', err.code === 'counter_regression' ? 'replayed' : 'invalid_credentials');
    deps.logger.warn('passkey sign-in refused', { client_ip: req.clientIp, code: err.code, detail: err.message });
    return signInPage(deps, pr, flow, 401, WEBAUTHN_FAILURE[err.code]);
  }
  // A ban regulation placed (on the user or the IP, per regulation.modes) holds for passkeys too.
  if ((await deps.portal.regulator.banned(done.username, req.clientIp, pr.nowMs)) !== null) {
    deps.metrics.recordAuthentication('1fa', 'banned');
    deps.logger.info('passkey sign-in refused: banned', { username: done.username, client_ip: req.clientIp });
    return signInPage(deps, pr, flow, 401, WEBAUTHN_FAILURE.verification_failed);
  }
  const user = (await deps.users?.lookup(done.username)) ?? null;
  if (user === null || user.disabled) {
    deps.metrics.recordAuthentication('1fa', 'invalid_credentials');
    deps.logger.warn('passkey sign-in refused: user unknown or disabled', { username: done.username, client_ip: req.clientIp });
    return signInPage(deps, pr, flow, 401, WEBAUTHN_FAILURE.unknown_credential);
  }
  deps.metrics.recordAuthentication('1fa', 'success');
  const { level, amr } = passkeyOutcome(done.userVerified, deps.portal.webauthn.passkeyUvTwoFactors);
  const session: PortalSession = {
    username: user.username,
    display_name: user.display_name,
    level,
    auth_time_s: Math.floor(deps.clock.nowMs() / 1000),
    amr,
    remember_me: false,
    // Which key was the first factor: the second factor must be another (second-factor.ts).
    flow: { [PASSKEY_CREDENTIAL]: done.credential.credential_id },
    created_at_ms: pr.nowMs,
    last_activity_at_ms: pr.nowMs,
  };
  const { setCookie } = await deps.portal.sessions.establish(pr.loaded?.id ?? null, session, pr.settings, pr.https, pr.nowMs);
  deps.logger.info('passkey sign-in succeeded', { username: user.username, client_ip: req.clientIp, level });
  return onwards(deps, pr, session, flow, [setCookie]);
}
