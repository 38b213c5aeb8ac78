/**
 * Each verify endpoint's ordered strategies, built once from `authn_strategies`: the header
 * strategies (Authorization / Proxy-Authorization with their schemes) and the portal session.
 */
import type { AppContext } from '../context.js';
import { createCookieStrategy } from '../authz/cookie-strategy.js';
import { createHeaderStrategy, type AuthnStrategy, type HeaderScheme } from '../authz/strategies/index.js';

export interface StrategyConfig {
  readonly name: 'HeaderAuthorization' | 'HeaderProxyAuthorization' | 'CookieSession';
  readonly schemes?: readonly HeaderScheme[] | undefined;
}

export function buildStrategies(ctx: AppContext, configs: readonly StrategyConfig[]): AuthnStrategy[] {
  const { verifiers } = ctx.authz;
  return configs.flatMap((config): AuthnStrategy[] => {
    if (config.name === 'CookieSession') {
      return [createCookieStrategy({ sessions: ctx.portal.sessions, cookies: ctx.portal.cookies, users: ctx.users })];
    }
    // Bearer needs the OIDC provider (or remote introspection), Basic the users file: a scheme
    // with nothing to verify it is not accepted, so such credentials count as absent.
    const schemes = (config.schemes ?? ['Bearer']).filter((s) => (s === 'Bearer' ? verifiers.bearer : verifiers.basic) !== undefined);
    if (schemes.length === 0) return [];
    return [
      createHeaderStrategy({
        header: config.name === 'HeaderAuthorization' ? 'authorization' : 'proxy-authorization',
        schemes,
        ...verifiers,
      }),
    ];
  });
}
