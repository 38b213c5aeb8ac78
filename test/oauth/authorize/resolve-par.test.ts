/** RFC 9126 §4 at the authorization endpoint: resolving, binding, expiry and the continuation, on the real SQLite store. */
import t, { type Test } from 'tap';
import { join } from 'node:path';
import { newRequestUri, PAR_URN_PREFIX, resolvePushedRequest, toStoredParameters } from '../../../src/oauth/authorize/resolve-par.js';
import { silentLogger } from '../../../src/observability/log.js';
import { openStorage } from '../../../src/storage/index.js';

const NOW = 1_700_000_000_000;

async function store(t: Test) {
  const storage = await openStorage({ local: { path: join(t.testdir({}), 'db.sqlite3') }, encryption_key: 'a-par-test-encryption-key-of-some-length' }, { logger: silentLogger, migrate: true });
  t.teardown(() => storage.close());
  return storage.par;
}

t.test('newRequestUri: the RFC 9126 §2.2 URN with 256 random bits', async (t) => {
  const a = newRequestUri();
  t.ok(a.startsWith(PAR_URN_PREFIX));
  t.match(a.slice(PAR_URN_PREFIX.length), /^[A-Za-z0-9_-]{43}$/);
  t.not(a, newRequestUri());
});

t.test('toStoredParameters: repeated audience joined with spaces (read back by parseAudience)', async (t) => {
  t.same(toStoredParameters(new URLSearchParams('client_id=a&audience=x&audience=y z')), { client_id: 'a', audience: 'x y z' });
});

t.test('resolvePushedRequest: stored parameters replace the query, single use, bound, unexpired (RFC 9126 §4)', async (t) => {
  const par = await store(t);
  await par.create({ request_uri: `${PAR_URN_PREFIX}one`, client_id: 'app', expires_at_ms: NOW + 1000, parameters: { client_id: 'app', scope: 'openid' } });
  const query = new URLSearchParams({ client_id: 'app', request_uri: `${PAR_URN_PREFIX}one`, scope: 'openid admin' });
  const resolved = await resolvePushedRequest(query, { par, nowMs: NOW });
  t.same(Object.fromEntries(resolved), { client_id: 'app', scope: 'openid' }, 'RFC 9101 §6.3: query parameters other than client_id and request_uri are ignored');

  const cases: Array<[string, Record<string, string>, number, string, string]> = [
    ['used again', { client_id: 'app', request_uri: `${PAR_URN_PREFIX}one` }, NOW, 'invalid_request_uri', "The 'request_uri' is unknown, expired, already used or belongs to another client."],
    ['not our URN', { client_id: 'app', request_uri: 'https://rp.example/req' }, NOW, 'invalid_request_uri', "The 'request_uri' parameter is not one this provider issued."],
    ['no client_id', { request_uri: `${PAR_URN_PREFIX}two` }, NOW, 'invalid_request', "The 'client_id' parameter is missing."],
    ['another client', { client_id: 'other', request_uri: `${PAR_URN_PREFIX}two` }, NOW, 'invalid_request_uri', "The 'request_uri' is unknown, expired, already used or belongs to another client."],
    ['expired', { client_id: 'app', request_uri: `${PAR_URN_PREFIX}three` }, NOW + 1001, 'invalid_request_uri', "The 'request_uri' is unknown, expired, already used or belongs to another client."],
  ];
  await par.create({ request_uri: `${PAR_URN_PREFIX}two`, client_id: 'app', expires_at_ms: NOW + 1000, parameters: {} });
  await par.create({ request_uri: `${PAR_URN_PREFIX}three`, client_id: 'app', expires_at_ms: NOW + 1000, parameters: {} });
  for (const [name, q, nowMs, error, description] of cases) {
    await t.rejects(resolvePushedRequest(new URLSearchParams(q), { par, nowMs }), { message: `${error}: ${description}`, error, description }, name);
  }
});
