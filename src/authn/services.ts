/**
 * What the portal endpoints (and the forward-auth cookie strategy) share, built once per context:
 * cookie settings per domain, the session manager, regulation, CSRF protection and TOTP policy.
 */
import { hkdfSync } from 'node:crypto';
import type { Config } from '../config/index.js';
import type { Logger } from '../observability/log.js';
import type { Storage } from '../storage/types.js';
import type { UsersBackend } from '../users/index.js';
import type { Notifier } from '../notifier/index.js';
import { createIdentityVerifier, type IdentityVerifier } from './identity-verification.js';
import { totpFactors, type SecondFactorSource } from './second-factors.js';
import { createPasswordResets, type PasswordResets } from './password-reset.js';
import type { PasswordPolicy } from './password-policy.js';
import { webauthnFactors, webauthnPolicyOf, type WebAuthnPolicy } from './webauthn/index.js';
import { createCsrfProtection, type CsrfProtection } from './csrf.js';
import { createRegulator, DEFAULT_UNIFORM_TIMING, type Regulator, type UniformTimingOptions } from './regulation.js';
import { createSessionManager, type SessionCookieSettings, type SessionManager } from './session/index.js';
import type { TotpPolicy } from './totp.js';

export interface PortalServices {
  cookies: readonly SessionCookieSettings[];
  sessions: SessionManager;
  regulator: Regulator;
  csrf: CsrfProtection;
  totp: TotpPolicy & { disabled: boolean; allowed_algorithms: readonly TotpPolicy['algorithm'][]; allowed_digits: readonly TotpPolicy['digits'][]; allowed_periods: readonly number[] };
  /** Identity verification by a code the notifier sends; null without a notifier (then no second factor can be registered or removed). */
  identity: IdentityVerifier | null;
  /**
   * "Forgot password": offered when authentication_backend.password_reset is not disabled, a
   * notifier and identity_validation.reset_password.jwt_secret are configured and the users
   * backend can change passwords; else null.
   */
  passwordReset: { resets: PasswordResets; policy: PasswordPolicy; lifespan_s: number } | null;
  /** Registered second factors by method, for the settings page (WebAuthn adds its source). */
  secondFactors: SecondFactorSource[];
  /** `webauthn`, compiled once for the ceremonies. */
  webauthn: WebAuthnPolicy;
  timing: UniformTimingOptions;
}

export interface PortalServicesDeps {
  config: Config;
  storage: Storage;
  users: UsersBackend | null;
  logger: Logger;
  /** Secret input keying material for the CSRF HMAC (the storage encryption key: always present). */
  secret: string;
  /** Sends identity verification codes; none: identity verification is impossible. */
  notifier?: Notifier | null;
  /** Told about every ban regulation places (metrics). */
  onBan?: () => void;
  /** Tests shorten the uniform-timing floor; production keeps the default. */
  timing?: UniformTimingOptions;
}

const NO_USERS = { lookup: () => Promise.resolve(null) };

export function createPortalServices(deps: PortalServicesDeps): PortalServices {
  const { config, storage, logger } = deps;
  const cookies: SessionCookieSettings[] = config.session.cookies.map((c) => ({
    domain: c.domain,
    authelia_url: c.authelia_url,
    ...(c.default_redirection_url ? { default_redirection_url: c.default_redirection_url } : {}),
    name: c.name,
    same_site: c.same_site,
    expiration: c.expiration,
    inactivity: c.inactivity,
    remember_me: c.remember_me,
  }));
  const csrfKey = Buffer.from(hkdfSync('sha256', deps.secret, Buffer.alloc(0), 'gatehouse portal csrf', 32));
  const codeKey = Buffer.from(hkdfSync('sha256', deps.secret, Buffer.alloc(0), 'gatehouse one-time codes', 32));
  const regulator = createRegulator(config.regulation, { authLog: storage.authLog, logger: logger.child({ component: 'regulation' }), ...(deps.onBan ? { onBan: deps.onBan } : {}) });
  return {
    cookies,
    sessions: createSessionManager({ sessions: storage.sessions, users: deps.users ?? NO_USERS, logger: logger.child({ component: 'session' }) }),
    regulator,
    csrf: createCsrfProtection(csrfKey),
    totp: {
      disabled: config.totp.disable,
      issuer: config.totp.issuer,
      algorithm: config.totp.algorithm,
      digits: config.totp.digits,
      period: config.totp.period,
      skew: config.totp.skew,
      secret_size: config.totp.secret_size,
      allowed_algorithms: config.totp.allowed_algorithms,
      allowed_digits: config.totp.allowed_digits,
      allowed_periods: config.totp.allowed_periods,
    },
    secondFactors: [totpFactors(storage.totp), webauthnFactors(storage.webauthn)],
    webauthn: webauthnPolicyOf(config.webauthn),
    passwordReset: passwordResetOf(config, deps, codeKey),
    identity: deps.notifier ? createIdentityVerifier(config.identity_validation.elevated_session, { codes: storage.oneTimeCodes, notifier: deps.notifier, regulator, key: codeKey }) : null,
    timing: deps.timing ?? { ...DEFAULT_UNIFORM_TIMING },
  };
}

function passwordResetOf(config: Config, deps: PortalServicesDeps, key: Buffer): PortalServices['passwordReset'] {
  const reset = config.identity_validation.reset_password;
  if (config.authentication_backend.password_reset.disable || !deps.notifier || !deps.users?.changePassword || reset.jwt_secret === undefined) return null;
  return {
    resets: createPasswordResets({ jwt_lifespan: reset.jwt_lifespan, jwt_algorithm: reset.jwt_algorithm, jwt_secret: reset.jwt_secret }, { codes: deps.storage.oneTimeCodes, key }),
    policy: config.password_policy,
    lifespan_s: reset.jwt_lifespan,
  };
}
