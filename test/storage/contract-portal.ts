/** Storage contract: the authentication log and bans (regulation), portal sessions. */
import type { Storage } from '../../src/storage/types.js';
import { NOW, sha256, type ContractSection } from './contract.js';

export const portalContract: ContractSection = (t, _h, s) => {
  t.test('auth log: consecutive failures since the last success in the window (regulation)', async (t) => {
    const attempt = (username: string, remote_ip: string, successful: boolean, time_ms: number) =>
      s().authLog.record({ username, remote_ip, successful, auth_type: '1fa', time_ms, request_uri: 'https://auth.example.com/', request_method: 'POST' });
    await attempt('carol', '192.0.2.1', false, NOW - 50_000);
    await attempt('carol', '192.0.2.1', true, NOW - 40_000);
    await attempt('carol', '192.0.2.1', false, NOW - 30_000);
    await attempt('carol', '192.0.2.2', false, NOW - 20_000);
    await attempt('carol', '192.0.2.2', false, NOW - 10_000);
    await attempt('dave', '192.0.2.2', false, NOW - 5_000);

    const cases: Array<[string, Parameters<Storage['authLog']['countFailures']>[0], number]> = [
      ['user: failures after the success', { username: 'carol', sinceMs: NOW - 60_000 }, 3],
      ['user: window cuts older failures', { username: 'carol', sinceMs: NOW - 25_000 }, 2],
      ['ip: across users', { remote_ip: '192.0.2.2', sinceMs: NOW - 60_000 }, 3],
      ['ip: failures after its success', { remote_ip: '192.0.2.1', sinceMs: NOW - 60_000 }, 1],
      ['user and ip', { username: 'carol', remote_ip: '192.0.2.2', sinceMs: NOW - 60_000 }, 2],
      ['unknown user', { username: 'nobody', sinceMs: 0 }, 0],
    ];
    for (const [name, query, expected] of cases) t.equal(await s().authLog.countFailures(query), expected, name);
    await attempt('carol', '192.0.2.2', true, NOW - 1_000);
    t.equal(await s().authLog.countFailures({ username: 'carol', sinceMs: NOW - 60_000 }), 0, 'a success resets the count');
    await t.rejects(s().authLog.countFailures({ sinceMs: 0 }), { message: 'countFailures needs a username or a remote_ip' });
  });

  t.test('auth log: bans are active until they expire, replaced by a new ban, lifted', async (t) => {
    await s().authLog.ban({ kind: 'user', value: 'carol', expires_at_ms: NOW + 300_000, reason: 'too many failures' });
    t.same(await s().authLog.activeBan('user', 'carol', NOW), { expires_at_ms: NOW + 300_000, reason: 'too many failures' });
    t.equal(await s().authLog.activeBan('ip', 'carol', NOW), null, 'kinds are separate');
    t.equal(await s().authLog.activeBan('user', 'carol', NOW + 300_000), null, 'expired at its expiry instant');
    await s().authLog.ban({ kind: 'user', value: 'carol', expires_at_ms: NOW + 600_000, reason: 'again' });
    t.same(await s().authLog.activeBan('user', 'carol', NOW + 300_000), { expires_at_ms: NOW + 600_000, reason: 'again' });
    await s().authLog.ban({ kind: 'ip', value: '192.0.2.2', expires_at_ms: NOW + 1, reason: 'too many failures' });
    t.not(await s().authLog.activeBan('ip', '192.0.2.2', NOW), null);
    t.equal(await s().authLog.lift('user', 'carol'), true);
    t.equal(await s().authLog.activeBan('user', 'carol', NOW), null);
    t.equal(await s().authLog.lift('user', 'carol'), false);
  });

  t.test('portal sessions: expiry, replace, logout everywhere', async (t) => {
    const a = sha256('cookie-a');
    const b = sha256('cookie-b');
    await s().sessions.put(a, { username: 'erin', level: 1 }, NOW + 1000);
    await s().sessions.put(b, { username: 'erin', level: 2 }, NOW + 1000);
    t.same(await s().sessions.get(a, NOW), { username: 'erin', level: 1 });
    t.equal(await s().sessions.get(a, NOW + 1000), null, 'expired at its expiry instant');
    await s().sessions.put(a, { username: 'erin', level: 2 }, NOW + 5000);
    t.same(await s().sessions.get(a, NOW + 1000), { username: 'erin', level: 2 }, 'put replaces and extends');
    t.equal(await s().sessions.deleteForUser('erin'), 2);
    t.equal(await s().sessions.get(a, NOW), null);

    await s().sessions.put(a, { anonymous: true }, NOW + 10);
    await s().sessions.put(b, { username: 'frank' }, NOW + 1000);
    t.equal(await s().sessions.deleteExpired(NOW + 10), 1);
    t.equal(await s().sessions.delete(b), true);
    t.equal(await s().sessions.delete(b), false);
  });
};
