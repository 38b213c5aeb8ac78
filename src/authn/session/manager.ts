/**
 * The portal session manager: reads the session a request's cookie names, creates sessions under
 * fresh ids after each successful factor (no fixation), records activity, signs out.
 * Storage holds the session under the SHA-256 of its id; the raw id is never stored or logged.
 */
import type { Logger } from '../../observability/log.js';
import { StorageDecryptError } from '../../storage/encryption.js';
import type { PortalSessions } from '../../storage/types.js';
import { sessionFromJson, sessionToJson } from './codec.js';
import { clearSessionSetCookie, sessionSetCookie } from './cookie-settings.js';
import { parseCookies } from './cookies.js';
import { activityWriteIntervalMs, isRemembered, sessionExpiresAtMs, sessionIsLive } from './lifetime.js';
import { isSessionId, newSessionId, newSid, sessionIdHash } from './session-id.js';
import type { PortalSession, SessionCookieSettings, SessionManager } from './types.js';

export interface SessionManagerDeps {
  sessions: PortalSessions;
  /** Rejects with UsersUnavailableError when the directory cannot be asked: `load` then rejects too (503). */
  users: { lookup(username: string): Promise<{ disabled: boolean } | null> };
  logger: Logger;
}

/** A short prefix of the storage key: enough to correlate log lines, useless as a cookie. */
const logRef = (idHash: string): string => idHash.slice(0, 12);

export function createSessionManager(deps: SessionManagerDeps): SessionManager {
  const { sessions, users, logger } = deps;

  const write = async (idHash: string, session: PortalSession, settings: SessionCookieSettings, nowMs: number): Promise<void> => {
    const expiresAtMs = sessionExpiresAtMs(session, settings);
    // Saving must never resurrect a session that has already ended.
    if (expiresAtMs <= nowMs) {
      await sessions.delete(idHash);
      return;
    }
    await sessions.put(idHash, sessionToJson(session), expiresAtMs);
  };

  const read = async (idHash: string, nowMs: number): Promise<PortalSession | null> => {
    const stored = await sessions.get(idHash, nowMs).catch((error: unknown) => {
      if (!(error instanceof StorageDecryptError)) throw error;
      // Tampered, moved, or written under another key: unusable, so gone.
      logger.warn('portal session cannot be decrypted; deleted', { session_ref: logRef(idHash) });
      return undefined;
    });
    if (stored === undefined) {
      await sessions.delete(idHash);
      return null;
    }
    if (stored === null) return null;
    const session = sessionFromJson(stored);
    if (session === null) {
      logger.warn('portal session is not valid; deleted', { session_ref: logRef(idHash) });
      await sessions.delete(idHash);
    }
    return session;
  };

  return {
    async load(cookieHeader, settings, nowMs) {
      const id = parseCookies(cookieHeader).get(settings.name);
      if (!isSessionId(id)) return null;
      const idHash = sessionIdHash(id);
      const session = await read(idHash, nowMs);
      if (session === null) return null;
      if (!sessionIsLive(session, settings, nowMs)) {
        await sessions.delete(idHash);
        return null;
      }
      if (session.username !== null) {
        const user = await users.lookup(session.username);
        if (user === null || user.disabled) {
          logger.info('portal session ended: user removed or disabled', { username: session.username, session_ref: logRef(idHash) });
          await sessions.delete(idHash);
          return null;
        }
      }
      return { id, session };
    },

    async establish(previousId, session, settings, requestIsHttps, nowMs) {
      const previous = previousId === null ? null : await read(sessionIdHash(previousId), nowMs);
      const id = newSessionId();
      // A successful factor starts a new session: its lifetime restarts now. Asking to be
      // remembered where the domain disables it (-1) is ignored, so the stored flag tells the truth.
      // The same person keeps the sid the relying parties know; another person gets a new one.
      const samePerson = previous !== null && previous.username !== null && previous.username === session.username;
      const sid = (samePerson ? previous.sid : undefined) ?? session.sid ?? newSid();
      const fresh: PortalSession = { ...session, sid, remember_me: isRemembered(session, settings), created_at_ms: nowMs, last_activity_at_ms: nowMs };
      // The new row first: the sid is never without a live session, so the sweep keeps its clients.
      await write(sessionIdHash(id), fresh, settings, nowMs);
      if (previousId !== null) await sessions.delete(sessionIdHash(previousId));
      return { id, sid, setCookie: sessionSetCookie(id, fresh.remember_me, settings, requestIsHttps) };
    },

    async touch(id, session, settings, nowMs) {
      if (nowMs - session.last_activity_at_ms < activityWriteIntervalMs(settings)) return false;
      await write(sessionIdHash(id), { ...session, last_activity_at_ms: nowMs }, settings, nowMs);
      return true;
    },

    async save(id, session, settings, nowMs) {
      await write(sessionIdHash(id), { ...session, last_activity_at_ms: nowMs }, settings, nowMs);
    },

    async destroy(id, settings, requestIsHttps) {
      await sessions.delete(sessionIdHash(id));
      return clearSessionSetCookie(settings, requestIsHttps);
    },
  };
}
