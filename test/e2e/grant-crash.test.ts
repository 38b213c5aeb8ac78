/**
 * kill -9 under grant load (issue #13), on SQLite and PostgreSQL: `gatehouse serve` runs as a child
 * process (from the sources, through tap's TypeScript loader) while chains of clients exchange codes
 * and refresh; it is killed with SIGKILL at a random instant, restarted on the same database, and
 * every chain continues from the last refresh token it fully received. A refresh in flight at the
 * kill may have committed with its answer lost: the client then presents its old token again,
 * which `refresh_token_reuse_interval` (set here) takes for the retry it is. A few rounds per engine.
 */
import t, { type Test } from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { parseConfig } from '../../src/config/index.js';
import { createOpaqueTokenStrategy } from '../../src/crypto/opaque-token.js';
import { issueAuthorizationCode } from '../../src/oauth/authorization-code.js';
import { createClientRegistry } from '../../src/oauth/clients.js';
import { silentLogger } from '../../src/observability/log.js';
import { openStorage } from '../../src/storage/index.js';
import type { Storage, StorageEngine } from '../../src/storage/types.js';
import { randomSchema, startPostgres } from '../helpers/postgres.js';
import { merge, tempDir } from '../helpers/server.js';
import { APP_CALLBACK, oauthConfig } from './oauth-setup.js';
import { VERIFIER } from './grant-setup.js';
import { systemRandom } from '../../src/util/random.js';
import * as client from 'openid-client';

const ROUNDS = Number(process.env['GATEHOUSE_CRASH_ROUNDS'] ?? 3);
const CHAINS = 8;
const ENCRYPTION_KEY = 'a-crash-test-encryption-key-0123456789';
const LOADER = fileURLToPath(new URL('../../node_modules/@tapjs/typescript/dist/esm/import.mjs', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

// Each round restarts the server from the sources (a few seconds each): more than .taprc's 120 s.
t.setTimeout(360_000);

const database = await startPostgres();
t.teardown(() => database.stop());

interface Child {
  child: ChildProcess;
  output: () => string;
  url: Promise<string>;
  exited: Promise<void>;
}

function serve(dir: string): Child {
  const child = spawn(process.execPath, ['--import', LOADER, MAIN, 'serve', '--config', 'config.yml'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gatehouse did not start: ${output}`)), 60_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.includes('"msg":"listening"'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    void exited.then(() => reject(new Error(`gatehouse exited: ${output}`)));
  });
  url.catch(() => undefined);
  return { child, output: () => output, url, exited };
}

async function post(url: string, body: Record<string, string>): Promise<{ status: number; json: Record<string, string> } | null> {
  try {
    const res = await fetch(`${url}/api/oidc/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'spa', ...body }).toString(),
    });
    return { status: res.status, json: (await res.json()) as Record<string, string> };
  } catch {
    return null; // the connection died with the server: the answer was lost
  }
}

async function crashRounds(t: Test, engine: StorageEngine): Promise<string> {
  const dir = tempDir(t);
  const schema = randomSchema('crash');
  const storageConfig = engine === 'sqlite'
    ? { local: { path: join(dir, 'db.sqlite3') } }
    : { postgres: { address: `tcp://${database.host}:${database.port}`, database: database.database, schema, username: database.user, password: database.password } };
  const configObject = merge(oauthConfig(), {
    server: { address: 'tcp://127.0.0.1:0' },
    log: { level: 'info', format: 'json' },
    storage: { encryption_key: ENCRYPTION_KEY, ...storageConfig },
    identity_providers: { oidc: { refresh_token_reuse_interval: '1m' } },
  });
  const text = stringify(configObject);
  writeFileSync(join(dir, 'config.yml'), text);
  const { config } = parseConfig(text, { env: {}, nowMs: Date.now() });
  const oidc = config.identity_providers!.oidc!;
  const opaque = createOpaqueTokenStrategy(oidc.hmac_secret!);
  const clients = createClientRegistry(oidc.clients);
  const challenge = await client.calculatePKCECodeChallenge(VERIFIER);

  const seedCode = async (storage: Storage): Promise<string> => {
    const nowMs = Date.now();
    return issueAuthorizationCode({ storage, tokens: opaque, config: oidc, clients, random: systemRandom }, {
      client_id: 'spa',
      subject: 'f1c2a7e0-0000-4000-8000-000000000001',
      scopes: ['openid', 'offline_access'],
      audience: [],
      session: { username: 'john', auth_time_s: Math.floor(nowMs / 1000), amr: ['pwd'], requested_at_s: Math.floor(nowMs / 1000), redirect_uri: APP_CALLBACK, code_challenge: challenge, code_challenge_method: 'S256' },
      nowMs,
    });
  };
  const exchange = (url: string, code: string) => post(url, { grant_type: 'authorization_code', code, redirect_uri: APP_CALLBACK, code_verifier: VERIFIER });

  // Each chain's last fully received refresh token; null until its code was exchanged.
  const held: Array<string | null> = Array.from({ length: CHAINS }, () => null);
  let issued = 0;
  let lost = 0;
  let killedInFlight = 0;
  let recoveredByInterval = 0;
  const reissues = (server: Child): number => server.output().split('\n').filter((l) => l.includes('within its reuse grace')).length;

  // Codes are seeded (as the authorization endpoint stores them) through this process's own
  // connection, opened and closed before each round's server starts.
  const codes = async (): Promise<string[]> => {
    const opened = await openStorage({ ...config.storage, encryption_key: ENCRYPTION_KEY }, { logger: silentLogger });
    try {
      return await Promise.all(Array.from({ length: CHAINS }, () => seedCode(opened)));
    } finally {
      await opened.close();
    }
  };

  for (let round = 1; round <= ROUNDS; round++) {
    const fresh = await codes();
    const server = serve(dir);
    const url = await server.url;
    // After a restart, every chain continues from what it holds (a retry within the reuse interval if its last answer was lost).
    for (let i = 0; i < CHAINS; i++) {
      const token = held[i];
      if (token === null) continue;
      const answer = await post(url, { grant_type: 'refresh_token', refresh_token: token });
      if (answer?.status === 200) {
        held[i] = answer.json['refresh_token']!;
        issued++;
      } else {
        lost++;
        t.fail(`round ${round}, chain ${i}: its refresh token no longer works after the crash: ${JSON.stringify(answer)}`);
        held[i] = null;
      }
    }
    recoveredByInterval += reissues(server);
    let stop = false;
    const load = Array.from({ length: CHAINS }, async (_, i) => {
      if (held[i] === null) {
        const answer = await exchange(url, fresh[i]);
        if (answer === null) return void killedInFlight++;
        if (answer.status !== 200) return void t.fail(`round ${round}, chain ${i}: exchange answered ${JSON.stringify(answer)}`);
        held[i] = answer.json['refresh_token']!;
        issued++;
      }
      while (!stop) {
        const answer = await post(url, { grant_type: 'refresh_token', refresh_token: held[i] });
        if (answer === null) return void killedInFlight++;
        if (answer.status !== 200) return void t.fail(`round ${round}, chain ${i}: refresh answered ${JSON.stringify(answer)} while serving`);
        held[i] = answer.json['refresh_token']!;
        issued++;
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 300 + Math.floor(Math.random() * 700)));
    server.child.kill('SIGKILL');
    stop = true;
    await Promise.all(load);
    await server.exited;
  }

  // A last restart: every chain still refreshes.
  const server = serve(dir);
  const url = await server.url;
  for (let i = 0; i < CHAINS; i++) {
    const answer = held[i] === null ? null : await post(url, { grant_type: 'refresh_token', refresh_token: held[i]! });
    if (answer?.status === 200) issued++;
    else {
      lost++;
      t.fail(`chain ${i} is dead after the last restart: ${JSON.stringify(answer)}`);
    }
  }
  recoveredByInterval += reissues(server);
  server.child.kill('SIGTERM');
  await server.exited;
  t.equal(lost, 0, 'no chain lost');
  return `${engine}: ${ROUNDS} SIGKILL rounds, ${CHAINS} chains, ${issued} grants answered 200, ${killedInFlight} requests cut by a kill (${recoveredByInterval} of them had committed: their retry replaced the undelivered pair), lost: ${lost}`;
}

for (const engine of ['sqlite', 'postgres'] as const) {
  t.test(`${engine}: SIGKILL under refresh load loses no chain`, async (t) => {
    const figures = await crashRounds(t, engine);
    t.comment(figures);
  });
}
