/**
 * `webauthn`: security keys and passkeys (W3C Web Authentication Level 3), with Authelia 4.39's
 * names and defaults (`internal/configuration/schema/webauthn.go`), except `display_name`, which
 * defaults to this portal's name. `user_verification` at the top is Authelia's pre-4.39 place for
 * `selection_criteria.user_verification`; both are read, the newer one wins.
 * `filtering.*` and `metadata.*` are set aside as not implemented (config/authelia/not-implemented.ts).
 */
import { z } from 'zod';
import { durationDefault } from './common.js';

const userVerification = z.enum(['discouraged', 'preferred', 'required']);

export const webauthnSchema = z
  .strictObject({
    disable: z.boolean().default(false),
    /** Passkey sign-in as a first factor (a discoverable credential, user verification required). */
    enable_passkey_login: z.boolean().default(false),
    /** Authelia 4.39: a passkey sign-in with user verification counts as two factors. */
    experimental_enable_passkey_uv_two_factors: z.boolean().default(false),
    /** The relying party's name an authenticator shows. */
    display_name: z.string().min(1).default('Gatehouse'),
    attestation_conveyance_preference: z.enum(['none', 'indirect', 'direct']).default('indirect'),
    /** Deprecated in Authelia 4.39: use selection_criteria.user_verification. */
    user_verification: userVerification.optional(),
    /** Seconds each ceremony may take; its challenge expires with it. */
    timeout: durationDefault(60).pipe(z.int().min(1)),
    selection_criteria: z
      .strictObject({
        /** '' asks for no attachment: any authenticator. */
        attachment: z.enum(['platform', 'cross-platform', '']).default('cross-platform'),
        discoverability: z.enum(['discouraged', 'preferred', 'required']).default('preferred'),
        user_verification: userVerification.optional(),
      })
      .prefault({}),
  })
  .prefault({});
