/** Every HTTP endpoint, each built from the context slice it needs. */
import type { AppContext } from '../context.js';
import type { Route } from '../http/router.js';
import { healthRoute } from './health.js';
import { tokenRoutes } from './token.js';
import { introspectionRoutes } from './introspection.js';
import { revocationRoutes } from './revocation.js';
import { discoveryRoutes } from './discovery.js';
import { jwksRoutes } from './jwks.js';
import { userinfoRoutes } from './userinfo.js';
import { portalRoutes } from './portal/index.js';
import { authorizationRoutes } from './authorization/index.js';
import { verifyRoutes } from './verify.js';
import { parRoutes } from './par.js';
import { endSessionRoutes } from './end-session.js';
import { withCors } from './cors-routes.js';
import { portalAssetRoutes } from './portal-assets.js';

export function buildRoutes(ctx: AppContext): Route[] {
  const routes = [
    healthRoute({ storage: ctx.storage }),
    ...verifyRoutes(ctx, { access: ctx.authz.access }),
    ...discoveryRoutes(ctx),
    ...jwksRoutes(ctx),
    ...authorizationRoutes(ctx),
    ...tokenRoutes(ctx),
    ...parRoutes(ctx),
    ...introspectionRoutes(ctx),
    ...revocationRoutes(ctx),
    ...userinfoRoutes(ctx),
    ...endSessionRoutes(ctx),
    ...portalRoutes(ctx),
    ...portalAssetRoutes(ctx),
  ];
  return withCors(routes, ctx.oidc?.config ?? null);
}
