/**
 * OIDC Core §3.1.2.1 `prompt=login` and `max_age` as one rule: the oldest `auth_time` an
 * authorization request accepts. It is decided once, when the request first arrives, and travels
 * with the resumed request as `auth_time_min_s`, so a sign-in that this very request asked for
 * satisfies it on the way back, however long the password, the second factor or the consent took:
 * max_age is "the allowable elapsed time ... since the last time the End-User was actively
 * authenticated" when the request was made, and `max_age=0` asks for what `prompt=login` asks for.
 *
 * The resumed request travels through the browser (the portal's `rd`) unless it was pushed (RFC
 * 9126): changing `auth_time_min_s` there gains nothing that leaving out `prompt` would not. What
 * the client relies on is the ID token's `auth_time`, always the session's own.
 */
import { OAuthError } from '../errors.js';
import type { AuthorizationRequest } from './types.js';

/** The resumed request's bound, epoch seconds (a Gatehouse parameter, not one of OIDC's). */
export const AUTH_TIME_MIN_PARAMETER = 'auth_time_min_s';

export interface LoginRequirement {
  /** Sign in again whatever the session (prompt=login, max_age=0): only when the request first arrives. */
  readonly prompt: boolean;
  /** The oldest `auth_time` (epoch seconds) that satisfies the request; null when any does. */
  readonly auth_time_min_s: number | null;
}

/** The resumed request's bound, when it carries one. */
export function checkAuthTimeMin(params: URLSearchParams): number | undefined {
  const raw = params.get(AUTH_TIME_MIN_PARAMETER);
  if (raw === null) return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw new OAuthError('invalid_request', `The '${AUTH_TIME_MIN_PARAMETER}' parameter must be a whole number of seconds.`);
  return Number(raw);
}

/** What the request asks of the session's `auth_time` at `nowMs`, the time it arrived. */
export function loginRequirement(request: Pick<AuthorizationRequest, 'prompt' | 'max_age' | 'auth_time_min_s'>, nowMs: number): LoginRequirement {
  if (request.auth_time_min_s !== undefined) return { prompt: false, auth_time_min_s: request.auth_time_min_s };
  const nowS = Math.floor(nowMs / 1000);
  if (request.prompt.has('login') || request.max_age === 0) return { prompt: true, auth_time_min_s: nowS };
  return { prompt: false, auth_time_min_s: request.max_age === undefined ? null : Math.max(0, nowS - request.max_age) };
}

/** Whether a session that authenticated at `auth_time_s` is recent enough (both in whole seconds, as `auth_time`). */
export function isRecentEnough(requirement: LoginRequirement, auth_time_s: number | null): boolean {
  return requirement.auth_time_min_s === null || (auth_time_s !== null && auth_time_s >= requirement.auth_time_min_s);
}

/**
 * The parameters to resume the request with (after sign-in, second factor, consent): `prompt=login`
 * dropped, since the sign-in it asks for is under way, and the bound that sign-in must meet kept.
 */
export function resumedParameters(params: URLSearchParams, requirement: LoginRequirement): URLSearchParams {
  const resumed = new URLSearchParams(params);
  const prompts = (resumed.get('prompt') ?? '').split(' ').filter((p) => p !== '' && p !== 'login');
  if (prompts.length > 0) resumed.set('prompt', prompts.join(' '));
  else resumed.delete('prompt');
  if (requirement.auth_time_min_s !== null) resumed.set(AUTH_TIME_MIN_PARAMETER, String(requirement.auth_time_min_s));
  return resumed;
}
