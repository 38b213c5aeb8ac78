/**
 * GET /jwks.json: the issuer's public keys (RFC 7517 §5), for verifying ID Tokens.
 *
 * Cached for one minute only: keys change on a restart with new `jwks`, and relying parties that
 * meet an unknown `kid` refetch; a short max-age keeps a shared cache from answering that refetch
 * with the old set for long. Public and CORS-open like discovery.
 */
import type { AppContext } from '../context.js';
import { JSON_CONTENT_TYPE, type HttpResponse } from '../http/response.js';
import type { Route } from '../http/router.js';
import { OIDC_PATHS } from '../util/paths.js';

export const JWKS_MAX_AGE_SECONDS = 60;

export function jwksRoutes(ctx: Pick<AppContext, 'oidc'>): Route[] {
  if (!ctx.oidc) return [];
  const body = JSON.stringify(ctx.oidc.keys.jwks());
  const answer = (): HttpResponse => ({
    status: 200,
    headers: {
      'Content-Type': JSON_CONTENT_TYPE,
      'Cache-Control': `public, max-age=${JWKS_MAX_AGE_SECONDS}`,
      'Access-Control-Allow-Origin': '*',
    },
    body,
  });
  return [{ name: 'jwks', path: OIDC_PATHS.jwks, errorStyle: 'oauth', methods: { GET: answer } }];
}
