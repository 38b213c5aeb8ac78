/**
 * GET/POST `/login/2fa`: the second factor — a TOTP code (RFC 6238), or a security key (W3C
 * WebAuthn §7.2, POST `/login/2fa/webauthn`). The page offers the methods the person has and opens
 * on `?method=`, else the one they used last (remembered in storage), else TOTP. A code is accepted
 * once only (its time step is recorded), a key's signature counter must move forward, attempts are
 * regulated like the first factor, and success moves the session to two_factor under a new id.
 */
import type { HttpRequest } from '../../http/request.js';
import type { HttpResponse } from '../../http/response.js';
import type { Route } from '../../http/router.js';
import { PORTAL_FIELDS, renderSecondFactor } from '../../portal/pages/index.js';
import type { SecondFactorMethodName } from '../../portal/pages/second-factor.js';
import { beginAuthentication, finishAuthentication, secondFactorAmr, WebAuthnError } from '../../authn/webauthn/index.js';
import { withUniformTiming, type CheckResult } from '../../authn/regulation.js';
import { redirectAfterSignIn } from '../../authn/redirect.js';
import type { AmrValue, PortalSession } from '../../authn/session/index.js';
import { matchTotp } from '../../authn/totp.js';
import type { TotpConfiguration } from '../../storage/types.js';
import type { PortalDeps } from './deps.js';
import { checkCsrf, flowParams, openPortalRequest, page, redirectTo, withQuery, type PortalRequest } from './portal-request.js';
import { PORTAL_PATHS } from './sign-in.js';
import { ceremonyPage, excludedForSecondFactor, postedCredential, relyingParty, sessionBinding, WEBAUTHN_FAILURE, webauthnDeps } from './webauthn-ceremony.js';

const INVALID_CODE = 'The code is incorrect, or was already used. Wait for the next one and try again.';

export function secondFactorRoutes(deps: PortalDeps): Route[] {
  return [
    {
      name: 'portal_second_factor',
      path: PORTAL_PATHS.secondFactor,
      errorStyle: 'page',
      methods: { GET: (req) => show(deps, req), POST: (req) => verify(deps, req) },
    },
    {
      name: 'portal_second_factor_webauthn',
      path: PORTAL_PATHS.secondFactorWebAuthn,
      errorStyle: 'page',
      methods: { POST: (req) => verifyWebAuthn(deps, req) },
    },
  ];
}

/** The second factors this person has, in the order the page lists them. */
async function methodsOf(deps: PortalDeps, who: Who): Promise<{ totp: TotpConfiguration | null; methods: SecondFactorMethodName[] }> {
  const username = who.username;
  const totp = deps.portal.totp.disabled ? null : await deps.storage.totp.get(username);
  const excluded = excludedForSecondFactor(who.session);
  const keys = deps.portal.webauthn.disabled ? [] : (await deps.storage.webauthn.list(username)).filter((c) => !excluded.includes(c.credential_id));
  return { totp, methods: [...(totp ? (['totp'] as const) : []), ...(keys.length > 0 ? (['webauthn'] as const) : [])] };
}

/** `?method=` when the person has it, else the one they used last, else `default_2fa_method`, else the first they have (TOTP when none). */
async function chosenMethod(deps: PortalDeps, username: string, asked: string | null, methods: readonly SecondFactorMethodName[]): Promise<SecondFactorMethodName> {
  const has = (m: string | null): m is SecondFactorMethodName => m !== null && (methods as readonly string[]).includes(m);
  if (has(asked)) return asked;
  const preferred = await deps.storage.preferences.secondFactorMethod(username);
  if (has(preferred)) return preferred;
  if (has(deps.default2faMethod)) return deps.default2faMethod;
  return methods[0] ?? 'totp';
}

/** The signed-in (one factor at least) person, or a redirect to sign in. */
function signedIn(pr: PortalRequest, flow: Record<string, string>): { id: string; session: PortalSession; username: string } | HttpResponse {
  const loaded = pr.loaded;
  if (!loaded || !loaded.session.username || loaded.session.level === 'none') return redirectTo(pr, withQuery(PORTAL_PATHS.home, flow));
  return { id: loaded.id, session: loaded.session, username: loaded.session.username };
}

async function show(deps: PortalDeps, req: HttpRequest): Promise<HttpResponse> {
  const pr = await openPortalRequest(deps, req);
  const flow = flowParams(req.query);
  const who = signedIn(pr, flow);
  if ('status' in who) return who;
  return render(deps, pr, who, flow, req.query.get('method'), 200);
}

type Who = { id: string; session: PortalSession; username: string };

async function render(deps: PortalDeps, pr: PortalRequest, who: Who, flow: Record<string, string>, asked: string | null, status: number, error?: string): Promise<HttpResponse> {
  const { totp, methods } = await methodsOf(deps, who);
  const method = await chosenMethod(deps, who.username, asked, methods);
  const otherMethods = methods.filter((m) => m !== method).map((m) => ({ method: m, url: withQuery(PORTAL_PATHS.secondFactor, { ...flow, method: m }) }));
  const common = {
    csrfToken: pr.csrfToken,
    action: PORTAL_PATHS.secondFactor,
    username: who.username,
    hidden: flow,
    error,
    otherMethods,
    ...(totp || deps.portal.totp.disabled ? {} : { enrolUrl: withQuery(PORTAL_PATHS.totpEnrolment, flow) }),
  };
  if (method !== 'webauthn') return page(pr, status, renderSecondFactor({ ...common, method }));
  const options = await beginAuthentication(webauthnDeps(deps), { ceremony: 'second_factor', username: who.username, binding: sessionBinding(who.id), rp: relyingParty(pr), nowMs: pr.nowMs, excluded: excludedForSecondFactor(who.session) });
  return ceremonyPage(pr, status, renderSecondFactor({ ...common, method, webauthn: { action: PORTAL_PATHS.secondFactorWebAuthn, optionsJson: JSON.stringify(options) } }));
}

/** A second factor's POST: the portal request, its CSRF-checked form, the signed-in person. */
async function openSecondFactorPost(deps: PortalDeps, req: HttpRequest): Promise<{ pr: PortalRequest; form: URLSearchParams; flow: Record<string, string>; who: Who } | HttpResponse> {
  const pr = await openPortalRequest(deps, req);
  const form = await req.form();
  checkCsrf(deps, pr, form);
  const flow = flowParams(form);
  const who = signedIn(pr, flow);
  return 'status' in who ? who : { pr, form, flow, who };
}

async function verify(deps: PortalDeps, req: HttpRequest): Promise<HttpResponse> {
  const opened = await openSecondFactorPost(deps, req);
  if ('status' in opened) return opened;
  const { pr, form, flow, who } = opened;
  const totp = await deps.storage.totp.get(who.username);
  if (!totp || deps.portal.totp.disabled) return render(deps, pr, who, flow, 'totp', 400, 'No one-time password is set up for this account.');

  const code = (form.get(PORTAL_FIELDS.code) ?? '').trim();
  const outcome = await withUniformTiming(() => checkCode(deps, who.username, code, totp, req.clientIp, pr.nowMs), deps.portal.timing);
  deps.metrics.recordAuthentication('2fa', outcome);
  if (outcome !== 'success') return render(deps, pr, who, flow, 'totp', 401, INVALID_CODE);
  return secondFactorDone(deps, pr, who, flow, 'totp', [...new Set<AmrValue>([...who.session.amr, 'otp', 'mfa'])]);
}

/** POST `/login/2fa/webauthn`: the assertion of one of the person's own credentials, regulated like a code. */
async function verifyWebAuthn(deps: PortalDeps, req: HttpRequest): Promise<HttpResponse> {
  const opened = await openSecondFactorPost(deps, req);
  if ('status' in opened) return opened;
  const { pr, form, flow, who } = opened;
  if (deps.portal.webauthn.disabled) return render(deps, pr, who, flow, 'totp', 400, 'Security keys are disabled on this portal.');
  const response = postedCredential(form);
  if (response === null) return render(deps, pr, who, flow, 'webauthn', 400, WEBAUTHN_FAILURE.no_credential);

  const attempt = await deps.portal.regulator.attempt(
    { username: who.username, ip: req.clientIp, auth_type: '2fa', nowMs: pr.nowMs, request_uri: PORTAL_PATHS.secondFactorWebAuthn, request_method: 'POST' },
    async (): Promise<CheckResult<WebAuthnCheck>> => {
      try {
        const done = await finishAuthentication(webauthnDeps(deps), { ceremony: 'second_factor', username: who.username, binding: sessionBinding(who.id), rp: relyingParty(pr), response, nowMs: pr.nowMs, excluded: excludedForSecondFactor(who.session) });
        return { successful: true, value: { ok: true, userVerified: done.userVerified } };
      } catch (err) {
        if (!(err instanceof WebAuthnError)) throw err;
        return { successful: false, value: { ok: false, error: err } };
      }
    },
  );
  if (attempt.refused) {
    deps.metrics.recordAuthentication('2fa', 'banned');
    return render(deps, pr, who, flow, 'webauthn', 401, WEBAUTHN_FAILURE.verification_failed);
  }
  if (!attempt.value.ok) {
    const { error } = attempt.value;
    deps.metrics.recordAuthentication('2fa', error.code === 'counter_regression' ? 'replayed' : 'invalid_credentials');
    deps.logger.warn('webauthn second factor refused', { username: who.username, client_ip: req.clientIp, code: error.code, detail: error.message });
    return render(deps, pr, who, flow, 'webauthn', 401, WEBAUTHN_FAILURE[error.code]);
  }
  deps.metrics.recordAuthentication('2fa', 'success');
  return secondFactorDone(deps, pr, who, flow, 'webauthn', secondFactorAmr(who.session.amr, attempt.value.userVerified));
}

type WebAuthnCheck = { ok: true; userVerified: boolean } | { ok: false; error: WebAuthnError };

/** A second factor succeeded: two_factor under a new session id, the method remembered, on to `rd`. */
async function secondFactorDone(deps: PortalDeps, pr: PortalRequest, who: Who, flow: Record<string, string>, method: SecondFactorMethodName, amr: AmrValue[]): Promise<HttpResponse> {
  // OIDC Core §2 auth_time: the second factor completed this authentication, so its time is the session's.
  const session: PortalSession = { ...who.session, level: 'two_factor', auth_time_s: Math.floor(deps.clock.nowMs() / 1000), amr };
  const { setCookie } = await deps.portal.sessions.establish(who.id, session, pr.settings, pr.https, pr.nowMs);
  await deps.storage.preferences.setSecondFactorMethod(who.username, method);
  deps.logger.info('second factor succeeded', { username: who.username, client_ip: pr.req.clientIp, method });
  const target = redirectAfterSignIn(flow['rd'], pr.settings, deps.portal.cookies) ?? PORTAL_PATHS.home;
  return redirectTo(pr, target, [setCookie]);
}

/** The rules of one attempt: not banned, a matching code, a time step never used before. */
async function checkCode(
  deps: PortalDeps,
  username: string,
  code: string,
  totp: TotpConfiguration,
  ip: string,
  nowMs: number,
): Promise<'success' | 'invalid_credentials' | 'banned' | 'replayed'> {
  const attempt = await deps.portal.regulator.attempt(
    { username, ip, auth_type: '2fa', nowMs, request_uri: PORTAL_PATHS.secondFactor, request_method: 'POST' },
    async () => {
      const step = matchTotp(code, totp.secret, { algorithm: totp.algorithm, digits: totp.digits as 6 | 8, period: totp.period, skew: deps.portal.totp.skew }, nowMs);
      const outcome: 'success' | 'invalid_credentials' | 'replayed' = step === null ? 'invalid_credentials' : (await deps.storage.totp.markUsed(username, step, nowMs)) ? 'success' : 'replayed';
      return { successful: outcome === 'success', value: outcome };
    },
  );
  return attempt.refused ? 'banned' : attempt.value;
}
