/** `gatehouse storage migrate up|status` on a real config file and a real SQLite database. */
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dispatch } from '../../src/cli/dispatch.js';
import type { CliIO } from '../../src/cli/command.js';
import { formatMigrationStatus, storageMigrateStatusCommand, storageMigrateUpCommand } from '../../src/cli/storage-migrate.js';
import { WRONG_KEY_MESSAGE } from '../../src/storage/index.js';
import { migrationsFor } from '../../src/storage/migrations/index.js';

/** Every shipped migration, in order, and the status table's column width (the longest name + 2). */
const MIGRATIONS = Object.keys(migrationsFor('sqlite')).sort();
const WIDTH = Math.max(...MIGRATIONS.map((name) => name.length)) + 2;
const APPLIED = `applied migrations: ${MIGRATIONS.join(', ')}\n`;
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const KEY = 'a-cli-test-encryption-key-0123456789';
const commands = [storageMigrateUpCommand, storageMigrateStatusCommand];

async function cli(argv: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (s) => { out += s; }, err: (s) => { err += s; }, env: {}, cwd };
  const code = await dispatch(commands, argv, io);
  return { code, out, err };
}

function configFile(dir: string, storage: string): void {
  writeFileSync(join(dir, 'config.yml'), `storage:\n${storage}`);
}

t.test('status lists pending migrations without creating the database; up applies them once', async (t) => {
  const dir = t.testdir({});
  configFile(dir, `  encryption_key: ${KEY}\n  local:\n    path: ${join(dir, 'data', 'db.sqlite3')}\n`);
  t.same(await cli(['storage', 'migrate', 'status'], dir), { code: 0, out: `${MIGRATIONS.map((name) => `${name.padEnd(WIDTH)}pending\n`).join('')}0 applied, ${MIGRATIONS.length} pending\n`, err: '' });
  t.same(await cli(['storage', 'migrate', 'up'], dir), { code: 0, out: APPLIED, err: '' });
  t.same(await cli(['storage', 'migrate', 'up', '-c', 'config.yml'], dir), { code: 0, out: 'storage schema is up to date\n', err: '' });
  const status = await cli(['storage', 'migrate', 'status', '--config', join(dir, 'config.yml')], dir);
  t.equal(status.code, 0);
  t.match(status.out, new RegExp(`^${MIGRATIONS.map((name) => `${escape(name.padEnd(WIDTH))}applied \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\n`).join('')}${MIGRATIONS.length} applied, 0 pending\\n$`));
});

t.test('up: the key comes from the config, else from storage.encryption_key beside the database', async (t) => {
  const dir = t.testdir({ data: {} });
  configFile(dir, `  local:\n    path: ${join(dir, 'data', 'db.sqlite3')}\n`);
  t.same(await cli(['storage', 'migrate', 'up'], dir), { code: 1, out: '', err: 'gatehouse: no storage.encryption_key\n' });
  writeFileSync(join(dir, 'data', 'storage.encryption_key'), `${KEY}\n`);
  t.same(await cli(['storage', 'migrate', 'up'], dir), { code: 0, out: APPLIED, err: '' });
  configFile(dir, `  encryption_key: ${KEY}-but-another\n  local:\n    path: ${join(dir, 'data', 'db.sqlite3')}\n`);
  t.same(await cli(['storage', 'migrate', 'up'], dir), { code: 1, out: '', err: `gatehouse: ${WRONG_KEY_MESSAGE}\n` });
});

t.test('an unreadable or invalid configuration fails with exit 1 and says so', async (t) => {
  const dir = t.testdir({});
  const result = await cli(['storage', 'migrate', 'status', '-c', 'missing.yml'], dir);
  t.equal(result.code, 1);
  t.match(result.err, /^gatehouse: the configuration in missing\.yml is invalid:\n/);
});

t.test('formatMigrationStatus aligns names and counts', async (t) => {
  t.equal(
    formatMigrationStatus([{ name: '0001_initial', executed_at_ms: 0 }, { name: '0002_x', executed_at_ms: null }]),
    '0001_initial  applied 1970-01-01T00:00:00.000Z\n0002_x        pending\n1 applied, 1 pending\n',
  );
});
