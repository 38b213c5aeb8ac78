/** `regulation`: ban after too many failed logins. */
import { z } from 'zod';
import { durationDefault } from './common.js';

export const regulationSchema = z
  .strictObject({
    max_retries: z.int().min(0).default(3),
    find_time: durationDefault(120),
    ban_time: durationDefault(300),
    modes: z.array(z.enum(['user', 'ip'])).min(1).default(['user']),
  })
  .prefault({});
