/**
 * OIDC Core §3.1.2.1 `prompt=login` and `max_age` as one rule: the oldest `auth_time` an
 * authorization request accepts. It is decided once, when the request arrives, and kept with the
 * stored interaction (src/oidc/interaction/), so a sign-in that this very request asked for
 * satisfies it on the way back, however long the password, the second factor or the consent took:
 * max_age is "the allowable elapsed time ... since the last time the End-User was actively
 * authenticated" when the request was made, and `max_age=0` asks for what `prompt=login` asks for.
 * Nothing of it travels through the browser.
 */
import type { AuthorizationRequest } from './types.js';

export interface LoginRequirement {
  /** Sign in again whatever the session (prompt=login, max_age=0): on arrival only. */
  readonly prompt: boolean;
  /** The oldest `auth_time` (epoch seconds) that satisfies the request; null when any does. */
  readonly auth_time_min_s: number | null;
}

/** What the request asks of the session's `auth_time`, decided at `nowMs`, the time it arrived. */
export function loginRequirement(request: Pick<AuthorizationRequest, 'prompt' | 'max_age'>, nowMs: number): LoginRequirement {
  const nowS = Math.floor(nowMs / 1000);
  if (request.prompt.has('login') || request.max_age === 0) return { prompt: true, auth_time_min_s: nowS };
  return { prompt: false, auth_time_min_s: request.max_age === undefined ? null : Math.max(0, nowS - request.max_age) };
}

/** Whether a session that authenticated at `auth_time_s` is recent enough (both in whole seconds, as `auth_time`). */
export function isRecentEnough(authTimeMinS: number | null, auth_time_s: number | null): boolean {
  return authTimeMinS === null || (auth_time_s !== null && auth_time_s >= authTimeMinS);
}

/**
 * The parameters the request is kept with: `prompt=login` dropped, since the sign-in it asks for
 * starts now and the stored bound is what that sign-in must meet.
 */
export function resumableParameters(params: URLSearchParams): URLSearchParams {
  const resumed = new URLSearchParams(params);
  const prompts = (resumed.get('prompt') ?? '').split(' ').filter((p) => p !== '' && p !== 'login');
  if (prompts.length > 0) resumed.set('prompt', prompts.join(' '));
  else resumed.delete('prompt');
  return resumed;
}
