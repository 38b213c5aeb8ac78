/**
 * `npm run build` ships dist/main.js as one ES module (scripts/bundle.js, issue #14: start-up): it
 * must import nothing of tsc's per-module dist/ (only its own lazily loaded chunks and packages),
 * and, run as `gatehouse serve`, still find its version and serve its SMTP notifier, whose
 * nodemailer is a chunk loaded only when SMTP is configured.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../helpers/free-port.js';
import { tempDir } from '../helpers/server.js';
import { startSmtpServer } from '../helpers/smtp.js';

const main = join(process.cwd(), 'dist', 'main.js');
const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

t.before(() => {
  if (!existsSync(main)) throw new Error('dist/main.js is missing: run `npm run build` (npm test does)');
});

/** Every module specifier dist/main.js names, static or dynamic. */
function specifiersOf(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(/\b(?:from|import)\s*\(?\s*"([^"]+)"/g)) found.add(m[1]);
  return [...found];
}

t.test('dist/main.js is a bundle: its relative imports are its own chunks, not tsc output', async (t) => {
  const specifiers = specifiersOf(readFileSync(main, 'utf8'));
  const relative = specifiers.filter((s) => s.startsWith('.'));
  t.ok(relative.length > 0, 'lazily loaded modules are chunks');
  t.strictSame(relative.filter((s) => !s.startsWith('./chunks/')), [], 'nothing from dist/cli, dist/storage…');
  for (const chunk of relative) t.ok(existsSync(join('dist', chunk)), `${chunk} exists`);
  t.notOk(specifiers.includes('nodemailer') || specifiers.includes('@simplewebauthn/server'), 'bundled into chunks, not imported from node_modules at start');
});

t.test('the bundle serves: health, its package version in gatehouse_build_info, mail through SMTP', async (t) => {
  const dir = tempDir(t);
  const smtp = await startSmtpServer(t, { noStartTls: true });
  const metricsPort = await freePort();
  writeFileSync(join(dir, 'config.yml'), [
    "server: { address: 'tcp://127.0.0.1:0' }",
    'log: { level: info, format: json }',
    `telemetry: { metrics: { enabled: true, address: 'tcp://127.0.0.1:${metricsPort}' } }`,
    "storage: { local: { path: './data/db.sqlite3' } }",
    "session: { cookies: [{ domain: example.com, authelia_url: 'https://auth.example.com' }] }",
    `notifier: { smtp: { address: 'smtp://127.0.0.1:${smtp.port}', sender: 'Gatehouse <gatehouse@example.com>', disable_require_tls: true } }`,
    '',
  ].join('\n'));
  const child = spawn(process.execPath, [main, 'serve', '--config', 'config.yml'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.teardown(() => void child.kill('SIGKILL'));

  // notifier.smtp's start-up check runs before "listening": a start means nodemailer's chunk loaded and reached the server.
  const until = Date.now() + 30_000;
  while (!/"msg":"listening"/.test(output)) {
    if (child.exitCode !== null || Date.now() > until) throw new Error(`gatehouse did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  const { url } = JSON.parse(output.split('\n').find((l) => l.includes('"listening"'))!) as { url: string };
  t.equal((await fetch(`${url}/api/health`)).status, 200);
  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  t.match(metrics, new RegExp(`gatehouse_build_info\\{[^}]*version="${version.replaceAll('.', '\\.')}"[^}]*\\} 1\\n`), 'the version is read from package.json beside dist/');
  child.kill('SIGTERM');
  t.equal(await exited, 0);
});
