/** Storage contract: consents, subject identifiers, the JWT blacklist, TOTP. */
import { CONSENT_CHALLENGE_LIFESPAN_MS } from '../../src/storage/stores/consents.js';
import { HOUR, NOW, type ContractSection } from './contract.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const identityContract: ContractSection = (t, h, s) => {
  t.test('consents: answered once; pre-configured consent matches exactly (OIDC Core §3.1.2.4)', async (t) => {
    const base = { client_id: 'client-a', subject: 'subj-c', requested_at_ms: NOW, requested_audience: ['aud-1'], form: 'response_type=code&scope=openid+email' };
    await s().consents.create({ ...base, challenge_id: 'c-1', requested_scopes: ['openid', 'email'] });
    const fresh = await s().consents.get('c-1');
    t.same(fresh, {
      ...base, challenge_id: 'c-1', requested_scopes: ['openid', 'email'], responded_at_ms: null, expires_at_ms: null,
      authorized: false, granted: false, granted_scopes: [], granted_audience: [], pre_configured: false,
    });
    const answer = { authorized: true, granted_scopes: ['openid', 'email'], granted_audience: ['aud-1'], responded_at_ms: NOW + 1, pre_configured_until_ms: NOW + HOUR };
    t.equal(await s().consents.respond('c-1', answer), true);
    t.equal(await s().consents.respond('c-1', { ...answer, authorized: false }), false, 'a second answer is refused');
    t.equal(await s().consents.respond('unknown', answer), false);
    t.equal(await s().consents.markGranted('c-1'), true);
    const answered = await s().consents.get('c-1');
    t.same([answered?.authorized, answered?.granted, answered?.pre_configured, answered?.expires_at_ms], [true, true, true, NOW + HOUR]);

    // A denied and a one-time consent of the same user and client never match.
    await s().consents.create({ ...base, challenge_id: 'c-2', requested_scopes: ['openid'] });
    await s().consents.respond('c-2', { ...answer, authorized: false, granted_scopes: ['openid'] });
    await s().consents.create({ ...base, challenge_id: 'c-3', requested_scopes: ['openid'] });
    await s().consents.respond('c-3', { authorized: true, granted_scopes: ['openid'], granted_audience: ['aud-1'], responded_at_ms: NOW });

    const find = { client_id: 'client-a', subject: 'subj-c', scopes: ['openid', 'email'], audience: ['aud-1'], nowMs: NOW };
    const cases: Array<[string, Partial<typeof find>, string | null]> = [
      ['same scopes and audience', {}, 'c-1'],
      ['same sets in another order', { scopes: ['email', 'openid'] }, 'c-1'],
      ['fewer scopes', { scopes: ['openid'] }, null],
      ['more scopes', { scopes: ['openid', 'email', 'profile'] }, null],
      ['another audience', { audience: ['aud-2'] }, null],
      ['no audience', { audience: [] }, null],
      ['another subject', { subject: 'subj-x' }, null],
      ['another client', { client_id: 'client-b' }, null],
      ['at its expiry', { nowMs: NOW + HOUR }, null],
    ];
    for (const [name, change, expected] of cases) {
      const found = await s().consents.findPreConfigured({ ...find, ...change });
      t.equal(found?.challenge_id ?? null, expected, name);
    }
  });

  t.test('consents: deleteExpired removes dead challenges and expired pre-configured consents only', async (t) => {
    // Requested long before NOW, so the other sections' consents (requested at NOW) are untouched.
    const base = { client_id: 'client-sweep', subject: 'subj-sweep', requested_scopes: ['openid'], requested_audience: [], form: 'response_type=code' };
    const longAgo = NOW - CONSENT_CHALLENGE_LIFESPAN_MS;
    const answer = { authorized: true, granted_scopes: ['openid'], granted_audience: [], responded_at_ms: longAgo + 1 };
    await s().consents.create({ ...base, challenge_id: 'sweep-pending-old', requested_at_ms: longAgo });
    await s().consents.create({ ...base, challenge_id: 'sweep-pending-young', requested_at_ms: longAgo + 1 });
    await s().consents.create({ ...base, challenge_id: 'sweep-remembered', requested_at_ms: longAgo });
    await s().consents.respond('sweep-remembered', { ...answer, pre_configured_until_ms: NOW + 1 });
    await s().consents.create({ ...base, challenge_id: 'sweep-remembered-expired', requested_at_ms: longAgo });
    await s().consents.respond('sweep-remembered-expired', { ...answer, pre_configured_until_ms: NOW });

    t.equal(await s().consents.deleteExpired(NOW), 2, 'the old pending challenge and the expired pre-configured consent');
    const left = await Promise.all(['sweep-pending-old', 'sweep-pending-young', 'sweep-remembered', 'sweep-remembered-expired'].map((id) => s().consents.get(id)));
    t.same(left.map((c) => c?.challenge_id ?? null), [null, 'sweep-pending-young', 'sweep-remembered', null]);
    t.not(await s().consents.get('c-1'), null, 'consents requested at NOW are kept');
    t.equal(await s().consents.deleteExpired(NOW), 0, 'nothing more at the same now');
  });

  t.test('consents: a challenge is answerable for CONSENT_CHALLENGE_LIFESPAN_MS after it was requested, then no more though still stored', async (t) => {
    const base = { client_id: 'client-age', subject: 'subj-age', requested_scopes: ['openid'], requested_audience: [], form: 'response_type=code' };
    await s().consents.create({ ...base, challenge_id: 'age-1', requested_at_ms: NOW });
    const lastMoment = NOW + CONSENT_CHALLENGE_LIFESPAN_MS - 1;
    t.equal((await s().consents.getAnswerable('age-1', lastMoment))?.challenge_id, 'age-1', 'one millisecond before the lifespan is over');
    t.equal(await s().consents.getAnswerable('age-1', lastMoment + 1), null, 'at the lifespan');
    t.not(await s().consents.get('age-1'), null, 'the row itself waits for the sweep');
    t.equal(await s().consents.getAnswerable('unknown', NOW), null);
  });

  t.test('subjects: UUIDv4, stable, per sector, race-safe (OIDC Core §8)', async (t) => {
    const alice = { service: 'openid' as const, sector_id: '', username: 'alice' };
    const id = await s().subjects.getOrCreate(alice);
    t.match(id, UUID_V4);
    t.equal(await s().subjects.getOrCreate(alice), id, 'stable');
    const pairwise = await s().subjects.getOrCreate({ ...alice, sector_id: 'rp.example.com' });
    t.not(pairwise, id, 'a sector has its own identifier');
    t.same(await s().subjects.findByIdentifier(pairwise), { ...alice, sector_id: 'rp.example.com' });
    t.equal(await s().subjects.findByIdentifier('00000000-0000-4000-8000-000000000000'), null);

    const racers = await Promise.all(Array.from({ length: 10 }, () => s().subjects.getOrCreate({ ...alice, username: 'bob' })));
    t.equal(new Set(racers).size, 1, 'parallel creators agree on one identifier');
    const rows = await h.query('SELECT identifier FROM user_opaque_identifiers WHERE username = ?', ['bob']);
    t.equal(rows.length, 1);
  });

  t.test('jwt blacklist: a jti is accepted once until it expires (RFC 7523 §3)', async (t) => {
    t.equal(await s().jwtBlacklist.add('client-a:jti-1', NOW + 60_000, NOW), true);
    t.equal(await s().jwtBlacklist.add('client-a:jti-1', NOW + 60_000, NOW + 1), false, 'replay');
    t.equal(await s().jwtBlacklist.add('client-a:jti-1', NOW + 120_000, NOW + 60_000), true, 'an expired entry is replaced');
    t.equal(await s().jwtBlacklist.add('client-a:jti-1', NOW + 120_000, NOW + 60_001), false, 'the replacement holds');
    const racers = await Promise.all(Array.from({ length: 6 }, () => s().jwtBlacklist.add('client-a:jti-race', NOW + 1000, NOW)));
    t.equal(racers.filter(Boolean).length, 1, 'parallel adds: one wins');
    t.ok((await s().jwtBlacklist.deleteExpired(NOW + 200_000)) >= 2);
    t.equal(await s().jwtBlacklist.add('client-a:jti-race', NOW + 300_000, NOW + 200_000), true);
  });

  t.test('totp: configuration round-trip, step replay refused (RFC 6238 §5.2)', async (t) => {
    const config = { username: 'alice', issuer: 'Gatehouse', algorithm: 'SHA1' as const, digits: 6, period: 30, secret: Buffer.from('12345678901234567890'), created_at_ms: NOW };
    await s().totp.save(config);
    t.same(await s().totp.get('alice'), config);
    t.equal(await s().totp.get('nobody'), null);
    t.equal(await s().totp.markUsed('alice', 56_666_666, NOW), true);
    t.equal(await s().totp.markUsed('alice', 56_666_666, NOW), false, 'same step again');
    t.equal(await s().totp.markUsed('alice', 56_666_667, NOW), true, 'next step');
    t.equal(await s().totp.markUsed('bob', 56_666_666, NOW), true, 'steps are per user');
    const racers = await Promise.all(Array.from({ length: 5 }, () => s().totp.markUsed('alice', 56_666_668, NOW)));
    t.equal(racers.filter(Boolean).length, 1, 'parallel markUsed: one wins');
    t.equal(await s().totp.deleteHistoryBefore(NOW + 1), 4);
    t.equal(await s().totp.markUsed('alice', 56_666_666, NOW + 2), true, 'forgotten after deleteHistoryBefore');

    await s().totp.save({ ...config, algorithm: 'SHA256', secret: Buffer.from('another secret') });
    t.equal((await s().totp.get('alice'))?.algorithm, 'SHA256', 'save replaces');
    t.equal(await s().totp.markUsed('alice', 56_666_666, NOW + 3), true, 'a new secret starts a new history');
    t.equal(await s().totp.delete('alice'), true);
    t.equal(await s().totp.delete('alice'), false);
    t.equal(await s().totp.get('alice'), null);
  });
};
