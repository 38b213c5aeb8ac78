/**
 * Real nginx and Caddy as child processes, configured from the shipped `proxy-examples/` files
 * (through example-substitution.ts only), everything they write kept in a temp dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { freePorts } from '../helpers/free-port.js';
import { tempDir } from '../helpers/server.js';
import {
  caddyTestGlobals,
  caddyTestSubstitutions,
  NGINX_SCHEME_SUBSTITUTION,
  nginxSnippetSubstitutions,
  nginxTestSubstitutions,
  substitute,
} from './example-substitution.js';

export const EXAMPLES_DIR = fileURLToPath(new URL('../../proxy-examples/', import.meta.url));

export interface RunningProxy {
  /** Where the test sends its requests (the stand-in for port 443). */
  port: number;
  /** Caddy: the root of its internal CA, to verify the served certificate. */
  ca?: string;
  /** The configuration as run, for failure messages. */
  config: string;
  output(): string;
}

/** Absolute path of an installed binary; fails (not skips) when missing: the suite needs it. */
export function requireBinary(name: string): string {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/bin'];
  for (const dir of dirs) {
    const path = join(dir, name);
    if (dir !== '' && existsSync(path)) return path;
  }
  throw new Error(`${name} is not installed: run .ci/install-deps`);
}

/** `variant`: a test variant of the substituted site.conf (e.g. a wildcard server_name); it must change something. */
export async function startNginx(t: Test, upstreams: { gatehouse: string; app: string }, variant?: (site: string) => string): Promise<RunningProxy> {
  const binary = requireBinary('nginx');
  const dir = tempDir(t, 'gatehouse-nginx-');
  // Workers run as nobody when the tests run as root: they must reach the temp paths.
  chmodSync(dir, 0o755);
  const snippetsDir = join(dir, 'snippets');
  mkdirSync(snippetsDir);
  for (const name of readdirSync(join(EXAMPLES_DIR, 'nginx/snippets'))) {
    const text = readFileSync(join(EXAMPLES_DIR, 'nginx/snippets', name), 'utf8');
    const substitutions = nginxSnippetSubstitutions(text);
    writeFileSync(join(snippetsDir, name), substitutions.length > 0 ? substitute(text, substitutions) : text);
  }
  const [port, httpPort] = (await freePorts(2)) as [number, number];
  const substituted = substitute(readFileSync(join(EXAMPLES_DIR, 'nginx/site.conf'), 'utf8'), [
    ...nginxTestSubstitutions({ ...upstreams, httpsPort: port, httpPort, snippetsDir }),
    NGINX_SCHEME_SUBSTITUTION,
  ]);
  const site = applyVariant(substituted, variant);
  writeFileSync(join(dir, 'site.conf'), site);
  // The main context nginx.conf would have; the example goes in http {} as conf.d/ files do.
  const main = [
    `pid ${dir}/nginx.pid;`,
    `error_log ${dir}/error.log info;`,
    'events { worker_connections 256; }',
    'http {',
    `  access_log ${dir}/access.log;`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `  ${k}_temp_path ${dir}/${k}_temp;`),
    `  include ${dir}/site.conf;`,
    '}',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'nginx.conf'), main);
  const child = spawn(binary, ['-e', join(dir, 'error.log'), '-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collect(child, () => readIfExists(join(dir, 'error.log')));
  t.teardown(() => stop(child));
  await waitUntil(() => canConnect(port), child, output, 'nginx');
  return { port, config: site, output };
}

/** `variant`: a test variant of the substituted Caddyfile (e.g. the legacy endpoint); it must change something. */
export async function startCaddy(t: Test, upstreams: { gatehouse: string; app: string }, variant?: (config: string) => string): Promise<RunningProxy> {
  const binary = requireBinary('caddy');
  const dir = tempDir(t, 'gatehouse-caddy-');
  const [port, httpPort] = (await freePorts(2)) as [number, number];
  const storageDir = join(dir, 'data');
  const shipped = readFileSync(join(EXAMPLES_DIR, 'caddy/Caddyfile'), 'utf8');
  const config = caddyTestGlobals({ httpPort, httpsPort: port, storageDir }) + applyVariant(substitute(shipped, caddyTestSubstitutions(upstreams)), variant);
  const path = join(dir, 'Caddyfile');
  writeFileSync(path, config);
  const env = { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'xdg-data') };
  const child = spawn(binary, ['run', '--config', path, '--adapter', 'caddyfile'], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const output = collect(child, () => '');
  t.teardown(() => stop(child));
  const caPath = join(storageDir, 'pki/authorities/local/root.crt');
  // Ready once the internal CA exists and the site certificate is served.
  await waitUntil(() => existsSync(caPath) && canHandshake(port, readFileSync(caPath, 'utf8')), child, output, 'caddy');
  return { port, ca: readFileSync(caPath, 'utf8'), config, output };
}

function applyVariant(config: string, variant: ((config: string) => string) | undefined): string {
  if (variant === undefined) return config;
  const changed = variant(config);
  if (changed === config) throw new Error('the test variant changed nothing in the example');
  return changed;
}

function collect(child: ChildProcess, extra: () => string): () => string {
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text + extra();
}

function readIfExists(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    // nginx: SIGQUIT is its graceful shutdown; Caddy stops on either.
    child.kill('SIGQUIT');
  });
}

async function waitUntil(ready: () => boolean | Promise<boolean>, child: ChildProcess, output: () => string, name: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${output()}`);
    if (await ready()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${name} did not become ready within 15 s:\n${output()}`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

function canHandshake(port: number, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ port, host: '127.0.0.1', servername: 'app.example.com', ca });
    socket.once('secureConnect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
