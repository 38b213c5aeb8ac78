import t from 'tap';
import * as client from 'openid-client';
import { fixedClock } from '../../src/util/clock.js';
import { API, APP_CALLBACK, ISSUER, SECRETS, basic, oauthErrorOf, postForm, startOAuthServer } from './oauth-setup.js';

const callback = (code: string): URL => new URL(`${APP_CALLBACK}?code=${encodeURIComponent(code)}`);

t.test('introspection (RFC 7662)', async (t) => {
  const clock = fixedClock(Date.now());
  const server = await startOAuthServer(t, { clock, lifespans: { access_token: '10s' } });
  const machine = server.rp('machine', client.ClientSecretBasic(SECRETS.machine));
  const webapp = server.rp('webapp', client.ClientSecretPost(SECRETS.webapp));
  const nowS = Math.floor(clock.nowMs() / 1000);

  t.test('RFC 7662 §2.2: the exact fields of an active access token of a person', async (t) => {
    const code = await server.seedCode({ client_id: 'webapp', scopes: ['offline_access', 'read'], audience: [API], session: { redirect_uri: APP_CALLBACK } });
    const tokens = await client.authorizationCodeGrant(webapp, callback(code));
    t.same(await client.tokenIntrospection(machine, tokens.access_token), {
      active: true,
      scope: 'offline_access read',
      client_id: 'webapp',
      token_type: 'Bearer',
      exp: nowS + 10,
      iat: nowS,
      aud: [API],
      iss: ISSUER,
      username: 'john',
      sub: 'f1c2a7e0-0000-4000-8000-000000000001',
    });
    const refresh = await client.tokenIntrospection(machine, tokens.refresh_token!, { token_type_hint: 'refresh_token' });
    t.equal(refresh.token_type, 'refresh_token');
    t.equal(refresh.exp, nowS + 5400);
    const wrongHint = await client.tokenIntrospection(machine, tokens.refresh_token!, { token_type_hint: 'access_token' });
    t.equal(wrongHint.active, true, 'RFC 7662 §2.1: a wrong hint only orders the search');
  });

  t.test('RFC 9068 §2.2: a client_credentials token has no user; its sub is the client_id (mod_oauth2 remote_user_claim=sub)', async (t) => {
    const tokens = await client.clientCredentialsGrant(machine, { scope: 'read' });
    t.same(await client.tokenIntrospection(webapp, tokens.access_token), {
      active: true,
      scope: 'read',
      client_id: 'machine',
      token_type: 'Bearer',
      exp: nowS + 10,
      iat: nowS,
      aud: [],
      iss: ISSUER,
      sub: 'machine',
    });
  });

  t.test('RFC 7662 §2.2: active:false once expired (fixed clock), for unknown and for foreign strings', async (t) => {
    const tokens = await client.clientCredentialsGrant(machine, { scope: 'read' });
    t.equal((await client.tokenIntrospection(machine, tokens.access_token)).active, true);
    clock.advance(10_000);
    t.same(await client.tokenIntrospection(machine, tokens.access_token), { active: false });
    t.same(await client.tokenIntrospection(machine, 'gatehouse_at_unknown'), { active: false });
    t.same(await client.tokenIntrospection(machine, 'not even a token'), { active: false });
  });

  t.test('RFC 7662 §2.1: the caller must authenticate; a public client may not introspect', async (t) => {
    const anonymous = await postForm(`${server.url}/api/oidc/introspection`, 'token=x');
    t.same({ status: anonymous.status, json: anonymous.json }, { status: 401, json: { error: 'invalid_client', error_description: 'Client authentication failed: the request carries no client credentials.' } });
    const wrong = await oauthErrorOf(client.tokenIntrospection(server.rp('machine', client.ClientSecretBasic('nope')), 'x'));
    t.same({ status: wrong.status, error: wrong.error }, { status: 401, error: 'invalid_client' });
    const publicClient = await postForm(`${server.url}/api/oidc/introspection`, 'token=x&client_id=spa');
    t.same({ status: publicClient.status, json: publicClient.json }, { status: 401, json: { error: 'invalid_client', error_description: 'A public client may not introspect tokens (RFC 7662 §2.1).' } });
    const missing = await postForm(`${server.url}/api/oidc/introspection`, '', { authorization: basic('machine', SECRETS.machine) });
    t.same(missing.json, { error: 'invalid_request', error_description: "The 'token' parameter is missing." });
  });
});

t.test('revocation (RFC 7009)', async (t) => {
  const server = await startOAuthServer(t);
  const machine = server.rp('machine', client.ClientSecretBasic(SECRETS.machine));
  const other = server.rp('other', client.ClientSecretBasic(SECRETS.other));
  const webapp = server.rp('webapp', client.ClientSecretPost(SECRETS.webapp));
  const active = async (token: string): Promise<boolean> => (await client.tokenIntrospection(machine, token)).active;

  t.test('RFC 7009 §2.1: a client revokes its own access token; 200 with an empty body', async (t) => {
    const tokens = await client.clientCredentialsGrant(machine, { scope: 'read' });
    const res = await postForm(`${server.url}/api/oidc/revocation`, `token=${tokens.access_token}&token_type_hint=access_token`, { authorization: basic('machine', SECRETS.machine) });
    t.same({ status: res.status, json: res.json, cache: res.headers.get('cache-control') }, { status: 200, json: null, cache: 'no-store' });
    t.equal(await active(tokens.access_token), false);
  });

  t.test('RFC 7009 §2.1: another client\'s token is refused and stays active', async (t) => {
    const tokens = await client.clientCredentialsGrant(machine, { scope: 'read' });
    const err = await oauthErrorOf(client.tokenRevocation(other, tokens.access_token));
    t.same({ status: err.status, error: err.error, error_description: err.error_description }, {
      status: 400,
      error: 'unauthorized_client',
      error_description: 'The token was not issued to this client (RFC 7009 §2.1).',
    });
    t.equal(await active(tokens.access_token), true);
  });

  t.test('RFC 7009 §2.2: an unknown or invalid token answers 200', async (t) => {
    await client.tokenRevocation(machine, 'gatehouse_at_unknown');
    await client.tokenRevocation(machine, 'whatever', { token_type_hint: 'refresh_token' });
    t.pass('no error');
  });

  t.test('RFC 7009 §2.2.1: a token_type_hint we do not issue → unsupported_token_type', async (t) => {
    const err = await oauthErrorOf(client.tokenRevocation(machine, 'x', { token_type_hint: 'id_token' }));
    t.same({ status: err.status, error: err.error, error_description: err.error_description }, {
      status: 400,
      error: 'unsupported_token_type',
      error_description: "The token_type_hint 'id_token' is not supported (supported: access_token, refresh_token).",
    });
  });

  t.test('RFC 7009 §2.1: revoking a refresh token revokes the access tokens of its grant', async (t) => {
    const code = await server.seedCode({ client_id: 'webapp', scopes: ['offline_access', 'read'], session: { redirect_uri: APP_CALLBACK } });
    const tokens = await client.authorizationCodeGrant(webapp, callback(code));
    await client.tokenRevocation(webapp, tokens.refresh_token!);
    t.equal(await active(tokens.refresh_token!), false);
    t.equal(await active(tokens.access_token), false);
    const err = await oauthErrorOf(client.refreshTokenGrant(webapp, tokens.refresh_token!));
    t.equal(err.error, 'invalid_grant');
  });

  t.test('RFC 7009 §2.1: revoking an access token leaves the refresh token usable', async (t) => {
    const code = await server.seedCode({ client_id: 'webapp', scopes: ['offline_access', 'read'], session: { redirect_uri: APP_CALLBACK } });
    const tokens = await client.authorizationCodeGrant(webapp, callback(code));
    await client.tokenRevocation(webapp, tokens.access_token);
    t.equal(await active(tokens.access_token), false);
    t.ok((await client.refreshTokenGrant(webapp, tokens.refresh_token!)).access_token);
  });

  t.test('RFC 7009 §2.1: a public client revokes its own token with client_id only', async (t) => {
    const spa = server.rp('spa', client.None());
    const code = await server.seedCode({ client_id: 'spa', scopes: ['openid', 'offline_access'], session: { redirect_uri: APP_CALLBACK } });
    const tokens = await client.authorizationCodeGrant(spa, callback(code), { idTokenExpected: true });
    await client.tokenRevocation(spa, tokens.refresh_token!);
    t.equal(await active(tokens.access_token), false);
  });
});
