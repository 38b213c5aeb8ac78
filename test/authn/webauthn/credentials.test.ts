/**
 * The settings interface of src/authn/webauthn: a user's credentials listed without key material,
 * and as the settings page's second-factor source (authn/second-factors.ts): named as the user named
 * them, passkeys said so, removed by id and only the owner's.
 */
import t from 'tap';
import { join } from 'node:path';
import { openStorage } from '../../../src/storage/index.js';
import type { NewWebAuthnCredential } from '../../../src/storage/types.js';
import { silentLogger } from '../../../src/observability/log.js';
import { listWebAuthnCredentials, removeAllWebAuthnCredentials, webauthnFactors } from '../../../src/authn/webauthn/index.js';
import { listFactors } from '../../../src/authn/second-factors.js';
import { tempDir } from '../../helpers/server.js';

const NOW = 1_700_000_000_000;
const credential = (id: string, username: string, description: string, discoverable: boolean): NewWebAuthnCredential => ({
  credential_id: id, username, description, rp_id: 'auth.example.com', aaguid: '00000000-0000-0000-0000-000000000000', public_key: Buffer.from('key'),
  sign_count: 0, transports: [], discoverable, user_verified: true, backup_eligible: false, backup_state: false, attestation_format: 'none', created_at_ms: NOW,
});

t.test('list without keys; the settings source names, marks passkeys and removes only the owner’s', async (t) => {
  const storage = await openStorage({ local: { path: join(tempDir(t), 'db.sqlite3') }, encryption_key: 'a-webauthn-test-encryption-key-of-length' }, { logger: silentLogger });
  t.teardown(() => storage.close());
  await storage.webauthn.add(credential('a', 'alice', 'YubiKey', false));
  await storage.webauthn.add(credential('b', 'alice', 'Phone', true));
  await storage.webauthn.add(credential('c', 'bob', 'Bob key', false));

  const listed = await listWebAuthnCredentials(storage.webauthn, 'alice');
  t.same(listed.map((c) => c.description), ['YubiKey', 'Phone']);
  t.notOk(listed.some((c) => 'public_key' in c), 'no key material');

  const source = webauthnFactors(storage.webauthn);
  t.same(await listFactors([source], 'alice'), [
    { method: 'webauthn', id: 'a', description: 'YubiKey', created_at_ms: NOW, last_used_at_ms: null },
    { method: 'webauthn', id: 'b', description: 'Phone (passkey)', created_at_ms: NOW, last_used_at_ms: null },
  ]);
  t.equal(await source.remove('alice', 'c'), false, "bob's key is not alice's to remove");
  t.equal(await source.remove('alice', 'a'), true);
  t.same((await source.list('alice')).map((f) => f.id), ['b']);
  t.equal(await removeAllWebAuthnCredentials(storage.webauthn, 'alice'), 1);
  t.same((await source.list('bob')).map((f) => f.id), ['c'], "bob's untouched");
});
