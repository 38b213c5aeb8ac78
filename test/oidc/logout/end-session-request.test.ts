/** OIDC RP-Initiated Logout 1.0 §2, §3: the end-session request checked, table-driven, exact errors. */
import t from 'tap';
import { createClientRegistry } from '../../../src/oauth/clients.js';
import { OAuthError } from '../../../src/oauth/errors.js';
import { checkEndSessionRequest, decideLogout, postLogoutRedirectUrl, type IdTokenHint } from '../../../src/oidc/logout/index.js';
import { oidcClient } from '../../helpers/oidc-fixtures.js';

const clients = createClientRegistry([
  oidcClient({ client_id: 'app', post_logout_redirect_uris: ['https://app.example.com/bye', 'https://app.example.com/bye?from=op'] }),
  oidcClient({ client_id: 'other', post_logout_redirect_uris: ['https://other.example.com/bye'] }),
]);
const HINT = 'hint-of-app';
const hintOf: Record<string, IdTokenHint> = { [HINT]: { client: clients.get('app')!, sub: 'sub-1', sid: 'sid-1' } };
const deps = {
  clients,
  verifyHint: (hint: string): Promise<IdTokenHint> => {
    const found = hintOf[hint];
    if (!found) return Promise.reject(new OAuthError('invalid_request', 'The id_token_hint is not an ID Token issued by this provider.'));
    return Promise.resolve(found);
  },
};
const check = (params: Record<string, string> | string) => checkEndSessionRequest(new URLSearchParams(params), deps);

t.test('RP-Initiated Logout 1.0 §2: every parameter read; the client from the hint', async (t) => {
  const request = await check({ id_token_hint: HINT, post_logout_redirect_uri: 'https://app.example.com/bye', state: 'xyz', ui_locales: 'de en', logout_hint: 'alice', ignored: 'x' });
  t.equal(request.client?.config.client_id, 'app');
  t.equal(request.hint?.sid, 'sid-1');
  t.equal(request.post_logout_redirect_uri, 'https://app.example.com/bye');
  t.equal(request.state, 'xyz');
  t.same(request.ui_locales, ['de', 'en']);
  t.equal(request.logout_hint, 'alice');
  t.same(request.params, { id_token_hint: HINT, logout_hint: 'alice', post_logout_redirect_uri: 'https://app.example.com/bye', state: 'xyz', ui_locales: 'de en' }, 'only its own parameters are carried');
  t.equal(postLogoutRedirectUrl(request), 'https://app.example.com/bye?state=xyz', '§3: state added to the query');
});

t.test('RP-Initiated Logout 1.0 §3: state joins a registered URI\'s own query; no state, no parameter', async (t) => {
  t.equal(postLogoutRedirectUrl(await check({ client_id: 'app', post_logout_redirect_uri: 'https://app.example.com/bye?from=op', state: 'a b' })), 'https://app.example.com/bye?from=op&state=a+b');
  t.equal(postLogoutRedirectUrl(await check({ client_id: 'app', post_logout_redirect_uri: 'https://app.example.com/bye' })), 'https://app.example.com/bye');
  t.equal(postLogoutRedirectUrl(await check({ client_id: 'app', state: 'lost' })), null, 'state alone redirects nowhere');
  t.equal((await check({})).client, null, 'an empty request is valid: it signs out, then the signed-out page');
});

const refusals: Array<{ rule: string; params: Record<string, string> | string; description: string }> = [
  {
    rule: 'RP-Initiated Logout 1.0 §3.1: an unregistered post_logout_redirect_uri',
    params: { id_token_hint: HINT, post_logout_redirect_uri: 'https://evil.example.com/' },
    description: "The post_logout_redirect_uri is not registered for the client 'app'.",
  },
  {
    rule: 'RP-Initiated Logout 1.0 §3.1: compared exactly (a trailing slash is another URI)',
    params: { client_id: 'app', post_logout_redirect_uri: 'https://app.example.com/bye/' },
    description: "The post_logout_redirect_uri is not registered for the client 'app'.",
  },
  {
    rule: 'RP-Initiated Logout 1.0 §3.1: another client\'s URI is not this client\'s',
    params: { client_id: 'app', post_logout_redirect_uri: 'https://other.example.com/bye' },
    description: "The post_logout_redirect_uri is not registered for the client 'app'.",
  },
  {
    rule: 'RP-Initiated Logout 1.0 §2: a post_logout_redirect_uri needs the client to be named',
    params: { post_logout_redirect_uri: 'https://app.example.com/bye' },
    description: 'A post_logout_redirect_uri needs an id_token_hint or a client_id naming the client it is registered for.',
  },
  {
    rule: 'RP-Initiated Logout 1.0 §2: client_id must match the id_token_hint\'s client',
    params: { id_token_hint: HINT, client_id: 'other' },
    description: 'The client_id does not match the client of the id_token_hint.',
  },
  { rule: 'an unknown client_id', params: { client_id: 'ghost' }, description: "The client 'ghost' is not registered." },
  { rule: 'a forged or foreign id_token_hint', params: { id_token_hint: 'forged' }, description: 'The id_token_hint is not an ID Token issued by this provider.' },
  { rule: 'RFC 6749 §3.1: a parameter sent twice', params: 'client_id=app&state=a&state=b', description: "The 'state' parameter must not be included more than once." },
];

for (const r of refusals) {
  t.test(r.rule, async (t) => {
    const err: unknown = await check(r.params).then(() => null, (e: unknown) => e);
    t.ok(err instanceof OAuthError);
    t.match(err, { error: 'invalid_request', description: r.description });
  });
}

t.test('RP-Initiated Logout 1.0 §2: the OP asks unless the id_token_hint belongs to the current session', async (t) => {
  const hinted = { hint: hintOf[HINT] };
  const cases: Array<[string, Parameters<typeof decideLogout>[0], Parameters<typeof decideLogout>[1], string]> = [
    ['no session: nothing to end', hinted, null, 'signed_out'],
    ['the hint\'s sid is the session\'s: signed out at once', hinted, { sid: 'sid-1' }, 'sign_out'],
    ['another session\'s hint: ask', hinted, { sid: 'sid-2' }, 'confirm'],
    ['no hint: ask', { hint: null }, { sid: 'sid-1' }, 'confirm'],
    ['a hint without sid: ask', { hint: { ...hintOf[HINT], sid: undefined } }, { sid: 'sid-1' }, 'confirm'],
    ['a session without sid: ask', hinted, {}, 'confirm'],
  ];
  for (const [name, request, current, expected] of cases) t.equal(decideLogout(request, current), expected, name);
});
