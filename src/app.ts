/**
 * Starts and stops the whole process: context, HTTP server, metrics listener.
 * `gatehouse serve` and the end-to-end tests both go through `startApp`.
 */
import type { Config } from './config/index.js';
import { buildContext, closeContext, type AppContext, type ContextDeps } from './context.js';
import { buildRoutes } from './endpoints/index.js';
import { createHttpServer } from './http/server.js';
import { Router } from './http/router.js';
import { compileTrustedProxies } from './http/forwarded.js';
import { createMetricsServer } from './observability/metrics-server.js';
import { countRequestsOfWorker } from './observability/metrics.js';

export interface RunningApp {
  context: AppContext;
  /** e.g. http://127.0.0.1:9091 */
  url: string;
  metricsUrl: string | null;
  /** Graceful: stop accepting, finish in-flight requests, close storage. */
  stop(graceMs?: number): Promise<void>;
}

export interface AppDeps extends ContextDeps {
  /**
   * One worker of `server.workers` > 1 (1-based slot): its requests are also counted under its
   * number, and it opens no metrics listener (the primary serves them all, aggregated).
   */
  worker?: number;
}

export async function startApp(config: Config, deps: AppDeps): Promise<RunningApp> {
  const context = await buildContext(config, deps);
  const { server: serverConfig } = config;
  const http = createHttpServer({
    router: new Router(buildRoutes(context)),
    logger: context.logger,
    metrics: deps.worker === undefined ? context.metrics : countRequestsOfWorker(context.metrics, deps.worker),
    trustedProxies: compileTrustedProxies(serverConfig.trusted_proxies),
    maxBodyBytes: serverConfig.max_body_bytes,
    clientDebugMessages: config.identity_providers?.oidc?.enable_client_debug_messages ?? false,
    timeouts: {
      readSeconds: serverConfig.timeouts.read,
      writeSeconds: serverConfig.timeouts.write,
      idleSeconds: serverConfig.timeouts.idle,
    },
  });

  const metricsConfig = config.telemetry.metrics;
  const metricsServer = metricsConfig.enabled && deps.worker === undefined ? createMetricsServer(context.metrics, metricsConfig.path) : null;
  try {
    const address = await http.listen(serverConfig.host, serverConfig.port);
    const metricsAddress = metricsServer ? await metricsServer.listen(metricsConfig.host, metricsConfig.port) : null;
    const url = `http://${hostForUrl(address.address)}:${address.port}`;
    const metricsUrl = metricsAddress ? `http://${hostForUrl(metricsAddress.address)}:${metricsAddress.port}${metricsConfig.path}` : null;
    context.logger.info('listening', { url, metrics_url: metricsUrl ?? undefined, storage: context.storage.engine });
    return {
      context,
      url,
      metricsUrl,
      async stop(graceMs = 10_000) {
        await Promise.all([http.close(graceMs), metricsServer?.close()]);
        await closeContext(context);
        context.logger.info('stopped');
      },
    };
  } catch (err) {
    await Promise.allSettled([http.close(0), metricsServer?.close()]);
    await closeContext(context);
    throw err;
  }
}

function hostForUrl(address: string): string {
  if (address === '::' || address === '0.0.0.0') return '127.0.0.1';
  return address.includes(':') ? `[${address}]` : address;
}
