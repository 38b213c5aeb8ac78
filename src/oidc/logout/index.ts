/** Logout: RP-Initiated (end-session request), Back-Channel (Logout Tokens), Front-Channel (frames), and the sign-out they share. */
export { createIdTokenHintVerifier, type IdTokenHint, type IdTokenHintVerifier } from './id-token-hint.js';
export { END_SESSION_PARAMETERS, checkEndSessionRequest, checkPostLogoutRedirectUri, decideLogout, postLogoutRedirectUrl, type EndSessionRequest, type LogoutDecision } from './end-session-request.js';
export { BACKCHANNEL_LOGOUT_EVENT, LOGOUT_TOKEN_TYPE, logoutTokenClaims, signLogoutToken } from './logout-token.js';
export { DEFAULT_BACK_CHANNEL_OPTIONS, deliverLogoutToken, type BackChannelMetrics, type BackChannelOptions, type BackChannelOutcome } from './back-channel.js';
export { frameOrigins, frontChannelFrames, type FrontChannelFrame } from './front-channel.js';
export { createSignOutService, type SignOutResult, type SignOutService } from './sign-out.js';
