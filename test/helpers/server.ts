/**
 * Starts the real application on an ephemeral port with a temporary data directory.
 * Tests pass a config object (merged over a minimal embedded-default config) and speak HTTP to `url`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Test } from 'tap';
import { parseConfig } from '../../src/config/index.js';
import { startApp, type RunningApp } from '../../src/app.js';
import { memoryLogger } from '../../src/observability/log.js';
import { systemClock, type Clock } from '../../src/util/clock.js';

export type ConfigObject = Record<string, unknown>;

export interface TestServer {
  app: RunningApp;
  url: string;
  dir: string;
  logger: ReturnType<typeof memoryLogger>;
  stop(): Promise<void>;
}

export function baseConfig(dir: string): ConfigObject {
  return {
    server: { address: 'tcp://127.0.0.1:0' },
    log: { level: 'debug' },
    storage: { local: { path: join(dir, 'db.sqlite3') } },
  };
}

/** Deep merge for plain objects; arrays and scalars in `over` replace. */
export function merge(base: ConfigObject, over: ConfigObject): ConfigObject {
  const out: ConfigObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] = isPlainObject(prev) && isPlainObject(value) ? merge(prev, value) : value;
  }
  return out;
}

function isPlainObject(v: unknown): v is ConfigObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function tempDir(t: Test, prefix = 'gatehouse-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function startTestServer(
  t: Test,
  config: ConfigObject | ((dir: string) => ConfigObject) = {},
  options: { clock?: Clock; dir?: string; portalTimingMs?: number; collectProcessMetrics?: boolean } = {},
): Promise<TestServer> {
  const dir = options.dir ?? tempDir(t);
  const over = typeof config === 'function' ? config(dir) : config;
  const text = stringify(merge(baseConfig(dir), over));
  writeFileSync(join(dir, 'config.yml'), text);
  const { config: parsed } = parseConfig(text, { env: {}, nowMs: Date.now() });
  const logger = memoryLogger('debug');
  // The portal's uniform-timing floor (500 ms) is proven in test/portal/regulation.test.ts; e2e tests shorten it.
  const timing = { minimumMs: options.portalTimingMs ?? 5, jitterMs: 0 };
  const app = await startApp(parsed, { logger, clock: options.clock ?? systemClock, collectProcessMetrics: options.collectProcessMetrics ?? false, portalTiming: timing });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await app.stop(1000);
  };
  t.teardown(stop);
  return { app, url: app.url, dir, logger, stop };
}
