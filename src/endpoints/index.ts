/** Every HTTP endpoint, each built from the context slice it needs. */
import type { AppContext } from '../context.js';
import type { Route } from '../http/router.js';
import { healthRoute } from './health.js';

export function buildRoutes(ctx: AppContext): Route[] {
  return [healthRoute({ storage: ctx.storage })];
}
