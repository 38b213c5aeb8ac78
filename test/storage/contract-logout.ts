/** Storage contract: session ids (portal sessions by sid and by user) and the clients each session signed into. */
import type { SessionClient } from '../../src/storage/types.js';
import { NOW, sha256, token, type ContractSection } from './contract.js';

const entry = (sid: string, request_id: string, overrides: Partial<SessionClient> = {}): SessionClient => ({
  sid,
  request_id,
  client_id: 'client-a',
  subject: 'subject-1',
  offline_access: false,
  created_at_ms: NOW,
  ...overrides,
});

export const logoutContract: ContractSection = (t, h, s) => {
  t.test('portal sessions by sid and by user: the sid has a column of its own, the data stays sealed', async (t) => {
    const a = sha256('logout-cookie-a');
    const b = sha256('logout-cookie-b');
    const c = sha256('logout-cookie-c');
    await s().sessions.put(a, { username: 'gina', sid: 'sid-gina-1', level: 'one_factor' }, NOW + 1000);
    await s().sessions.put(b, { username: 'gina', sid: 'sid-gina-2' }, NOW + 2000);
    await s().sessions.put(c, { username: 'hank', sid: 'sid-hank' }, NOW + 1000);

    const listed = await s().sessions.listForUser('gina', NOW);
    t.same(listed.map((x) => [x.id_hash, x.sid, x.username, x.expires_at_ms]), [[a, 'sid-gina-1', 'gina', NOW + 1000], [b, 'sid-gina-2', 'gina', NOW + 2000]], 'soonest to end first');
    t.same(listed[0].data, { username: 'gina', sid: 'sid-gina-1', level: 'one_factor' }, 'decrypted');
    t.same((await s().sessions.listForUser('gina', NOW + 1000)).map((x) => x.sid), ['sid-gina-2'], 'an expired session is not listed');
    t.same((await s().sessions.findBySid('sid-hank', NOW)).map((x) => x.id_hash), [c]);
    t.same(await s().sessions.findBySid('sid-unknown', NOW), []);

    const [row] = await h.query('SELECT sid, data FROM portal_sessions WHERE id_hash = ?', [a]);
    t.equal(row['sid'], 'sid-gina-1');
    t.notOk(Buffer.from(row['data'] as Uint8Array).toString('latin1').includes('gina'), 'the data is encrypted');

    t.equal(await s().sessions.deleteBySid('sid-gina-1'), 1);
    t.equal(await s().sessions.get(a, NOW), null);
    t.not(await s().sessions.get(b, NOW), null, 'the other session of the user stays');
    t.equal(await s().sessions.deleteBySid('sid-gina-1'), 0);
    await s().sessions.deleteForUser('gina');
    await s().sessions.deleteForUser('hank');
  });

  t.test('session clients: recorded once per grant, listed oldest first, ended atomically', async (t) => {
    await s().sessionClients.record(entry('sid-1', 'req-b', { created_at_ms: NOW + 2, client_id: 'client-b', subject: 'pairwise-b', offline_access: true }));
    await s().sessionClients.record(entry('sid-1', 'req-a', { created_at_ms: NOW + 1 }));
    await s().sessionClients.record(entry('sid-1', 'req-a', { created_at_ms: NOW + 9, client_id: 'changed' }));
    await s().sessionClients.record(entry('sid-2', 'req-c'));
    t.same(await s().sessionClients.list('sid-1'), [
      entry('sid-1', 'req-a', { created_at_ms: NOW + 1 }),
      entry('sid-1', 'req-b', { created_at_ms: NOW + 2, client_id: 'client-b', subject: 'pairwise-b', offline_access: true }),
    ], 'a grant recorded again changes nothing');

    const [first, second] = await Promise.all([s().sessionClients.end('sid-1'), s().sessionClients.end('sid-1')]);
    t.equal(first.length + second.length, 2, 'of two racing sign-outs, each row goes to exactly one');
    t.same(await s().sessionClients.list('sid-1'), []);
    t.same((await s().sessionClients.list('sid-2')).map((e) => e.request_id), ['req-c'], 'another session is untouched');
    await s().sessionClients.end('sid-2');
  });

  t.test('session clients: swept once no live session has their sid (after a minute of grace)', async (t) => {
    const live = sha256('logout-cookie-live');
    await s().sessions.put(live, { username: 'ivy', sid: 'sid-live' }, NOW + 3_600_000);
    await s().sessionClients.record(entry('sid-live', 'logout-req-1'));
    await s().sessionClients.record(entry('sid-gone', 'req-2'));
    await s().sessionClients.record(entry('sid-new', 'req-3', { created_at_ms: NOW + 50_000 }));
    t.equal(await s().sessionClients.deleteExpired(NOW + 60_000), 1, 'only the orphan older than the grace');
    t.same((await s().sessionClients.list('sid-live')).length, 1);
    t.same((await s().sessionClients.list('sid-new')).length, 1, 'a row younger than the grace waits');
    t.equal(await s().sessionClients.deleteExpired(NOW + 3_600_000), 2, 'the session ended: its rows go too');
    await s().sessions.delete(live);
    // The grants themselves are tokens: a sign-out revokes them through the token store.
    await s().tokens.create('access_token', token('logout-at', { request_id: 'logout-req-1' }));
    t.equal((await s().tokens.revokeByRequestId('logout-req-1')).length, 1);
  });
};
