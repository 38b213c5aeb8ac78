/**
 * The provider's paths (004, "Endpoint Implementations"), relative to the issuer. One home so
 * that discovery advertises exactly what the router serves.
 */
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
});
