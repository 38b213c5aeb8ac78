/** `log`: level, format and an optional file. */
import { z } from 'zod';

export const logSchema = z
  .strictObject({
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
    format: z.enum(['json', 'text']).default('json'),
    file_path: z.string().min(1).optional(),
  })
  .prefault({});
