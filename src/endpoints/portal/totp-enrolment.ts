/**
 * GET/POST `/settings/totp`: enrol a TOTP authenticator. The secret is generated on GET and kept
 * in the (encrypted) session until one valid code proves the app has it; only then is it saved.
 * Replacing an existing authenticator requires a two_factor session.
 */
import type { AppContext } from '../../context.js';
import type { HttpRequest } from '../../http/request.js';
import type { HttpResponse } from '../../http/response.js';
import type { Route } from '../../http/router.js';
import { PORTAL_FIELDS, renderTotpEnrolment } from '../../portal/pages/index.js';
import { qrCodeSvg } from '../../portal/pages/qr-code.js';
import type { LoadedSession } from '../../authn/session/index.js';
import { generateTotpSecret, matchTotp, totpUri } from '../../authn/totp.js';
import { checkCsrf, errorPage, flowParams, openPortalRequest, page, redirectTo, withQuery, type PortalRequest } from './portal-request.js';
import { PORTAL_PATHS } from './sign-in.js';

const PENDING = 'totp_pending_secret';

export function totpEnrolmentRoutes(ctx: AppContext): Route[] {
  return [
    {
      name: 'portal_totp_enrolment',
      path: PORTAL_PATHS.totpEnrolment,
      errorStyle: 'page',
      methods: { GET: (req) => start(ctx, req), POST: (req) => confirm(ctx, req) },
    },
  ];
}

/** Who may enrol now: signed in; and if an authenticator exists already, at two_factor. */
async function mayEnrol(ctx: AppContext, pr: PortalRequest, flow: Record<string, string>): Promise<{ loaded: LoadedSession; username: string } | HttpResponse> {
  if (ctx.portal.totp.disabled) return errorPage('Not available', 'One-time passwords are disabled on this portal.', 404);
  const loaded = pr.loaded;
  const username = loaded?.session.username;
  if (!loaded || !username || loaded.session.level === 'none') return redirectTo(pr, withQuery(PORTAL_PATHS.home, flow));
  const existing = await ctx.storage.totp.get(username);
  if (existing && loaded.session.level !== 'two_factor') return redirectTo(pr, withQuery(PORTAL_PATHS.secondFactor, flow));
  return { loaded, username };
}

async function start(ctx: AppContext, req: HttpRequest): Promise<HttpResponse> {
  const pr = await openPortalRequest(ctx, req);
  const flow = flowParams(req.query);
  const who = await mayEnrol(ctx, pr, flow);
  if ('status' in who) return who;
  const secret = generateTotpSecret(ctx.portal.totp);
  const session = { ...who.loaded.session, flow: { ...who.loaded.session.flow, [PENDING]: secret.toString('base64url') } };
  await ctx.portal.sessions.save(who.loaded.id, session, pr.settings, pr.nowMs);
  return render(pr, ctx.portal.totp, who.username, secret, flow, 200);
}

type TotpPolicy = AppContext['portal']['totp'];

async function render(pr: PortalRequest, policy: TotpPolicy, username: string, secret: Buffer, flow: Record<string, string>, status: number, error?: string): Promise<HttpResponse> {
  const uri = totpUri(secret, username, policy);
  return page(
    pr,
    status,
    renderTotpEnrolment({
      csrfToken: pr.csrfToken,
      action: PORTAL_PATHS.totpEnrolment,
      username,
      otpauthUri: uri,
      qrSvg: await qrCodeSvg(uri),
      secretBase32: new URL(uri).searchParams.get('secret') ?? '',
      issuer: policy.issuer,
      hidden: flow,
      error,
    }),
  );
}

async function confirm(ctx: AppContext, req: HttpRequest): Promise<HttpResponse> {
  const pr = await openPortalRequest(ctx, req);
  const form = await req.form();
  checkCsrf(ctx, pr, form);
  const flow = flowParams(form);
  const who = await mayEnrol(ctx, pr, flow);
  if ('status' in who) return who;
  const pending = who.loaded.session.flow?.[PENDING];
  if (!pending) return redirectTo(pr, withQuery(PORTAL_PATHS.totpEnrolment, flow));
  const secret = Buffer.from(pending, 'base64url');
  const policy = ctx.portal.totp;
  const step = matchTotp((form.get(PORTAL_FIELDS.code) ?? '').trim(), secret, policy, pr.nowMs);
  if (step === null) return render(pr, policy, who.username, secret, flow, 400, 'That code does not match. Check the time on your device and try again.');

  await ctx.storage.totp.save({
    username: who.username,
    issuer: policy.issuer,
    algorithm: policy.algorithm,
    digits: policy.digits,
    period: policy.period,
    secret,
    created_at_ms: pr.nowMs,
  });
  // The code that confirmed enrolment cannot be used again to sign in.
  await ctx.storage.totp.markUsed(who.username, step, pr.nowMs);
  const { [PENDING]: _done, ...rest } = who.loaded.session.flow ?? {};
  await ctx.portal.sessions.save(who.loaded.id, { ...who.loaded.session, flow: rest }, pr.settings, pr.nowMs);
  ctx.logger.info('totp enrolled', { username: who.username });
  const next = who.loaded.session.level === 'two_factor' ? PORTAL_PATHS.home : PORTAL_PATHS.secondFactor;
  return redirectTo(pr, withQuery(next, flow));
}
