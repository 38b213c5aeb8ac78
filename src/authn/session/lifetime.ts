/**
 * When a portal session ends (Authelia's `session.expiration`, `inactivity` and `remember_me`):
 * pure functions of the session, its cookie settings and the time.
 */
import { rememberMeEnabled } from './cookie-settings.js';
import type { PortalSession, SessionCookieSettings } from './types.js';

/** Remembered only when the user asked for it AND the domain allows it (`remember_me: -1` disables). */
export function isRemembered(session: PortalSession, settings: SessionCookieSettings): boolean {
  return session.remember_me && rememberMeEnabled(settings);
}

/**
 * The instant the session ends: a remembered one lives `remember_me` from its creation whatever the
 * activity; any other ends at its absolute `expiration` or after `inactivity` without activity,
 * whichever comes first.
 */
export function sessionExpiresAtMs(session: PortalSession, settings: SessionCookieSettings): number {
  if (isRemembered(session, settings)) return session.created_at_ms + settings.remember_me * 1000;
  return Math.min(session.created_at_ms + settings.expiration * 1000, session.last_activity_at_ms + settings.inactivity * 1000);
}

export function sessionIsLive(session: PortalSession, settings: SessionCookieSettings, nowMs: number): boolean {
  return nowMs < sessionExpiresAtMs(session, settings);
}

/** How long activity may go unrecorded: a tenth of `inactivity`, so an idle deadline is at most 10 % early. */
export function activityWriteIntervalMs(settings: SessionCookieSettings): number {
  return Math.floor((settings.inactivity * 1000) / 10);
}
