/**
 * GET/POST `/login/2fa`: the TOTP second factor (RFC 6238). A code is accepted once only (its time
 * step is recorded), attempts are regulated like the first factor, and success moves the session
 * to two_factor under a new id.
 */
import type { AppContext } from '../../context.js';
import type { HttpRequest } from '../../http/request.js';
import type { HttpResponse } from '../../http/response.js';
import type { Route } from '../../http/router.js';
import { PORTAL_FIELDS, renderSecondFactor } from '../../portal/pages/index.js';
import { withUniformTiming } from '../../authn/regulation.js';
import { redirectAfterSignIn } from '../../authn/redirect.js';
import type { PortalSession } from '../../authn/session/index.js';
import { matchTotp } from '../../authn/totp.js';
import type { TotpConfiguration } from '../../storage/types.js';
import { checkCsrf, flowParams, openPortalRequest, page, redirectTo, withQuery, type PortalRequest } from './portal-request.js';
import { PORTAL_PATHS } from './sign-in.js';

const INVALID_CODE = 'The code is incorrect, or was already used. Wait for the next one and try again.';

export function secondFactorRoutes(ctx: AppContext): Route[] {
  return [
    {
      name: 'portal_second_factor',
      path: PORTAL_PATHS.secondFactor,
      errorStyle: 'page',
      methods: { GET: (req) => show(ctx, req), POST: (req) => verify(ctx, req) },
    },
  ];
}

/** The signed-in (one factor at least) person, or a redirect to sign in. */
function signedIn(pr: PortalRequest, flow: Record<string, string>): { id: string; session: PortalSession; username: string } | HttpResponse {
  const loaded = pr.loaded;
  if (!loaded || !loaded.session.username || loaded.session.level === 'none') return redirectTo(pr, withQuery(PORTAL_PATHS.home, flow));
  return { id: loaded.id, session: loaded.session, username: loaded.session.username };
}

async function show(ctx: AppContext, req: HttpRequest): Promise<HttpResponse> {
  const pr = await openPortalRequest(ctx, req);
  const flow = flowParams(req.query);
  const who = signedIn(pr, flow);
  if ('status' in who) return who;
  const totp = await ctx.storage.totp.get(who.username);
  return render(pr, who.username, flow, totp, 200);
}

function render(pr: PortalRequest, username: string, flow: Record<string, string>, totp: TotpConfiguration | null, status: number, error?: string): HttpResponse {
  return page(
    pr,
    status,
    renderSecondFactor({
      csrfToken: pr.csrfToken,
      action: PORTAL_PATHS.secondFactor,
      username,
      hidden: flow,
      error,
      ...(totp ? {} : { enrolUrl: withQuery(PORTAL_PATHS.totpEnrolment, flow) }),
    }),
  );
}

async function verify(ctx: AppContext, req: HttpRequest): Promise<HttpResponse> {
  const pr = await openPortalRequest(ctx, req);
  const form = await req.form();
  checkCsrf(ctx, pr, form);
  const flow = flowParams(form);
  const who = signedIn(pr, flow);
  if ('status' in who) return who;
  const totp = await ctx.storage.totp.get(who.username);
  if (!totp || ctx.portal.totp.disabled) return render(pr, who.username, flow, totp, 400, 'No one-time password is set up for this account.');

  const code = (form.get(PORTAL_FIELDS.code) ?? '').trim();
  const outcome = await withUniformTiming(() => checkCode(ctx, who.username, code, totp, req.clientIp, pr.nowMs), ctx.portal.timing);
  ctx.metrics.recordAuthentication('2fa', outcome);
  if (outcome !== 'success') return render(pr, who.username, flow, totp, 401, INVALID_CODE);

  // OIDC Core §2 auth_time: the second factor completed this authentication, so its time is the session's.
  const session: PortalSession = { ...who.session, level: 'two_factor', auth_time_s: Math.floor(ctx.clock.nowMs() / 1000), amr: ['pwd', 'otp', 'mfa'] };
  const { setCookie } = await ctx.portal.sessions.establish(who.id, session, pr.settings, pr.https, pr.nowMs);
  ctx.logger.info('second factor succeeded', { username: who.username, client_ip: req.clientIp });
  const target = redirectAfterSignIn(flow['rd'], pr.settings, ctx.portal.cookies) ?? PORTAL_PATHS.home;
  return redirectTo(pr, target, [setCookie]);
}

/** The rules of one attempt: not banned, a matching code, a time step never used before. */
async function checkCode(
  ctx: AppContext,
  username: string,
  code: string,
  totp: TotpConfiguration,
  ip: string,
  nowMs: number,
): Promise<'success' | 'invalid_credentials' | 'banned' | 'replayed'> {
  const attempt = await ctx.portal.regulator.attempt(
    { username, ip, auth_type: '2fa', nowMs, request_uri: PORTAL_PATHS.secondFactor, request_method: 'POST' },
    async () => {
      const step = matchTotp(code, totp.secret, { algorithm: totp.algorithm, digits: totp.digits as 6 | 8, period: totp.period, skew: ctx.portal.totp.skew }, nowMs);
      const outcome: 'success' | 'invalid_credentials' | 'replayed' = step === null ? 'invalid_credentials' : (await ctx.storage.totp.markUsed(username, step, nowMs)) ? 'success' : 'replayed';
      return { successful: outcome === 'success', value: outcome };
    },
  );
  return attempt.refused ? 'banned' : attempt.value;
}
