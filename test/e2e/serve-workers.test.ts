/**
 * `server.workers: 2` as a real process (the built dist/main.js) on SQLite: both workers serve the
 * one port, a token revoked through one worker is refused by forward-auth on the other within
 * 50 ms (the primary relays revocations over cluster IPC), the one metrics port aggregates both
 * workers, a killed worker is replaced, SIGTERM stops them all and exits 0; workers that cannot
 * start make the start fail.
 */
import t from 'tap';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { tempDir } from '../helpers/server.js';
import { bearerProvider } from '../helpers/bearer-client.js';
import { main, pinnedConnection, revocationAcrossWorkers, run, samples, total, waitFor } from './workers-setup.js';

t.before(() => {
  if (!existsSync(main)) throw new Error('dist/main.js is missing: run `npm run build` (npm test does)');
});

t.test('server.workers: 2 on SQLite', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'config.yml'), stringify({
    server: { address: 'tcp://127.0.0.1:0', workers: 2 },
    log: { level: 'info', format: 'json' },
    telemetry: { metrics: { enabled: true, address: 'tcp://127.0.0.1:0' } },
    storage: { local: { path: './data/db.sqlite3' } },
    ...bearerProvider(),
  }));

  const validate = run(['config', 'validate', '--config', 'config.yml'], dir);
  t.equal(await validate.exited, 0, 'config validate accepts server.workers');

  const proc = run(['serve', '--config', 'config.yml'], dir);
  t.teardown(() => { if (proc.child.exitCode === null) proc.child.kill('SIGKILL'); });
  const ready = await waitFor(proc, () => proc.lines().find((l) => l['msg'] === 'listening' && l['workers'] === 2));
  const url = ready['url'] as string;
  const metricsUrl = ready['metrics_url'] as string;
  const pids = new Map(proc.lines().filter((l) => l['msg'] === 'worker started').map((l) => [l['worker'] as number, l['pid'] as number]));
  t.same([...pids.keys()].sort(), [1, 2], 'two workers started');
  t.equal(proc.lines().filter((l) => l['msg'] === 'listening' && l['worker'] !== undefined && l['url'] === url).length, 2, 'both listen on the one port');

  const scrape = async () => (await fetch(metricsUrl)).text();
  const { a, b } = await revocationAcrossWorkers(t, url, metricsUrl);

  // The one metrics port aggregates both registries: the summed request counter equals the per-worker counts.
  await new Promise((r) => setTimeout(r, 50));
  const text = await scrape();
  t.equal(total(samples(text, 'gatehouse_http_requests_total')), total(samples(text, 'gatehouse_worker_http_requests_total')), 'gatehouse_http_requests_total sums both workers');
  t.match(text, /gatehouse_build_info\{[^}]*\} 1\n/, 'build info is not summed');
  t.match(text, /gatehouse_storage_up 1\n/);

  // A killed worker is replaced (same number, new pid), and serves.
  process.kill(pids.get(2)!, 'SIGKILL');
  const replaced = await waitFor(proc, () => proc.lines().find((l) => l['msg'] === 'worker started' && l['worker'] === 2 && l['pid'] !== pids.get(2)));
  const scrapeStart = performance.now();
  const midRestart = await fetch(metricsUrl);
  await midRestart.text();
  t.equal(midRestart.status, 200, `/metrics answers while the replacement starts (${(performance.now() - scrapeStart).toFixed(0)} ms)`);
  await waitFor(proc, () => proc.lines().filter((l) => l['msg'] === 'listening' && l['worker'] === 2).length === 2);
  t.match(proc.output(), /"msg":"worker exited; replacing it","worker":2/);
  const fresh = pinnedConnection(url);
  const fresh2 = pinnedConnection(url);
  t.equal((await fresh.get('/api/health')).status, 200);
  t.equal((await fresh2.get('/api/health')).status, 200);
  fresh.agent.destroy();
  fresh2.agent.destroy();
  t.match(await scrape(), /gatehouse_worker_http_requests_total\{worker="2"\}/, 'the replacement reports its metrics');

  // SIGTERM: every worker stops gracefully, the primary exits 0.
  a.agent.destroy();
  b.agent.destroy();
  proc.child.kill('SIGTERM');
  t.equal(await proc.exited, 0, 'exit 0 after SIGTERM');
  t.equal(proc.lines().filter((l) => l['msg'] === 'stopped' && l['worker'] !== undefined).length, 2, 'both workers (worker 1 and the replacement) stopped gracefully');
  t.ok(proc.lines().some((l) => l['msg'] === 'stopped' && l['workers'] === 2));
  for (const pid of [pids.get(1)!, replaced['pid'] as number]) {
    t.throws(() => process.kill(pid, 0), 'worker process gone');
  }
});

t.test('server.workers: 2, and the workers cannot start (the port is taken): exit 1, saying why', async (t) => {
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => squatter.close(() => resolve())));
  const port = (squatter.address() as AddressInfo).port;
  const dir = tempDir(t);
  writeFileSync(join(dir, 'config.yml'), stringify({
    server: { address: `tcp://127.0.0.1:${port}`, workers: 2 },
    log: { level: 'info', format: 'json' },
    storage: { local: { path: './data/db.sqlite3' } },
    ...bearerProvider(),
  }));
  const proc = run(['serve', '--config', 'config.yml'], dir);
  t.teardown(() => { if (proc.child.exitCode === null) proc.child.kill('SIGKILL'); });
  t.equal(await proc.exited, 1, 'exit 1');
  t.match(proc.output(), /"msg":"start-up failed","worker":\d,"error":"[^"]*EADDRINUSE/);
  t.match(proc.output(), /"msg":"a worker failed to start; stopping","worker":\d,"attempts":1,"exit_code":1/, 'the worker exited 1');
  t.notMatch(proc.output(), /"msg":"listening"/);
});
