/**
 * GET/POST `/settings/totp`: enrol a TOTP authenticator. The secret is generated on GET and kept
 * in the (encrypted) session until one valid code proves the app has it; only then is it saved.
 * Every enrolment, the first included, needs an elevated session (identity verification: a code
 * sent by e-mail, settings.ts); replacing an existing authenticator also needs a two_factor
 * session. The algorithm, digits and period are the person's choice among `totp.allowed_*`.
 */
import type { HttpRequest } from '../../http/request.js';
import type { HttpResponse } from '../../http/response.js';
import type { Route } from '../../http/router.js';
import { PORTAL_FIELDS, renderTotpEnrolment } from '../../portal/pages/index.js';
import { qrCodeSvg } from '../../portal/pages/qr-code.js';
import type { LoadedSession } from '../../authn/session/index.js';
import { generateTotpSecret, matchTotp, totpUri } from '../../authn/totp.js';
import type { PortalDeps } from './deps.js';
import { checkCsrf, errorPage, flowParams, openPortalRequest, page, redirectTo, withQuery, type PortalRequest } from './portal-request.js';
import { PORTAL_PATHS } from '../../util/paths.js';
import { pageSecurityHeadersAllowing } from '../../http/headers.js';
import { COPY_SCRIPT_HASH } from '../../portal/pages/copy-script.js';
import { elevationUrl, sessionIsElevated } from './settings.js';

const PENDING = 'totp_pending_secret';
/** The parameters chosen for the pending secret: `SHA1:6:30`. */
const PENDING_PARAMETERS = 'totp_pending_parameters';

export function totpEnrolmentRoutes(deps: PortalDeps): Route[] {
  return [
    {
      name: 'portal_totp_enrolment',
      path: PORTAL_PATHS.totpEnrolment,
      errorStyle: 'page',
      methods: { GET: (req) => start(deps, req), POST: (req) => confirm(deps, req) },
    },
  ];
}

/** Who may enrol now: signed in, in an elevated session; and if an authenticator exists already, at two_factor. */
async function mayEnrol(deps: PortalDeps, pr: PortalRequest, flow: Record<string, string>): Promise<{ loaded: LoadedSession; username: string } | HttpResponse> {
  if (deps.portal.totp.disabled) return errorPage('Not available', 'One-time passwords are disabled on this portal.', 404);
  const loaded = pr.loaded;
  const username = loaded?.session.username;
  if (!loaded || !username || loaded.session.level === 'none') return redirectTo(pr, withQuery(PORTAL_PATHS.home, flow));
  const existing = await deps.storage.totp.get(username);
  if (existing && loaded.session.level !== 'two_factor') return redirectTo(pr, withQuery(PORTAL_PATHS.secondFactor, flow));
  // A password alone must never become a second factor: a code sent by e-mail first.
  if (!sessionIsElevated(deps, loaded, pr.nowMs)) return redirectTo(pr, elevationUrl('totp'));
  return { loaded, username };
}

async function start(deps: PortalDeps, req: HttpRequest): Promise<HttpResponse> {
  const pr = await openPortalRequest(deps, req);
  const flow = flowParams(req.query);
  const who = await mayEnrol(deps, pr, flow);
  if ('status' in who) return who;
  const secret = generateTotpSecret(deps.portal.totp);
  const chosen = chosenParameters(deps.portal.totp, req.query);
  const session = { ...who.loaded.session, flow: { ...who.loaded.session.flow, [PENDING]: secret.toString('base64url'), [PENDING_PARAMETERS]: formatParameters(chosen) } };
  await deps.portal.sessions.save(who.loaded.id, session, pr.settings, pr.nowMs);
  return render(pr, { ...deps.portal.totp, ...chosen }, who.username, secret, flow, 200);
}

type TotpPolicy = PortalDeps['portal']['totp'];
type TotpParameters = Pick<TotpPolicy, 'algorithm' | 'digits' | 'period'>;

/** The person's choice (query `algorithm`, `digits`, `period`) where `totp.allowed_*` allow it; else the defaults. */
function chosenParameters(policy: TotpPolicy, query: URLSearchParams): TotpParameters {
  const algorithm = policy.allowed_algorithms.find((a) => a === query.get('algorithm')) ?? policy.algorithm;
  const digits = policy.allowed_digits.find((d) => String(d) === query.get('digits')) ?? policy.digits;
  const period = policy.allowed_periods.find((p) => String(p) === query.get('period')) ?? policy.period;
  return { algorithm, digits, period };
}

const formatParameters = (p: TotpParameters): string => `${p.algorithm}:${p.digits}:${p.period}`;

/** The pending parameters, checked again against the policy (a session written by an older configuration). */
function parsePending(policy: TotpPolicy, value: string | undefined): TotpParameters {
  const [algorithm, digits, period] = (value ?? '').split(':');
  return chosenParameters(policy, new URLSearchParams({ algorithm: algorithm ?? '', digits: digits ?? '', period: period ?? '' }));
}

async function render(pr: PortalRequest, policy: TotpPolicy, username: string, secret: Buffer, flow: Record<string, string>, status: number, error?: string): Promise<HttpResponse> {
  const uri = totpUri(secret, username, policy);
  const answer = page(
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
      choices: {
        algorithms: policy.allowed_algorithms,
        digits: policy.allowed_digits,
        periods: policy.allowed_periods,
        chosen: { algorithm: policy.algorithm, digits: policy.digits, period: policy.period },
      },
    }),
  );
  // The page's one script, the copy button's, allowed by its hash (src/portal/pages/copy-script.ts).
  return { ...answer, headers: { ...answer.headers, ...pageSecurityHeadersAllowing({ scriptHashes: [COPY_SCRIPT_HASH] }) } };
}

async function confirm(deps: PortalDeps, req: HttpRequest): Promise<HttpResponse> {
  const pr = await openPortalRequest(deps, req);
  const form = await req.form();
  checkCsrf(deps, pr, form);
  const flow = flowParams(form);
  const who = await mayEnrol(deps, pr, flow);
  if ('status' in who) return who;
  const pending = who.loaded.session.flow?.[PENDING];
  if (!pending) return redirectTo(pr, withQuery(PORTAL_PATHS.totpEnrolment, flow));
  const secret = Buffer.from(pending, 'base64url');
  const policy = { ...deps.portal.totp, ...parsePending(deps.portal.totp, who.loaded.session.flow?.[PENDING_PARAMETERS]) };
  const step = matchTotp((form.get(PORTAL_FIELDS.code) ?? '').trim(), secret, policy, pr.nowMs);
  if (step === null) return render(pr, policy, who.username, secret, flow, 400, 'That code does not match. Check the time on your device and try again.');

  await deps.storage.totp.save({
    username: who.username,
    issuer: policy.issuer,
    algorithm: policy.algorithm,
    digits: policy.digits,
    period: policy.period,
    secret,
    created_at_ms: pr.nowMs,
  });
  // The code that confirmed enrolment cannot be used again to sign in.
  await deps.storage.totp.markUsed(who.username, step, pr.nowMs);
  const { [PENDING]: _done, [PENDING_PARAMETERS]: _chosen, ...rest } = who.loaded.session.flow ?? {};
  await deps.portal.sessions.save(who.loaded.id, { ...who.loaded.session, flow: rest }, pr.settings, pr.nowMs);
  deps.logger.info('totp enrolled', { username: who.username });
  const next = who.loaded.session.level === 'two_factor' ? PORTAL_PATHS.home : PORTAL_PATHS.secondFactor;
  return redirectTo(pr, withQuery(next, flow));
}
