// Gatehouse on Node 20, 22 and 24 side by side, in one run: for each scenario (forward_auth_bearer,
// client_credentials, introspection) and each round, every line in turn (the order rotating from
// round to round, so no line always goes first or last on a shared machine), each a fresh server
// pinned to CPU 0 and loaded with autocannon from this process, after the same 2 s warm-up. The table
// gives, per scenario and line, the median and min–max over the rounds of req/s, p50 and p99 latency
// and the server's CPU time per request (/proc/<pid>/stat, user + system, over the measured run).
//   npm run bench:lines                        builds dist, then all scenarios on 20, 22 and 24
//   npm run bench:lines -- introspection       one scenario
//   BENCH_LINES="22 24" npm run bench:lines    other lines
//   BENCH_SECONDS=5 BENCH_ROUNDS=3             as for npm run bench (10 s, 3 rounds by default)
// The line this script runs on (the machine's node) serves from this tree's dist/; every other line
// from its .ci/node-line copy ($GATEHOUSE_LINES_DIR/<N>, dist/main.js there, under the node its
// .node-dir names). A line not prepared yet, or whose copy's sources differ from this tree's, is
// (re)prepared first (`.ci/node-line prepare N`: node_modules stay when runtime and lock file are the
// same) and built (`.ci/node-line exec N npm run build`); one that cannot be is skipped, said so.
// Progress goes to stderr, the table to stdout.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { settings, rounds, scenarios, pin, startServer, freePort, load, median, gatehouseConfig, cpuMicros, root } from './lib.js';

const SCENARIOS = ['forward_auth_bearer', 'client_credentials', 'introspection'];
const wanted = process.argv.slice(2);
const names = wanted.length ? SCENARIOS.filter((name) => wanted.includes(name)) : SCENARIOS;
const unknown = wanted.filter((name) => !SCENARIOS.includes(name));
if (unknown.length) {
  console.error(`node-lines: unknown scenario ${unknown.join(', ')} (one of ${SCENARIOS.join(', ')})`);
  process.exit(2);
}
const majors = (process.env.BENCH_LINES ?? '20 22 24').split(/[\s,]+/).filter(Boolean).map(Number);
const linesDir = process.env.GATEHOUSE_LINES_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'gatehouse', 'lines');
const nodeLine = join(root, '.ci', 'node-line');
const machineMajor = Number(process.versions.node.split('.')[0]);
const log = (message) => console.error(`node-lines: ${message}`);

/** A hash of what a copy runs: the sources, the lock file and the build settings. */
function sourceHash(dir) {
  const hash = createHash('sha256');
  const files = readdirSync(join(dir, 'src'), { recursive: true })
    .map(String)
    .filter((f) => statSync(join(dir, 'src', f)).isFile())
    .map((f) => join('src', f))
    .sort();
  for (const f of [...files, 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']) {
    hash.update(f).update('\0');
    if (existsSync(join(dir, f))) hash.update(readFileSync(join(dir, f)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** `.ci/node-line ARGS`, its output on stderr; true when it succeeded. */
function runNodeLine(...args) {
  const result = spawnSync(nodeLine, args, { cwd: root, stdio: ['ignore', process.stderr, process.stderr] });
  if (result.status !== 0) log(`.ci/node-line ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`);
  return result.status === 0;
}

/** Where and how line N runs Gatehouse: { major, node, version, cwd, main }, or null (and why) when it cannot. */
function prepareLine(major) {
  if (major === machineMajor) {
    const main = join(root, 'dist', 'main.js');
    if (!existsSync(main)) return log(`Node ${major}: skipped, ${main} is missing (npm run build)`), null;
    return { major, node: process.execPath, version: process.version, cwd: root, main, where: 'this tree' };
  }
  const copy = join(linesDir, String(major));
  const prepared = existsSync(join(copy, '.node-dir')) && existsSync(join(copy, '.installed')) && existsSync(join(copy, 'src'));
  if (!prepared) {
    log(`Node ${major}: not prepared in ${copy}, preparing (.ci/node-line prepare ${major})`);
    if (!runNodeLine('prepare', String(major))) return log(`Node ${major}: skipped, it could not be prepared`), null;
  } else if (sourceHash(copy) !== sourceHash(root)) {
    log(`Node ${major}: ${copy} holds other sources than this tree, preparing it again (.ci/node-line prepare ${major})`);
    if (!runNodeLine('prepare', String(major))) return log(`Node ${major}: skipped, it could not be prepared`), null;
  }
  const main = join(copy, 'dist', 'main.js');
  if (!existsSync(main)) {
    log(`Node ${major}: building dist in ${copy} (.ci/node-line exec ${major} npm run build)`);
    if (!runNodeLine('exec', String(major), 'npm', 'run', 'build') || !existsSync(main)) return log(`Node ${major}: skipped, dist could not be built`), null;
  }
  const node = join(readFileSync(join(copy, '.node-dir'), 'utf8').trim(), 'bin', 'node');
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout?.trim();
  if (!version) return log(`Node ${major}: skipped, ${node} --version did not answer`), null;
  return { major, node, version, cwd: copy, main, where: copy };
}

/** One measured run of `name` on `line`: fresh server, 2 s warm-up, then BENCH_SECONDS under load. */
async function measure(name, line, configPath, url) {
  const server = await startServer(line.node, [line.main, 'serve', '--config', configPath], url, { cwd: line.cwd });
  try {
    const request = await scenarios[name](server.url, false);
    await load(server.url, { ...request, duration: 2 }).catch(() => undefined);
    const before = cpuMicros(server.pid);
    const result = await load(server.url, request);
    const after = cpuMicros(server.pid);
    return { ...result, cpu: before !== null && after !== null && result.requests > 0 ? (after - before) / result.requests : null };
  } finally {
    await server.stop();
  }
}

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').trim().split(' ').slice(0, 3).join(' ');
const fmt = (n, digits = 0) => (n === null || n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits));
/** "median (min–max)" of the runs' `key`, or "–". */
function spread(runs, key, digits = 0) {
  const values = runs.map((r) => r[key]).filter((v) => typeof v === 'number');
  if (!values.length) return '–';
  return `${fmt(median(values), digits)} (${fmt(Math.min(...values), digits)}–${fmt(Math.max(...values), digits)})`;
}

const lines = [];
for (const major of majors) {
  const line = prepareLine(major);
  if (line) lines.push(line);
}
if (!lines.length) {
  log('no line to run');
  process.exit(1);
}

const loadBefore = loadavg();
const started = Date.now();
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-lines-'));
const results = Object.fromEntries(names.map((name) => [name, Object.fromEntries(lines.map((l) => [l.major, []]))]));
try {
  const port = await freePort();
  const configPath = await gatehouseConfig(dir, port);
  const url = `http://127.0.0.1:${port}`;
  log(`${lines.map((l) => `Node ${l.version} (${l.where})`).join(', ')}; load from Node ${process.version}; loadavg ${loadBefore}`);
  for (const name of names) {
    for (let round = 0; round < rounds; round++) {
      const order = lines.map((_, i) => lines[(i + round) % lines.length]);
      for (const line of order) {
        try {
          const r = await measure(name, line, configPath, url);
          results[name][line.major].push(r);
          log(`${name} round ${round + 1}/${rounds} Node ${line.major}: ${fmt(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ${fmt(r.cpu, 1)} µs CPU/req${r.errors ? `, ${r.errors} errors` : ''}`);
        } catch (error) {
          log(`${name} round ${round + 1}/${rounds} Node ${line.major}: failed, ${error.message}`);
        }
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const reference = lines[0];
const header = ['scenario', 'node', 'req/s med (min–max)', `vs ${reference.major}`, 'p50 ms', 'p99 ms', 'µs CPU/req', `vs ${reference.major}`, 'errors'];
const rows = [];
for (const name of names) {
  const refRuns = results[name][reference.major];
  const refRps = refRuns.length ? median(refRuns.map((r) => r.rps)) : null;
  const refCpuValues = refRuns.map((r) => r.cpu).filter((v) => typeof v === 'number');
  const refCpu = refCpuValues.length ? median(refCpuValues) : null;
  for (const line of lines) {
    const runs = results[name][line.major];
    const rps = runs.length ? median(runs.map((r) => r.rps)) : null;
    const cpuValues = runs.map((r) => r.cpu).filter((v) => typeof v === 'number');
    const cpu = cpuValues.length ? median(cpuValues) : null;
    rows.push([
      name,
      line.version + (runs.length < rounds ? ` [${runs.length}/${rounds} runs]` : ''),
      spread(runs, 'rps'),
      rps !== null && refRps ? `${fmt((rps / refRps) * 100)} %` : '–',
      spread(runs, 'p50'),
      spread(runs, 'p99'),
      spread(runs, 'cpu', 1),
      cpu !== null && refCpu ? `${fmt((cpu / refCpu) * 100)} %` : '–',
      String(runs.reduce((n, r) => n + r.errors, 0)),
    ]);
  }
}
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const printRow = (cells) => console.log(cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd());
console.log(
  `autocannon: ${settings.connections} connections, ${settings.duration} s per run after a 2 s warm-up, ${rounds} rounds, lines interleaved (order rotated each round), ` +
    `load from Node ${process.version}${pin ? ', servers pinned to CPU 0' : ', servers not pinned'}`,
);
console.log(`lines: ${lines.map((l) => `${l.major} = ${l.version} (${l.where})`).join('; ')}`);
printRow(header);
printRow(widths.map((w) => '-'.repeat(w)));
let previous;
for (const row of rows) {
  if (previous !== undefined && row[0] !== previous) console.log('');
  printRow(row[0] === previous ? ['', ...row.slice(1)] : row);
  previous = row[0];
}
console.log(`median (min–max) over the rounds; "vs ${reference.major}": this line's median over Node ${reference.major}'s. loadavg ${loadBefore} before, ${loadavg()} after; ${Math.round((Date.now() - started) / 1000)} s`);
