// Forward-auth latency while the token endpoint is flooded with wrong client secrets. Phases, each
// BENCH_SECONDS long (10 by default) after a 2 s warm-up:
//   alone       GET /api/authz/forward-auth with a cached bearer token, 4 connections
//   flood ×4    the same, while 4 connections POST client_credentials, each with a fresh wrong secret
//               (a full pbkdf2-sha512 310000 verification each, Authelia's default cost)
//   flood ×32   the same with 32 flooding connections: more than the verification queue holds
// and reports p50/p99 of forward-auth in each, and what the flood got (statuses, req/s).
// Conventions of run.js: the server is a child process pinned to CPU 0 (BENCH_PIN=0 turns this off);
// the flood comes from another child process (autocannon), the forward-auth timing from this one
// (undici, its own clock, as autocannon rounds latencies to whole milliseconds). Both clients share
// the other core, so flood-phase figures include some client-side delay too.
//   npm run build && node bench/flood.js
//   BENCH_BEFORE=/path/to/other/checkout node bench/flood.js   the same phases against that checkout's
//                                                              dist/ too (e.g. the previous commit), same run
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Pool } from 'undici';

const here = fileURLToPath(import.meta.url);
const root = join(dirname(here), '..');
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const SECRET = 'bench-secret-0123456789-abcdefghijklmnop';
const basicOf = (secret) => 'Basic ' + Buffer.from(`bench:${secret}`).toString('base64');
const FORWARD_AUTH_CONNECTIONS = 4;
const FLOODS = [4, 32];

// The flood, when this file runs as the flooding child: `node bench/flood.js --flood <url> <connections> <seconds>`.
if (process.argv[2] === '--flood') {
  const [url, connections, duration] = process.argv.slice(3);
  const result = await autocannon({
    url: `${url}/api/oidc/token`,
    method: 'POST',
    connections: Number(connections),
    duration: Number(duration),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&scope=api',
    // A fresh wrong secret each time: the same one, in flight at once, would share one verification.
    requests: [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, authorization: basicOf(randomBytes(12).toString('hex')) } }) }],
  });
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count]));
  process.stdout.write(JSON.stringify({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, statuses, errors: result.errors }));
  process.exit(0);
}

const pin = process.env.BENCH_PIN !== '0' && availableParallelism() >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

function stop(child) {
  return new Promise((done) => {
    if (child.exitCode !== null) return done();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => { clearTimeout(timer); done(); });
    child.kill('SIGTERM');
  });
}

async function startGatehouse(checkout, configPath, url) {
  const args = [join(checkout, 'dist/main.js'), 'serve', '--config', configPath];
  const [cmd, argv] = pin ? ['taskset', ['-c', '0', 'node', ...args]] : ['node', args];
  // Its log is dropped, not shown: a 5xx is logged per request, and a flood's are thousands.
  const child = spawn(cmd, argv, { cwd: checkout, stdio: ['ignore', 'ignore', 'ignore'] });
  for (let i = 0; i < 200; i++) {
    if (await fetch(`${url}/api/health`).then((r) => r.ok, () => false)) return child;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop(child);
  throw new Error(`gatehouse from ${checkout} did not answer on ${url}`);
}

async function writeConfig(dir, port, digest) {
  const path = join(dir, `config-${port}.yml`);
  writeFileSync(path, [
    `server: { address: 'tcp://127.0.0.1:${port}' }`,
    'log: { level: warn, format: text }',
    `storage: { local: { path: '${join(dir, `db-${port}.sqlite3`)}' } }`,
    "session: { cookies: [{ domain: 'example.com', authelia_url: 'https://auth.example.com' }] }",
    'access_control: { default_policy: deny, rules: [{ domain: app.example.com, policy: one_factor }] }',
    'identity_providers:',
    '  oidc:',
    '    clients:',
    '      - client_id: bench',
    `        client_secret: '${digest}'`,
    '        grant_types: [client_credentials]',
    '        scopes: [api, authelia.bearer.authz]',
    "        audience: ['https://api.example.com', 'https://app.example.com']",
    "        redirect_uris: ['https://bench.example.com/cb']",
    '',
  ].join('\n'));
  return path;
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** `connections` loops, each one request at a time, for `duration` s; latencies by our own clock. */
async function forwardAuth(url, token, duration) {
  const pool = new Pool(url, { connections: FORWARD_AUTH_CONNECTIONS });
  const headers = { authorization: `Bearer ${token}`, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com', 'x-forwarded-uri': '/api/items?page=2', 'x-forwarded-method': 'GET' };
  const latencies = [];
  let failures = 0;
  const end = performance.now() + duration * 1000;
  await Promise.all(Array.from({ length: FORWARD_AUTH_CONNECTIONS }, async () => {
    while (performance.now() < end) {
      const started = performance.now();
      const { statusCode, body } = await pool.request({ method: 'GET', path: '/api/authz/forward-auth', headers });
      await body.dump();
      latencies.push(performance.now() - started);
      if (statusCode !== 200) failures += 1;
    }
  }));
  await pool.close();
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, rps: latencies.length / duration, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: latencies.at(-1), failures };
}

function flood(url, connections, duration) {
  return new Promise((done, reject) => {
    const args = [here, '--flood', url, String(connections), String(duration)];
    const [cmd, argv] = pin ? ['taskset', ['-c', '1', 'node', ...args]] : ['node', args];
    const child = spawn(cmd, argv, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => { out += chunk; });
    child.once('exit', (code) => (code === 0 ? done(JSON.parse(out)) : reject(new Error(`flood exited with ${code}`))));
  });
}

const ms = (value) => `${value.toFixed(2)} ms`;

async function measure(label, checkout, dir, digest) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await startGatehouse(checkout, await writeConfig(dir, port, digest), url);
  try {
    const res = await fetch(`${url}/api/oidc/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicOf(SECRET) },
      body: 'grant_type=client_credentials&scope=authelia.bearer.authz&audience=https%3A%2F%2Fapp.example.com',
    });
    const { access_token: token } = await res.json();
    if (!token) throw new Error(`no token from ${label}: ${res.status}`);
    await forwardAuth(url, token, 2);
    const alone = await forwardAuth(url, token, seconds);
    console.log(`${label.padEnd(8)} alone      forward-auth p50 ${ms(alone.p50)} p99 ${ms(alone.p99)} max ${ms(alone.max)} ${alone.rps.toFixed(0)} req/s (${alone.failures} non-200)`);
    for (const connections of FLOODS) {
      // The flood starts 2 s early, so the queue (or the thread pool) is full when the timing starts.
      const flooding = flood(url, connections, seconds + 3);
      await new Promise((r) => setTimeout(r, 2000));
      const under = await forwardAuth(url, token, seconds);
      const attack = await flooding;
      const statuses = Object.entries(attack.statuses).map(([code, count]) => `${code}×${count}`).join(' ');
      console.log(
        `${label.padEnd(8)} flood ×${String(connections).padEnd(3)} forward-auth p50 ${ms(under.p50)} p99 ${ms(under.p99)} max ${ms(under.max)} ${under.rps.toFixed(0)} req/s (${under.failures} non-200)` +
          ` | flood ${attack.rps.toFixed(0)} req/s, p50 ${attack.p50} ms p99 ${attack.p99} ms, ${statuses}${attack.errors ? `, ${attack.errors} socket errors` : ''}`,
      );
    }
  } finally {
    await stop(server);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-flood-'));
try {
  const { hashPassword } = await import(join(root, 'dist/crypto/password-hash/index.js'));
  const digest = await hashPassword(SECRET, { algorithm: 'pbkdf2', variant: 'sha512', iterations: 310000 });
  console.log(`forward-auth ${FORWARD_AUTH_CONNECTIONS} connections, ${seconds} s per phase, Node ${process.version}${pin ? ', server pinned to CPU 0, flood to CPU 1' : ''}`);
  if (process.env.BENCH_BEFORE) await measure('before', resolve(process.env.BENCH_BEFORE), dir, digest);
  await measure(process.env.BENCH_BEFORE ? 'after' : 'this', root, dir, digest);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
