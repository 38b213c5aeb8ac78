/** `telemetry.metrics`: the Prometheus listener. Authelia writes the path into the address. */
import { z } from 'zod';
import { bufferSchema, listenAddress, timeoutSchema } from './server.js';

const metricsSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    address: listenAddress('tcp://0.0.0.0:9959', 9959),
    path: z.string().startsWith('/').optional(),
    buffers: bufferSchema,
    timeouts: timeoutSchema,
  })
  .prefault({})
  // `tcp://0.0.0.0:9959/metrics` (Authelia) and `path: /metrics` both land in `path`.
  .transform(({ address, path, ...rest }) => ({
    ...rest,
    address: address.address,
    host: address.host,
    port: address.port,
    path: path ?? (address.path || '/metrics'),
  }));

export const telemetrySchema = z.strictObject({ metrics: metricsSchema }).prefault({});
