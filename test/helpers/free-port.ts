import { createServer, type Server } from 'node:net';

/** A port that was free a moment ago on 127.0.0.1 (for configs that must name their own URL). */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port;
}

/**
 * `count` distinct ports that were free a moment ago: all are held open until every one is taken,
 * so two calls in a row cannot hand out the same port (which made Caddy's http_port equal its
 * https_port once, turning the test site into plain HTTP).
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
    }
    return servers.map((s) => (s.address() as { port: number }).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}
