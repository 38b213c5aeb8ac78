/** `password_policy`: what a new password set through the portal's reset must satisfy (Authelia's names). */
import { z } from 'zod';

export const passwordPolicySchema = z
  .strictObject({
    standard: z
      .strictObject({
        enabled: z.boolean().default(false),
        min_length: z.int().min(1).default(8),
        /** 0: no maximum. */
        max_length: z.int().min(0).default(0),
        require_uppercase: z.boolean().default(false),
        require_lowercase: z.boolean().default(false),
        require_number: z.boolean().default(false),
        require_special: z.boolean().default(false),
      })
      .prefault({})
      .refine((s) => s.max_length === 0 || s.max_length >= s.min_length, { message: 'max_length must be 0 (no maximum) or at least min_length', path: ['max_length'] }),
    zxcvbn: z
      .strictObject({
        enabled: z.boolean().default(false),
        /** zxcvbn's score 0–4; Authelia's default 3. */
        min_score: z.int().min(1).max(4).default(3),
      })
      .prefault({}),
  })
  .prefault({})
  .refine((p) => !(p.standard.enabled && p.zxcvbn.enabled), { message: 'enables both standard and zxcvbn: enable one' });

export type PasswordPolicyConfig = z.output<typeof passwordPolicySchema>;
