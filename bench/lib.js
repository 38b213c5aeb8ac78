// What the load benchmarks share (bench/run.js, bench/node-lines.js): the scenarios and their client,
// the Gatehouse config they run, server start/stop (pinned to CPU 0), autocannon runs and medians.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import autocannon from 'autocannon';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const settings = { connections: 32, duration: Number(process.env.BENCH_SECONDS ?? 10), pipelining: 1 };
export const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
export const SECRET = 'bench-secret-0123456789-abcdefghijklmnop';
// pbkdf2-sha512, 310000 rounds (Authelia's default cost) of SECRET: the verified-secret cache
// is what keeps this affordable per request.
const SECRET_DIGEST = process.env.BENCH_DIGEST;
export const basicOf = (client_id, secret = SECRET) => 'Basic ' + Buffer.from(`${client_id}:${secret}`).toString('base64');
const basic = basicOf('bench');
const form = { 'content-type': 'application/x-www-form-urlencoded', authorization: basic };

export const scenarios = {
  health: async () => ({ method: 'GET', path: '/api/health' }),
  client_credentials: async () => ({ method: 'POST', path: '/api/oidc/token', headers: form, body: 'grant_type=client_credentials&scope=api&audience=https%3A%2F%2Fapi.example.com' }),
  forward_auth_bearer: async (url, isBaseline) => {
    let token = 'baseline-token';
    if (!isBaseline) {
      const res = await fetch(`${url}/api/oidc/token`, { method: 'POST', headers: form, body: 'grant_type=client_credentials&scope=authelia.bearer.authz&audience=https%3A%2F%2Fapp.example.com' });
      ({ access_token: token } = await res.json());
    }
    return {
      method: 'GET',
      path: '/api/authz/forward-auth',
      headers: { authorization: `Bearer ${token}`, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com', 'x-forwarded-uri': '/api/items?page=2', 'x-forwarded-method': 'GET' },
    };
  },
  introspection: async (url) => {
    const res = await fetch(`${url}/api/oidc/token`, { method: 'POST', headers: form, body: 'grant_type=client_credentials&scope=api' });
    const { access_token } = await res.json();
    return { method: 'POST', path: '/api/oidc/introspection', headers: form, body: `token=${access_token}` };
  },
};

// The server under test gets a core of its own (taskset, when there are two cores or more), the
// baseline exactly like Gatehouse: the load generator in this process then does not steal from it.
// BENCH_PIN=0 turns this off.
export const pin = process.env.BENCH_PIN !== '0' && availableParallelism() >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
/** The core the load generator is pinned to (bench/wrk.js), null when nothing is pinned. */
export const loadCore = pin ? 1 : null;

/** Starts a server child process (in `cwd`, the repository by default) and resolves once `url` answers its health check. */
export async function startServer(command, args, url, { cwd = root, pinned = true } = {}) {
  const [cmd, argv] = pin && pinned ? ['taskset', ['-c', '0', command, ...args]] : [command, args];
  const child = spawn(cmd, argv, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`))));
  exited.catch(() => undefined);
  for (let i = 0; i < 200; i++) {
    const up = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
    if (up) return { url, pid: child.pid, stop: () => stop(child) };
    await Promise.race([new Promise((r) => setTimeout(r, 50)), exited]);
  }
  await stop(child);
  throw new Error(`${args.join(' ')} did not answer on ${url}`);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** SIGTERM, and SIGKILL if the server has not exited 5 s later. */
export function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => { clearTimeout(timer); resolve(); });
    child.kill('SIGTERM');
  });
}

export async function load(url, request) {
  const options = { url: url + request.path, method: request.method, ...settings, ...(request.duration ? { duration: request.duration } : {}) };
  if (request.headers) options.headers = request.headers;
  if (request.body) options.body = request.body;
  const result = await autocannon(options);
  const errors = result.errors + result.non2xx;
  if (errors > 0 && !request.duration) {
    const statuses = Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => `${code}×${count}`).join(' ');
    console.error(`  ${url}${request.path}: ${result.errors} socket errors (${result.timeouts} timeouts), ${result.non2xx} non-2xx; statuses ${statuses}`);
  }
  return { rps: result.requests.average, requests: result.requests.total, p50: result.latency.p50, p99: result.latency.p99, errors };
}

/** A 2 s warm-up run, then the measured one. */
export async function warmThenLoad(url, request) {
  await load(url, { ...request, duration: 2 }).catch(() => undefined);
  return load(url, request);
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Gatehouse's bench config; `workers` sets server.workers (one process when absent). */
export async function gatehouseConfig(dir, port, { workers, name = 'config.yml' } = {}) {
  const { hashPassword } = await import('../dist/crypto/password-hash/index.js');
  const digest = SECRET_DIGEST ?? (await hashPassword(SECRET, { algorithm: 'pbkdf2', variant: 'sha512', iterations: 310000 }));
  const path = join(dir, name);
  writeFileSync(path, [
    `server: { address: 'tcp://127.0.0.1:${port}'${workers === undefined ? '' : `, workers: ${workers}`} }`,
    'log: { level: warn, format: text }',
    `storage: { local: { path: '${join(dir, 'db.sqlite3')}' } }`,
    "session: { cookies: [{ domain: 'example.com', authelia_url: 'https://auth.example.com' }] }",
    "access_control: { default_policy: deny, rules: [{ domain: app.example.com, policy: one_factor }] }",
    // BENCH_REGULATION=off measures without client-authentication regulation (max_retries 0).
    ...(process.env.BENCH_REGULATION === 'off' ? ['regulation: { max_retries: 0 }'] : []),
    'identity_providers:',
    '  oidc:',
    '    clients:',
    '      - client_id: bench',
    `        client_secret: '${digest}'`,
    "        grant_types: [client_credentials]",
    "        scopes: [api, authelia.bearer.authz]",
    "        audience: ['https://api.example.com', 'https://app.example.com']",
    "        redirect_uris: ['https://bench.example.com/cb']",
    // The same secret stored as plaintext: the client_credentials row without a digest to check.
    '      - client_id: bench-plain',
    `        client_secret: '$plaintext$${SECRET}'`,
    "        grant_types: [client_credentials]",
    "        scopes: [api]",
    "        audience: ['https://api.example.com']",
    "        redirect_uris: ['https://bench.example.com/cb']",
    '',
  ].join('\n'));
  return path;
}

/** CPU time (user + system) a process has used so far, in µs; null where /proc is not there to read. */
const clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
export function cpuMicros(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / clockTicks;
  } catch {
    return null;
  }
}

/** CPU time of a process and of every descendant still running (node:cluster workers), in µs. */
export function treeCpuMicros(pid) {
  const own = cpuMicros(pid);
  if (own === null) return null;
  return own + childrenOf(pid).reduce((sum, child) => sum + (treeCpuMicros(child) ?? 0), 0);
}

function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Resident set size of a process and its descendants, in bytes; null where /proc is not there. */
export function treeRssBytes(pid) {
  try {
    const kib = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return kib * 1024 + childrenOf(pid).reduce((sum, child) => sum + (treeRssBytes(child) ?? 0), 0);
  } catch {
    return null;
  }
}
