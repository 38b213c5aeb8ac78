/** Storage contract: OAuth 2.0 token records and pushed authorization requests. */
import { StorageConflictError } from '../../src/storage/index.js';
import type { Redemption, TokenKind, TokenRef } from '../../src/storage/types.js';
import { NOW, token, type ContractSection } from './contract.js';

export const tokenContract: ContractSection = (t, _h, s) => {
  t.test('tokens: create and get round-trip every field', async (t) => {
    await s().tokens.create('access_token', token('sig-get'));
    t.same(await s().tokens.get('access_token', 'sig-get'), { ...token('sig-get'), active: true, revoked: false });
    t.equal(await s().tokens.get('refresh_token', 'sig-get'), null, 'kind is part of the key');
    t.equal(await s().tokens.get('access_token', 'unknown'), null);
    await t.rejects(s().tokens.create('access_token', token('sig-get')), { name: 'StorageConflictError', code: 'ERR_STORAGE_CONFLICT', message: 'access_token sig-get already exists' }, 'a signature is stored once per kind');
  });

  t.test('tokens: consume is single use; a replay is reported (RFC 6749 §4.1.2)', async (t) => {
    await s().tokens.create('authorization_code', token('sig-code'));
    const first = await s().tokens.consume('authorization_code', 'sig-code', NOW);
    t.equal(first?.firstUse, true);
    t.equal(first?.record.active, false, 'the returned record is already used');
    const replay = await s().tokens.consume('authorization_code', 'sig-code', NOW + 1);
    t.equal(replay?.firstUse, false);
    t.equal(replay?.record.request_id, 'req-1', 'a replay still names the family to revoke');
    t.equal(await s().tokens.consume('authorization_code', 'unknown', NOW), null);

    await s().tokens.create('authorization_code', token('sig-expired', { expires_at_ms: NOW }));
    t.equal(await s().tokens.consume('authorization_code', 'sig-expired', NOW), null, 'expired at its expiry instant');
  });

  t.test('tokens: parallel consumers get exactly one first use', async (t) => {
    await s().tokens.create('refresh_token', token('sig-race'));
    const results = await Promise.all(Array.from({ length: 8 }, () => s().tokens.consume('refresh_token', 'sig-race', NOW)));
    t.equal(results.filter((r) => r?.firstUse === true).length, 1);
    t.equal(results.filter((r) => r?.firstUse === false).length, 7);
  });

  t.test('tokens: revoke and revokeByRequestId return the grant family (RFC 9700 §4.14.2)', async (t) => {
    const family: Array<[TokenKind, string]> = [
      ['authorization_code', 'fam-ac'],
      ['access_token', 'fam-at'],
      ['refresh_token', 'fam-rt'],
      ['openid_connect', 'fam-ac'],
    ];
    for (const [kind, sig] of family) await s().tokens.create(kind, token(sig, { request_id: 'req-family' }));
    await s().tokens.create('access_token', token('other-at', { request_id: 'req-other' }));

    const revoked = await s().tokens.revokeByRequestId('req-family');
    const key = (x: { kind: string; signature: string }): string => `${x.kind}/${x.signature}`;
    t.same(revoked.map(key).sort(), family.map(([kind, signature]) => key({ kind, signature })).sort());
    for (const [kind, sig] of family) {
      const record = await s().tokens.get(kind, sig);
      t.same([record?.revoked, record?.active], [true, false], `${kind} ${sig} revoked`);
    }
    t.equal((await s().tokens.get('access_token', 'other-at'))?.revoked, false, 'another grant is untouched');
    t.same(await s().tokens.revokeByRequestId('req-none'), []);

    t.equal(await s().tokens.revoke('access_token', 'other-at'), true);
    t.equal(await s().tokens.revoke('access_token', 'unknown'), false);
    t.equal((await s().tokens.consume('access_token', 'other-at', NOW))?.firstUse, false, 'a revoked token is never a first use');
  });

  t.test('tokens: deleteExpired removes only expired records', async (t) => {
    await s().tokens.create('pkce', token('old-pkce', { expires_at_ms: NOW - 1 }));
    await s().tokens.create('pkce', token('new-pkce', { expires_at_ms: NOW + 1 }));
    t.ok((await s().tokens.deleteExpired(NOW)) >= 1);
    t.equal(await s().tokens.get('pkce', 'old-pkce'), null);
    t.not(await s().tokens.get('pkce', 'new-pkce'), null);
  });

  t.test('PAR: single use, bound to its client, expires (RFC 9126 §2.2, §4)', async (t) => {
    const uri = 'urn:ietf:params:oauth:request_uri:abc';
    const parameters = { response_type: 'code', client_id: 'client-a', state: 'xyz' };
    await s().par.create({ request_uri: uri, client_id: 'client-a', expires_at_ms: NOW + 60_000, parameters });
    await t.rejects(s().par.create({ request_uri: uri, client_id: 'client-b', expires_at_ms: NOW + 60_000, parameters }), StorageConflictError, 'a request_uri is stored once');
    t.equal(await s().par.consume(uri, 'client-b', NOW), null, 'another client cannot use it');
    t.same(await s().par.consume(uri, 'client-a', NOW), { request_uri: uri, client_id: 'client-a', expires_at_ms: NOW + 60_000, parameters });
    t.equal(await s().par.consume(uri, 'client-a', NOW), null, 'used once');
    t.equal(await s().par.consume('urn:unknown', 'client-a', NOW), null);

    await s().par.create({ request_uri: `${uri}-late`, client_id: 'client-a', expires_at_ms: NOW, parameters });
    t.equal(await s().par.consume(`${uri}-late`, 'client-a', NOW), null, 'expired');
    t.ok((await s().par.deleteExpired(NOW)) >= 1);
  });

  redeemContract(t, _h, s);
};

/** TokenSessions.redeem: a code exchange or refresh rotation as one transaction (types.ts). */
export const redeemContract: ContractSection = (t, h, s) => {
  const issue = (prefix: string, request_id: string, nowMs = NOW): Redemption['issue'] => [
    { kind: 'access_token', record: token(`${prefix}-at`, { request_id, requested_at_ms: nowMs }) },
    { kind: 'refresh_token', record: token(`${prefix}-rt`, { request_id, requested_at_ms: nowMs }) },
  ];
  const state = async (kind: TokenKind, signature: string): Promise<string> => {
    const r = await s().tokens.get(kind, signature);
    if (!r) return 'absent';
    return r.revoked ? 'revoked' : r.active ? 'live' : 'used';
  };
  const refs = (prefix: string): TokenRef[] => [{ kind: 'access_token', signature: `${prefix}-at` }, { kind: 'refresh_token', signature: `${prefix}-rt` }];
  const sorted = (list: readonly TokenRef[]): string[] => list.map((r) => `${r.kind}/${r.signature}`).sort();

  t.test('interactions: stored once, read until completed or expired, completed by exactly one of parallel callers', async (t) => {
    const parameters = { response_type: 'code', client_id: 'client-a', state: 'xyz', scope: 'openid' };
    const interaction = { id: 'interaction-a', client_id: 'client-a', expires_at_ms: NOW + 60_000, auth_time_min_s: 1_700_000_000, parameters };
    await s().interactions.create(interaction);
    await t.rejects(s().interactions.create({ ...interaction, client_id: 'client-b' }), StorageConflictError, 'an id is stored once');
    t.same(await s().interactions.get('interaction-a', NOW), interaction, 'read back whole, auth_time_min_s included');
    t.same(await s().interactions.get('interaction-a', NOW), interaction, 'reading does not use it up');
    t.equal(await s().interactions.get('interaction-a', NOW + 60_000), null, 'expired at expires_at_ms');
    const racers = await Promise.all(Array.from({ length: 8 }, () => s().interactions.complete('interaction-a', NOW)));
    t.equal(racers.filter(Boolean).length, 1, 'parallel completions: one wins');
    t.equal(await s().interactions.get('interaction-a', NOW), null, 'gone once completed');
    await s().interactions.create({ ...interaction, id: 'interaction-late', auth_time_min_s: null, expires_at_ms: NOW });
    t.equal(await s().interactions.complete('interaction-late', NOW), false, 'an expired interaction cannot be completed');
    t.ok((await s().interactions.deleteExpired(NOW)) >= 1);
  });

  t.test('redeem: a code is exchanged once; its replay revokes what it issued (RFC 6749 §4.1.2)', async (t) => {
    await s().tokens.create('authorization_code', token('rd-code', { request_id: 'req-rd-code' }));
    const first = await s().tokens.redeem({ kind: 'authorization_code', signature: 'rd-code', issue: issue('rd-code-1', 'req-rd-code'), nowMs: NOW, reuseGraceMs: 0 });
    t.same(first, { outcome: 'issued', revoked: [] });
    t.same([await state('authorization_code', 'rd-code'), await state('access_token', 'rd-code-1-at'), await state('refresh_token', 'rd-code-1-rt')], ['used', 'live', 'live']);
    const replay = await s().tokens.redeem({ kind: 'authorization_code', signature: 'rd-code', issue: issue('rd-code-2', 'req-rd-code'), nowMs: NOW + 1, reuseGraceMs: 60_000 });
    t.equal(replay.outcome, 'replayed', 'no grace for codes');
    t.same(sorted('revoked' in replay ? replay.revoked : []), sorted([{ kind: 'authorization_code', signature: 'rd-code' }, ...refs('rd-code-1')]));
    t.same([await state('access_token', 'rd-code-1-at'), await state('refresh_token', 'rd-code-1-rt'), await state('access_token', 'rd-code-2-at')], ['revoked', 'revoked', 'absent']);
  });

  t.test('redeem: unknown or expired changes nothing', async (t) => {
    t.same(await s().tokens.redeem({ kind: 'refresh_token', signature: 'rd-none', issue: issue('rd-none', 'req-x'), nowMs: NOW, reuseGraceMs: 0 }), { outcome: 'unknown' });
    await s().tokens.create('refresh_token', token('rd-old', { request_id: 'req-rd-old', expires_at_ms: NOW }));
    t.same(await s().tokens.redeem({ kind: 'refresh_token', signature: 'rd-old', issue: issue('rd-old-1', 'req-rd-old'), nowMs: NOW, reuseGraceMs: 0 }), { outcome: 'unknown' }, 'expired at its expiry instant');
    t.same([await state('refresh_token', 'rd-old'), await state('access_token', 'rd-none-at'), await state('access_token', 'rd-old-1-at')], ['live', 'absent', 'absent']);
  });

  t.test('redeem: a rotation retires the previous access token; reuse revokes the family (RFC 9700 §4.14.2)', async (t) => {
    for (const { kind, record } of issue('rot-0', 'req-rot')) await s().tokens.create(kind, record);
    const rotated = await s().tokens.redeem({ kind: 'refresh_token', signature: 'rot-0-rt', issue: issue('rot-1', 'req-rot'), nowMs: NOW + 10, reuseGraceMs: 0 });
    t.same(rotated, { outcome: 'issued', revoked: [{ kind: 'access_token', signature: 'rot-0-at' }] });
    t.same([await state('access_token', 'rot-0-at'), await state('refresh_token', 'rot-0-rt'), await state('access_token', 'rot-1-at'), await state('refresh_token', 'rot-1-rt')], ['revoked', 'used', 'live', 'live']);
    const reuse = await s().tokens.redeem({ kind: 'refresh_token', signature: 'rot-0-rt', issue: issue('rot-2', 'req-rot'), nowMs: NOW + 20, reuseGraceMs: 0 });
    t.equal(reuse.outcome, 'replayed');
    t.same(sorted('revoked' in reuse ? reuse.revoked : []), sorted([...refs('rot-0'), ...refs('rot-1')]), 'the whole family, the used token too');
    t.same([await state('access_token', 'rot-1-at'), await state('refresh_token', 'rot-1-rt'), await state('refresh_token', 'rot-2-rt')], ['revoked', 'revoked', 'absent']);
    const after = await s().tokens.redeem({ kind: 'refresh_token', signature: 'rot-1-rt', issue: issue('rot-3', 'req-rot'), nowMs: NOW + 30, reuseGraceMs: 0 });
    t.equal(after.outcome, 'replayed', 'a revoked token is never redeemed');
  });

  t.test('redeem: within the reuse grace, a rotated token replaces its unused successor; once the successor is used it is reuse', async (t) => {
    const grace = 60_000;
    for (const { kind, record } of issue('gr-0', 'req-gr')) await s().tokens.create(kind, record);
    const redeemAt = (signature: string, prefix: string, nowMs: number) =>
      s().tokens.redeem({ kind: 'refresh_token', signature, issue: issue(prefix, 'req-gr', nowMs), nowMs, reuseGraceMs: grace });
    t.equal((await redeemAt('gr-0-rt', 'gr-1', NOW + 1_000)).outcome, 'issued');
    t.same(await redeemAt('gr-0-rt', 'gr-2', NOW + 2_000), { outcome: 'reissued', revoked: refs('gr-1') }, 'the answer was lost: its pair is replaced');
    t.same([await state('refresh_token', 'gr-0-rt'), await state('refresh_token', 'gr-1-rt'), await state('refresh_token', 'gr-2-rt'), await state('access_token', 'gr-2-at')], ['used', 'revoked', 'live', 'live']);
    t.same(await redeemAt('gr-0-rt', 'gr-3', NOW + 1_000 + grace - 1), { outcome: 'reissued', revoked: refs('gr-2') }, 'the window counts from the rotation');
    t.equal((await redeemAt('gr-3-rt', 'gr-4', NOW + 1_000 + grace)).outcome, 'issued', 'the client got gr-3 and used it');
    const reuse = await redeemAt('gr-0-rt', 'gr-5', NOW + 1_000 + grace - 1);
    t.equal(reuse.outcome, 'replayed', 'its successor was used: reuse, even within the window');
    t.same([await state('refresh_token', 'gr-4-rt'), await state('access_token', 'gr-4-at'), await state('refresh_token', 'gr-5-rt')], ['revoked', 'revoked', 'absent']);

    for (const { kind, record } of issue('late-0', 'req-late')) await s().tokens.create(kind, record);
    await s().tokens.redeem({ kind: 'refresh_token', signature: 'late-0-rt', issue: issue('late-1', 'req-late'), nowMs: NOW, reuseGraceMs: grace });
    const late = await s().tokens.redeem({ kind: 'refresh_token', signature: 'late-0-rt', issue: issue('late-2', 'req-late'), nowMs: NOW + grace, reuseGraceMs: grace });
    t.equal(late.outcome, 'replayed', 'past the window: reuse');
    t.equal(await state('refresh_token', 'late-1-rt'), 'revoked');
  });

  t.test('redeem: parallel redemptions of one refresh token give exactly one issue', async (t) => {
    for (const { kind, record } of issue('par-0', 'req-par')) await s().tokens.create(kind, record);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) =>
      s().tokens.redeem({ kind: 'refresh_token', signature: 'par-0-rt', issue: issue(`par-${i + 1}`, 'req-par'), nowMs: NOW + 5, reuseGraceMs: 0 })));
    t.same(results.map((r) => r.outcome).sort(), ['issued', ...Array<string>(11).fill('replayed')]);
    const winner = results.findIndex((r) => r.outcome === 'issued') + 1;
    t.equal(await state('refresh_token', `par-${winner}-rt`), 'revoked', 'the winner\'s pair is revoked by the reuse that followed');
    const stored = await Promise.all(results.map((_, i) => state('refresh_token', `par-${i + 1}-rt`)));
    t.equal(stored.filter((x) => x !== 'absent').length, 1, 'only the winner\'s pair was ever stored');
  });

  // PostgreSQL only: two better-sqlite3 connections in one process would wait on each other's
  // write lock synchronously (busy_timeout blocks the one thread both need to progress).
  t.test('redeem: two stores on one database (two replicas) race on the row lock: exactly one issue', { skip: h.engine === 'sqlite' ? 'one process cannot hold two SQLite writers' : false }, async (t) => {
    const other = await h.open();
    t.teardown(() => other.close());
    for (let round = 0; round < 3; round++) {
      const prefix = `xp-${round}`;
      for (const { kind, record } of issue(`${prefix}-0`, `req-${prefix}`)) await s().tokens.create(kind, record);
      const results = await Promise.all(Array.from({ length: 16 }, (_, i) =>
        (i % 2 === 0 ? s() : other).tokens.redeem({ kind: 'refresh_token', signature: `${prefix}-0-rt`, issue: issue(`${prefix}-${i + 1}`, `req-${prefix}`), nowMs: NOW + 5, reuseGraceMs: 0 })));
      t.same(results.map((r) => r.outcome).sort(), ['issued', ...Array<string>(15).fill('replayed')], `round ${round + 1}`);
    }
  });

  t.test('RFC 7009 §2.1: revoking a grant while its refresh token is redeemed leaves nothing of it live', async (t) => {
    // The revocation starts at staggered instants, so some rounds catch the redemption inside its transaction.
    for (let round = 0; round < 24; round++) {
      const prefix = `rv-${round}`;
      for (const { kind, record } of issue(`${prefix}-0`, `req-${prefix}`)) await s().tokens.create(kind, record);
      const redemption = s().tokens.redeem({ kind: 'refresh_token', signature: `${prefix}-0-rt`, issue: issue(`${prefix}-1`, `req-${prefix}`), nowMs: NOW + 5, reuseGraceMs: 0 });
      const revocation = new Promise((resolve) => setTimeout(resolve, round % 6)).then(() => s().tokens.revokeByRequestId(`req-${prefix}`));
      const [redeemed] = await Promise.all([redemption, revocation]);
      const after = await Promise.all([`${prefix}-0`, `${prefix}-1`].flatMap((p) => refs(p)).map((r) => state(r.kind, r.signature)));
      t.notOk(after.includes('live'), `round ${round + 1} (${redeemed.outcome}): ${after.join(', ')}`);
    }
  });

  t.test('redeem: a failing insert rolls back the whole redemption (both or neither)', async (t) => {
    for (const { kind, record } of issue('atom-0', 'req-atom')) await s().tokens.create(kind, record);
    await s().tokens.create('refresh_token', token('atom-taken', { request_id: 'req-elsewhere' }));
    const clash: Redemption['issue'] = [
      { kind: 'access_token', record: token('atom-1-at', { request_id: 'req-atom' }) },
      { kind: 'refresh_token', record: token('atom-taken', { request_id: 'req-atom' }) },
    ];
    await t.rejects(s().tokens.redeem({ kind: 'refresh_token', signature: 'atom-0-rt', issue: clash, nowMs: NOW, reuseGraceMs: 0 }), { name: 'StorageConflictError' });
    t.same([await state('refresh_token', 'atom-0-rt'), await state('access_token', 'atom-0-at'), await state('access_token', 'atom-1-at')], ['live', 'live', 'absent'], 'the presented token and the previous access token as they were; nothing new');
    t.equal((await s().tokens.redeem({ kind: 'refresh_token', signature: 'atom-0-rt', issue: issue('atom-2', 'req-atom'), nowMs: NOW, reuseGraceMs: 0 })).outcome, 'issued', 'and it still redeems');
  });
};
