/** Placeholder: filled in by the OIDC provider core. */
import type { AppContext } from '../context.js';
import type { Route } from '../http/router.js';

export function revocationRoutes(_ctx: AppContext): Route[] {
  return [];
}
