import t from 'tap';
import * as client from 'openid-client';
import { API, OTHER_API, SECRETS, basic, oauthErrorOf, postForm, startOAuthServer } from './oauth-setup.js';

t.test('client_credentials (RFC 6749 §4.4) with openid-client', async (t) => {
  const server = await startOAuthServer(t);
  const machine = server.rp('machine', client.ClientSecretBasic(SECRETS.machine));

  t.test('RFC 6749 §4.4.3: scope and audience granted as requested, access token only, no-store', async (t) => {
    const tokens = await client.clientCredentialsGrant(machine, { scope: 'read', audience: API });
    t.equal(tokens.token_type, 'bearer');
    t.equal(tokens.scope, 'read');
    t.equal(tokens.expires_in, 3600);
    t.match(tokens.access_token, /^gatehouse_at_/);
    t.equal(tokens.refresh_token, undefined, 'RFC 6749 §4.4.3: no refresh token');
    t.equal(tokens.id_token, undefined);
    const introspected = await client.tokenIntrospection(machine, tokens.access_token);
    t.same(introspected.aud, [API]);
    t.equal(introspected.sub, 'machine', 'RFC 9068 §2.2: a client acting on its own behalf is the subject');
    t.equal(introspected.username, undefined);
  });

  t.test('RFC 6749 §5.1: Cache-Control no-store and Pragma no-cache on success and on error', async (t) => {
    const ok = await postForm(`${server.url}/api/oidc/token`, 'grant_type=client_credentials&scope=read', { authorization: basic('machine', SECRETS.machine) });
    t.equal(ok.status, 200);
    t.equal(ok.headers.get('cache-control'), 'no-store');
    t.equal(ok.headers.get('pragma'), 'no-cache');
    const bad = await postForm(`${server.url}/api/oidc/token`, 'grant_type=client_credentials', { authorization: basic('machine', 'wrong') });
    t.equal(bad.status, 401);
    t.equal(bad.headers.get('cache-control'), 'no-store');
    t.equal(bad.headers.get('pragma'), 'no-cache');
  });

  t.test('audience: explicit mode grants exactly what is requested, space-separated or repeated', async (t) => {
    for (const body of [`audience=${encodeURIComponent(`${API} ${OTHER_API}`)}`, `audience=${encodeURIComponent(API)}&audience=${encodeURIComponent(OTHER_API)}`]) {
      const res = await postForm(`${server.url}/api/oidc/token`, `grant_type=client_credentials&${body}`, { authorization: basic('machine', SECRETS.machine) });
      t.equal(res.status, 200, body);
      const token = (res.json as { access_token: string }).access_token;
      t.same((await client.tokenIntrospection(machine, token)).aud, [API, OTHER_API]);
    }
    const none = await client.clientCredentialsGrant(machine, {});
    t.same((await client.tokenIntrospection(machine, none.access_token)).aud, [], 'explicit: nothing requested, nothing granted');
  });

  t.test('audience: implicit mode grants the whole registered audience when none is requested', async (t) => {
    const rp = server.rp('implicit-audience', client.ClientSecretBasic(SECRETS.machine));
    const tokens = await client.clientCredentialsGrant(rp, {});
    t.same((await client.tokenIntrospection(rp, tokens.access_token)).aud, [API, OTHER_API]);
  });

  const refusals: Array<{ rule: string; rp: () => client.Configuration; params: Record<string, string>; status: number; error: string; description: string }> = [
    {
      rule: 'RFC 6749 §5.2 invalid_client: wrong secret',
      rp: () => server.rp('machine', client.ClientSecretBasic('not-the-secret')),
      params: { scope: 'read' },
      status: 401,
      error: 'invalid_client',
      description: 'Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).',
    },
    {
      rule: 'RFC 6749 §5.2 invalid_client: unknown client',
      rp: () => server.rp('nobody', client.ClientSecretBasic('x')),
      params: {},
      status: 401,
      error: 'invalid_client',
      description: 'Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).',
    },
    {
      rule: 'RFC 6749 §5.2 unauthorized_client: grant type not registered for the client',
      rp: () => server.rp('webapp', client.ClientSecretPost(SECRETS.webapp)),
      params: {},
      status: 400,
      error: 'unauthorized_client',
      description: "The client is not allowed to use the grant_type 'client_credentials'.",
    },
    {
      rule: 'RFC 6749 §5.2 invalid_scope: a scope the client is not registered for (openid)',
      rp: () => machine,
      params: { scope: 'read openid' },
      status: 400,
      error: 'invalid_scope',
      description: "The scope 'openid' is not registered for the client.",
    },
    {
      rule: 'RFC 6749 §5.2 invalid_scope: an unregistered scope',
      rp: () => machine,
      params: { scope: 'admin' },
      status: 400,
      error: 'invalid_scope',
      description: "The scope 'admin' is not registered for the client.",
    },
    {
      rule: 'audience outside the client\'s registered audience',
      rp: () => machine,
      params: { audience: 'https://evil.example.com' },
      status: 400,
      error: 'invalid_request',
      description: "The requested audience 'https://evil.example.com' is not registered for the client.",
    },
  ];
  for (const c of refusals) {
    t.test(c.rule, async (t) => {
      const err = await oauthErrorOf(client.clientCredentialsGrant(c.rp(), c.params));
      t.same({ status: err.status, error: err.error, error_description: err.error_description }, { status: c.status, error: c.error, error_description: c.description });
    });
  }

  t.test('RFC 6749 §5.2: unknown grant_type → unsupported_grant_type', async (t) => {
    const res = await postForm(`${server.url}/api/oidc/token`, 'grant_type=password&username=a&password=b', { authorization: basic('machine', SECRETS.machine) });
    t.same({ status: res.status, json: res.json }, { status: 400, json: { error: 'unsupported_grant_type', error_description: "The grant_type 'password' is not supported." } });
  });

  t.test('the access request is logged at debug without tokens or secrets', async (t) => {
    await client.clientCredentialsGrant(machine, { scope: 'write' });
    const records = server.logger.records().filter((r) => r['msg'] === 'access request');
    t.ok(records.some((r) => r['client_id'] === 'machine' && r['grant_type'] === 'client_credentials' && r['outcome'] === 'granted'));
    t.ok(records.some((r) => r['outcome'] === 'invalid_client'));
    t.notMatch(server.logger.lines.join('\n'), new RegExp(`${SECRETS.machine}|gatehouse_at_`));
  });
});
