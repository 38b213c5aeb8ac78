/** `gatehouse storage user totp delete|export` on a real config file and a real SQLite database. */
import t, { type Test } from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dispatch } from '../../src/cli/dispatch.js';
import type { CliIO } from '../../src/cli/command.js';
import { storageUserTotpDeleteCommand, storageUserTotpExportCommand } from '../../src/cli/storage-user-totp.js';
import { openStorage } from '../../src/storage/index.js';
import { silentLogger } from '../../src/observability/log.js';

const KEY = 'a-cli-test-encryption-key-0123456789';
const commands = [storageUserTotpDeleteCommand, storageUserTotpExportCommand];
const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);
/** RFC 6238 Appendix B's SHA-1 seed: base32 GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ. */
const SECRET = Buffer.from('12345678901234567890');

async function cli(argv: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (s) => { out += s; }, err: (s) => { err += s; }, env: {}, cwd };
  const code = await dispatch(commands, argv, io);
  return { code, out, err };
}

async function seeded(t: Test): Promise<{ dir: string; path: string }> {
  const dir = t.testdir({});
  const path = join(dir, 'db.sqlite3');
  writeFileSync(join(dir, 'config.yml'), `storage:\n  encryption_key: ${KEY}\n  local:\n    path: ${path}\n`);
  const storage = await openStorage({ local: { path }, encryption_key: KEY }, { logger: silentLogger });
  await storage.totp.save({ username: 'alice', issuer: 'Gatehouse', algorithm: 'SHA1', digits: 6, period: 30, secret: SECRET, created_at_ms: T0 });
  await storage.totp.save({ username: 'bob', issuer: 'Example, Inc.', algorithm: 'SHA256', digits: 8, period: 60, secret: SECRET, created_at_ms: T0 });
  await storage.close();
  return { dir, path };
}

t.test('export uri: one Key URI per user, by username', async (t) => {
  const { dir } = await seeded(t);
  const { code, out } = await cli(['storage', 'user', 'totp', 'export', 'uri'], dir);
  t.equal(code, 0);
  t.equal(
    out,
    'otpauth://totp/Gatehouse:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Gatehouse&algorithm=SHA1&digits=6&period=30\n' +
      'otpauth://totp/Example%2C%20Inc.:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example%2C%20Inc.&algorithm=SHA256&digits=8&period=60\n',
  );
});

t.test('export csv: a header and one quoted-as-needed row per user', async (t) => {
  const { dir } = await seeded(t);
  const { code, out } = await cli(['storage', 'user', 'totp', 'export', 'csv'], dir);
  t.equal(code, 0);
  t.equal(out, 'issuer,username,algorithm,digits,period,secret\nGatehouse,alice,SHA1,6,30,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n"Example, Inc.",bob,SHA256,8,60,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n');
});

t.test('delete: the user\'s configuration goes; a user without one exits 1; usage errors exit 2', async (t) => {
  const { dir, path } = await seeded(t);
  const deleted = await cli(['storage', 'user', 'totp', 'delete', 'alice'], dir);
  t.same(deleted, { code: 0, out: 'deleted the TOTP configuration of alice\n', err: '' });
  const again = await cli(['storage', 'user', 'totp', 'delete', 'alice'], dir);
  t.same(again, { code: 1, out: '', err: 'gatehouse: alice has no TOTP configuration\n' });
  const storage = await openStorage({ local: { path }, encryption_key: KEY }, { logger: silentLogger, migrate: false });
  t.equal(await storage.totp.get('alice'), null);
  t.ok(await storage.totp.get('bob'), "another user's stays");
  await storage.close();
  t.equal((await cli(['storage', 'user', 'totp', 'export', 'png'], dir)).code, 2);
  t.equal((await cli(['storage', 'user', 'totp', 'delete'], dir)).code, 2);
});
