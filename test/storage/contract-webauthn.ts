/**
 * Storage contract, WebAuthn section (webauthn-types.ts): credentials with their public key sealed
 * at rest, descriptions unique per user, the sign counter moved forward atomically (a regression
 * refused, W3C WebAuthn §6.1.1), user handles made once, challenges single use, bound and expiring,
 * the preferred second factor.
 */
import type { NewWebAuthnCredential } from '../../src/storage/types.js';
import { StorageConflictError } from '../../src/storage/index.js';
import { HOUR, NOW, type ContractSection } from './contract.js';

const credential = (id: string, overrides: Partial<NewWebAuthnCredential> = {}): NewWebAuthnCredential => ({
  credential_id: id,
  username: 'alice',
  description: `key ${id}`,
  rp_id: 'auth.example.com',
  aaguid: '00000000-0000-0000-0000-000000000000',
  public_key: Buffer.from(`cose public key of ${id}`),
  sign_count: 0,
  transports: ['usb', 'nfc'],
  discoverable: true,
  user_verified: true,
  backup_eligible: false,
  backup_state: false,
  attestation_format: 'none',
  created_at_ms: NOW,
  ...overrides,
});

export const webauthnContract: ContractSection = (t, h, s) => {
  t.test('webauthn: credentials round-trip, several per user, ordered, deleted per owner', async (t) => {
    const a = credential('cred-a', { sign_count: 5 });
    const b = credential('cred-b', { created_at_ms: NOW + 1, discoverable: false, transports: [] });
    await s().webauthn.add(a);
    await s().webauthn.add(b);
    await s().webauthn.add(credential('cred-bob', { username: 'bob', description: 'key cred-a' }));
    t.same(await s().webauthn.get('cred-a'), { ...a, last_used_at_ms: null });
    t.same((await s().webauthn.list('alice')).map((c) => c.credential_id), ['cred-a', 'cred-b'], 'oldest first');
    t.same((await s().webauthn.list('bob')).map((c) => c.description), ['key cred-a'], 'descriptions are per user');
    await t.rejects(s().webauthn.add(credential('cred-a', { description: 'other' })), StorageConflictError, 'the same credential id twice');
    await t.rejects(s().webauthn.add(credential('cred-c', { description: 'key cred-a' })), StorageConflictError, 'the same description twice for one user');
    t.equal(await s().webauthn.delete('bob', 'cred-a'), false, 'nobody deletes another user’s credential');
    t.equal(await s().webauthn.delete('alice', 'cred-b'), true);
    t.equal(await s().webauthn.delete('alice', 'cred-b'), false);
    t.equal(await s().webauthn.deleteAll('bob'), 1);
    t.equal(await s().webauthn.get('cred-bob'), null);
  });

  t.test('webauthn: the public key is sealed at rest and bound to its credential', async (t) => {
    const rows = await h.query('SELECT public_key FROM webauthn_credentials WHERE credential_id = ?', ['cred-a']);
    const stored = Buffer.from(rows[0]['public_key'] as Uint8Array);
    t.notOk(stored.includes(Buffer.from('cose public key')), 'not in the clear');
    await s().webauthn.add(credential('cred-moved'));
    await h.query('UPDATE webauthn_credentials SET public_key = ? WHERE credential_id = ?', [stored, 'cred-moved']);
    await t.rejects(s().webauthn.get('cred-moved'), 'a key moved to another row does not open');
    await s().webauthn.delete('alice', 'cred-moved');
  });

  t.test('webauthn: the sign counter only moves forward (§6.1.1), atomically', async (t) => {
    t.equal(await s().webauthn.recordUse('cred-a', 5, false, NOW + 1), false, 'the same counter again: refused');
    t.equal(await s().webauthn.recordUse('cred-a', 4, false, NOW + 1), false, 'a lower counter: refused');
    t.equal((await s().webauthn.get('cred-a'))?.last_used_at_ms, null, 'a refusal writes nothing');
    t.equal(await s().webauthn.recordUse('cred-a', 6, true, NOW + 2), true);
    const used = await s().webauthn.get('cred-a');
    t.same([used?.sign_count, used?.backup_state, used?.last_used_at_ms], [6, true, NOW + 2]);
    const racers = await Promise.all(Array.from({ length: 5 }, () => s().webauthn.recordUse('cred-a', 7, false, NOW + 3)));
    t.equal(racers.filter(Boolean).length, 1, 'parallel assertions with one counter: one wins');
    await s().webauthn.add(credential('cred-zero'));
    t.equal(await s().webauthn.recordUse('cred-zero', 0, false, NOW), true, 'an authenticator without a counter (0 and 0)');
    t.equal(await s().webauthn.recordUse('cred-zero', 0, false, NOW), true, 'stays accepted at 0');
    t.equal(await s().webauthn.recordUse('cred-zero', 3, false, NOW), true, 'and may start counting');
    t.equal(await s().webauthn.recordUse('cred-zero', 0, false, NOW), false, 'but not fall back to 0');
    t.equal(await s().webauthn.recordUse('cred-gone', 9, false, NOW), false, 'an unknown credential');
    await s().webauthn.deleteAll('alice');
  });

  t.test('webauthn: a user handle is made once and found back', async (t) => {
    const handles = await Promise.all(['h1', 'h2', 'h3'].map((p) => s().webauthn.userHandle('carol', p)));
    t.equal(new Set(handles).size, 1, 'racing first calls answer one handle');
    t.equal(await s().webauthn.userHandle('carol', 'h9'), handles[0], 'kept');
    t.equal(await s().webauthn.usernameForHandle(handles[0]), 'carol');
    t.equal(await s().webauthn.usernameForHandle('unknown'), null);
  });

  t.test('webauthn: a challenge is consumed once, for its ceremony and binding, before it expires', async (t) => {
    const c = { challenge: 'ch-1', ceremony: 'second_factor' as const, binding: 'session-1', username: 'alice', expires_at_ms: NOW + 60_000 };
    await s().webauthnChallenges.create(c);
    t.equal(await s().webauthnChallenges.consume('ch-1', 'passkey', 'session-1', NOW), null, 'another ceremony');
    t.equal(await s().webauthnChallenges.consume('ch-1', 'second_factor', 'session-2', NOW), null, 'another binding');
    const racers = await Promise.all(Array.from({ length: 5 }, () => s().webauthnChallenges.consume('ch-1', 'second_factor', 'session-1', NOW)));
    t.same(racers.filter((r) => r !== null), [c], 'parallel consumes: one gets it');
    t.equal(await s().webauthnChallenges.consume('ch-1', 'second_factor', 'session-1', NOW), null, 'used up');
    await s().webauthnChallenges.create({ ...c, challenge: 'ch-2', username: null, ceremony: 'passkey' });
    t.equal(await s().webauthnChallenges.consume('ch-2', 'passkey', 'session-1', NOW + 60_000), null, 'expired');
    t.equal(await s().webauthnChallenges.consume('ch-2', 'passkey', 'session-1', NOW), null, 'and an expired one is gone, not kept for later');
    await s().webauthnChallenges.create({ ...c, challenge: 'ch-3' });
    await s().webauthnChallenges.create({ ...c, challenge: 'ch-4', expires_at_ms: NOW + HOUR });
    t.equal(await s().webauthnChallenges.deleteExpired(NOW + 60_000), 1);
    t.equal((await s().webauthnChallenges.consume('ch-4', 'second_factor', 'session-1', NOW))?.challenge, 'ch-4');
  });

  t.test('preferences: the preferred second factor', async (t) => {
    t.equal(await s().preferences.secondFactorMethod('alice'), null);
    await s().preferences.setSecondFactorMethod('alice', 'webauthn');
    t.equal(await s().preferences.secondFactorMethod('alice'), 'webauthn');
    await s().preferences.setSecondFactorMethod('alice', 'totp');
    t.equal(await s().preferences.secondFactorMethod('alice'), 'totp');
  });
};
