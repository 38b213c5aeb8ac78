/**
 * A private Apache httpd (Debian's apache2, installed by .ci/install-deps) for one test: its own
 * ServerRoot, PidFile, ErrorLog, run directory and ports in a temp dir, the modules loaded by
 * absolute path, and nothing read from /etc/apache2. The caller writes the sites (vhosts,
 * locations); this file writes the process-level lines around them.
 *
 * Stopped in `t.teardown`; when the test has failed, the error log is attached as a comment
 * (mod_auth_openidc and mod_oauth2 say there why they refused something).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Test } from 'tap';
import { freePorts } from './free-port.js';
import { tempDir } from './server.js';

export const APACHE_MODULES_DIR = process.env['GATEHOUSE_APACHE_MODULES'] ?? '/usr/lib/apache2/modules';
const APACHE_BINARY = process.env['GATEHOUSE_APACHE'] ?? '/usr/sbin/apache2';
/** The process-level modules every site needs: the MPM, and AuthType / Require. */
const BASE_MODULES = ['mpm_event', 'authn_core', 'authz_core', 'authz_user'];
/** The peers under test: their refusals are logged at info. */
const VERBOSE_MODULES = ['auth_openidc', 'oauth2'];
const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
const START_ATTEMPTS = 3;

export interface ApacheOptions {
  /** Modules beyond BASE_MODULES, by name without `mod_` (e.g. `auth_openidc`, `include`). */
  modules: readonly string[];
  /** How many ports to listen on (one vhost each, or one shared); all on 127.0.0.1. */
  ports?: number;
  /** The sites: everything after the process-level lines. `dir` holds htdocs/ and whatever the caller writes. */
  sites: (env: { dir: string; ports: readonly number[]; htdocs: string }) => string;
  /** `LogLevel` (default `warn`, and `info` for mod_auth_openidc and mod_oauth2 when loaded). */
  logLevel?: string;
  /** Where each start's ports come from (default: `freePorts`, distinct ports free a moment ago); tests of the retry inject taken ones. */
  takePorts?: (count: number) => Promise<number[]>;
}

export interface RunningApache {
  dir: string;
  htdocs: string;
  ports: readonly number[];
  /** `http://127.0.0.1:<ports[i]>`. */
  origin(i?: number): string;
  /** The configuration as run, for failure messages. */
  config: string;
  /** What Apache wrote to its error log and stderr so far. */
  errorLog(): string;
}

/** Fails (not skips) when Apache or a module is missing: .ci/install-deps installs them. */
function requireFile(path: string, what: string): string {
  if (!existsSync(path)) throw new Error(`${what} is not installed at ${path}: run .ci/install-deps`);
  return path;
}

export async function startApache(t: Test, options: ApacheOptions): Promise<RunningApache> {
  const binary = requireFile(APACHE_BINARY, 'apache2');
  const modules = [...BASE_MODULES, ...options.modules].map((name) => ({ name, path: requireFile(join(APACHE_MODULES_DIR, `mod_${name}.so`), `mod_${name}`) }));
  const dir = tempDir(t, 'gatehouse-apache-');
  // Children run as www-data when the tests run as root: they must read htdocs and the run dir.
  chmodSync(dir, 0o755);
  const htdocs = join(dir, 'htdocs');
  const run = join(dir, 'run');
  mkdirSync(htdocs, { mode: 0o755 });
  mkdirSync(run, { mode: 0o755 });
  // mod_mime's TypesConfig default, relative to ServerRoot: no system types, sites name theirs.
  writeFileSync(join(dir, 'mime.types'), '');
  const errorLogPath = join(dir, 'error.log');
  const configPath = join(dir, 'httpd.conf');
  const root = process.getuid?.() === 0;
  const configFor = (ports: readonly number[]): string =>
    [
      `ServerRoot ${dir}`,
      'ServerName 127.0.0.1',
      `PidFile ${join(run, 'httpd.pid')}`,
      `DefaultRuntimeDir ${run}`,
      `ErrorLog ${errorLogPath}`,
      `LogLevel ${options.logLevel ?? ['warn', ...options.modules.filter((m) => VERBOSE_MODULES.includes(m)).map((m) => `${m}:info`)].join(' ')}`,
      ...(root ? ['User www-data', 'Group www-data'] : []),
      // One child process with a fixed pool of threads: a browser's parallel connections fit, two cores are shared.
      'StartServers 1',
      'ServerLimit 1',
      'ThreadsPerChild 32',
      'MaxRequestWorkers 32',
      'MinSpareThreads 1',
      'MaxSpareThreads 32',
      ...modules.map((m) => `LoadModule ${m.name}_module ${m.path}`),
      ...ports.map((port) => `Listen 127.0.0.1:${port}`),
      `DocumentRoot ${htdocs}`,
      options.sites({ dir, ports, htdocs }),
      '',
    ].join('\n');

  // A port free a moment ago may be taken before Apache binds it: then new ports, a new start.
  for (let attempt = 1; ; attempt++) {
    const ports = await (options.takePorts ?? freePorts)(options.ports ?? 1);
    const config = configFor(ports);
    writeFileSync(configPath, config);
    rmSync(errorLogPath, { force: true });
    const child = spawn(binary, ['-f', configPath, '-DFOREGROUND'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const errorLog = (): string => output + (existsSync(errorLogPath) ? readFileSync(errorLogPath, 'utf8') : '');
    const ready = await waitUntilReady(child, ports, errorLog);
    if (ready === 'port taken' && attempt < START_ATTEMPTS) continue;
    t.teardown(async () => {
      await stop(child);
      if (!t.passing()) t.comment(`apache error log (${errorLogPath}):\n${errorLog()}\n--- config ---\n${config}`);
    });
    if (ready !== 'ready') throw new Error(`apache2 did not start (${ready}):\n${errorLog()}`);
    return { dir, htdocs, ports, origin: (i = 0) => `http://127.0.0.1:${ports[i]}`, config, errorLog };
  }
}

/** SIGTERM stops Apache at once (children included); SIGKILL if it does not. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Ready: Apache logged that it resumes normal operations (AH00489, a notice it logs at every
 * LogLevel, after binding) and every port accepts. 'port taken': it could not bind (AH00072).
 * Otherwise why it did not start.
 */
async function waitUntilReady(child: ChildProcess, ports: readonly number[], errorLog: () => string): Promise<'ready' | 'port taken' | `exited with ${number}` | `not ready within ${number} ms`> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      await closed(child);
      return /AH00072|Address already in use/.test(errorLog()) ? 'port taken' : `exited with ${child.exitCode}`;
    }
    if (errorLog().includes('AH00489') && (await Promise.all(ports.map(canConnect))).every(Boolean)) return 'ready';
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop(child);
  return `not ready within ${READY_TIMEOUT_MS} ms`;
}

/** Resolves once the child's output streams are read to their end (its last words are in `output`). */
function closed(child: ChildProcess): Promise<void> {
  if (child.stdout?.closed !== false && child.stderr?.closed !== false) return Promise.resolve();
  return new Promise((resolve) => child.once('close', () => resolve()));
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/**
 * An SSI page that prints the request's environment (`<!--#printenv -->`, HTML-escaped by
 * mod_include): what mod_auth_openidc and mod_oauth2 hand an application (OIDC_CLAIM_*,
 * OIDC_access_token, OAUTH2_CLAIM_*, REMOTE_USER). Needs the `include` and `mime` modules and
 * `SSI_DIRECTIVES` in the location that serves it.
 */
export function writeEnvPage(htdocs: string, path: string): void {
  const file = join(htdocs, path);
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o755 });
  writeFileSync(file, '<!doctype html><title>Protected</title><pre id="env">\n<!--#printenv -->\n</pre>\n', { mode: 0o644 });
}

export const SSI_DIRECTIVES = ['Options +Includes', 'AddType text/html .shtml', 'AddOutputFilter INCLUDES .shtml'];

/** Parses the `NAME=value` lines `<!--#printenv -->` prints (text, already unescaped). */
export function parseEnvPage(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return env;
}
