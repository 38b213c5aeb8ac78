/**
 * The Prometheus scrape endpoint, on its own listener (`telemetry.metrics.address`) so that the
 * metrics are never exposed through the proxied port.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MetricsServer {
  readonly server: Server;
  listen(host: string, port: number): Promise<AddressInfo>;
  close(): Promise<void>;
}

/** `registry`: the process's own, or (server.workers > 1) the primary's view aggregating every worker's. */
export function createMetricsServer(metrics: { registry: { metrics(): Promise<string>; readonly contentType: string } }, path: string): MetricsServer {
  const server = createServer((req, res) => {
    const url = req.url?.split('?')[0];
    if (url !== path || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': 9 }).end('Not Found');
      return;
    }
    metrics.registry.metrics().then(
      (text) => {
        const body = Buffer.from(text);
        res.writeHead(200, { 'Content-Type': metrics.registry.contentType, 'Content-Length': body.length });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      () => res.writeHead(500, { 'Content-Length': 0 }).end(),
    );
  });
  server.keepAliveTimeout = 30_000;
  return {
    server,
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve(server.address() as AddressInfo));
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
