/** GET /api/health: 200 once storage answers, 503 while it does not (for orchestrators' probes). */
import { json } from '../http/response.js';
import type { Route } from '../http/router.js';
import { SERVICE_PATHS } from '../util/paths.js';

export interface HealthDeps {
  storage: { health(): Promise<void> };
}

export function healthRoute({ storage }: HealthDeps): Route {
  return {
    name: 'health',
    path: SERVICE_PATHS.health,
    errorStyle: 'api',
    accessLogLevel: 'debug',
    methods: {
      GET: async () => {
        try {
          await storage.health();
          return json(200, { status: 'OK' });
        } catch {
          return json(503, { status: 'KO', message: 'storage is unreachable' });
        }
      },
    },
  };
}
