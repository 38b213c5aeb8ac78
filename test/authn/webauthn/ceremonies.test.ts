/**
 * The WebAuthn authentication ceremony against real storage (SQLite) and a software authenticator
 * that forges what a real one never sends: the signature counter must move forward (W3C WebAuthn
 * §6.1.1) — a lower or equal counter is refused and changes nothing; challenges are single use,
 * bound to what asked for them, and for one ceremony; a passkey without user verification is
 * refused; a passkey's user handle must be its owner's. Plus the pure rules: checkSignCount, amr.
 */
import t, { type Test } from 'tap';
import { join } from 'node:path';
import { openStorage } from '../../../src/storage/index.js';
import type { Storage } from '../../../src/storage/types.js';
import { silentLogger } from '../../../src/observability/log.js';
import { beginAuthentication, checkSignCount, finishAuthentication, passkeyOutcome, secondFactorAmr, WebAuthnError, type WebAuthnDeps, type WebAuthnPolicy } from '../../../src/authn/webauthn/index.js';
import { FLAG_UP, softwareAuthenticator } from '../../helpers/software-authenticator.js';
import { tempDir } from '../../helpers/server.js';

const NOW = 1_700_000_000_000;
const RP = { id: 'auth.example.com', origin: 'https://auth.example.com' };
const POLICY: WebAuthnPolicy = { disabled: false, passkeyLogin: true, passkeyUvTwoFactors: false, rpName: 'Gatehouse', attestation: 'none', timeoutMs: 60_000, attachment: 'cross-platform', residentKey: 'preferred', userVerification: 'preferred' };
const key = softwareAuthenticator();

async function setUp(t: Test, storedCounter: number): Promise<{ storage: Storage; deps: WebAuthnDeps; handle: string }> {
  const storage = await openStorage({ local: { path: join(tempDir(t), 'db.sqlite3') }, encryption_key: 'a-webauthn-test-encryption-key-of-length' }, { logger: silentLogger });
  t.teardown(() => storage.close());
  const handle = await storage.webauthn.userHandle('alice', 'YWxpY2UtaGFuZGxlLW9mLTMyLWJ5dGVzLWF0LWxlYXN0');
  await storage.webauthn.add({
    credential_id: key.credentialId, username: 'alice', description: 'software key', rp_id: RP.id, aaguid: '00000000-0000-0000-0000-000000000000',
    public_key: key.cosePublicKey, sign_count: storedCounter, transports: ['usb'], discoverable: true, user_verified: true,
    backup_eligible: false, backup_state: false, attestation_format: 'none', created_at_ms: NOW,
  });
  return { storage, deps: { credentials: storage.webauthn, challenges: storage.webauthnChallenges, policy: POLICY }, handle };
}

/** One second-factor ceremony: options for alice, the software key's assertion with `counter`, the verdict. */
async function secondFactor(deps: WebAuthnDeps, counter: number, options: { flags?: number; binding?: string } = {}) {
  const { challenge } = await beginAuthentication(deps, { ceremony: 'second_factor', username: 'alice', binding: 'session-a', rp: RP, nowMs: NOW });
  const response = key.assert({ challenge, origin: RP.origin, rpId: RP.id, counter, ...(options.flags === undefined ? {} : { flags: options.flags }) });
  return finishAuthentication(deps, { ceremony: 'second_factor', username: 'alice', binding: options.binding ?? 'session-a', rp: RP, response, nowMs: NOW + 1000 });
}

const refusedWith = (code: string) => ({ name: 'WebAuthnError', code });

t.test('a forged signature counter that does not move forward is refused and changes nothing (§6.1.1)', async (t) => {
  const { storage, deps } = await setUp(t, 10);
  for (const [counter, why] of [[5, 'a lower counter'], [10, 'an equal counter'], [0, 'a counter reset to 0']] as const) {
    await t.rejects(secondFactor(deps, counter), refusedWith('counter_regression'), why);
  }
  const stored = await storage.webauthn.get(key.credentialId);
  t.same([stored?.sign_count, stored?.last_used_at_ms], [10, null], 'the stored counter and last use are untouched');
  const ok = await secondFactor(deps, 11);
  t.same([ok.username, ok.userVerified, ok.credential.sign_count], ['alice', true, 11], 'a higher counter passes');
  t.equal((await storage.webauthn.get(key.credentialId))?.sign_count, 11, 'and is stored');
  await t.rejects(secondFactor(deps, 11), refusedWith('counter_regression'), 'the same assertion counter again (a clone or a replay)');
});

t.test('an authenticator without a counter (always 0) is accepted', async (t) => {
  const { deps } = await setUp(t, 0);
  t.equal((await secondFactor(deps, 0)).credential.sign_count, 0);
  t.equal((await secondFactor(deps, 0)).credential.sign_count, 0);
});

t.test('challenges: single use, bound to what asked, for one ceremony, expiring', async (t) => {
  const { deps } = await setUp(t, 0);
  await t.rejects(secondFactor(deps, 1, { binding: 'session-b' }), refusedWith('challenge_invalid'), 'answered from another session');
  const { challenge } = await beginAuthentication(deps, { ceremony: 'second_factor', username: 'alice', binding: 'session-a', rp: RP, nowMs: NOW });
  const response = key.assert({ challenge, origin: RP.origin, rpId: RP.id, counter: 1 });
  const finish = (nowMs: number, ceremony: 'second_factor' | 'passkey' = 'second_factor') =>
    finishAuthentication(deps, { ceremony, username: ceremony === 'passkey' ? null : 'alice', binding: 'session-a', rp: RP, response, nowMs });
  await t.rejects(finish(NOW, 'passkey'), refusedWith('challenge_invalid'), 'for another ceremony');
  await t.resolves(finish(NOW + 1));
  await t.rejects(finish(NOW + 2), refusedWith('challenge_invalid'), 'used once only');
  const late = await beginAuthentication(deps, { ceremony: 'second_factor', username: 'alice', binding: 'session-a', rp: RP, nowMs: NOW });
  const lateResponse = key.assert({ challenge: late.challenge, origin: RP.origin, rpId: RP.id, counter: 2 });
  await t.rejects(
    finishAuthentication(deps, { ceremony: 'second_factor', username: 'alice', binding: 'session-a', rp: RP, response: lateResponse, nowMs: NOW + POLICY.timeoutMs }),
    refusedWith('challenge_invalid'),
    'after webauthn.timeout',
  );
  const signedForAnotherOrigin = key.assert({ challenge: (await beginAuthentication(deps, { ceremony: 'second_factor', username: 'alice', binding: 'session-a', rp: RP, nowMs: NOW })).challenge, origin: 'https://evil.example', rpId: RP.id, counter: 3 });
  await t.rejects(finishAuthentication(deps, { ceremony: 'second_factor', username: 'alice', binding: 'session-a', rp: RP, response: signedForAnotherOrigin, nowMs: NOW }), refusedWith('verification_failed'), 'another origin');
});

t.test('the passkey that was the first factor is neither offered nor accepted as the second', async (t) => {
  const { deps } = await setUp(t, 0);
  const { challenge, allowCredentials } = await beginAuthentication(deps, { ceremony: 'second_factor', username: 'alice', binding: 'session-a', rp: RP, nowMs: NOW, excluded: [key.credentialId] });
  t.same(allowCredentials, [], 'not offered');
  const response = key.assert({ challenge, origin: RP.origin, rpId: RP.id, counter: 1 });
  await t.rejects(
    finishAuthentication(deps, { ceremony: 'second_factor', username: 'alice', binding: 'session-a', rp: RP, response, nowMs: NOW, excluded: [key.credentialId] }),
    refusedWith('unknown_credential'),
    'not accepted',
  );
});

t.test('passkey: user verification required; the user handle must be the owner’s', async (t) => {
  const { deps, handle } = await setUp(t, 0);
  const passkey = async (flags: number, userHandle: string | undefined) => {
    const { challenge } = await beginAuthentication(deps, { ceremony: 'passkey', username: null, binding: 'browser-a', rp: RP, nowMs: NOW });
    const response = key.assert({ challenge, origin: RP.origin, rpId: RP.id, counter: 0, flags, ...(userHandle === undefined ? {} : { userHandle }) });
    return finishAuthentication(deps, { ceremony: 'passkey', username: null, binding: 'browser-a', rp: RP, response, nowMs: NOW });
  };
  await t.rejects(passkey(FLAG_UP, handle), refusedWith('user_verification_required'), 'presence alone is not enough');
  await t.rejects(passkey(FLAG_UP | 0x04, 'c29tZW9uZS1lbHNl'), refusedWith('unknown_credential'), 'another user’s handle');
  await t.rejects(passkey(FLAG_UP | 0x04, undefined), refusedWith('unknown_credential'), 'no handle');
  const ok = await passkey(FLAG_UP | 0x04, handle);
  t.same([ok.username, ok.userVerified], ['alice', true]);
});

t.test('checkSignCount (W3C WebAuthn §7.2 step 22)', async (t) => {
  const cases: Array<[stored: number, received: number, accepted: boolean]> = [
    [0, 0, true], [0, 1, true], [5, 6, true], [5, 5, false], [5, 4, false], [5, 0, false], [0xffff_fffe, 0xffff_ffff, true],
  ];
  for (const [stored, received, accepted] of cases) {
    if (accepted) t.doesNotThrow(() => checkSignCount(stored, received), `${stored} → ${received}`);
    else t.throws(() => checkSignCount(stored, received), new WebAuthnError('counter_regression', `signature counter ${received} is not above the stored ${stored}`), `${stored} → ${received}`);
  }
});

t.test('amr (RFC 8176) and level of each WebAuthn proof', async (t) => {
  t.same(secondFactorAmr(['pwd'], true), ['pwd', 'hwk', 'user', 'mfa'], 'password + key with user verification');
  t.same(secondFactorAmr(['pwd'], false), ['pwd', 'hwk', 'mfa'], 'password + key, presence only');
  t.same(passkeyOutcome(true, false), { level: 'one_factor', amr: ['pop', 'hwk', 'user'] }, 'a passkey is one factor by default');
  t.same(passkeyOutcome(true, true), { level: 'two_factor', amr: ['pop', 'hwk', 'user', 'mfa'] }, 'experimental_enable_passkey_uv_two_factors: two factors');
  t.same(passkeyOutcome(false, true), { level: 'one_factor', amr: ['pop', 'hwk'] }, 'never two factors without user verification');
});
