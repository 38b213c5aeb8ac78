/** `server`: the listener, trusted proxies, limits, and the authz (forward-auth) endpoints. */
import { z } from 'zod';
import { caseInsensitiveEnum, cidr, durationDefault, httpsUrl, parseAddress } from './common.js';

export const AUTHZ_IMPLEMENTATIONS = ['ForwardAuth', 'AuthRequest', 'ExtAuthz', 'Legacy'] as const;
export type AuthzImplementation = (typeof AUTHZ_IMPLEMENTATIONS)[number];
export const AUTHN_STRATEGIES = ['HeaderAuthorization', 'HeaderProxyAuthorization', 'CookieSession'] as const;
export const AUTHN_SCHEMES = ['Basic', 'Bearer'] as const;

/** `tcp://host:port` (or `host:port`, `:port`) → the original string plus `host` and `port`. */
export const listenAddress = (fallback: string, defaultPort: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      const address = value ?? fallback;
      const parsed = parseAddress(address, defaultPort);
      if (!parsed) {
        ctx.addIssue({ code: 'custom', message: `must be an address such as 'tcp://:9091', 'host:port' or ':port' but is '${address}'`, input: value });
        return z.NEVER;
      }
      return { address, ...parsed };
    });

const bufferSchema = z.strictObject({ read: z.int().min(1).default(4096), write: z.int().min(1).default(4096) }).prefault({});

const timeoutSchema = z
  .strictObject({ read: durationDefault(6), write: durationDefault(6), idle: durationDefault(30) })
  .prefault({});

const strategySchema = z.strictObject({
  name: z.enum(AUTHN_STRATEGIES),
  schemes: z.array(caseInsensitiveEnum(AUTHN_SCHEMES)).optional(),
});

const defaultStrategies = [
  { name: 'HeaderAuthorization' as const, schemes: ['Bearer' as const] },
  { name: 'CookieSession' as const },
];

const authzEndpointSchema = z.strictObject({
  implementation: z.enum(AUTHZ_IMPLEMENTATIONS),
  authn_strategies: z.array(strategySchema).default(defaultStrategies),
});

const DEFAULT_AUTHZ = {
  'forward-auth': { implementation: 'ForwardAuth' as const, authn_strategies: defaultStrategies },
  'auth-request': { implementation: 'AuthRequest' as const, authn_strategies: defaultStrategies },
  'ext-authz': { implementation: 'ExtAuthz' as const, authn_strategies: defaultStrategies },
  legacy: { implementation: 'Legacy' as const, authn_strategies: defaultStrategies },
};

const introspectionCacheSchema = z
  .strictObject({
    max_ttl: durationDefault(300),
    negative_ttl: durationDefault(10),
    max_entries: z.int().min(0).default(10_000),
  })
  .prefault({});

const remoteIntrospectionSchema = z.strictObject({
  url: httpsUrl,
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
  timeout: durationDefault(5),
});

const endpointsSchema = z
  .strictObject({
    authz: z.record(z.string(), authzEndpointSchema).default(DEFAULT_AUTHZ),
    introspection_cache: introspectionCacheSchema,
    remote_introspection: remoteIntrospectionSchema.optional(),
  })
  .prefault({});

/**
 * Gatehouse's own (Authelia has no such key): how many worker processes serve the port (node:cluster,
 * the listening socket shared). `auto`: one per core (os.availableParallelism()); 1: one process, no cluster.
 */
export const workersSchema = z.union([z.literal('auto'), z.int().min(1).max(1024)]).default(1);

export const serverSchema = z
  .strictObject({
    address: listenAddress('tcp://:9091', 9091),
    workers: workersSchema,
    path: z.string().default(''),
    /** Authelia's: a directory whose `logo.png` and `favicon.ico` replace the portal's built-in icon. */
    asset_path: z.string().min(1).optional(),
    trusted_proxies: z.array(cidr).default(['127.0.0.1/32', '::1/128']),
    buffers: bufferSchema,
    timeouts: timeoutSchema,
    max_body_bytes: z.int().min(1).default(65_536),
    endpoints: endpointsSchema,
  })
  .prefault({})
  .transform(({ address, ...rest }) => ({ ...rest, address: address.address, host: address.host, port: address.port }));

export { bufferSchema, timeoutSchema };
