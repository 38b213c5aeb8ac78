/** `totp`: RFC 6238 parameters for new enrolments. */
import { z } from 'zod';
import { caseInsensitiveEnum } from './common.js';

export const totpSchema = z
  .strictObject({
    disable: z.boolean().default(false),
    issuer: z.string().min(1).default('Gatehouse'),
    algorithm: caseInsensitiveEnum(['SHA1', 'SHA256', 'SHA512'] as const).default('SHA1'),
    digits: z.literal([6, 8]).default(6),
    period: z.int().min(15).default(30),
    skew: z.int().min(0).default(1),
    secret_size: z.int().min(20).default(32),
  })
  .prefault({});
