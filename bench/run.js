// Load benchmarks: each scenario runs against a bare node:http baseline and against Gatehouse,
// in the same run with the same load settings, and reports the ratio. Servers run in child
// processes so the load generator does not share their event loop.
//   npm run bench                          all scenarios
//   npm run bench -- client_credentials    one scenario
//   BENCH_SECONDS=5 npm run bench          shorter runs
//   BENCH_ROUNDS=3 npm run bench           rounds per scenario, baseline and Gatehouse alternating;
//                                          the report gives the median of each (the machine is shared)
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settings, rounds, scenarios, pin, startServer, freePort, stop, load, warmThenLoad, median, gatehouseConfig, cpuMicros } from './lib.js';

/** One line per scenario: medians over the rounds, and the ratio of the medians. */
function report(name, { baseline, gatehouse }) {
  const base = { rps: median(baseline.map((r) => r.rps)), p99: median(baseline.map((r) => r.p99)) };
  const ours = { rps: median(gatehouse.map((r) => r.rps)), p99: median(gatehouse.map((r) => r.p99)), errors: gatehouse.reduce((n, r) => n + r.errors, 0) };
  const baseErrors = baseline.reduce((n, r) => n + r.errors, 0);
  const each = gatehouse.map((r, i) => `${((r.rps / baseline[i].rps) * 100).toFixed(0)}`).join('/');
  console.log(
    `${name.padEnd(20)} gatehouse ${ours.rps.toFixed(0).padStart(6)} req/s p99 ${String(ours.p99).padStart(3)} ms (${ours.errors} errors) | baseline ${base.rps.toFixed(0).padStart(6)} req/s p99 ${String(base.p99).padStart(3)} ms (${baseErrors} errors) | ratio ${((ours.rps / base.rps) * 100).toFixed(1)} % (rounds: ${each} %)`,
  );
}

/**
 * nginx in front (auth_request with a keep-alive upstream, as proxy-examples/nginx does), serving a
 * small static file once the verify endpoint says yes.
 */
async function startNginx(dir, authzUrl) {
  const port = await freePort();
  const root = join(dir, `nginx-${port}`);
  mkdirSync(join(root, 'www'), { recursive: true });
  writeFileSync(join(root, 'www', 'index.html'), 'ok\n');
  const upstream = new URL(authzUrl).host;
  writeFileSync(join(root, 'nginx.conf'), `
user root;
worker_processes 1;
pid ${root}/nginx.pid;
error_log ${root}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${root}/tmp-body; proxy_temp_path ${root}/tmp-proxy; fastcgi_temp_path ${root}/tmp-fcgi;
  uwsgi_temp_path ${root}/tmp-uwsgi; scgi_temp_path ${root}/tmp-scgi;
  upstream authz { server ${upstream}; keepalive 32; }
  server {
    listen 127.0.0.1:${port};
    root ${root}/www;
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
  const child = spawn('nginx', ['-c', join(root, 'nginx.conf'), '-p', root, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (await fetch(url + '/', { headers: { authorization: 'Bearer probe' } }).then(() => true, () => false)) return { url, stop: () => stop(child) };
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop(child);
  throw new Error('nginx did not start');
}

/**
 * Cost per request, side by side: the baseline and Gatehouse run at the same time on the same core
 * (CPU 0), each loaded by its own autocannon with the settings above, and each one's CPU time is
 * divided by the requests it answered. Both see the same machine at the same moment, which runs one
 * after the other on a shared VM do not (their throughput moves by ±10 points between runs).
 */
async function sideBySide(configPath, gatehousePort) {
  const costs = { baseline: [], gatehouse: [] };
  for (let round = 0; round < rounds; round++) {
    const basePort = await freePort();
    const [baseline, gatehouse] = await Promise.all([
      startServer('node', ['bench/baseline-server.js', String(basePort)], `http://127.0.0.1:${basePort}`),
      startServer('node', ['dist/main.js', 'serve', '--config', configPath], `http://127.0.0.1:${gatehousePort}`),
    ]);
    try {
      const servers = [
        { which: 'baseline', server: baseline, request: await scenarios.forward_auth_bearer(baseline.url, true) },
        { which: 'gatehouse', server: gatehouse, request: await scenarios.forward_auth_bearer(gatehouse.url, false) },
      ];
      await Promise.all(servers.map(({ server, request }) => load(server.url, { ...request, duration: 2 }).catch(() => undefined)));
      const before = servers.map(({ server }) => cpuMicros(server.pid));
      const results = await Promise.all(servers.map(({ server, request }) => load(server.url, request)));
      servers.forEach(({ which, server }, i) => {
        const used = cpuMicros(server.pid) - before[i];
        costs[which].push({ micros: used / results[i].requests, rps: results[i].rps, errors: results[i].errors });
      });
    } finally {
      await Promise.all([baseline.stop(), gatehouse.stop()]);
    }
  }
  const base = median(costs.baseline.map((c) => c.micros));
  const ours = median(costs.gatehouse.map((c) => c.micros));
  const each = costs.gatehouse.map((c, i) => ((costs.baseline[i].micros / c.micros) * 100).toFixed(0)).join('/');
  const errors = costs.gatehouse.reduce((n, c) => n + c.errors, 0);
  console.log(
    `${'side_by_side_cost'.padEnd(20)} gatehouse ${ours.toFixed(1).padStart(6)} µs CPU/req (${errors} errors) | baseline ${base.toFixed(1).padStart(6)} µs CPU/req | baseline/gatehouse ${((base / ours) * 100).toFixed(1)} % (rounds: ${each} %)`,
  );
}

const wanted = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
try {
  const gatehousePort = await freePort();
  const configPath = await gatehouseConfig(dir, gatehousePort);
  // The servers run on the `node` first on PATH (a line's own under `.ci/node-line exec 24 npm run bench`).
  const serverNode = spawnSync('node', ['--version'], { encoding: 'utf8' }).stdout?.trim() || 'unknown';
  const nodes = serverNode === process.version ? `Node ${serverNode}` : `servers on Node ${serverNode}, load from Node ${process.version}`;
  console.log(`autocannon: ${settings.connections} connections, ${settings.duration} s per run, ${rounds} rounds, ${nodes}${pin ? ', servers pinned to CPU 0' : ''}`);
  for (const [name, scenario] of Object.entries(scenarios)) {
    if (wanted.length && !wanted.includes(name)) continue;
    const results = { baseline: [], gatehouse: [] };
    for (let round = 0; round < rounds; round++) {
      const basePort = await freePort();
      // Each server is warmed up the same way before its measured run: JIT, and Gatehouse's secret cache.
      const baseline = await startServer('node', ['bench/baseline-server.js', String(basePort)], `http://127.0.0.1:${basePort}`);
      results.baseline.push(await warmThenLoad(baseline.url, await scenario(baseline.url, true)));
      await baseline.stop();
      const gatehouse = await startServer('node', ['dist/main.js', 'serve', '--config', configPath], `http://127.0.0.1:${gatehousePort}`);
      results.gatehouse.push(await warmThenLoad(gatehouse.url, await scenario(gatehouse.url, false)));
      await gatehouse.stop();
    }
    report(name, results);
  }
  if (!wanted.length || wanted.includes('behind_nginx')) {
    const results = { baseline: [], gatehouse: [] };
    for (let round = 0; round < rounds; round++) {
      for (const which of ['baseline', 'gatehouse']) {
        const port = which === 'gatehouse' ? gatehousePort : await freePort();
        const server = which === 'gatehouse'
          ? await startServer('node', ['dist/main.js', 'serve', '--config', configPath], `http://127.0.0.1:${port}`)
          : await startServer('node', ['bench/baseline-server.js', String(port)], `http://127.0.0.1:${port}`);
        const request = await scenarios.forward_auth_bearer(server.url, which === 'baseline');
        const nginx = await startNginx(dir, server.url);
        const headers = { authorization: request.headers.authorization };
        if (process.env.BENCH_DEBUG) { const r = await fetch(nginx.url + '/items', { headers }); console.error(which, r.status, await r.text()); }
        results[which].push(await warmThenLoad(nginx.url, { method: 'GET', path: '/items', headers }));
        await nginx.stop();
        await server.stop();
      }
    }
    report('behind_nginx', results);
  }
  if (!wanted.length || wanted.includes('side_by_side_cost')) {
    // Both on one core, or the comparison is of two machines' worth of scheduling luck.
    if (!pin) console.log('side_by_side_cost: skipped, it needs taskset and two cores');
    else if (cpuMicros(process.pid) === null) console.log('side_by_side_cost: skipped, /proc/<pid>/stat cannot be read here');
    else await sideBySide(configPath, gatehousePort);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
