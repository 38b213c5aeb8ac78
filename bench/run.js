// Gatehouse against its anchors, side by side in one run (issue #14's method):
// - every server (Gatehouse, the ideal node:http server, node-oidc-provider 8, nginx in front of
//   either) pinned to CPU 0, the load generator (wrk, one thread) to CPU 1;
// - each row measured for every round, Gatehouse and its anchor alternating and the order swapped
//   each round, after a 2 s warm-up, so neither always runs first on a shared machine;
// - per run: req/s, p50/p99 from wrk, and the server's CPU time per request from /proc/<pid>/stat
//   (user + system, the process and its workers, over the measured run): the figure that stays
//   steady when other work shares the machine, where req/s does not;
// - medians with min–max over the rounds; a JSON file with every run (bench/results/, or BENCH_OUT).
// Rows: forward-auth with a cached bearer token; nginx auth_request → Gatehouse vs nginx → ideal;
// client_credentials with a hashed (cache warm) and a plaintext secret, and introspection, vs
// oidc-provider; forward-auth p99 at 4 connections under a flood of wrong client secrets vs the same
// unloaded; idle RSS; heap per cached token entry (bench/cache-memory.js); start-up to the first 200.
//   npm run bench                                  every row, 10 s runs, 3 rounds
//   npm run bench -- introspection client_credentials   some rows (names as in the JSON file)
//   BENCH_SECONDS=5 BENCH_ROUNDS=5                 shorter runs, more rounds
//   BENCH_WORKERS=2                                Gatehouse with server.workers: 2 (not pinned then)
// node-oidc-provider is installed on first use into bench/anchors/oidc-provider (npm ci there; its
// code never enters this repository); without it, its rows print "–" for the anchor.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SECRET, basicOf, freePort, gatehouseConfig, median, pin, root, startServer, stop, treeCpuMicros, treeRssBytes } from './lib.js';
import { wrk, wrkAvailable } from './wrk.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const workers = process.env.BENCH_WORKERS;
const CONNECTIONS = 32;
const FLOOD_CONNECTIONS = 4;
const FORM = 'application/x-www-form-urlencoded';
const wanted = process.argv.slice(2);
const wants = (name) => !wanted.length || wanted.includes(name);
const log = (message) => console.error(`bench: ${message}`);

if (!wrkAvailable) {
  console.error('bench: wrk is not installed (Debian: apt-get install -y wrk)');
  process.exit(2);
}

// ---- anchors ------------------------------------------------------------------------------------
const providerDir = join(root, 'bench', 'anchors', 'oidc-provider');
function providerReady() {
  if (existsSync(join(providerDir, 'node_modules', 'oidc-provider'))) return true;
  log('installing node-oidc-provider 8 into bench/anchors/oidc-provider (npm ci)');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: providerDir, stdio: ['ignore', process.stderr, process.stderr] });
  if (result.status !== 0) log('node-oidc-provider could not be installed: its rows run without their anchor');
  return result.status === 0;
}

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
const ports = { gatehouse: await freePort(), flood: await freePort() };
const configPath = await gatehouseConfig(dir, ports.gatehouse, workers === undefined ? {} : { workers });
// The flood row's server: regulation off, so every wrong secret really is a PBKDF2 (with regulation on,
// the flood's client is banned after three guesses and costs nothing more).
process.env.BENCH_REGULATION_SAVED = process.env.BENCH_REGULATION ?? '';
process.env.BENCH_REGULATION = 'off';
const floodConfigPath = await gatehouseConfig(dir, ports.flood, { name: 'flood.yml', ...(workers === undefined ? {} : { workers }) });
process.env.BENCH_REGULATION = process.env.BENCH_REGULATION_SAVED;

const KINDS = {
  gatehouse: { label: 'Gatehouse', start: (port, config = configPath) => startServer('node', ['dist/main.js', 'serve', '--config', config], `http://127.0.0.1:${port}`, { pinned: workers === undefined }) },
  ideal: { label: 'ideal node:http', start: (port) => startServer('node', ['bench/baseline-server.js', String(port)], `http://127.0.0.1:${port}`) },
  provider: { label: 'oidc-provider 8.8.1', start: (port) => startServer('node', ['bench/anchors/oidc-provider/server.js', String(port), SECRET], `http://127.0.0.1:${port}`) },
};

async function tokenFrom(url, client_id, body) {
  const res = await fetch(`${url}/api/oidc/token`, { method: 'POST', headers: { 'content-type': FORM, authorization: basicOf(client_id) }, body });
  const json = await res.json();
  if (!json.access_token) throw new Error(`no token from ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json.access_token;
}

const forwardAuthHeaders = (token) => ({ authorization: `Bearer ${token}`, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com', 'x-forwarded-uri': '/api/items?page=2', 'x-forwarded-method': 'GET' });
const bearerToken = (url, kind) => (kind === 'ideal' ? 'baseline-token' : tokenFrom(url, 'bench', 'grant_type=client_credentials&scope=authelia.bearer.authz&audience=https%3A%2F%2Fapp.example.com'));

/** The load rows: what each server is asked, per kind. */
const ROWS = [
  {
    name: 'forward_auth_bearer', label: 'forward-auth, cached bearer', anchor: 'ideal',
    request: async (url, kind) => ({ path: '/api/authz/forward-auth', headers: forwardAuthHeaders(await bearerToken(url, kind)) }),
  },
  {
    name: 'behind_nginx', label: 'nginx auth_request → server', anchor: 'ideal', nginx: true,
    request: async (url, kind) => ({ path: '/items', headers: { authorization: `Bearer ${await bearerToken(url, kind)}` } }),
  },
  {
    name: 'client_credentials', label: 'client_credentials (hashed, warm)', anchor: 'provider',
    request: async () => ({ method: 'POST', path: '/api/oidc/token', headers: { 'content-type': FORM, authorization: basicOf('bench') }, body: 'grant_type=client_credentials&scope=api' }),
  },
  {
    name: 'client_credentials_plain', label: 'client_credentials (plaintext)', anchor: 'provider',
    request: async () => ({ method: 'POST', path: '/api/oidc/token', headers: { 'content-type': FORM, authorization: basicOf('bench-plain') }, body: 'grant_type=client_credentials&scope=api' }),
  },
  {
    name: 'introspection', label: 'introspection', anchor: 'provider',
    request: async (url) => ({ method: 'POST', path: '/api/oidc/introspection', headers: { 'content-type': FORM, authorization: basicOf('bench') }, body: `token=${await tokenFrom(url, 'bench', 'grant_type=client_credentials&scope=api')}` }),
  },
].filter((row) => wants(row.name));

/** nginx (auth_request with a keep-alive upstream, as proxy-examples/nginx does) in front of `authzUrl`, on CPU 0. */
async function startNginx(authzUrl) {
  const port = await freePort();
  const prefix = join(dir, `nginx-${port}`);
  mkdirSync(join(prefix, 'www'), { recursive: true });
  writeFileSync(join(prefix, 'www', 'index.html'), 'ok\n');
  writeFileSync(join(prefix, 'nginx.conf'), `
user root;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${prefix}/tmp-body; proxy_temp_path ${prefix}/tmp-proxy; fastcgi_temp_path ${prefix}/tmp-fcgi;
  uwsgi_temp_path ${prefix}/tmp-uwsgi; scgi_temp_path ${prefix}/tmp-scgi;
  upstream authz { server ${new URL(authzUrl).host}; keepalive 32; }
  server {
    listen 127.0.0.1:${port};
    root ${prefix}/www;
    location = /internal/authz {
      internal;
      proxy_pass http://authz/api/authz/auth-request;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URL https://app.example.com$request_uri;
      proxy_set_header X-Original-Method $request_method;
    }
    location / {
      auth_request /internal/authz;
      auth_request_set $user $upstream_http_remote_user;
      add_header X-Remote-User $user;
      try_files /index.html =404;
    }
  }
}
`);
  const nginxArgs = ['-c', join(prefix, 'nginx.conf'), '-p', prefix, '-g', 'daemon off;'];
  const child = pin ? spawn('taskset', ['-c', '0', 'nginx', ...nginxArgs], { stdio: ['ignore', 'ignore', 'inherit'] }) : spawn('nginx', nginxArgs, { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (await fetch(url + '/', { headers: { authorization: 'Bearer probe' } }).then(() => true, () => false)) return { url, pid: child.pid, stop: () => stop(child) };
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop(child);
  throw new Error('nginx did not start');
}

/** A 2 s warm-up, then the measured run, with the CPU the processes in `pids` used per request. */
async function measured(url, request, pids, connections = CONNECTIONS) {
  await wrk(url, request, { connections, seconds: 2 });
  const before = pids.map(treeCpuMicros);
  const result = await wrk(url, request, { connections, seconds });
  const used = pids.reduce((sum, pid, i) => sum + (treeCpuMicros(pid) - before[i]), 0);
  return { ...result, cpuMicrosPerRequest: result.requests > 0 ? used / result.requests : null };
}

const runs = {}; // row name → kind → [run]
const record = (row, kind, run) => ((runs[row] ??= {})[kind] ??= []).push(run);

async function loadRows(round) {
  if (!ROWS.length) return;
  const providerOk = ROWS.some((r) => r.anchor === 'provider') && providerReady();
  const started = {};
  try {
    started.gatehouse = await KINDS.gatehouse.start(ports.gatehouse);
    if (ROWS.some((r) => r.anchor === 'ideal')) started.ideal = await KINDS.ideal.start(await freePort());
    if (providerOk) started.provider = await KINDS.provider.start(await freePort());
    for (const row of ROWS) {
      const kinds = ['gatehouse', row.anchor].filter((k) => started[k]);
      if (round % 2 === 1) kinds.reverse();
      for (const kind of kinds) {
        const server = started[kind];
        const request = await row.request(server.url, kind);
        let nginx = null;
        try {
          if (row.nginx) nginx = await startNginx(server.url);
          const target = nginx ? nginx.url : server.url;
          const run = await measured(target, request, nginx ? [server.pid, nginx.pid] : [server.pid]);
          record(row.name, kind, run);
          log(`${row.name} round ${round + 1}/${rounds} ${kind}: ${run.rps.toFixed(0)} req/s, p99 ${run.p99.toFixed(2)} ms, ${run.cpuMicrosPerRequest?.toFixed(0)} µs CPU/req${run.errors ? `, ${run.errors} errors` : ''}`);
        } finally {
          await nginx?.stop();
        }
      }
    }
  } finally {
    await Promise.all(Object.values(started).map((s) => s.stop()));
  }
}

/** 400 distinct wrong secrets for client `bench`, cycled: each request is a full PBKDF2 (310,000). */
const wrongSecretHeaders = Array.from({ length: 400 }, (_, i) => ({ authorization: basicOf('bench', `wrong-${i}-${Math.random().toString(36).slice(2)}`) }));

async function floodRow(round) {
  const server = await KINDS.gatehouse.start(ports.flood, floodConfigPath);
  try {
    const request = { path: '/api/authz/forward-auth', headers: forwardAuthHeaders(await bearerToken(server.url, 'gatehouse')) };
    const phases = [
      ['unloaded', async () => wrk(server.url, request, { connections: FLOOD_CONNECTIONS, seconds })],
      ['flooded', async () => {
        const flood = { method: 'POST', path: '/api/oidc/token', headers: { 'content-type': FORM }, body: 'grant_type=client_credentials&scope=api', headerSets: wrongSecretHeaders };
        // The flood starts 2 s early, so the hash queue is full when the timing starts.
        const flooding = wrk(server.url, flood, { connections: FLOOD_CONNECTIONS, seconds: seconds + 3 });
        await new Promise((r) => setTimeout(r, 2000));
        const timed = await wrk(server.url, request, { connections: FLOOD_CONNECTIONS, seconds });
        const attack = await flooding;
        return { ...timed, flood: { rps: attack.rps, p99: attack.p99, errors: attack.errors } };
      }],
    ];
    await wrk(server.url, request, { connections: FLOOD_CONNECTIONS, seconds: 2 });
    if (round % 2 === 1) phases.reverse();
    for (const [phase, run] of phases) {
      const result = await run();
      record('flood', phase, result);
      log(`flood round ${round + 1}/${rounds} ${phase}: forward-auth p99 ${result.p99.toFixed(2)} ms${result.flood ? ` (flood ${result.flood.rps.toFixed(1)} req/s)` : ''}`);
    }
  } finally {
    await server.stop();
  }
}

/** Spawn → first 200 on /api/health, polled every 2 ms; then 2 s idle and the RSS. */
async function startAndIdle(kind) {
  const port = await freePort();
  const args = {
    gatehouse: ['dist/main.js', 'serve', '--config', configPath],
    ideal: ['bench/baseline-server.js', String(port)],
    provider: ['bench/anchors/oidc-provider/server.js', String(port), SECRET],
  }[kind];
  if (kind === 'gatehouse') {
    // The config's port is fixed: a copy on this port.
    const copy = join(dir, `startup-${port}.yml`);
    writeFileSync(copy, readFileSync(configPath, 'utf8').replace(`127.0.0.1:${ports.gatehouse}`, `127.0.0.1:${port}`));
    args[3] = copy;
  }
  const [cmd, argv] = pin ? ['taskset', ['-c', '0', 'node', ...args]] : ['node', args];
  const started = performance.now();
  const child = spawn(cmd, argv, { cwd: root, stdio: ['ignore', 'ignore', 'ignore'] });
  const up = () => new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/api/health', agent: false }, (res) => { res.resume(); resolve(res.statusCode === 200); });
    req.on('error', () => resolve(false));
    req.end();
  });
  try {
    for (;;) {
      if (await up()) break;
      if (child.exitCode !== null || performance.now() - started > 20_000) throw new Error(`${kind} did not start`);
      await new Promise((r) => setTimeout(r, 2));
    }
    const startupMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, 2000));
    return { startupMs, idleRssMiB: treeRssBytes(child.pid) / 2 ** 20 };
  } finally {
    await stop(child);
  }
}

async function startupRows(round) {
  const kinds = ['gatehouse', 'ideal', ...(providerReady() ? ['provider'] : [])];
  const order = kinds.map((_, i) => kinds[(i + round) % kinds.length]);
  for (const kind of order) {
    const result = await startAndIdle(kind);
    record('startup', kind, result);
    log(`start-up round ${round + 1}/${rounds} ${kind}: ${result.startupMs.toFixed(0)} ms to the first 200, idle RSS ${result.idleRssMiB.toFixed(1)} MiB`);
  }
}

function cacheMemory() {
  const result = spawnSync('node', ['--expose-gc', 'bench/cache-memory.js', '100000'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) return log(`cache-memory failed: ${result.stderr.trim().slice(-400)}`), null;
  return JSON.parse(result.stdout.trim());
}

// ---- run ----------------------------------------------------------------------------------------
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const startedAt = new Date();
const loadBefore = loadavg();
// Gatehouse generates its keys on the first start: started once, so every start measured finds them.
await KINDS.gatehouse.start(ports.gatehouse).then((s) => s.stop());
let memory = null;
try {
  for (let round = 0; round < rounds; round++) {
    await loadRows(round);
    if (wants('flood')) await floodRow(round);
    if (wants('startup') || wants('idle_rss')) await startupRows(round);
  }
  if (wants('heap_per_entry')) memory = cacheMemory();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// ---- report -------------------------------------------------------------------------------------
const values = (list, key) => (list ?? []).map((r) => r[key]).filter((v) => typeof v === 'number' && Number.isFinite(v));
const med = (list, key) => (values(list, key).length ? median(values(list, key)) : null);
const fmt = (n, digits = 0) => (n === null || n === undefined ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const spread = (list, key, digits = 0) => {
  const v = values(list, key);
  return v.length ? `${fmt(median(v), digits)} (${fmt(Math.min(...v), digits)}–${fmt(Math.max(...v), digits)})` : '–';
};
const ratio = (a, b) => (a === null || b === null || b === 0 ? null : a / b);

const table = [];
for (const row of ROWS) {
  const ours = runs[row.name]?.gatehouse;
  const anchor = runs[row.name]?.[row.anchor];
  table.push({
    scenario: row.label,
    gatehouse: `${spread(ours, 'rps')} req/s`,
    anchor: `${row.nginx ? 'nginx → ' : ''}${KINDS[row.anchor].label} ${spread(anchor, 'rps')}`,
    ratio: fmt(ratio(med(ours, 'rps'), med(anchor, 'rps')), 2),
    cpu: `${spread(ours, 'cpuMicrosPerRequest')} / ${spread(anchor, 'cpuMicrosPerRequest')}`,
    p99: `${fmt(med(ours, 'p99'), 2)} / ${fmt(med(anchor, 'p99'), 2)}`,
    errors: `${values(ours, 'errors').reduce((a, b) => a + b, 0)} / ${values(anchor, 'errors').reduce((a, b) => a + b, 0)}`,
  });
}
if (runs.flood) {
  const { flooded, unloaded } = runs.flood;
  table.push({
    scenario: `forward-auth p99, ${FLOOD_CONNECTIONS} conn., ${FLOOD_CONNECTIONS} wrong-secret floods`,
    gatehouse: `p99 ${spread(flooded, 'p99', 2)} ms`,
    anchor: `unloaded p99 ${spread(unloaded, 'p99', 2)} ms`,
    ratio: fmt(ratio(med(flooded, 'p99'), med(unloaded, 'p99')), 2),
    cpu: '',
    p99: `flood ${fmt(median((flooded ?? []).map((r) => r.flood.rps)), 1)} req/s`,
    errors: `${values(flooded, 'errors').reduce((a, b) => a + b, 0)} / ${values(unloaded, 'errors').reduce((a, b) => a + b, 0)}`,
  });
}
if (runs.startup) {
  const s = runs.startup;
  table.push({
    scenario: 'idle RSS (MiB)', gatehouse: spread(s.gatehouse, 'idleRssMiB', 1),
    anchor: `ideal ${fmt(med(s.ideal, 'idleRssMiB'), 1)}, oidc-provider ${fmt(med(s.provider, 'idleRssMiB'), 1)}`,
    ratio: fmt(ratio(med(s.gatehouse, 'idleRssMiB'), med(s.provider, 'idleRssMiB')), 2), cpu: '', p99: '', errors: '',
  });
  table.push({
    scenario: 'start-up to first 200 (ms)', gatehouse: spread(s.gatehouse, 'startupMs'),
    anchor: `ideal ${fmt(med(s.ideal, 'startupMs'))}, oidc-provider ${fmt(med(s.provider, 'startupMs'))}`,
    ratio: fmt(ratio(med(s.gatehouse, 'startupMs'), med(s.provider, 'startupMs')), 2), cpu: '', p99: '', errors: '',
  });
}
if (memory) {
  table.push({
    scenario: `heap per cached token (${fmt(memory.entries)} entries, full GC)`,
    gatehouse: `${fmt(memory.heapBytesPerEntry)} B`,
    anchor: `cache accounts ${fmt(memory.accountedBytesPerEntry)} B`,
    ratio: fmt(memory.accountedOverMeasured, 2), cpu: '', p99: '', errors: '',
  });
}

const columns = [['scenario', 'scenario'], ['gatehouse', 'Gatehouse med (min–max)'], ['anchor', 'anchor med (min–max)'], ['ratio', 'ratio'], ['cpu', 'CPU µs/req G / anchor'], ['p99', 'p99 ms G / anchor'], ['errors', 'errors G / anchor']];
const widths = columns.map(([key, title]) => Math.max(title.length, ...table.map((r) => String(r[key]).length)));
const line = (cells) => console.log(cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ').trimEnd());
const node = process.version;
console.log(`wrk 1 thread${pin ? ' on CPU 1, servers (and nginx) on CPU 0' : ', nothing pinned'}; ${CONNECTIONS} connections, ${seconds} s per run after 2 s warm-up; ${rounds} rounds interleaved; Node ${node}; ${cpus().length} CPUs (${availableParallelism()} usable)${workers ? `; Gatehouse server.workers: ${workers}` : ''}`);
line(columns.map(([, title]) => title));
line(widths.map((w) => '-'.repeat(w)));
for (const r of table) line(columns.map(([key]) => r[key]));
console.log(`ratio: Gatehouse / anchor (req/s; for the flood row p99 flooded / unloaded; memory rows Gatehouse / oidc-provider, accounted / measured). loadavg ${loadBefore} before, ${loadavg()} after`);

const out = process.env.BENCH_OUT ?? join(root, 'bench', 'results', `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
mkdirSync(join(out, '..'), { recursive: true });
writeFileSync(out, JSON.stringify({
  startedAt: startedAt.toISOString(), node, cpus: cpus().length, pinned: pin, seconds, rounds, connections: CONNECTIONS, workers: workers ?? null,
  commit: spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim(),
  loadavg: { before: loadBefore, after: loadavg() }, runs, memory, table,
}, null, 2));
console.log(`results: ${out}`);
