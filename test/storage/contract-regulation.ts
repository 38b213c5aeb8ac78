/**
 * Storage contract: regulation's reservations (AuthenticationLog.reserveAttempt / settleAttempt /
 * releaseAttempt). Attempts are reserved before their secret is checked, so racing attempts never
 * check more than max_retries secrets, and a ban is placed exactly once.
 */
import type { AuthenticationAttempt, RegulationKey, RegulationWindow } from '../../src/storage/types.js';
import { NOW, type ContractSection } from './contract.js';

const FIND_MS = 120_000;
const BAN_MS = 300_000;
const window = (keys: RegulationKey[], max_retries = 3, nowMs = NOW): RegulationWindow => ({ keys, sinceMs: nowMs - FIND_MS, max_retries });
const banAt = (nowMs: number) => ({ expires_at_ms: nowMs + BAN_MS, reason: 'too many failed authentication attempts', nowMs });
const person = (username: string, remote_ip: string, time_ms = NOW): Omit<AuthenticationAttempt, 'successful'> => ({ username, remote_ip, auth_type: '1fa', time_ms });
const client = (client_id: string, remote_ip: string, time_ms = NOW): Omit<AuthenticationAttempt, 'successful'> => ({ username: client_id, remote_ip, auth_type: 'client', time_ms });

export const regulationContract: ContractSection = (t, h, s) => {
  const idOf = (r: Awaited<ReturnType<ReturnType<typeof s>['authLog']['reserveAttempt']>>): number => {
    if (!r.reserved) throw new Error(`not reserved: ${JSON.stringify(r)}`);
    return r.id;
  };
  const rowsOf = async (username: string) =>
    (await h.query('SELECT successful, pending FROM authentication_logs WHERE username = ? ORDER BY id', [username])).map((r) => [Number(r['successful']), Number(r['pending'])]);

  t.test('regulation: reservations count as failures until settled; the max_retries-th settled failure bans, once', async (t) => {
    const log = s().authLog;
    const w = window([{ kind: 'user', value: 'rita' }]);
    const ids = [idOf(await log.reserveAttempt(person('rita', '192.0.2.50'), w, NOW)), idOf(await log.reserveAttempt(person('rita', '192.0.2.50'), w, NOW)), idOf(await log.reserveAttempt(person('rita', '192.0.2.51'), w, NOW))];
    t.same(await log.reserveAttempt(person('rita', '192.0.2.52'), w, NOW), { reserved: false, banned_until_ms: null }, 'three under way: a fourth is refused before any check');
    t.equal(await log.countFailures({ username: 'rita', sinceMs: 0 }), 0, 'pending attempts are not failures yet');
    t.same(await rowsOf('rita'), [[0, 1], [0, 1], [0, 1]], 'the refused attempt is not logged');
    t.same(await log.settleAttempt(ids[0], { successful: false }, w, banAt(NOW)), { banned: [] });
    t.same(await log.settleAttempt(ids[1], { successful: false }, w, banAt(NOW)), { banned: [] });
    t.same(await log.settleAttempt(ids[2], { successful: false }, w, banAt(NOW)), { banned: [{ kind: 'user', value: 'rita', failures: 3 }] });
    t.same(await log.activeBan('user', 'rita', NOW), { expires_at_ms: NOW + BAN_MS, reason: 'too many failed authentication attempts' });
    t.same(await log.reserveAttempt(person('rita', '192.0.2.50', NOW + 1), w, NOW + 1), { reserved: false, banned_until_ms: NOW + BAN_MS }, 'banned: refused with the expiry');
    t.same(await rowsOf('rita'), [[0, 0], [0, 0], [0, 0]]);

    const after = NOW + BAN_MS;
    const late = window([{ kind: 'user', value: 'rita' }], 3, after);
    t.equal(await log.countFailures({ username: 'rita', sinceMs: late.sinceMs - BAN_MS }), 3, 'the old failures are still in the log');
    const id = idOf(await log.reserveAttempt(person('rita', '192.0.2.50', after), { ...late, sinceMs: NOW - 1 }, after));
    t.same(await log.settleAttempt(id, { successful: false }, { ...late, sinceMs: NOW - 1 }, banAt(after)), { banned: [] }, 'a ban pays for the failures that placed it, even inside find_time');
  });

  t.test('regulation: a failure settled while its key is already banned places no second ban', async (t) => {
    const log = s().authLog;
    const w = window([{ kind: 'ip', value: '198.51.100.7' }], 2);
    const ids = [];
    for (const u of ['a', 'b']) ids.push(idOf(await log.reserveAttempt(person(u, '198.51.100.7'), w, NOW)));
    t.same((await log.settleAttempt(ids[0], { successful: false }, w, banAt(NOW))).banned, []);
    t.same((await log.settleAttempt(ids[1], { successful: false }, w, banAt(NOW))).banned, [{ kind: 'ip', value: '198.51.100.7', failures: 2 }]);
    await log.ban({ kind: 'ip', value: '198.51.100.8', expires_at_ms: NOW + 10, reason: 'manual' });
    const w8 = window([{ kind: 'ip', value: '198.51.100.8' }], 1);
    t.equal((await log.reserveAttempt(person('c', '198.51.100.8'), w8, NOW + 10)).reserved, true, 'free at the expiry instant');
  });

  t.test('regulation: a success resets the count; with forget, a success that resets nothing is not kept', async (t) => {
    const log = s().authLog;
    const w = window([{ kind: 'client', value: 'app' }, { kind: 'client_ip', value: '203.0.113.9' }]);
    const ok = idOf(await log.reserveAttempt(client('app', '203.0.113.9'), w, NOW));
    t.same(await log.settleAttempt(ok, { successful: true, forget: true }, w, banAt(NOW)), { banned: [] });
    t.same(await rowsOf('app'), [], 'a clean success leaves no row');
    const bad = idOf(await log.reserveAttempt(client('app', '203.0.113.9'), w, NOW));
    await log.settleAttempt(bad, { successful: false, forget: true }, w, banAt(NOW));
    const good = idOf(await log.reserveAttempt(client('app', '203.0.113.9'), w, NOW));
    await log.settleAttempt(good, { successful: true, forget: true }, w, banAt(NOW));
    t.same(await rowsOf('app'), [[0, 0], [1, 0]], 'a success after a failure is kept: it resets the count');
    const byClient = window([{ kind: 'client', value: 'app' }]);
    for (let i = 0; i < 2; i++) await log.settleAttempt(idOf(await log.reserveAttempt(client('app', '203.0.113.9'), byClient, NOW)), { successful: false }, byClient, banAt(NOW));
    t.equal((await log.reserveAttempt(client('app', '203.0.113.9'), byClient, NOW)).reserved, true, 'two failures since the success: a third attempt may run');
    t.equal((await log.reserveAttempt(client('app', '203.0.113.9'), w, NOW)).reserved, false, "the address's count is not reset by a success: its three failures refuse the next attempt");

    const person1 = idOf(await log.reserveAttempt(person('pat', '192.0.2.60'), window([{ kind: 'user', value: 'pat' }]), NOW));
    await log.settleAttempt(person1, { successful: true }, window([{ kind: 'user', value: 'pat' }]), banAt(NOW));
    t.same(await rowsOf('pat'), [[1, 0]], 'without forget every success is logged');
  });

  t.test('regulation: each ban kind counts only its own attempts', async (t) => {
    const log = s().authLog;
    const ip = '203.0.113.77';
    for (let i = 0; i < 3; i++) {
      const w = window([{ kind: 'client_ip', value: ip }]);
      await log.settleAttempt(idOf(await log.reserveAttempt(client(`probe${i}`, ip), w, NOW)), { successful: false }, w, banAt(NOW));
    }
    t.not(await log.activeBan('client_ip', ip, NOW), null, 'the prober of client secrets is banned');
    t.equal(await log.activeBan('ip', ip, NOW), null, 'people signing in from that address are not');
    t.equal((await log.reserveAttempt(person('sam', ip), window([{ kind: 'ip', value: ip }, { kind: 'user', value: 'sam' }]), NOW)).reserved, true);
    t.equal((await log.reserveAttempt(client('sam', '192.0.2.99'), window([{ kind: 'client', value: 'sam' }]), NOW)).reserved, true, 'a client_id equal to a username is another key');
  });

  t.test('regulation: a released reservation is forgotten', async (t) => {
    const log = s().authLog;
    const w = window([{ kind: 'user', value: 'quinn' }], 1);
    const id = idOf(await log.reserveAttempt(person('quinn', '192.0.2.70'), w, NOW));
    t.same(await log.reserveAttempt(person('quinn', '192.0.2.70'), w, NOW), { reserved: false, banned_until_ms: null });
    await log.releaseAttempt(id);
    t.same(await rowsOf('quinn'), []);
    t.equal((await log.reserveAttempt(person('quinn', '192.0.2.70'), w, NOW)).reserved, true);
  });

  t.test('regulation: 100 racing attempts on (user, ip) reserve exactly max_retries and place one ban per key', async (t) => {
    const log = s().authLog;
    const w = window([{ kind: 'user', value: 'victor' }, { kind: 'ip', value: '192.0.2.80' }]);
    let checked = 0;
    const placed = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const r = await log.reserveAttempt(person('victor', '192.0.2.80'), w, NOW);
        if (!r.reserved) return [];
        checked++;
        await new Promise((resolve) => setTimeout(resolve, 5)); // a password check
        return (await log.settleAttempt(r.id, { successful: false }, w, banAt(NOW))).banned;
      }),
    );
    t.equal(checked, 3, 'three checks ran');
    t.same(placed.flat().map((b) => b.kind).sort(), ['ip', 'user'], 'one ban per key');
    t.same(await h.query("SELECT kind, value FROM bans WHERE value IN ('victor', '192.0.2.80') ORDER BY kind"), [
      { kind: 'ip', value: '192.0.2.80' },
      { kind: 'user', value: 'victor' },
    ]);
    t.equal(await log.countFailures({ username: 'victor', sinceMs: 0 }), 3, 'three failures logged');
  });
};
