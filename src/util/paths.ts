/**
 * Every path the server answers, in one table, relative to the issuer (OIDC provider) or the
 * portal's `authelia_url`. Discovery advertises exactly what the router serves, and a page links
 * to exactly what is routed, because both read this table.
 */

/** The provider's endpoints (Authelia's "Endpoint Implementations" for OpenID Connect 1.0). */
export const OIDC_PATHS = Object.freeze({
  openid_configuration: '/.well-known/openid-configuration',
  oauth_authorization_server: '/.well-known/oauth-authorization-server',
  jwks: '/jwks.json',
  authorization: '/api/oidc/authorization',
  token: '/api/oidc/token',
  userinfo: '/api/oidc/userinfo',
  introspection: '/api/oidc/introspection',
  revocation: '/api/oidc/revocation',
  pushed_authorization_request: '/api/oidc/pushed-authorization-request',
  /** RP-Initiated Logout 1.0 §2 "Logout Endpoint". */
  end_session: '/api/oidc/end-session',
});

/** The portal's pages. */
export const PORTAL_PATHS = Object.freeze({
  home: '/',
  login: '/login',
  secondFactor: '/login/2fa',
  totpEnrolment: '/settings/totp',
  /** WebAuthn: registration, the second factor's assertion, passkey sign-in, the ceremony script. */
  webauthnRegistration: '/settings/webauthn',
  secondFactorWebAuthn: '/login/2fa/webauthn',
  passkeySignIn: '/login/passkey',
  webauthnScript: '/static/webauthn.js',
  copyScript: '/static/copy.js',
  /** Registered second factors, and their removal (identity verification first). */
  settings: '/settings',
  factorRemoval: '/settings/factors/remove',
  /** Identity verification: a code by e-mail elevates the session. */
  elevation: '/settings/elevation',
  elevationSend: '/settings/elevation/send',
  /** "Forgot password": ask for a link, then choose a new password with it. */
  resetPassword: '/reset-password',
  resetPasswordConfirm: '/reset-password/confirm',
  consent: '/consent',
  logout: '/logout',
  stylesheet: '/static/style.css',
});

/** Operations. */
export const SERVICE_PATHS = Object.freeze({
  health: '/api/health',
});
