/** `storage`: the encryption key and exactly one engine (checked in checks/storage.ts). */
import { z } from 'zod';
import { durationDefault, parseAddress } from './common.js';

const postgresAddress = z.string().transform((value, ctx) => {
  const parsed = parseAddress(value, 5432);
  if (!parsed || parsed.host === '' || parsed.path !== '') {
    ctx.addIssue({ code: 'custom', message: `must be an address such as 'tcp://host:5432', 'host:port' or 'host' but is '${value}'`, input: value });
    return z.NEVER;
  }
  return { address: value, host: parsed.host, port: parsed.port };
});

const postgresSchema = z
  .strictObject({
    address: postgresAddress,
    database: z.string().min(1),
    schema: z.string().min(1).default('public'),
    username: z.string().min(1),
    password: z.string().min(1),
    timeout: durationDefault(5),
    tls: z
      .strictObject({
        server_name: z.string().min(1).optional(),
        skip_verify: z.boolean().default(false),
        minimum_version: z.enum(['TLS1.2', 'TLS1.3']).default('TLS1.2'),
        certificate_chain: z.string().min(1).optional(),
        private_key: z.string().min(1).optional(),
      })
      .optional(),
  })
  .transform(({ address, ...rest }) => ({ ...rest, address: address.address, host: address.host, port: address.port }));

/** Default `storage.retention.authentication_logs`: a month of sign-in history to look back on. */
export const DEFAULT_AUTHENTICATION_LOGS_RETENTION_SECONDS = 30 * 86_400;

export const storageSchema = z
  .strictObject({
    encryption_key: z.string().min(20).optional(),
    local: z.strictObject({ path: z.string().min(1) }).optional(),
    postgres: postgresSchema.optional(),
    // Authelia has no such key (it prunes only on demand: `authelia storage logs auth prune
    // --older-than`); a map keyed by the table's name keeps its snake_case style and leaves room
    // for other tables. At least regulation.find_time (checks/storage.ts).
    retention: z.strictObject({ authentication_logs: durationDefault(DEFAULT_AUTHENTICATION_LOGS_RETENTION_SECONDS) }).prefault({}),
  })
  .prefault({});
