/**
 * Authelia's OpenID Connect configuration, "cors.endpoints": attaches one compiled CORS policy to the OIDC routes named in the config.
 * Discovery and JWKS are public documents and carry `Access-Control-Allow-Origin: *` themselves.
 */
import type { OidcConfig } from '../config/index.js';
import { compileCorsPolicy } from '../http/cors.js';
import type { Route } from '../http/router.js';

type CorsEndpoint = OidcConfig['cors']['endpoints'][number];

/** The config's endpoint names → our route names. */
export const CORS_ROUTE_NAMES: Readonly<Record<CorsEndpoint, string>> = Object.freeze({
  authorization: 'oidc_authorization',
  'pushed-authorization-request': 'pushed_authorization_request',
  token: 'token',
  revocation: 'revocation',
  introspection: 'introspection',
  userinfo: 'userinfo',
});

export function withCors(routes: readonly Route[], oidc: Pick<OidcConfig, 'cors' | 'clients'> | null): Route[] {
  if (!oidc || oidc.cors.endpoints.length === 0) return [...routes];
  const policy = compileCorsPolicy(oidc.cors, oidc.clients.flatMap((c) => c.redirect_uris));
  const names = new Set(oidc.cors.endpoints.map((e) => CORS_ROUTE_NAMES[e]));
  return routes.map((route) => (names.has(route.name) ? { ...route, cors: policy } : route));
}
