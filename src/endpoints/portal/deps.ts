/**
 * What the portal's pages use, and nothing else: the slice of the context every portal handler
 * and helper takes (as token.ts and par.ts build theirs). Built once, by `portalDepsFrom`, in the
 * route builders that serve portal pages or call their helpers (the portal, the authorization and
 * end-session endpoints).
 */
import type { AppContext } from '../../context.js';
import type { Config } from '../../config/index.js';
import type { PortalServices } from '../../authn/services.js';
import type { CompiledAccessControl } from '../../authz/rules.js';
import type { Notifier } from '../../notifier/index.js';
import type { ClientRegistry } from '../../oauth/clients.js';
import type { SignOutService } from '../../oidc/logout/index.js';
import type { Logger } from '../../observability/log.js';
import type { MetricsRecorder } from '../../observability/metrics.js';
import type { Storage } from '../../storage/types.js';
import type { UsersBackend } from '../../users/index.js';
import type { Clock } from '../../util/clock.js';

/** The local provider, as the portal sees it: its issuer (sign-in's own origins) and clients (consent). */
export interface PortalOidc {
  issuer: string;
  clients: ClientRegistry;
}

export interface PortalDeps {
  /** Sessions, cookies, CSRF, regulation, TOTP/WebAuthn policy, identity verification, password reset. */
  portal: PortalServices;
  users: UsersBackend | null;
  metrics: Pick<MetricsRecorder, 'recordAuthentication'>;
  storage: Pick<Storage, 'totp' | 'webauthn' | 'webauthnChallenges' | 'sessions' | 'preferences' | 'consents' | 'interactions' | 'oneTimeCodes' | 'subjects'>;
  clock: Clock;
  logger: Logger;
  signOut: Pick<SignOutService, 'endSession'>;
  notifier: Notifier | null;
  /** `default_2fa_method`: the second factor offered first when the person has used none yet. */
  default2faMethod: Config['default_2fa_method'];
  /** The forward-auth rules: whether a sign-in's `rd` target asks for a second factor. */
  access: CompiledAccessControl;
  /** Present when `identity_providers.oidc` is configured. */
  oidc: PortalOidc | null;
}

export function portalDepsFrom(ctx: AppContext): PortalDeps {
  const { oidc } = ctx;
  return {
    portal: ctx.portal,
    users: ctx.users,
    metrics: ctx.metrics,
    storage: ctx.storage,
    clock: ctx.clock,
    logger: ctx.logger,
    signOut: ctx.signOut,
    notifier: ctx.notifier,
    default2faMethod: ctx.config.default_2fa_method,
    access: ctx.authz.access,
    oidc: oidc ? { issuer: oidc.issuer, clients: oidc.services.clients } : null,
  };
}
