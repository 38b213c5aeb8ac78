/**
 * `server.workers: 2` as a real process (the built dist/main.js) on SQLite: both workers serve the
 * one port, a token revoked through one worker is refused by forward-auth on the other within
 * 50 ms (the primary relays revocations over cluster IPC), the one metrics port aggregates both
 * workers, a killed worker is replaced, SIGTERM stops them all and exits 0.
 */
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { tempDir } from '../helpers/server.js';
import { bearerProvider, issueBearerToken, machineForm } from '../helpers/bearer-client.js';

const main = join(process.cwd(), 'dist', 'main.js');

interface Proc {
  child: ChildProcess;
  output: () => string;
  lines: () => Array<Record<string, unknown>>;
  exited: Promise<number | null>;
}

function run(args: string[], cwd: string): Proc {
  const child = spawn(process.execPath, [main, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = () => output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { child, output: () => output, lines, exited };
}

async function waitFor<T>(proc: Proc, check: () => T | undefined | false, ms = 20_000): Promise<T> {
  let exited: number | null | undefined;
  void proc.exited.then((code) => (exited = code));
  const until = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (exited !== undefined) throw new Error(`gatehouse exited with ${exited}: ${proc.output()}`);
    if (Date.now() > until) throw new Error(`timed out: ${proc.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One keep-alive connection (one socket, so one worker) for a series of requests. */
function pinnedConnection(base: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return {
    agent,
    get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
      return new Promise((resolve, reject) => {
        const req = request(new URL(path, base), { agent, headers }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        req.end();
      });
    },
    post(path: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
      return new Promise((resolve, reject) => {
        const req = request(new URL(path, base), { agent, method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode!, body: text }));
        });
        req.on('error', reject);
        req.end(body);
      });
    },
  };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}`, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com', 'x-forwarded-uri': '/api/items', 'x-forwarded-method': 'GET' });

/** `name{labels} value` lines of a Prometheus text answer, summed per labels. */
function samples(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`).exec(line);
    if (match) out.set(match[1] ?? '', Number(match[2]));
  }
  return out;
}
const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

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
  const perWorker = async () => samples(await scrape(), 'gatehouse_worker_http_requests_total');
  const before = await perWorker();

  // Round-robin: two connections opened one after the other land on the two workers.
  const a = pinnedConnection(url);
  const b = pinnedConnection(url);
  t.teardown(() => { a.agent.destroy(); b.agent.destroy(); });
  for (let i = 0; i < 5; i++) t.equal((await a.get('/api/health')).status, 200);
  for (let i = 0; i < 3; i++) t.equal((await b.get('/api/health')).status, 200);
  await new Promise((r) => setTimeout(r, 50));
  const after = await perWorker();
  const deltas = [1, 2].map((w) => (after.get(`{worker="${w}"}`) ?? 0) - (before.get(`{worker="${w}"}`) ?? 0)).sort();
  t.same(deltas, [3, 5], 'each connection was served by its own worker, and /metrics counts both');

  // A token cached by both workers, revoked through one: refused by the other within 50 ms.
  const token = await issueBearerToken(url);
  for (const conn of [a, b]) {
    t.equal((await conn.get('/api/authz/forward-auth', bearer(token))).status, 200);
    t.equal((await conn.get('/api/authz/forward-auth', bearer(token))).status, 200, 'cached');
  }
  const revoked = await a.post('/api/oidc/revocation', machineForm, `token=${token}`);
  t.equal(revoked.status, 200);
  const revokedAt = performance.now();
  let refusedAfterMs = -1;
  while (performance.now() - revokedAt < 1000) {
    if ((await b.get('/api/authz/forward-auth', bearer(token))).status === 401) {
      refusedAfterMs = performance.now() - revokedAt;
      break;
    }
  }
  t.ok(refusedAfterMs >= 0 && refusedAfterMs < 50, `refused by the other worker ${refusedAfterMs.toFixed(2)} ms after the revocation answered`);
  t.equal((await a.get('/api/authz/forward-auth', bearer(token))).status, 401, 'and by the revoking worker');

  // The one metrics port aggregates both registries: the summed request counter equals the per-worker counts.
  await new Promise((r) => setTimeout(r, 50));
  const text = await scrape();
  t.equal(total(samples(text, 'gatehouse_http_requests_total')), total(samples(text, 'gatehouse_worker_http_requests_total')), 'gatehouse_http_requests_total sums both workers');
  t.match(text, /gatehouse_build_info\{[^}]*\} 1\n/, 'build info is not summed');
  t.match(text, /gatehouse_storage_up 1\n/);

  // A killed worker is replaced (same number, new pid), and serves.
  process.kill(pids.get(2)!, 'SIGKILL');
  const replaced = await waitFor(proc, () => proc.lines().find((l) => l['msg'] === 'worker started' && l['worker'] === 2 && l['pid'] !== pids.get(2)));
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
  t.match(proc.output(), /"msg":"a worker failed to start; stopping"/);
  t.notMatch(proc.output(), /"msg":"listening"/);
});
