// wrk (https://github.com/wg/wrk, Debian's `wrk` package) as the load generator of bench/run.js:
// one thread pinned to the core the servers do not use, so the figures measure the server and not
// a JavaScript client sharing its core. A generated Lua script sets the request and prints the
// summary as one JSON line. `headerSets` (optional) are cycled, one per request: the wrong-secret
// flood sends a different secret each time, as the same one in flight would share one verification.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCore } from './lib.js';

export const wrkAvailable = spawnSync('wrk', ['--version']).error === undefined;

const lua = (value) => JSON.stringify(String(value)); // a JSON string is a valid Lua string literal for ASCII

function script({ method = 'GET', headers = {}, body, headerSets }) {
  const lines = [`wrk.method = ${lua(method)}`];
  if (body !== undefined) lines.push(`wrk.body = ${lua(body)}`);
  for (const [name, value] of Object.entries(headers)) lines.push(`wrk.headers[${lua(name)}] = ${lua(value)}`);
  if (headerSets?.length) {
    lines.push('local sets = {');
    for (const set of headerSets) lines.push(`  {${Object.entries({ ...headers, ...set }).map(([n, v]) => `[${lua(n)}] = ${lua(v)}`).join(', ')}},`);
    lines.push('}', 'local i = 0', 'request = function()', '  i = i + 1', '  return wrk.format(nil, nil, sets[(i % #sets) + 1], wrk.body)', 'end');
  }
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format(\'WRKJSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,"status_errors":%d,"socket_errors":%d}\\n\',',
    '    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max, e.status, e.connect + e.read + e.write + e.timeout))',
    'end',
  );
  return lines.join('\n') + '\n';
}

/**
 * Loads `url + request.path` for `seconds` with `connections`; resolves to requests, rps, p50/p99/max
 * in ms and errors (statuses ≥ 400 and socket errors). `onStart` runs once wrk is spawned.
 */
export function wrk(url, request, { connections, seconds }) {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-wrk-'));
  const path = join(dir, 'request.lua');
  writeFileSync(path, script(request));
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', path, url + request.path];
  const [cmd, argv] = loadCore === null ? ['wrk', args] : ['taskset', ['-c', String(loadCore), 'wrk', ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk) => void (out += chunk));
    child.stderr.on('data', (chunk) => void (out += chunk));
    child.once('exit', (code) => {
      rmSync(dir, { recursive: true, force: true });
      const line = out.split('\n').find((l) => l.startsWith('WRKJSON '));
      if (code !== 0 || !line) return reject(new Error(`wrk exited with ${code}: ${out.trim().slice(-400)}`));
      const r = JSON.parse(line.slice('WRKJSON '.length));
      resolve({
        requests: r.requests,
        rps: r.requests / (r.duration_us / 1e6),
        p50: r.p50_us / 1000,
        p99: r.p99_us / 1000,
        max: r.max_us / 1000,
        errors: r.status_errors + r.socket_errors,
      });
    });
  });
}
