/**
 * Storage contract, identity verification section (one-time-code-types.ts): codes stored by hash,
 * used once (racing uses: one wins), only for their user and intent, never after they expire;
 * counted per user and intent for the sending limit; revoked all at once; swept when expired.
 */
import type { NewOneTimeCode } from '../../src/storage/types.js';
import { HOUR, NOW, type ContractSection } from './contract.js';

const code = (id: string, overrides: Partial<NewOneTimeCode> = {}): NewOneTimeCode => ({
  id,
  username: 'alice',
  intent: 'elevation',
  code_hash: `hash-of-${id}`,
  created_at_ms: NOW,
  expires_at_ms: NOW + 300_000,
  ...overrides,
});

export const oneTimeCodesContract: ContractSection = (t, _h, s) => {
  t.test('one-time codes: used once, only by their user and for their intent, never after expiry', async (t) => {
    await s().oneTimeCodes.create(code('c1'));
    const use = (overrides: Partial<{ username: string; intent: 'elevation' | 'reset_password'; code_hash: string; nowMs: number }> = {}) =>
      s().oneTimeCodes.consume({ username: 'alice', intent: 'elevation', code_hash: 'hash-of-c1', nowMs: NOW, ...overrides });
    t.equal(await use({ username: 'bob' }), false, "another user's");
    t.equal(await use({ intent: 'reset_password' }), false, 'another intent');
    t.equal(await use({ code_hash: 'hash-of-c2' }), false, 'another code');
    t.equal(await use({ nowMs: NOW + 300_000 }), false, 'expired at expires_at_ms');
    const racers = await Promise.all(Array.from({ length: 5 }, () => use()));
    t.equal(racers.filter(Boolean).length, 1, 'five racing uses: exactly one succeeds');
    t.equal(await use(), false, 'used up');
  });

  t.test('one-time codes: counted per user and intent since a time; revoked all at once; swept when expired', async (t) => {
    const carol = (id: string, overrides: Partial<NewOneTimeCode> = {}) => code(id, { username: 'carol', ...overrides });
    await s().oneTimeCodes.create(carol('d1', { created_at_ms: NOW - HOUR }));
    await s().oneTimeCodes.create(carol('d2'));
    await s().oneTimeCodes.create(carol('d3', { intent: 'reset_password' }));
    await s().oneTimeCodes.create(code('d4', { username: 'dave' }));
    t.equal(await s().oneTimeCodes.countSince('carol', 'elevation', NOW - 60_000), 1);
    t.equal(await s().oneTimeCodes.countSince('carol', 'elevation', NOW - 2 * HOUR), 2);
    t.equal(await s().oneTimeCodes.revokeAll('carol', 'reset_password', NOW), 1);
    t.equal(await s().oneTimeCodes.consume({ username: 'carol', intent: 'reset_password', code_hash: 'hash-of-d3', nowMs: NOW }), false, 'revoked');
    t.equal(await s().oneTimeCodes.consume({ username: 'carol', intent: 'elevation', code_hash: 'hash-of-d2', nowMs: NOW }), true, 'another intent is not revoked');
    t.ok((await s().oneTimeCodes.deleteExpired(NOW + 300_000)) >= 4, 'every code expired by then');
    t.equal(await s().oneTimeCodes.countSince('carol', 'elevation', 0), 0, 'gone');
  });
};
