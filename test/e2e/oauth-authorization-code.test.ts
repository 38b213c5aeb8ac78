import t from 'tap';
import * as client from 'openid-client';
import { API, APP_CALLBACK, ISSUER, SECRETS, oauthErrorOf, postForm, startOAuthServer } from './oauth-setup.js';

const callback = (code: string): URL => new URL(`${APP_CALLBACK}?code=${encodeURIComponent(code)}`);

t.test('authorization_code (RFC 6749 §4.1.3) and refresh_token (RFC 6749 §6) with openid-client', async (t) => {
  const server = await startOAuthServer(t);
  const webapp = server.rp('webapp', client.ClientSecretPost(SECRETS.webapp));
  const spa = server.rp('spa', client.None());
  const verifier = client.randomPKCECodeVerifier();
  const challenge = await client.calculatePKCECodeChallenge(verifier);

  t.test('OIDC Core §3.1.3.3 + RFC 7636 §4.6: S256 code → access, refresh and ID token', async (t) => {
    const code = await server.seedCode({
      client_id: 'webapp',
      scopes: ['openid', 'offline_access', 'read'],
      audience: [API],
      session: { redirect_uri: APP_CALLBACK, code_challenge: challenge, code_challenge_method: 'S256', nonce: 'n-0S6_WzA2Mj' },
    });
    const tokens = await client.authorizationCodeGrant(webapp, callback(code), { pkceCodeVerifier: verifier, expectedNonce: 'n-0S6_WzA2Mj', idTokenExpected: true });
    t.equal(tokens.scope, 'openid offline_access read');
    t.match(tokens.refresh_token, /^gatehouse_rt_/);
    const claims = tokens.claims()!;
    t.equal(claims.iss, ISSUER);
    t.equal(claims.sub, 'f1c2a7e0-0000-4000-8000-000000000001');
    t.same(claims.aud, ['webapp']);
    t.equal(claims.nonce, 'n-0S6_WzA2Mj');
    t.same(claims['amr'], ['pwd', 'otp', 'mfa']);
    t.type(claims['at_hash'], 'string');
  });

  t.test('OIDC Core §11: no refresh token without offline_access; no ID token without openid', async (t) => {
    const code = await server.seedCode({ client_id: 'webapp', scopes: ['read'], session: { redirect_uri: APP_CALLBACK } });
    const tokens = await client.authorizationCodeGrant(webapp, callback(code), { idTokenExpected: false });
    t.equal(tokens.refresh_token, undefined);
    t.equal(tokens.id_token, undefined);
    t.equal(tokens.scope, 'read');
  });

  t.test('RFC 7636 §4.6: a public client redeems its code with the verifier only (auth method none)', async (t) => {
    const code = await server.seedCode({ client_id: 'spa', scopes: ['openid'], session: { redirect_uri: APP_CALLBACK, code_challenge: challenge, code_challenge_method: 'S256' } });
    const tokens = await client.authorizationCodeGrant(spa, callback(code), { pkceCodeVerifier: verifier, idTokenExpected: true });
    t.match(tokens.access_token, /^gatehouse_at_/);
  });

  const refusals: Array<{ rule: string; seed: () => Promise<string>; redeem: (code: string) => Promise<unknown>; description: string }> = [
    {
      rule: 'RFC 7636 §4.6: a wrong code_verifier → invalid_grant',
      seed: () => server.seedCode({ client_id: 'webapp', scopes: ['read'], session: { redirect_uri: APP_CALLBACK, code_challenge: challenge, code_challenge_method: 'S256' } }),
      redeem: (code) => client.authorizationCodeGrant(webapp, callback(code), { pkceCodeVerifier: client.randomPKCECodeVerifier() }),
      description: "The 'code_verifier' does not match the code_challenge (RFC 7636 §4.6).",
    },
    {
      rule: 'RFC 7636 §4.5: a missing code_verifier → invalid_grant',
      seed: () => server.seedCode({ client_id: 'webapp', scopes: ['read'], session: { redirect_uri: APP_CALLBACK, code_challenge: challenge, code_challenge_method: 'S256' } }),
      redeem: (code) => client.authorizationCodeGrant(webapp, callback(code)),
      description: "The 'code_verifier' parameter is missing (RFC 7636 §4.5).",
    },
    {
      rule: 'RFC 9700 §2.1.1: a code_verifier without a stored challenge → invalid_grant',
      seed: () => server.seedCode({ client_id: 'webapp', scopes: ['read'], session: { redirect_uri: APP_CALLBACK } }),
      redeem: (code) => client.authorizationCodeGrant(webapp, callback(code), { pkceCodeVerifier: verifier }),
      description: "The 'code_verifier' parameter was sent but the authorization request carried no code_challenge.",
    },
    {
      rule: 'RFC 6749 §4.1.3: redirect_uri differing from the authorization request → invalid_grant',
      seed: () => server.seedCode({ client_id: 'webapp', scopes: ['read'], session: { redirect_uri: 'https://app.example.com/other' } }),
      redeem: (code) => client.authorizationCodeGrant(webapp, callback(code)),
      description: "The 'redirect_uri' parameter does not match the one of the authorization request.",
    },
    {
      rule: 'RFC 6749 §4.1.3: a code issued to another client → invalid_grant',
      seed: () => server.seedCode({ client_id: 'spa', scopes: ['openid'], session: { redirect_uri: APP_CALLBACK } }),
      redeem: (code) => client.authorizationCodeGrant(webapp, callback(code)),
      description: 'The authorization code is invalid, expired or was issued to another client.',
    },
    {
      rule: 'RFC 6749 §5.2: an unknown code → invalid_grant',
      seed: () => Promise.resolve('gatehouse_ac_not-a-real-code'),
      redeem: (code) => client.authorizationCodeGrant(webapp, callback(code)),
      description: 'The authorization code is invalid, expired or was issued to another client.',
    },
  ];
  for (const c of refusals) {
    t.test(c.rule, async (t) => {
      const err = await oauthErrorOf(c.redeem(await c.seed()));
      t.same({ status: err.status, error: err.error, error_description: err.error_description }, { status: 400, error: 'invalid_grant', error_description: c.description });
    });
  }

  t.test('RFC 6749 §4.1.2: a replayed code → invalid_grant, and the tokens issued from it are revoked', async (t) => {
    const code = await server.seedCode({ client_id: 'webapp', scopes: ['openid', 'offline_access'], session: { redirect_uri: APP_CALLBACK } });
    const first = await client.authorizationCodeGrant(webapp, callback(code), { idTokenExpected: true });
    const machine = server.rp('machine', client.ClientSecretBasic(SECRETS.machine));
    t.equal((await client.tokenIntrospection(machine, first.access_token)).active, true);
    const err = await oauthErrorOf(client.authorizationCodeGrant(webapp, callback(code)));
    t.same({ error: err.error, error_description: err.error_description }, { error: 'invalid_grant', error_description: 'The authorization code has already been used; every token issued from it is revoked.' });
    t.same(await client.tokenIntrospection(machine, first.access_token), { active: false }, 'the first access token is revoked');
    t.same(await client.tokenIntrospection(machine, first.refresh_token!), { active: false }, 'and its refresh token');
  });

  t.test('RFC 6749 §6 + RFC 9700 §4.14.2: rotation, then reuse of the old refresh token kills the family', async (t) => {
    const machine = server.rp('machine', client.ClientSecretBasic(SECRETS.machine));
    const code = await server.seedCode({ client_id: 'webapp', scopes: ['openid', 'offline_access', 'read'], session: { redirect_uri: APP_CALLBACK } });
    const first = await client.authorizationCodeGrant(webapp, callback(code), { idTokenExpected: true });
    const second = await client.refreshTokenGrant(webapp, first.refresh_token!);
    t.not(second.refresh_token, first.refresh_token, 'a new refresh token');
    t.ok(second.id_token, 'a new ID token (openid granted)');
    t.equal(second.scope, 'openid offline_access read');
    t.same(await client.tokenIntrospection(machine, first.access_token), { active: false }, 'the previous access token is revoked on refresh');
    t.same(await client.tokenIntrospection(machine, first.refresh_token!), { active: false }, 'the used refresh token is inactive');
    t.equal((await client.tokenIntrospection(machine, second.access_token)).active, true);

    const reuse = await oauthErrorOf(client.refreshTokenGrant(webapp, first.refresh_token!));
    t.same({ status: reuse.status, error: reuse.error, error_description: reuse.error_description }, {
      status: 400,
      error: 'invalid_grant',
      error_description: 'The refresh token has already been used or was revoked; every token of its grant is revoked.',
    });
    t.same(await client.tokenIntrospection(machine, second.access_token), { active: false }, 'the new access token dies');
    t.same(await client.tokenIntrospection(machine, second.refresh_token!), { active: false }, 'the new refresh token dies');
    const after = await oauthErrorOf(client.refreshTokenGrant(webapp, second.refresh_token!));
    t.equal(after.error, 'invalid_grant');
  });

  t.test('RFC 6749 §6: scope may only narrow', async (t) => {
    const code = await server.seedCode({ client_id: 'webapp', scopes: ['openid', 'offline_access', 'read'], session: { redirect_uri: APP_CALLBACK } });
    const first = await client.authorizationCodeGrant(webapp, callback(code), { idTokenExpected: true });
    const wider = await oauthErrorOf(client.refreshTokenGrant(webapp, first.refresh_token!, { scope: 'read profile' }));
    t.same({ error: wider.error, error_description: wider.error_description }, { error: 'invalid_scope', error_description: "The scope 'profile' is not granted to this refresh token." });
    const narrower = await client.refreshTokenGrant(webapp, first.refresh_token!, { scope: 'offline_access read' });
    t.equal(narrower.scope, 'offline_access read');
    t.equal(narrower.id_token, undefined, 'no openid, no ID token');
    const again = await client.refreshTokenGrant(webapp, narrower.refresh_token!);
    t.equal(again.scope, 'openid offline_access read', 'the refresh token keeps the originally granted scope');
  });

  t.test('RFC 6749 §6: a refresh token of another client → invalid_grant, and it stays usable', async (t) => {
    const code = await server.seedCode({ client_id: 'spa', scopes: ['openid', 'offline_access'], session: { redirect_uri: APP_CALLBACK } });
    const tokens = await client.authorizationCodeGrant(spa, callback(code), { idTokenExpected: true });
    const err = await oauthErrorOf(client.refreshTokenGrant(webapp, tokens.refresh_token!));
    t.same({ error: err.error, error_description: err.error_description }, { error: 'invalid_grant', error_description: 'The refresh token is invalid, expired or was issued to another client.' });
    t.ok((await client.refreshTokenGrant(spa, tokens.refresh_token!)).access_token);
  });

  t.test('RFC 6749 §3.1: a parameter sent twice → invalid_request', async (t) => {
    const res = await postForm(`${server.url}/api/oidc/token`, `grant_type=authorization_code&code=a&code=b&client_id=spa`);
    t.same({ status: res.status, json: res.json }, { status: 400, json: { error: 'invalid_request', error_description: "The 'code' parameter must not be included more than once." } });
  });

  t.test('RFC 6749 §3.2: the token endpoint takes only POST with a form body', async (t) => {
    const get = await fetch(`${server.url}/api/oidc/token`);
    t.equal(get.status, 405);
    const json = await fetch(`${server.url}/api/oidc/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    t.equal(json.status, 415);
    t.same(await json.json(), { error: 'invalid_request', error_description: 'Unsupported Media Type: expected application/x-www-form-urlencoded' });
    t.equal(json.headers.get('pragma'), 'no-cache');
  });
});
