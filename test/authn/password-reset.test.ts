/** Reset links: the JWT's algorithm, audience and lifetime; a link used once; revoked links. On a real SQLite store. */
import t, { type Test } from 'tap';
import { SignJWT } from 'jose';
import { join } from 'node:path';
import { createPasswordResets, RESET_AUDIENCE } from '../../src/authn/password-reset.js';
import { openStorage } from '../../src/storage/index.js';
import { silentLogger } from '../../src/observability/log.js';

const NOW = Date.UTC(2026, 0, 1);
const SECRET = 'a-very-long-reset-password-secret-0123456789';

async function resets(t: Test, alg: 'HS256' | 'HS512' = 'HS256') {
  const dir = t.testdir({});
  const storage = await openStorage({ local: { path: join(dir, 'db.sqlite3') }, encryption_key: 'a-reset-test-encryption-key-0123456789' }, { logger: silentLogger });
  t.teardown(() => storage.close());
  return createPasswordResets({ jwt_lifespan: 300, jwt_algorithm: alg, jwt_secret: SECRET }, { codes: storage.oneTimeCodes, key: Buffer.alloc(32, 3) });
}

t.test('a link: checked any number of times, used once, refused after jwt_lifespan', async (t) => {
  const r = await resets(t);
  const token = await r.issue({ username: 'alice' }, NOW);
  t.equal(await r.check(token, NOW), 'alice');
  t.equal(await r.check(token, NOW + 299_000), 'alice');
  t.equal(await r.check(token, NOW + 301_000), null, 'expired');
  t.equal(await r.consume(token, NOW + 301_000), null, 'expired: not used');
  const uses = await Promise.all([r.consume(token, NOW), r.consume(token, NOW)]);
  t.same(uses.sort(), ['alice', null], 'two racing uses: one');
  t.equal(await r.consume(token, NOW), null, 'used');
});

t.test('forged, foreign and revoked links are refused', async (t) => {
  const r = await resets(t, 'HS512');
  const key = new TextEncoder().encode(SECRET);
  const sign = (alg: string, aud: string, secret = key) =>
    new SignJWT({}).setProtectedHeader({ alg }).setSubject('alice').setJti('j').setAudience(aud).setIssuedAt(NOW / 1000).setExpirationTime(NOW / 1000 + 300).sign(secret);
  t.equal(await r.check(await sign('HS256', RESET_AUDIENCE), NOW), null, 'another algorithm than jwt_algorithm');
  t.equal(await r.check(await sign('HS512', 'someone-else'), NOW), null, 'another audience');
  t.equal(await r.check(await sign('HS512', RESET_AUDIENCE, new TextEncoder().encode('another secret of a good length!!')), NOW), null, 'another secret');
  t.equal(await r.consume(await sign('HS512', RESET_AUDIENCE), NOW), null, 'validly signed, but never issued: no stored jti');
  const token = await r.issue({ username: 'alice' }, NOW);
  await r.revokeAll('alice', NOW);
  t.equal(await r.consume(token, NOW), null, 'revoked by a password change');
});
