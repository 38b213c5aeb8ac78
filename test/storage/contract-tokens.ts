/** Storage contract: OAuth 2.0 token records and pushed authorization requests. */
import { StorageConflictError } from '../../src/storage/index.js';
import type { TokenKind } from '../../src/storage/types.js';
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
};
