/**
 * A PostgreSQL server for tests. `GATEHOUSE_TEST_POSTGRES_URL` points at an existing server;
 * otherwise a private throwaway cluster is started from the installed binaries (trust auth, no
 * fsync, a Unix socket in its own directory, a free TCP port on 127.0.0.1) and removed by `stop()`.
 * Missing binaries are an error, never a silent skip: the Postgres suite must run in CI.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Test } from 'tap';

const run = promisify(execFile);

export interface TestPostgres {
  url: string;
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  stop(): Promise<void>;
}

const USER = 'gatehouse';
const PASSWORD = 'gatehouse';
const DATABASE = 'gatehouse_test';

/**
 * A raw client LISTENing on `channel`, as another replica's would: the payloads that went over the
 * wire, in order. Ended at the test's teardown.
 */
export async function listenTo(t: Test, url: string, channel: string): Promise<string[]> {
  const observer = new pg.Client({ connectionString: url });
  await observer.connect();
  t.teardown(() => observer.end());
  const seen: string[] = [];
  observer.on('notification', (n) => seen.push(n.payload ?? ''));
  await observer.query(`LISTEN ${observer.escapeIdentifier(channel)}`);
  return seen;
}

/** A fresh schema name, so test files sharing one server never see each other's tables. */
export function randomSchema(prefix = 'test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

export async function startPostgres(): Promise<TestPostgres> {
  const external = process.env.GATEHOUSE_TEST_POSTGRES_URL;
  if (external) return fromUrl(external);
  return startCluster(findBinaries());
}

function fromUrl(url: string): TestPostgres {
  const parsed = new URL(url);
  return {
    url,
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres',
    stop: () => Promise.resolve(),
  };
}

function findBinaries(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  const bin = versions.map((v) => join(root, v, 'bin')).find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (!bin) throw new Error('PostgreSQL is not installed: run .ci/install-deps');
  return bin;
}

/** initdb refuses to run as root, so as root every cluster command runs as the `postgres` user. */
function asClusterOwner(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function startCluster(bin: string): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-pg-'));
  const dataDir = join(dir, 'data');
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const exec = (name: string, args: string[]) => run(...asClusterOwner(join(bin, name), args));
  const stopNow = (): void => {
    try {
      execFileSync(...asClusterOwner(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']), { stdio: 'ignore' });
    } catch {
      // Not running (start failed, or already stopped).
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // A test process that dies without calling stop() must not leave a server behind.
  process.once('exit', stopNow);

  try {
    await exec('initdb', ['-D', dataDir, '-A', 'trust', '-U', USER, '--no-sync', '-E', 'UTF8']);
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await exec('pg_ctl', [
          '-D', dataDir, '-l', join(dir, 'server.log'), '-w', '-t', '60',
          '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
          'start',
        ]);
        break;
      } catch (err) {
        // Another process may have taken the port between the probe and the start.
        if (attempt >= 3) throw err;
      }
    }
    await exec('createdb', ['-h', dir, '-p', String(port), '-U', USER, DATABASE]);
    return {
      url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
      host: '127.0.0.1',
      port,
      user: USER,
      password: PASSWORD,
      database: DATABASE,
      stop() {
        process.off('exit', stopNow);
        stopNow();
        return Promise.resolve();
      },
    };
  } catch (err) {
    process.off('exit', stopNow);
    stopNow();
    throw err;
  }
}
