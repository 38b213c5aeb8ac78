/**
 * GET /.well-known/openid-configuration (OIDC Discovery 1.0 §4) and
 * /.well-known/oauth-authorization-server (RFC 8414 §3): the same document, as Authelia serves.
 *
 * Cached for 5 minutes: the metadata only changes when the configuration or keys change (a
 * restart), relying parties fetch it on every start, and a short max-age bounds how long a proxy
 * may serve the old document after such a change. Public and CORS-open: it holds nothing secret
 * and browser-based clients read it cross-origin.
 */
import type { AppContext } from '../context.js';
import { JSON_CONTENT_TYPE, type HttpResponse } from '../http/response.js';
import type { Route } from '../http/router.js';
import { discoveryMetadata } from '../oidc/discovery.js';
import { OIDC_PATHS } from '../util/paths.js';

export const DISCOVERY_MAX_AGE_SECONDS = 300;

export function discoveryRoutes(ctx: Pick<AppContext, 'oidc'>): Route[] {
  if (!ctx.oidc) return [];
  const { issuer, keys, config } = ctx.oidc;
  // Built and serialized once: the answer is the same for every request.
  const body = JSON.stringify(discoveryMetadata({ issuer, keys, config }));
  const answer = (): HttpResponse => ({
    status: 200,
    headers: {
      'Content-Type': JSON_CONTENT_TYPE,
      'Cache-Control': `public, max-age=${DISCOVERY_MAX_AGE_SECONDS}`,
      'Access-Control-Allow-Origin': '*',
    },
    body,
  });
  return [
    { name: 'openid_configuration', path: OIDC_PATHS.openid_configuration, errorStyle: 'oauth', methods: { GET: answer } },
    { name: 'oauth_authorization_server', path: OIDC_PATHS.oauth_authorization_server, errorStyle: 'oauth', methods: { GET: answer } },
  ];
}
