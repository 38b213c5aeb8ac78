/**
 * "Forgot password" (Authelia's reset password): GET/POST `/reset-password` sends a single-use link
 * by the notifier (the same answer whether or not the account exists, within the same time);
 * GET/POST `/reset-password/confirm?token=…` checks the link, the new password against
 * `password_policy`, writes it through the users backend (the users file with the configured
 * hash, or LDAP), and signs the user out everywhere (as `gatehouse sessions revoke --user` does);
 * unused links die with the old password.
 */
import type { HttpRequest } from '../../http/request.js';
import type { HttpResponse } from '../../http/response.js';
import type { Handler, Route } from '../../http/router.js';
import { passwordProblems, type PasswordPolicy } from '../../authn/password-policy.js';
import { resetPasswordMessage } from '../../authn/password-reset.js';
import { withUniformTiming } from '../../authn/regulation.js';
import { NotifierError, type Notifier } from '../../notifier/index.js';
import { PORTAL_FIELDS, renderError, renderNewPassword, renderResetRequest } from '../../portal/pages/index.js';
import { PORTAL_PATHS } from '../../util/paths.js';
import type { UsersBackend } from '../../users/index.js';
import type { PortalDeps } from './deps.js';
import { checkCsrf, errorPage, openPortalRequest, page, withQuery, type PortalRequest } from './portal-request.js';

type PasswordReset = NonNullable<PortalDeps['portal']['passwordReset']>;
type PasswordChangingUsers = UsersBackend & Required<Pick<UsersBackend, 'changePassword'>>;

/** The reset pages' slice: the portal's, with the reset, the notifier and a users backend that changes passwords, all present. */
type ResetDeps = PortalDeps & { reset: PasswordReset; notifier: Notifier; users: PasswordChangingUsers };

/**
 * The portal offers a reset only with a notifier and a users backend that can change passwords
 * (authn/services.ts): narrowed here once, so the pages need no assertion; else every page says
 * it is not offered.
 */
function resetDepsOf(deps: PortalDeps): ResetDeps | null {
  const { notifier, users } = deps;
  const reset = deps.portal.passwordReset;
  if (!reset || !notifier || !users || !changesPasswords(users)) return null;
  return { ...deps, reset, notifier, users };
}

function changesPasswords(users: UsersBackend): users is PasswordChangingUsers {
  return users.changePassword !== undefined;
}

export function passwordResetRoutes(portal: PortalDeps): Route[] {
  const deps = resetDepsOf(portal);
  const offered = (handler: (slice: ResetDeps, req: HttpRequest) => Promise<HttpResponse>): Handler => (deps === null ? notOffered : (req) => handler(deps, req));
  return [
    { name: 'portal_reset_password', path: PORTAL_PATHS.resetPassword, errorStyle: 'page', methods: { GET: offered(request), POST: offered(send) } },
    { name: 'portal_reset_password_confirm', path: PORTAL_PATHS.resetPasswordConfirm, errorStyle: 'page', methods: { GET: offered(choose), POST: offered(change) } },
  ];
}

const notOffered = (): HttpResponse => errorPage('Not available', 'This portal does not offer a password reset. Ask an administrator.', 404);
const INVALID_LINK = 'This link is not valid: it may have been used already, or expired. Ask for a new one.';

/** The policy in words, shown above the form. */
function policyRules(policy: PasswordPolicy): string[] {
  const s = policy.standard;
  if (!s.enabled) return policy.zxcvbn.enabled ? ['Choose a password that is hard to guess: several unusual words work well.'] : [];
  const classes = [s.require_uppercase && 'an upper-case letter', s.require_lowercase && 'a lower-case letter', s.require_number && 'a number', s.require_special && 'a special character'].filter((c): c is string => typeof c === 'string');
  return [`At least ${s.min_length} characters${s.max_length > 0 ? ` and at most ${s.max_length}` : ''}.`, ...(classes.length > 0 ? [`It must contain ${classes.join(', ')}.`] : [])];
}

function requestPage(pr: PortalRequest, status: number, sent: boolean, error?: string): HttpResponse {
  return page(pr, status, renderResetRequest({ csrfToken: pr.csrfToken, action: PORTAL_PATHS.resetPassword, sent, error }));
}

async function request(deps: ResetDeps, req: HttpRequest): Promise<HttpResponse> {
  return requestPage(await openPortalRequest(deps, req), 200, false);
}

async function send(deps: ResetDeps, req: HttpRequest): Promise<HttpResponse> {
  const pr = await openPortalRequest(deps, req);
  const form = await req.form();
  checkCsrf(deps, pr, form);
  const username = (form.get(PORTAL_FIELDS.username) ?? '').trim();
  // The same answer, in the same time, whether the account exists or not (no enumeration).
  await withUniformTiming(() => sendLink(deps, pr, username, req.clientIp), deps.portal.timing);
  return requestPage(pr, 200, true);
}

async function sendLink(deps: ResetDeps, pr: PortalRequest, username: string, ip: string): Promise<void> {
  const { reset } = deps;
  const user = username === '' ? null : await deps.users.lookup(username);
  const address = user?.emails[0];
  if (!user || user.disabled || !address) {
    deps.logger.info('password reset asked for an unknown, disabled or address-less user', { username, client_ip: ip });
    return;
  }
  // At most 3 links per lifespan, as for identity verification codes.
  if ((await deps.storage.oneTimeCodes.countSince(user.username, 'reset_password', pr.nowMs - reset.lifespan_s * 1000)) >= 3) {
    deps.logger.info('password reset: too many links asked for', { username, client_ip: ip });
    return;
  }
  const token = await reset.resets.issue(user, pr.nowMs);
  const link = `${pr.settings.authelia_url.replace(/\/$/, '')}${withQuery(PORTAL_PATHS.resetPasswordConfirm, { token })}`;
  try {
    await deps.notifier.send({ to: { address, name: user.display_name }, ...resetPasswordMessage(user, link, reset.lifespan_s) });
    deps.logger.info('password reset link sent', { username, client_ip: ip });
  } catch (error) {
    if (!(error instanceof NotifierError)) throw error;
    deps.logger.error('password reset: the link could not be sent', { username, error: error.message });
  }
}

function newPasswordPage(pr: PortalRequest, reset: PasswordReset, token: string, username: string, status: number, problems?: readonly string[]): HttpResponse {
  return page(pr, status, renderNewPassword({ csrfToken: pr.csrfToken, action: PORTAL_PATHS.resetPasswordConfirm, token, username, rules: policyRules(reset.policy), problems }));
}

async function choose(deps: ResetDeps, req: HttpRequest): Promise<HttpResponse> {
  const { reset } = deps;
  const pr = await openPortalRequest(deps, req);
  const token = req.query.get('token') ?? '';
  const username = await reset.resets.check(token, pr.nowMs);
  if (username === null) return errorPage('Link not valid', INVALID_LINK, 400);
  return newPasswordPage(pr, reset, token, username, 200);
}

async function change(deps: ResetDeps, req: HttpRequest): Promise<HttpResponse> {
  const { reset } = deps;
  const pr = await openPortalRequest(deps, req);
  const form = await req.form();
  checkCsrf(deps, pr, form);
  const token = form.get('token') ?? '';
  const username = await reset.resets.check(token, pr.nowMs);
  if (username === null) return errorPage('Link not valid', INVALID_LINK, 400);
  const password = form.get(PORTAL_FIELDS.password) ?? '';
  const user = await deps.users.lookup(username);
  const problems = password !== (form.get('password_repeat') ?? '') ? ['The two passwords are not the same.'] : await passwordProblems(password, reset.policy, user ? [user.username, user.display_name, ...user.emails] : [username]);
  if (problems.length > 0) return newPasswordPage(pr, reset, token, username, 400, problems);
  // The link is used before the password is written: of two racing submissions, one changes it.
  if ((await reset.resets.consume(token, pr.nowMs)) === null) return errorPage('Link not valid', INVALID_LINK, 400);
  const changed = await deps.users.changePassword(username, password);
  if (!changed) return errorPage('Link not valid', INVALID_LINK, 400);
  await reset.resets.revokeAll(username, pr.nowMs);
  const ended = await signOutEverywhere(deps, username, pr.nowMs);
  deps.logger.info('password reset: password changed', { username, client_ip: req.clientIp, sessions_ended: ended });
  return page(pr, 200, renderError({ title: 'Password changed', message: 'Your password was changed and every session of your account has ended. Sign in with the new password.', status: 200 }));
}

/**
 * Whoever knew the old password is signed out: each of the user's sessions ends as a sign-out
 * would end it (its grants without offline_access revoked, back-channel logout sent), and sessions
 * stored before they had a sid are deleted too. How many sessions ended.
 */
async function signOutEverywhere(deps: PortalDeps, username: string, nowMs: number): Promise<number> {
  const sids = new Set((await deps.storage.sessions.listForUser(username, nowMs)).map((s) => s.sid).filter((s): s is string => s !== null));
  let ended = 0;
  for (const sid of sids) ended += (await deps.signOut.endSession(sid)).sessions;
  return ended + (await deps.storage.sessions.deleteForUser(username));
}
