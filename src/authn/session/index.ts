/** Portal sessions: the model, the manager, and the cookie helpers the endpoints and the cookie strategy share. */
export type { AmrValue, LoadedSession, PortalSession, SessionCookieSettings, SessionManager } from './types.js';
export { createSessionManager, type SessionManagerDeps } from './manager.js';
export { parseCookies, serializeCookie, type CookieAttributes, type SameSiteAttribute } from './cookies.js';
export { cookieIsSecure, cookieSettingsForHost, isLoopbackHost, clearSessionSetCookie, sessionCookieAttributes, sessionSetCookie } from './cookie-settings.js';
export { sessionExpiresAtMs, sessionIsLive, isRemembered } from './lifetime.js';
export { sessionFromJson, sessionToJson } from './codec.js';
export { isSessionId, newSessionId, newSid, sessionIdHash } from './session-id.js';
