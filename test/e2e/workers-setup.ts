/**
 * `gatehouse serve` with `server.workers` as a real process (the built dist/main.js), for
 * serve-workers.test.ts (SQLite) and serve-workers-postgres.test.ts: spawning, waiting for log
 * lines, keep-alive connections pinned to one worker, Prometheus samples, and the revocation check.
 */
import type { Test } from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { issueBearerToken, machineForm } from '../helpers/bearer-client.js';

export const main = join(process.cwd(), 'dist', 'main.js');

export interface Proc {
  child: ChildProcess;
  output: () => string;
  lines: () => Array<Record<string, unknown>>;
  exited: Promise<number | null>;
}

export function run(args: string[], cwd: string): Proc {
  const child = spawn(process.execPath, [main, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = () => output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { child, output: () => output, lines, exited };
}

export async function waitFor<T>(proc: Proc, check: () => T | undefined | false, ms = 20_000): Promise<T> {
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
export function pinnedConnection(base: string) {
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

export const bearer = (token: string) => ({ authorization: `Bearer ${token}`, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com', 'x-forwarded-uri': '/api/items', 'x-forwarded-method': 'GET' });

/** `name{labels} value` lines of a Prometheus text answer, summed per labels. */
export function samples(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`).exec(line);
    if (match) out.set(match[1] ?? '', Number(match[2]));
  }
  return out;
}
export const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/**
 * Two connections opened one after the other land on the two workers (round-robin), shown by the
 * per-worker counters of the one metrics port; a token both workers cached, revoked through the
 * first, is refused by the second within 50 ms. Returns the two connections, for more requests.
 */
export async function revocationAcrossWorkers(t: Test, url: string, metricsUrl: string) {
  const perWorker = async () => samples(await (await fetch(metricsUrl)).text(), 'gatehouse_worker_http_requests_total');
  const before = await perWorker();
  const a = pinnedConnection(url);
  const b = pinnedConnection(url);
  t.teardown(() => { a.agent.destroy(); b.agent.destroy(); });
  for (let i = 0; i < 5; i++) t.equal((await a.get('/api/health')).status, 200);
  for (let i = 0; i < 3; i++) t.equal((await b.get('/api/health')).status, 200);
  await new Promise((r) => setTimeout(r, 50));
  const after = await perWorker();
  const deltas = [1, 2].map((w) => (after.get(`{worker="${w}"}`) ?? 0) - (before.get(`{worker="${w}"}`) ?? 0)).sort();
  t.same(deltas, [3, 5], 'each connection was served by its own worker, and /metrics counts both');

  const token = await issueBearerToken(url);
  for (const conn of [a, b]) {
    t.equal((await conn.get('/api/authz/forward-auth', bearer(token))).status, 200);
    t.equal((await conn.get('/api/authz/forward-auth', bearer(token))).status, 200, 'cached');
  }
  const revoked = await a.post('/api/oidc/revocation', machineForm, `token=${token}`);
  t.equal(revoked.status, 200);
  const revokedAt = performance.now();
  // Timed at the sending of the first request refused: how soon the other worker knew, not how long
  // its storage look-up (a cache miss now) took on a loaded machine.
  let refusedAfterMs = -1;
  while (performance.now() - revokedAt < 1000) {
    const sentAfterMs = performance.now() - revokedAt;
    if ((await b.get('/api/authz/forward-auth', bearer(token))).status === 401) {
      refusedAfterMs = sentAfterMs;
      break;
    }
  }
  t.ok(refusedAfterMs >= 0 && refusedAfterMs < 50, `a request sent ${refusedAfterMs.toFixed(2)} ms after the revocation answered was refused by the other worker`);
  t.equal((await a.get('/api/authz/forward-auth', bearer(token))).status, 401, 'and by the revoking worker');
  return { a, b };
}
