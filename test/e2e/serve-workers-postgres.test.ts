/**
 * `server.workers: 2` on PostgreSQL, as a real process: a token revoked through one worker is
 * refused by the other within 50 ms (the IPC relay through the primary; each worker's own NOTIFY
 * channel still runs beside it), and SIGTERM stops everything with exit 0.
 */
import t from 'tap';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { randomSchema, startPostgres } from '../helpers/postgres.js';
import { tempDir } from '../helpers/server.js';
import { bearerProvider } from '../helpers/bearer-client.js';
import { main, revocationAcrossWorkers, run, waitFor } from './workers-setup.js';

const ISSUER_KEY = readFileSync(fileURLToPath(new URL('../fixtures/keys/rsa-2048.key.pem', import.meta.url)), 'utf8');

t.before(() => {
  if (!existsSync(main)) throw new Error('dist/main.js is missing: run `npm run build` (npm test does)');
});

const database = await startPostgres();
t.teardown(() => database.stop());

t.test('server.workers: 2 on PostgreSQL', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'config.yml'), stringify({
    server: { address: 'tcp://127.0.0.1:0', workers: 2 },
    log: { level: 'info', format: 'json' },
    telemetry: { metrics: { enabled: true, address: 'tcp://127.0.0.1:0' } },
    ...bearerProvider({ hmac_secret: 'a-very-long-hmac-secret-for-the-tests-0123456789', jwks: [{ key: ISSUER_KEY }] }),
    storage: {
      encryption_key: 'a-postgres-test-encryption-key-of-some-length',
      postgres: { address: `tcp://${database.host}:${database.port}`, database: database.database, schema: randomSchema('workers'), username: database.user, password: database.password },
    },
  }));
  const proc = run(['serve', '--config', 'config.yml'], dir);
  t.teardown(() => { if (proc.child.exitCode === null) proc.child.kill('SIGKILL'); });
  const ready = await waitFor(proc, () => proc.lines().find((l) => l['msg'] === 'listening' && l['workers'] === 2));
  t.equal(ready['storage'], 'postgres');
  const { a, b } = await revocationAcrossWorkers(t, ready['url'] as string, ready['metrics_url'] as string);
  a.agent.destroy();
  b.agent.destroy();
  proc.child.kill('SIGTERM');
  t.equal(await proc.exited, 0, 'exit 0 after SIGTERM');
  t.equal(proc.lines().filter((l) => l['msg'] === 'stopped' && l['worker'] !== undefined).length, 2, 'both workers stopped gracefully');
});
