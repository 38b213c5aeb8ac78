/** The whole file: one strict object per top-level section, every default beside its field. */
import { z } from 'zod';
import { accessControlSchema } from './access-control.js';
import { authenticationBackendSchema } from './authentication-backend.js';
import { identityValidationSchema } from './identity-validation.js';
import { logSchema } from './log.js';
import { notifierSchema } from './notifier.js';
import { oidcSchema } from './oidc.js';
import { passwordPolicySchema } from './password-policy.js';
import { regulationSchema } from './regulation.js';
import { serverSchema } from './server.js';
import { sessionSchema } from './session.js';
import { storageSchema } from './storage.js';
import { telemetrySchema } from './telemetry.js';
import { totpSchema } from './totp.js';
import { webauthnSchema } from './webauthn.js';
import { THEMES } from '../../portal/pages/style.js';

export const configSchema = z.strictObject({
  /** PEM certificates (`*.pem`, `*.crt`) trusted beside Node's store for the LDAP directory's TLS. */
  certificates_directory: z.string().min(1).optional(),
  /** The portal's colours (Authelia's values); `auto` follows the browser's light or dark preference. */
  theme: z.enum(THEMES).default('auto'),
  server: serverSchema,
  log: logSchema,
  identity_providers: z.strictObject({ oidc: oidcSchema.optional() }).optional(),
  authentication_backend: authenticationBackendSchema.prefault({}),
  session: sessionSchema,
  storage: storageSchema,
  access_control: accessControlSchema,
  regulation: regulationSchema,
  totp: totpSchema,
  notifier: notifierSchema.optional(),
  identity_validation: identityValidationSchema,
  password_policy: passwordPolicySchema,
  webauthn: webauthnSchema,
  /**
   * The second factor the 2FA page opens on for a person who has not used one yet (else the one they
   * used last). 'mobile_push' (Duo) is accepted and, Duo not being offered, opens on the first they have.
   */
  default_2fa_method: z.enum(['', 'totp', 'webauthn', 'mobile_push']).default(''),
  telemetry: telemetrySchema,
});

type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** The validated, frozen model the rest of Gatehouse reads. */
export type Config = DeepReadonly<z.output<typeof configSchema>>;
export type OidcConfig = NonNullable<NonNullable<Config['identity_providers']>['oidc']>;
export type OidcClientConfig = OidcConfig['clients'][number];
export type IssuerJwkConfig = OidcConfig['jwks'][number];
export type ServerConfig = Config['server'];
export type SessionConfig = Config['session'];
export type StorageConfigModel = Config['storage'];
export type AccessControlConfig = Config['access_control'];
