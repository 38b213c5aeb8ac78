/** `authentication_backend`: the users file (and how new password digests are made) or the LDAP directory. */
import { z } from 'zod';
import { ldapSchema, refreshIntervalSchema } from './ldap.js';

const passwordSchema = z
  .strictObject({
    algorithm: z.enum(['argon2', 'pbkdf2', 'scrypt', 'bcrypt', 'sha2crypt']).default('argon2'),
    argon2: z
      .strictObject({
        variant: z.enum(['argon2id', 'argon2i', 'argon2d']).default('argon2id'),
        iterations: z.int().min(1).default(3),
        memory: z.int().min(8).default(65_536),
        parallelism: z.int().min(1).default(4),
        key_length: z.int().min(16).default(32),
        salt_length: z.int().min(8).default(16),
      })
      .prefault({}),
    pbkdf2: z
      .strictObject({
        variant: z.enum(['sha1', 'sha224', 'sha256', 'sha384', 'sha512']).default('sha512'),
        iterations: z.int().min(100_000).default(310_000),
        salt_length: z.int().min(8).default(16),
      })
      .prefault({}),
    scrypt: z
      .strictObject({
        iterations: z.int().min(1).default(16),
        block_size: z.int().min(1).default(8),
        parallelism: z.int().min(1).default(1),
        key_length: z.int().min(16).default(32),
        salt_length: z.int().min(8).default(16),
      })
      .prefault({}),
    bcrypt: z
      .strictObject({
        variant: z.enum(['standard', 'sha256']).default('standard'),
        cost: z.int().min(10).max(31).default(12),
      })
      .prefault({}),
    sha2crypt: z
      .strictObject({
        variant: z.enum(['sha256', 'sha512']).default('sha512'),
        iterations: z.int().min(1000).default(50_000),
        salt_length: z.int().min(1).max(16).default(16),
      })
      .prefault({}),
  })
  .prefault({});

export const authenticationBackendSchema = z.strictObject({
  file: z
    .strictObject({
      path: z.string().min(1),
      watch: z.boolean().default(true),
      password: passwordSchema,
    })
    .optional(),
  ldap: ldapSchema.optional(),
  /** The portal's "forgot password" (identity_validation.reset_password, password_policy). */
  password_reset: z.strictObject({ disable: z.boolean().default(false) }).prefault({}),
  /** How long a user's details (groups, e-mail, whether they still exist) read from LDAP are trusted. */
  refresh_interval: refreshIntervalSchema,
});
