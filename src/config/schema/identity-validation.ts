/**
 * `identity_validation`: proving a person controls their e-mail address before a sensitive change.
 * `elevated_session` — a one-time code, sent by the notifier, opens a short elevated session in which
 * second factors may be registered or removed; `reset_password` — the signed, single-use link of a
 * password reset.
 */
import { z } from 'zod';
import { durationDefault } from './common.js';

export const identityValidationSchema = z
  .strictObject({
    elevated_session: z
      .strictObject({
        /** How long a sent code may be used. */
        code_lifespan: durationDefault(300),
        /** How long the session stays elevated after the code. */
        elevation_lifespan: durationDefault(600),
        /** Length of the code. */
        characters: z.int().min(6).max(20).default(8),
        /** A user with a second factor registered must have used it before elevating. */
        require_second_factor: z.boolean().default(false),
        /** A session at two_factor is elevated without a code. */
        skip_second_factor: z.boolean().default(false),
      })
      .prefault({}),
    reset_password: z
      .strictObject({
        jwt_lifespan: durationDefault(300),
        jwt_algorithm: z.enum(['HS256', 'HS384', 'HS512']).default('HS256'),
        jwt_secret: z.string().min(1).optional(),
      })
      .prefault({}),
  })
  .prefault({});

export type IdentityValidationConfig = z.output<typeof identityValidationSchema>;
