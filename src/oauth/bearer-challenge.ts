/** Moved to bearer-token.ts (RFC 6750 in one place); this re-export goes once userinfo.ts imports from there. */
export { bearerChallenge, quoteString, type BearerChallenge, type BearerErrorCode } from './bearer-token.js';
