/** `gatehouse storage user webauthn list|delete` on a real config file and a real SQLite database. */
import t, { type Test } from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dispatch } from '../../src/cli/dispatch.js';
import type { CliIO } from '../../src/cli/command.js';
import { storageUserWebAuthnDeleteCommand, storageUserWebAuthnListCommand } from '../../src/cli/storage-user-webauthn.js';
import { openStorage } from '../../src/storage/index.js';
import type { NewWebAuthnCredential } from '../../src/storage/types.js';
import { silentLogger } from '../../src/observability/log.js';

const KEY = 'a-cli-test-encryption-key-0123456789';
const commands = [storageUserWebAuthnListCommand, storageUserWebAuthnDeleteCommand];
const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);

async function cli(argv: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (s) => { out += s; }, err: (s) => { err += s; }, env: {}, cwd };
  const code = await dispatch(commands, argv, io);
  return { code, out, err };
}

const credential = (id: string, description: string, discoverable: boolean): NewWebAuthnCredential => ({
  credential_id: id, username: 'alice', description, rp_id: 'auth.example.com', aaguid: '00000000-0000-0000-0000-000000000000', public_key: Buffer.from('k'),
  sign_count: 7, transports: ['usb'], discoverable, user_verified: true, backup_eligible: false, backup_state: false, attestation_format: 'none', created_at_ms: T0,
});

async function seeded(t: Test): Promise<string> {
  const dir = t.testdir({});
  const path = join(dir, 'db.sqlite3');
  writeFileSync(join(dir, 'config.yml'), `storage:\n  encryption_key: ${KEY}\n  local:\n    path: ${path}\n`);
  const storage = await openStorage({ local: { path }, encryption_key: KEY }, { logger: silentLogger });
  await storage.webauthn.add(credential('Y3JlZC1h', 'YubiKey 5', false));
  await storage.webauthn.add(credential('Y3JlZC1i', 'Phone', true));
  await storage.webauthn.add({ ...credential('Y3JlZC1j', 'Bob key', false), username: 'bob' });
  await storage.close();
  return dir;
}

t.test('list: one row per credential, passkeys named as such', async (t) => {
  const dir = await seeded(t);
  const listed = await cli(['storage', 'user', 'webauthn', 'list', 'alice'], dir);
  t.same(listed, {
    code: 0,
    err: '',
    out: [
      'ID        DESCRIPTION  KIND          RP ID             CREATED               LAST USED  SIGN COUNT  AAGUID',
      'Y3JlZC1h  YubiKey 5    security key  auth.example.com  2026-01-02T03:04:05Z  -          7           00000000-0000-0000-0000-000000000000',
      'Y3JlZC1i  Phone        passkey       auth.example.com  2026-01-02T03:04:05Z  -          7           00000000-0000-0000-0000-000000000000',
      '',
    ].join('\n'),
  });
  t.same(await cli(['storage', 'user', 'webauthn', 'list', 'carol'], dir), { code: 0, out: 'carol has no WebAuthn credentials\n', err: '' });
});

t.test('delete: by --kid, by --description, --all; nothing matched is a failure; usage errors exit 2', async (t) => {
  const dir = await seeded(t);
  t.same(await cli(['storage', 'user', 'webauthn', 'delete', 'alice', '--kid', 'Y3JlZC1c'], dir), { code: 1, out: '', err: 'gatehouse: alice has no such WebAuthn credential\n' }, "another user's credential id");
  t.same(await cli(['storage', 'user', 'webauthn', 'delete', 'alice', '--kid', 'Y3JlZC1h'], dir), { code: 0, out: 'deleted 1 WebAuthn credential of alice\n', err: '' });
  t.same(await cli(['storage', 'user', 'webauthn', 'delete', 'alice', '--description', 'Nope'], dir), { code: 1, out: '', err: 'gatehouse: alice has no such WebAuthn credential\n' });
  t.same(await cli(['storage', 'user', 'webauthn', 'delete', 'alice', '--description', 'Phone'], dir), { code: 0, out: 'deleted 1 WebAuthn credential of alice\n', err: '' });
  t.same(await cli(['storage', 'user', 'webauthn', 'delete', 'bob', '--all'], dir), { code: 0, out: 'deleted 1 WebAuthn credential of bob\n', err: '' });
  for (const argv of [['alice'], ['alice', '--all', '--kid', 'x'], [], ['alice', 'extra', '--all']]) {
    const run = await cli(['storage', 'user', 'webauthn', 'delete', ...argv], dir);
    t.equal(run.code, 2, `usage: ${argv.join(' ')}`);
  }
});
