/**
 * The README's quick start, run as written: its ```sh quickstart blocks, in order, in one bash, in
 * a copy of this repository (tracked and untracked files, with this checkout's node_modules and
 * dist: the suite has installed and built already, which is what the ```sh quickstart-install
 * block does), and what they print compared with its ```text quickstart-output block. Then the
 * browser step the README describes, in Chromium: the demo app sends it to the portal, `demo` signs
 * in, and the app shows the user. The quick start's ports are fixed (9091, 9959, 8443, 8480): when
 * one is taken, or Caddy is not installed, the test skips and says why.
 */
import t from 'tap';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative, sep } from 'node:path';
import { launchChromium } from '../helpers/chromium.js';
import { tempDir } from '../helpers/server.js';

const ROOT = join(import.meta.dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const PORTS = [9091, 9959, 8443, 8480];

/** The fenced blocks whose info string is exactly `info`, in order. */
export function fencedBlocks(markdown: string, info: string): string[] {
  const blocks: string[] = [];
  const fence = /^```([^\n]*)\n([\s\S]*?)^```$/gm;
  for (const m of markdown.matchAll(fence)) if (m[1].trim() === info) blocks.push(m[2]);
  return blocks;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function hasCaddy(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v caddy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** What .gitignore leaves out, for a tree that is not a git checkout. */
const IGNORED = new Set(['.git', 'node_modules', 'dist', 'data', '.tap', 'coverage', 'test-output']);

/**
 * The files of this checkout as `git clone` would give them, plus untracked ones. The copies that
 * .ci/node-line makes for the Node 22 and 24 runs are such a list already, without `.git`: there
 * every file counts but what .gitignore names.
 */
function repositoryFiles(): string[] {
  if (existsSync(join(ROOT, '.git'))) {
    return execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  }
  return readdirSync(ROOT, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.log'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
    .filter((file) => !IGNORED.has(file.split(sep)[0]));
}

/** This checkout (see repositoryFiles), with this checkout's node_modules and dist linked in. */
function copyRepository(to: string): void {
  for (const file of repositoryFiles()) {
    const from = join(ROOT, file);
    if (!existsSync(from)) continue;
    mkdirSync(dirname(join(to, file)), { recursive: true });
    cpSync(from, join(to, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(to, 'node_modules'));
  symlinkSync(join(ROOT, 'dist'), join(to, 'dist'));
}

t.test('the README has the quick start blocks this test runs', async (t) => {
  t.equal(fencedBlocks(README, 'sh quickstart').length, 2);
  t.equal(fencedBlocks(README, 'sh quickstart-install').length, 1);
  t.equal(fencedBlocks(README, 'text quickstart-output').length, 1);
});

async function skipReason(): Promise<string | false> {
  if (!hasCaddy()) return 'caddy is not installed (apt-get install caddy, or bash .ci/install-deps)';
  const busy = [];
  for (const port of PORTS) if (!(await portFree(port))) busy.push(port);
  if (busy.length > 0) return `the quick start's fixed ports ${busy.join(', ')} are in use on this machine (another Gatehouse or Caddy?)`;
  if (!existsSync(join(ROOT, 'dist', 'main.js'))) return 'dist/ is not built: npm run build (npm test builds first)';
  return false;
}

t.test('the quick start, as written: a browser and curl against the demo app behind Caddy', { skip: await skipReason() }, async (t) => {

  const dir = tempDir(t, 'gatehouse-quickstart-');
  copyRepository(dir);
  const script = fencedBlocks(README, 'sh quickstart').join('\n');
  const expected = fencedBlocks(README, 'text quickstart-output')[0];

  // Its own process group: the script leaves Gatehouse and Caddy running in the background, as a
  // person following the README would; the group is ended afterwards.
  const shell = spawn('bash', ['-c', script], { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => {
    try {
      process.kill(-shell.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  });
  let stdout = '';
  let stderr = '';
  shell.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  shell.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const started = performance.now();
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), 90_000);
    // The script's own end: its stdout closes only when the background servers' copies close too.
    shell.once('exit', (status) => {
      clearTimeout(timer);
      resolve(status);
    });
  });
  t.comment(`quick start commands: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const logs = () => ['gatehouse.log', 'caddy.log'].map((f) => (existsSync(join(dir, f)) ? `--- ${f}\n${readFileSync(join(dir, f), 'utf8').slice(-3000)}` : '')).join('\n');
  t.equal(code, 0, `the commands ran to their end\n${stderr}\n${logs()}`);
  t.equal(stdout, expected, 'they print what the README shows');

  // The browser step: the demo app, the portal's sign-in, back at the app as `demo`.
  const browser = await launchChromium();
  t.teardown(() => browser.close());
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  await page.goto('https://app.example.localhost:8443/');
  t.match(page.url(), /^https:\/\/auth\.example\.localhost:8443\/\?rd=/, 'sent to the portal');
  await page.getByLabel('Username').fill('demo');
  await page.getByLabel('Password').fill('demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('https://app.example.localhost:8443/', { timeout: 15_000 });
  t.equal((await page.textContent('body'))?.trim(), 'demo app: user=demo groups=admins,dev', 'the app as demo');
});
