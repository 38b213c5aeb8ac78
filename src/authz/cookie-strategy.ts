/**
 * The portal session as a forward-auth credential: the session cookie of the target's cookie
 * domain, its level, and the user read fresh from the users backend (a disabled user's session is
 * refused by the session manager at its next use).
 */
import type { SessionManager, SessionCookieSettings } from '../authn/session/index.js';
import { cookieSettingsForHost } from '../authn/session/index.js';
import { UsersUnavailableError, type UsersBackend } from '../users/index.js';
import type { AuthnStrategy, StrategyInput, StrategyResult } from './strategies/types.js';

export interface CookieStrategyDeps {
  sessions: SessionManager;
  cookies: readonly SessionCookieSettings[];
  users: UsersBackend | null;
}

export function createCookieStrategy(deps: CookieStrategyDeps): AuthnStrategy {
  return {
    name: 'cookie',
    async authenticate(input): Promise<StrategyResult> {
      try {
        return await authenticate(input);
      } catch (err) {
        // The directory cannot say whether the session's user still exists: not a pass (503).
        if (err instanceof UsersUnavailableError) return { kind: 'unavailable', status: 503, reason: err.message };
        throw err;
      }
    },
  };

  async function authenticate(input: StrategyInput): Promise<StrategyResult> {
    const cookieHeader = input.header('cookie');
    if (!cookieHeader) return { kind: 'absent' };
    const settings = cookieSettingsForHost(input.target.host, deps.cookies);
    if (!settings) return { kind: 'absent' };
    const loaded = await deps.sessions.load(cookieHeader, settings, input.nowMs);
    const username = loaded?.session.username;
    if (!loaded || !username || loaded.session.level === 'none') return { kind: 'absent' };
    const user = await deps.users?.lookup(username);
    if (!user || user.disabled) return { kind: 'absent' };
    // Activity keeps the session alive (inactivity); the manager writes at most once per inactivity/10.
    await deps.sessions.touch(loaded.id, loaded.session, settings, input.nowMs);
    return {
      kind: 'authenticated',
      identity: {
        subject: { username, groups: user.groups },
        level: loaded.session.level,
        username,
        groups: user.groups,
        displayName: user.display_name,
        email: user.emails[0] ?? '',
        strategy: 'cookie',
      },
    };
  }
}
