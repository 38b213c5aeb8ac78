// Load benchmarks: each scenario runs against a bare node:http baseline and against Gatehouse,
// in the same run with the same load settings, and reports the ratio. Servers run in child
// processes so the load generator does not share their event loop.
//   npm run bench                 all scenarios
//   npm run bench -- health       one scenario
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const settings = { connections: 32, duration: Number(process.env.BENCH_SECONDS ?? 10), pipelining: 1 };

const scenarios = {
  health: { path: '/api/health' },
};

function startServer(command, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    const onData = (chunk) => {
      seen += chunk.toString();
      const m = seen.match(/(?:listening |url=")(http:\/\/[0-9.]+:\d+)/);
      if (m) resolve({ url: m[1], stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }) });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${seen}`)));
  });
}

async function load(url) {
  const result = await autocannon({ url, ...settings });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

function gatehouseConfig(dir) {
  const path = join(dir, 'config.yml');
  writeFileSync(path, [
    "server: { address: 'tcp://127.0.0.1:0' }",
    'log: { level: error, format: text }',
    `storage: { local: { path: '${join(dir, 'db.sqlite3')}' } }`,
    '',
  ].join('\n'));
  return path;
}

const wanted = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
try {
  for (const [name, scenario] of Object.entries(scenarios)) {
    if (wanted.length && !wanted.includes(name)) continue;
    const baseline = await startServer('node', ['bench/baseline-server.js']);
    const base = await load(baseline.url + scenario.path);
    await baseline.stop();
    const gatehouse = await startServer('node', ['dist/main.js', 'serve', '--config', gatehouseConfig(dir)]);
    const ours = await load(gatehouse.url + scenario.path);
    await gatehouse.stop();
    const ratio = ours.rps / base.rps;
    console.log(`${name}: gatehouse ${ours.rps.toFixed(0)} req/s (p99 ${ours.p99} ms, ${ours.errors} errors) | baseline ${base.rps.toFixed(0)} req/s (p99 ${base.p99} ms) | ratio ${(ratio * 100).toFixed(1)} %`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
