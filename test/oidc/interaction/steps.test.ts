/**
 * The authorization interaction's steps without a socket: a request and a person in, an outcome
 * out (OIDC Core §3.1.2.1 prompt/max_age, §3.1.2.3 authentication, §3.1.2.4 consent, §3.1.2.6
 * errors). Storage is the real SQLite store, in memory.
 */
import t, { type Test } from 'tap';
import { openStorage } from '../../../src/storage/index.js';
import { silentLogger } from '../../../src/observability/log.js';
import { createClientRegistry } from '../../../src/oauth/clients.js';
import { decide, receive, resume, type Person, type StepDeps } from '../../../src/oidc/interaction/index.js';
import type { AuthorizeDeps } from '../../../src/oauth/authorize/index.js';
import type { AuthorizationGrant } from '../../../src/oauth/authorization-response.js';
import type { Storage } from '../../../src/storage/types.js';
import { oidcClient } from '../../helpers/oidc-fixtures.js';

const NOW_S = 1_800_000_000;
const NOW = NOW_S * 1000;
const CB = 'https://app.example.com/cb';

const clients = createClientRegistry([
  oidcClient({ client_id: 'one', authorization_policy: 'one_factor', consent_mode: 'implicit', scopes: ['openid', 'profile'] }),
  oidcClient({ client_id: 'two', authorization_policy: 'two_factor', consent_mode: 'implicit', scopes: ['openid'] }),
  oidcClient({ client_id: 'ask', authorization_policy: 'one_factor', consent_mode: 'explicit', scopes: ['openid'] }),
  oidcClient({ client_id: 'par', authorization_policy: 'one_factor', consent_mode: 'implicit', scopes: ['openid'], require_pushed_authorization_requests: true }),
]);
const authorize: AuthorizeDeps = {
  clients,
  config: { enforce_pkce: 'never', enable_pkce_plain_challenge: false, minimum_parameter_entropy: 8, require_pushed_authorization_requests: false },
};

async function fixture(t: Test): Promise<{ storage: Storage; steps: StepDeps; issued: AuthorizationGrant[] }> {
  const storage = await openStorage({ local: { path: ':memory:' }, encryption_key: 'an-encryption-key-for-interaction-tests' }, { logger: silentLogger });
  t.teardown(() => storage.close());
  const issued: AuthorizationGrant[] = [];
  const steps: StepDeps = {
    policies: {},
    consents: storage.consents,
    interactions: storage.interactions,
    subjectOf: (_client, username) => Promise.resolve(`subject-of-${username}`),
    issue: (grant) => {
      issued.push(grant);
      return Promise.resolve({ code: `code-${issued.length}`, ...(grant.state ? { state: grant.state } : {}), iss: 'https://issuer.example' });
    },
  };
  return { storage, steps, issued };
}

function person(level: 'one_factor' | 'two_factor', auth_time_s: number, extra: Partial<Person['user']> = {}): Person {
  return {
    session: { username: 'alice', level, auth_time_s, amr: ['pwd'], remember_me: false, created_at_ms: NOW, last_activity_at_ms: NOW },
    user: { username: 'alice', display_name: 'Alice', emails: ['alice@example.com'], groups: [], disabled: false, ...extra },
  };
}

const query = (fields: Record<string, string>): URLSearchParams => new URLSearchParams({ response_type: 'code', redirect_uri: CB, scope: 'openid', state: 'state-123456', ...fields });

async function arrive(t: Test, storage: Storage, fields: Record<string, string>, nowMs = NOW) {
  const arrival = await receive(query(fields), { authorize, requestObjects: { clients, issuer: 'https://issuer.example' }, par: storage.par, interactions: storage.interactions }, nowMs);
  if (!arrival.ok) throw new Error(`refused: ${arrival.error.error} ${arrival.error.description}`);
  t.ok(arrival.interaction.record.id.length >= 43, 'a 256-bit id');
  return arrival.interaction;
}

t.test('OIDC Core §3.1.2.3: nobody signed in → login; prompt=none → login_required to the client', async (t) => {
  const { storage, steps } = await fixture(t);
  t.same(await decide(await arrive(t, storage, { client_id: 'one' }), null, steps, NOW), { step: 'login', reauth: false });
  const none = await decide(await arrive(t, storage, { client_id: 'one', prompt: 'none' }), null, steps, NOW);
  t.match(none, { step: 'error', error: { error: 'login_required' } });
});

t.test('OIDC Core §3.1.2.1 prompt=login: sign in again on arrival; the resumed request is satisfied by that sign-in, even a minute later', async (t) => {
  const { storage, steps } = await fixture(t);
  const arrived = await arrive(t, storage, { client_id: 'one', prompt: 'login' });
  t.same(await decide(arrived, person('one_factor', NOW_S - 5), steps, NOW), { step: 'login', reauth: true }, 'an older session is not enough');
  const back = await resume(arrived.record.id, { authorize, interactions: storage.interactions }, NOW + 60_000);
  if (!back.ok) return t.fail('not resumed');
  t.notOk(back.interaction.request.prompt.has('login'), 'prompt=login is not asked twice');
  t.match(await decide(back.interaction, person('one_factor', NOW_S + 50), steps, NOW + 60_000), { step: 'issue' }, 'the sign-in it asked for satisfies it');
  t.match(await resume(arrived.record.id, { authorize, interactions: storage.interactions }, NOW + 60_000), { ok: false, destination: null }, 'answered: the id leads nowhere any more');
});

t.test('OIDC Core §3.1.2.1 max_age=0 is prompt=login; max_age=300 accepts a session of the last 300 s, measured from arrival', async (t) => {
  const { storage, steps } = await fixture(t);
  t.same(await decide(await arrive(t, storage, { client_id: 'one', max_age: '0' }), person('one_factor', NOW_S), steps, NOW), { step: 'login', reauth: true });
  const recent = await arrive(t, storage, { client_id: 'one', max_age: '300' });
  t.match(await decide(recent, person('one_factor', NOW_S - 300), steps, NOW), { step: 'issue' }, 'exactly 300 s old');
  const old = await arrive(t, storage, { client_id: 'one', max_age: '300' });
  t.same(await decide(old, person('one_factor', NOW_S - 301), steps, NOW), { step: 'login', reauth: true }, '301 s old');
  // Two factors typed six seconds after the password, with max_age=5: the resumed request still accepts it (issue #12 item 5).
  const slow = await arrive(t, storage, { client_id: 'two', max_age: '5' });
  t.same(await decide(slow, person('one_factor', NOW_S + 1), steps, NOW + 1000), { step: 'second_factor' });
  const back = await resume(slow.record.id, { authorize, interactions: storage.interactions }, NOW + 8000);
  if (!back.ok) return t.fail('not resumed');
  t.match(await decide(back.interaction, person('two_factor', NOW_S + 7), steps, NOW + 8000), { step: 'issue' }, 'no loop back to the password');
});

t.test('a stored bound cannot be forged: a request carrying auth_time_min_s=0 and prompt=login still signs in again', async (t) => {
  const { storage, steps } = await fixture(t);
  const arrived = await arrive(t, storage, { client_id: 'one', prompt: 'login', auth_time_min_s: '0' });
  t.equal(arrived.record.auth_time_min_s, NOW_S, 'the bound is decided by the provider, on arrival');
  t.same(await decide(arrived, person('one_factor', NOW_S - 1), steps, NOW), { step: 'login', reauth: true });
});

t.test("the client's authorization_policy decides the level: one_factor never forces a second factor, two_factor asks for it (prompt=none: login_required)", async (t) => {
  const { storage, steps } = await fixture(t);
  t.match(await decide(await arrive(t, storage, { client_id: 'one' }), person('one_factor', NOW_S), steps, NOW), { step: 'issue' });
  t.same(await decide(await arrive(t, storage, { client_id: 'two' }), person('one_factor', NOW_S), steps, NOW), { step: 'second_factor' });
  t.match(await decide(await arrive(t, storage, { client_id: 'two', prompt: 'none' }), person('one_factor', NOW_S), steps, NOW), { step: 'error', error: { error: 'login_required' } });
  t.match(await decide(await arrive(t, storage, { client_id: 'two' }), person('two_factor', NOW_S), steps, NOW), { step: 'issue' });
  t.same(await decide(await arrive(t, storage, { client_id: 'one' }), person('one_factor', NOW_S, { disabled: true }), steps, NOW), { step: 'login', reauth: false }, 'a disabled user is nobody');
});

t.test('OIDC Core §3.1.2.4: consent asked once per interaction, its answer found on return, used once; denied → access_denied', async (t) => {
  const { storage, steps, issued } = await fixture(t);
  const asked = await arrive(t, storage, { client_id: 'ask' });
  t.same(await decide(asked, person('one_factor', NOW_S), steps, NOW), { step: 'consent' });
  t.same(await decide(asked, person('one_factor', NOW_S), steps, NOW), { step: 'consent' }, 'unanswered: asked again, not twice stored');
  await storage.consents.respond(asked.record.id, { authorized: true, granted_scopes: ['openid'], granted_audience: [], responded_at_ms: NOW });
  t.match(await decide(asked, person('one_factor', NOW_S), steps, NOW), { step: 'issue', params: { code: 'code-1', state: 'state-123456' } });
  t.match(issued[0], { subject: 'subject-of-alice', scopes: ['openid'], session: { consent_challenge_id: asked.record.id, redirect_uri: CB } });
  t.match(await decide(asked, person('one_factor', NOW_S), steps, NOW), { step: 'error', error: { error: 'invalid_request' } }, 'a second return issues nothing');
  t.equal(issued.length, 1);

  const denied = await arrive(t, storage, { client_id: 'ask' });
  await decide(denied, person('one_factor', NOW_S), steps, NOW);
  await storage.consents.respond(denied.record.id, { authorized: false, granted_scopes: [], granted_audience: [], responded_at_ms: NOW });
  t.match(await decide(denied, person('one_factor', NOW_S), steps, NOW), { step: 'error', error: { error: 'access_denied' } });
  t.match(await decide(await arrive(t, storage, { client_id: 'ask', prompt: 'none' }), person('one_factor', NOW_S), steps, NOW), { step: 'error', error: { error: 'consent_required' } });
});

t.test('single use: of parallel returns to one interaction, exactly one issues', async (t) => {
  const { storage, steps, issued } = await fixture(t);
  const arrived = await arrive(t, storage, { client_id: 'one' });
  const outcomes = await Promise.all(Array.from({ length: 6 }, () => decide(arrived, person('one_factor', NOW_S), steps, NOW)));
  t.equal(outcomes.filter((o) => o.step === 'issue').length, 1);
  t.equal(issued.length, 1);
});

t.test('RFC 9126 §5: require_pushed_authorization_requests refuses a plain request at the redirect URI; a stored one resumes', async (t) => {
  const { storage } = await fixture(t);
  const plain = await receive(query({ client_id: 'par' }), { authorize, requestObjects: { clients, issuer: 'https://issuer.example' }, par: storage.par, interactions: storage.interactions }, NOW);
  t.match(plain, { ok: false, error: { error: 'invalid_request' }, destination: { redirect_uri: CB, state: 'state-123456' } });
  await storage.par.create({ request_uri: 'urn:ietf:params:oauth:request_uri:pushed-1', client_id: 'par', expires_at_ms: NOW + 60_000, parameters: Object.fromEntries(query({ client_id: 'par' })) });
  const pushed = await receive(new URLSearchParams({ client_id: 'par', request_uri: 'urn:ietf:params:oauth:request_uri:pushed-1' }), { authorize, requestObjects: { clients, issuer: 'https://issuer.example' }, par: storage.par, interactions: storage.interactions }, NOW);
  if (!pushed.ok) return t.fail('pushed request refused');
  t.match(await resume(pushed.interaction.record.id, { authorize, interactions: storage.interactions }, NOW), { ok: true }, 'resumed by id without a second PAR');
  t.match(await resume('unknown-id', { authorize, interactions: storage.interactions }, NOW), { ok: false, destination: null, error: { error: 'invalid_request' } }, 'an unknown id is shown to the person');
});
