/**
 * The README's first command, as a real process: `gatehouse serve` on a config file, keys generated
 * on first start and reused on the next, graceful exit on SIGTERM, exit 1 on a bad config.
 * Runs the built `dist/main.js` (npm test builds first).
 */
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/server.js';

const main = join(process.cwd(), 'dist', 'main.js');

function run(args: string[], cwd: string): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [main, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Waits until `check` holds; fails at once (with the output) if the process exits first. */
async function waitFor(proc: ReturnType<typeof run>, check: () => boolean, ms = 30_000): Promise<void> {
  let exited: number | null | undefined;
  void proc.exited.then((code) => (exited = code));
  const until = Date.now() + ms;
  while (!check()) {
    if (exited !== undefined) throw new Error(`gatehouse exited with ${exited}: ${proc.output()}`);
    if (Date.now() > until) throw new Error(`timed out: ${proc.output()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

t.before(() => {
  if (!existsSync(main)) throw new Error('dist/main.js is missing: run `npm run build` (npm test does)');
});

t.test('serve: health 200 on the embedded default; secrets generated once (0600), reused; SIGTERM exits 0', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'config.yml'), [
    "server: { address: 'tcp://127.0.0.1:0' }",
    'log: { level: info, format: json }',
    "storage: { local: { path: './data/db.sqlite3' } }",
    "session: { cookies: [{ domain: example.com, authelia_url: 'https://auth.example.com' }] }",
    "identity_providers: { oidc: { clients: [{ client_id: app, client_secret: '$plaintext$a-long-enough-secret', redirect_uris: ['https://app.example.com/cb'] }] } }",
    '',
  ].join('\n'));

  const first = run(['serve', '--config', 'config.yml'], dir);
  await waitFor(first, () => /"msg":"listening"/.test(first.output()));
  const { url } = JSON.parse(first.output().split('\n').find((l) => l.includes('"listening"'))!) as { url: string };
  const health = await fetch(`${url}/api/health`);
  t.equal(health.status, 200);
  t.same(await health.json(), { status: 'OK' });
  for (const file of ['oidc.hmac_secret', 'oidc.issuer.rsa.pem', 'storage.encryption_key']) {
    t.equal(statSync(join(dir, 'data', file)).mode & 0o777, 0o600, `${file} is 0600`);
  }
  t.match(first.output(), /generated a new OIDC issuer private key/);
  const keyBefore = readFileSync(join(dir, 'data', 'oidc.issuer.rsa.pem'), 'utf8');
  first.child.kill('SIGTERM');
  t.equal(await first.exited, 0, 'exit 0 after SIGTERM');
  t.match(first.output(), /"msg":"stopped"/);

  const second = run(['serve', '--config', 'config.yml'], dir);
  await waitFor(second, () => /"msg":"listening"/.test(second.output()));
  t.notMatch(second.output(), /generated a new/, 'nothing generated on the second start');
  t.equal(readFileSync(join(dir, 'data', 'oidc.issuer.rsa.pem'), 'utf8'), keyBefore, 'the same key is reused');
  second.child.kill('SIGINT');
  t.equal(await second.exited, 0, 'exit 0 after SIGINT');
});

t.test('serve refuses a bad config: every problem with key path and line:column, exit 1', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'config.yml'), [
    "storage: { local: { path: './db.sqlite3' } }",
    'log:',
    '  level: loud',
    'regulation:',
    '  find_time: soon',
    '',
  ].join('\n'));
  const proc = run(['serve', '--config', 'config.yml'], dir);
  t.equal(await proc.exited, 1);
  t.match(proc.output(), /log\.level \(line 3:3\): must be one of 'trace', 'debug', 'info', 'warn', 'error' but is 'loud'/);
  t.match(proc.output(), /regulation\.find_time \(line 5:3\)/);
  t.notMatch(proc.output(), /\n\s+at /, 'no stack trace');
});

t.test('config validate: exit 0 for the shipped config.yml, 1 for a bad file; unknown command exit 2', async (t) => {
  const ok = run(['config', 'validate', '--config', join(process.cwd(), 'config.yml')], process.cwd());
  t.equal(await ok.exited, 0);
  t.match(ok.output(), /Configuration parsed and loaded successfully without errors/);
  const dir = tempDir(t);
  writeFileSync(join(dir, 'bad.yml'), 'server: { bogus: 1 }\n');
  const bad = run(['config', 'validate', '--config', 'bad.yml'], dir);
  t.equal(await bad.exited, 1);
  t.match(bad.output(), /server\.bogus \(line 1:11\): is an unknown key/);
  const unknown = run(['frobnicate'], dir);
  t.equal(await unknown.exited, 2);
});
