/**
 * `totp`: RFC 6238 parameters for new enrolments. As in Authelia, `allowed_algorithms`,
 * `allowed_digits` and `allowed_periods` list what a person may choose when enrolling, and the
 * defaults (`algorithm`, `digits`, `period`) are always among them.
 */
import { z } from 'zod';
import { caseInsensitiveEnum } from './common.js';

const ALGORITHMS = ['SHA1', 'SHA256', 'SHA512'] as const;

/** The list with `value` first, each entry once. */
const including = <T>(list: readonly T[], value: T): T[] => [...new Set([value, ...list])];

export const totpSchema = z
  .strictObject({
    disable: z.boolean().default(false),
    issuer: z.string().min(1).default('Gatehouse'),
    algorithm: caseInsensitiveEnum(ALGORITHMS).default('SHA1'),
    digits: z.literal([6, 8]).default(6),
    period: z.int().min(15).default(30),
    skew: z.int().min(0).default(1),
    secret_size: z.int().min(20).default(32),
    allowed_algorithms: z.array(caseInsensitiveEnum(ALGORITHMS)).default([]),
    allowed_digits: z.array(z.literal([6, 8])).default([]),
    allowed_periods: z.array(z.int().min(15)).default([]),
    /** true: a code may be used again within its window (replays are refused by default, RFC 6238 §5.2). */
    disable_reuse_security_policy: z.boolean().default(false),
  })
  .transform((t) => ({
    ...t,
    allowed_algorithms: including(t.allowed_algorithms, t.algorithm),
    allowed_digits: including(t.allowed_digits, t.digits),
    allowed_periods: including(t.allowed_periods, t.period),
  }))
  .prefault({});
