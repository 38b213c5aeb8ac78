/** The portal session manager against a real SQLite storage and a real users file backend. */
import t, { type Test } from 'tap';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { memoryLogger, silentLogger } from '../../../src/observability/log.js';
import { createSessionManager, sessionToJson, type PortalSession, type SessionCookieSettings, type SessionManager } from '../../../src/authn/session/index.js';
import type { JsonObject } from '../../../src/storage/index.js';
import { NOW_MS, SETTINGS, openWorld, signedIn, type World } from './fixtures.js';

const SECOND = 1000;
const cookieOf = (setCookie: string): string => setCookie.split(';')[0];
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

async function setUp(t: Test): Promise<World & { manager: SessionManager }> {
  const world = await openWorld(t);
  return { ...world, manager: createSessionManager({ sessions: world.storage.sessions, users: world.users, logger: silentLogger }) };
}

t.test('establish → load round trip: the cookie names the stored session', async (t) => {
  const { manager } = await setUp(t);
  const flow = { rd: 'https://app.example.com/', workflow: 'openid_connect' };
  const { id, sid, setCookie } = await manager.establish(null, signedIn({ flow, users_version: 0 }), SETTINGS, true, NOW_MS);
  t.match(id, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url');
  t.match(sid, /^[A-Za-z0-9_-]{22}$/, 'a sid: 16 random bytes, base64url');
  t.equal(setCookie, `authelia_session=${id}; Domain=example.com; Path=/; HttpOnly; Secure; SameSite=Lax`, 'browser-session cookie: no Max-Age');
  const loaded = await manager.load(`other=1; ${cookieOf(setCookie)}`, SETTINGS, NOW_MS + SECOND);
  t.same(loaded, { id, session: signedIn({ sid, flow, users_version: 0, created_at_ms: NOW_MS, last_activity_at_ms: NOW_MS }) });
  t.equal(await manager.load(undefined, SETTINGS, NOW_MS), null, 'no Cookie header');
  t.equal(await manager.load('authelia_session=not-an-id', SETTINGS, NOW_MS), null, 'malformed id');
  t.equal(await manager.load(`authelia_session=${'A'.repeat(42)}A`, SETTINGS, NOW_MS), null, 'well-formed but unknown id');
  t.equal(await manager.load(`session=${id}`, SETTINGS, NOW_MS), null, 'another cookie name');
});

t.test('no session fixation: every establish issues a new id and deletes the previous session', async (t) => {
  const { manager } = await setUp(t);
  const anonymous = await manager.establish(null, signedIn({ username: null, level: 'none', auth_time_s: null, amr: [] }), SETTINGS, true, NOW_MS);
  const first = await manager.establish(anonymous.id, signedIn(), SETTINGS, true, NOW_MS + SECOND);
  const second = await manager.establish(first.id, signedIn({ level: 'two_factor', amr: ['pwd', 'otp', 'mfa'] }), SETTINGS, true, NOW_MS + 2 * SECOND);
  t.equal(new Set([anonymous.id, first.id, second.id]).size, 3, 'three distinct ids');
  t.equal(await manager.load(cookieOf(anonymous.setCookie), SETTINGS, NOW_MS + 3 * SECOND), null, 'the pre-login id is dead');
  t.equal(await manager.load(cookieOf(first.setCookie), SETTINGS, NOW_MS + 3 * SECOND), null, 'the one-factor id is dead');
  t.equal((await manager.load(cookieOf(second.setCookie), SETTINGS, NOW_MS + 3 * SECOND))?.session.level, 'two_factor');
});

t.test('OIDC Front-Channel Logout 1.0 §3 sid: kept while the same person signs in again under new ids, new for another person', async (t) => {
  const { manager } = await setUp(t);
  const anonymous = await manager.establish(null, signedIn({ username: null, level: 'none', auth_time_s: null, amr: [] }), SETTINGS, true, NOW_MS);
  const first = await manager.establish(anonymous.id, signedIn(), SETTINGS, true, NOW_MS + SECOND);
  t.not(first.sid, anonymous.sid, 'signing in over an anonymous session starts a new sid');
  const second = await manager.establish(first.id, signedIn({ level: 'two_factor', amr: ['pwd', 'otp', 'mfa'] }), SETTINGS, true, NOW_MS + 2 * SECOND);
  t.equal(second.sid, first.sid, 'the second factor keeps it');
  const again = await manager.establish(second.id, signedIn(), SETTINGS, true, NOW_MS + 3 * SECOND);
  t.equal(again.sid, first.sid, 're-authentication (prompt=login) keeps it');
  t.equal((await manager.load(cookieOf(again.setCookie), SETTINGS, NOW_MS + 4 * SECOND))?.session.sid, first.sid, 'stored with the session');
  const other = await manager.establish(again.id, signedIn({ username: 'jane' }), SETTINGS, true, NOW_MS + 5 * SECOND);
  t.not(other.sid, first.sid, 'another person gets another sid');
});

t.test('lifetime: absolute expiration, inactivity, remember_me (Authelia session.expiration/inactivity/remember_me)', async (t) => {
  const cases: Array<{ name: string; settings?: Partial<SessionCookieSettings>; remember: boolean; touches: number[]; at: number; live: boolean; maxAge?: number }> = [
    { name: 'live just before inactivity', remember: false, touches: [], at: 299, live: true },
    { name: 'idle past inactivity', remember: false, touches: [], at: 300, live: false },
    { name: 'activity keeps it alive past the first inactivity deadline', remember: false, touches: [200, 450], at: 700, live: true },
    { name: 'absolute expiration ends it despite activity', remember: false, touches: [250, 500, 750, 1000, 1250, 1500, 1750, 2000, 2250, 2500, 2750, 3000, 3250, 3500], at: 3600, live: false },
    { name: 'remember_me survives inactivity and expiration', remember: true, touches: [], at: 86_400, live: true, maxAge: 2_592_000 },
    { name: 'remember_me ends at its own lifetime', remember: true, touches: [], at: 2_592_000, live: false, maxAge: 2_592_000 },
    { name: 'remember_me disabled (-1): the request is ignored, inactivity applies', settings: { remember_me: -1 }, remember: true, touches: [], at: 300, live: false },
  ];
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const { manager } = await setUp(t);
      const settings = { ...SETTINGS, ...c.settings };
      const { id, setCookie } = await manager.establish(null, signedIn({ remember_me: c.remember }), settings, true, NOW_MS);
      if (c.maxAge === undefined) t.notMatch(setCookie, /Max-Age/, 'browser-session cookie');
      else t.match(setCookie, `; Max-Age=${c.maxAge}; `, 'persistent cookie for remember_me');
      for (const at of c.touches) {
        const loaded = await manager.load(cookieOf(setCookie), settings, NOW_MS + at * SECOND);
        t.ok(loaded, `live at ${at}s`);
        if (loaded) t.equal(await manager.touch(id, loaded.session, settings, NOW_MS + at * SECOND), true, `activity written at ${at}s`);
      }
      const loaded = await manager.load(cookieOf(setCookie), settings, NOW_MS + c.at * SECOND);
      t.equal(loaded !== null, c.live, c.live ? 'live' : 'ended');
    });
  }
});

t.test('touch writes activity at most once per inactivity/10; save always writes', async (t) => {
  const { manager, storage } = await setUp(t);
  const { id } = await manager.establish(null, signedIn(), SETTINGS, true, NOW_MS);
  const session = signedIn({ created_at_ms: NOW_MS, last_activity_at_ms: NOW_MS });
  t.equal(await manager.touch(id, session, SETTINGS, NOW_MS + 29 * SECOND), false, 'within 30 s (300 s / 10): no write');
  t.equal(await manager.touch(id, session, SETTINGS, NOW_MS + 30 * SECOND), true, 'after 30 s: written');
  t.equal((await storage.sessions.get(sha256(id), NOW_MS))?.last_activity_at_ms, NOW_MS + 30 * SECOND);
  await manager.save(id, { ...session, flow: { rd: 'https://app.example.com/' } }, SETTINGS, NOW_MS + 31 * SECOND);
  const loaded = await manager.load(`authelia_session=${id}`, SETTINGS, NOW_MS + 32 * SECOND);
  t.same(loaded?.session.flow, { rd: 'https://app.example.com/' }, 'save keeps flow state under the same id');
  t.equal(loaded?.session.last_activity_at_ms, NOW_MS + 31 * SECOND);
  await manager.save(id, session, SETTINGS, NOW_MS + 3600 * SECOND);
  t.equal(await storage.sessions.get(sha256(id), 0), null, 'saving an ended session deletes it instead of resurrecting it');
});

t.test('a disabled or removed user loses a live session at the next load, and its row is deleted', async (t) => {
  for (const [name, users] of [
    ['disabled', [{ name: 'john', disabled: true }, { name: 'jane' }]],
    ['removed', [{ name: 'jane' }]],
  ] as const) {
    await t.test(name, async (t) => {
      const world = await openWorld(t);
      const logger = memoryLogger('info');
      const manager = createSessionManager({ sessions: world.storage.sessions, users: world.users, logger });
      const john = await manager.establish(null, signedIn(), SETTINGS, true, NOW_MS);
      const jane = await manager.establish(null, signedIn({ username: 'jane' }), SETTINGS, true, NOW_MS);
      await world.setUsers([...users]);
      t.equal(await manager.load(cookieOf(john.setCookie), SETTINGS, NOW_MS + SECOND), null);
      t.equal(await world.storage.sessions.get(sha256(john.id), NOW_MS), null, 'row deleted');
      t.not(await manager.load(cookieOf(jane.setCookie), SETTINGS, NOW_MS + SECOND), null, 'other users unaffected');
      t.match(logger.records(), [{ level: 'info', msg: 'portal session ended: user removed or disabled', username: 'john' }]);
      t.notMatch(logger.lines.join('\n'), john.id, 'the raw id is never logged');
    });
  }
});

t.test('destroy: clears the cookie (same Domain and Path) and deletes the row', async (t) => {
  const { manager, storage } = await setUp(t);
  const { id, setCookie } = await manager.establish(null, signedIn(), SETTINGS, true, NOW_MS);
  t.equal(
    await manager.destroy(id, SETTINGS, true),
    'authelia_session=; Domain=example.com; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax',
  );
  t.equal(await storage.sessions.get(sha256(id), NOW_MS), null);
  t.equal(await manager.load(cookieOf(setCookie), SETTINGS, NOW_MS), null);
});

t.test('cookie attributes: Secure except on plain http://localhost; no Domain for localhost; SameSite from settings', async (t) => {
  const { manager } = await setUp(t);
  const local: SessionCookieSettings = { ...SETTINGS, domain: 'localhost', authelia_url: 'http://localhost:9091/' };
  const cases: Array<[string, SessionCookieSettings, boolean, RegExp]> = [
    ['https request', SETTINGS, true, /^authelia_session=[\w-]{43}; Domain=example\.com; Path=\/; HttpOnly; Secure; SameSite=Lax$/],
    ['http request behind a TLS proxy on a public domain: still Secure', SETTINGS, false, /; HttpOnly; Secure; SameSite=Lax$/],
    ['plain http://localhost: not Secure, no Domain', local, false, /^authelia_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax$/],
    ['https on localhost: Secure, no Domain', local, true, /^authelia_session=[\w-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax$/],
    ['http://127.0.0.1 portal', { ...local, authelia_url: 'http://127.0.0.1:9091/' }, false, /; HttpOnly; SameSite=Lax$/],
    ['http portal on another host: Secure', { ...SETTINGS, authelia_url: 'http://auth.example.com/' }, false, /; HttpOnly; Secure; SameSite=Lax$/],
    ['same_site strict', { ...SETTINGS, same_site: 'strict' }, true, /; SameSite=Strict$/],
    ['same_site none', { ...SETTINGS, same_site: 'none' }, true, /; Secure; SameSite=None$/],
  ];
  for (const [name, settings, https, expected] of cases) {
    const { setCookie } = await manager.establish(null, signedIn(), settings, https, NOW_MS);
    t.match(setCookie, expected, name);
  }
  t.equal(await manager.destroy('x', local, false), 'authelia_session=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax');
});

t.test('storage holds SHA-256(id) only: the raw id is in no column', async (t) => {
  const { manager, dbPath } = await setUp(t);
  const { id } = await manager.establish(null, signedIn(), SETTINGS, true, NOW_MS);
  const raw = new Database(dbPath, { readonly: true });
  t.teardown(() => raw.close());
  const rows = raw.prepare('SELECT id_hash, username, data, expires_at_ms FROM portal_sessions').all() as Array<{ id_hash: string; username: string; data: Buffer; expires_at_ms: number }>;
  t.equal(rows.length, 1);
  t.equal(rows[0]?.id_hash, sha256(id));
  t.equal(rows[0]?.username, 'john');
  t.equal(Number(rows[0]?.expires_at_ms), NOW_MS + 300 * SECOND, 'expiry: min(created + expiration, last activity + inactivity)');
  const everything = JSON.stringify(rows.map((r) => ({ ...r, data: r.data.toString('latin1') })));
  t.notMatch(everything, id, 'the raw id appears nowhere');
});

t.test('corrupt stored data is no session, and the row is deleted', async (t) => {
  const { manager, storage, dbPath } = await setUp(t);
  const id = 'B'.repeat(42) + 'A';
  const valid = sessionToJson(signedIn({ created_at_ms: NOW_MS, last_activity_at_ms: NOW_MS }));
  const corrupt: Array<[string, JsonObject]> = [
    ['not a session at all', { hello: 'world' }],
    ['wrong level', { ...valid, level: 'three_factor' }],
    ['unknown amr', { ...valid, amr: ['pwd', 'sms'] }],
    ['authenticated without a user', { ...valid, username: null }],
    ['non-string flow value', { ...valid, flow: { rd: 1 } }],
    ['negative time', { ...valid, created_at_ms: -1 }],
  ];
  for (const [name, data] of corrupt) {
    await storage.sessions.put(sha256(id), data, NOW_MS + 1000 * SECOND);
    t.equal(await manager.load(`authelia_session=${id}`, SETTINGS, NOW_MS), null, name);
    t.equal(await storage.sessions.get(sha256(id), NOW_MS), null, `${name}: deleted`);
  }
  // Ciphertext altered on disk: decryption fails, which is no session either.
  const { id: good } = await manager.establish(null, signedIn(), SETTINGS, true, NOW_MS);
  const raw = new Database(dbPath);
  raw.prepare('UPDATE portal_sessions SET data = ? WHERE id_hash = ?').run(Buffer.alloc(64, 7), sha256(good));
  raw.close();
  t.equal(await manager.load(`authelia_session=${good}`, SETTINGS, NOW_MS), null, 'undecryptable');
  t.equal(await storage.sessions.get(sha256(good), NOW_MS).catch(() => 'still there'), null, 'undecryptable: deleted');
});

t.test('anonymous sessions carry flow state without a user', async (t) => {
  const { manager } = await setUp(t);
  const anonymous: PortalSession = {
    username: null, level: 'none', auth_time_s: null, amr: [], remember_me: false, created_at_ms: 0, last_activity_at_ms: 0,
    flow: { rd: 'https://app.example.com/' },
  };
  const { sid, setCookie } = await manager.establish(null, anonymous, SETTINGS, true, NOW_MS);
  t.same((await manager.load(cookieOf(setCookie), SETTINGS, NOW_MS))?.session, { ...anonymous, sid, created_at_ms: NOW_MS, last_activity_at_ms: NOW_MS });
});
