/**
 * Sign-out with two replicas on one PostgreSQL schema (issue #16): a session signed in through
 * replica A is ended through replica B's end-session endpoint and is gone for A's forward-auth at
 * once; its grant is revoked for both; and two sign-outs of one session racing on the two replicas
 * send the client exactly one Logout Token (OIDC Back-Channel Logout 1.0 §2.5).
 */
import t, { type Test } from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import * as client from 'openid-client';
import { hashPassword } from '../../src/crypto/password-hash/index.js';
import { startBackChannelEndpoint } from '../helpers/back-channel-endpoint.js';
import { BrowserClient } from '../helpers/browser-client.js';
import { followAuthorization } from '../helpers/authorization-flow.js';
import { freePort } from '../helpers/free-port.js';
import { randomSchema, startPostgres } from '../helpers/postgres.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';

const ISSUER_KEY = readFileSync(fileURLToPath(new URL('../fixtures/keys/rsa-2048.key.pem', import.meta.url)), 'utf8');
const CALLBACK = 'http://localhost:8080/callback';
const SECRET = 'app-secret-0123456789-abcdefghij';

const database = await startPostgres();
t.teardown(() => database.stop());

async function start(t: Test) {
  const dir = tempDir(t);
  const schema = randomSchema('logout');
  const [portA, portB] = [await freePort(), await freePort()];
  const issuer = `http://localhost:${portA}`;
  const rp = await startBackChannelEndpoint(t);
  const logoutTokens = rp.tokens;
  const users = join(dir, 'users.yml');
  writeFileSync(users, `users:\n  alice:\n    displayname: Alice\n    password: '${await hashPassword('correct horse', { algorithm: 'pbkdf2', variant: 'sha256', iterations: 1000 })}'\n    email: alice@example.com\n`);
  const config = (port: number) => ({
    server: { address: `tcp://127.0.0.1:${port}` },
    authentication_backend: { file: { path: users, watch: false } },
    session: { cookies: [{ domain: 'localhost', authelia_url: issuer }] },
    access_control: { default_policy: 'deny', rules: [{ domain: 'app.localhost', policy: 'one_factor' }] },
    storage: {
      local: undefined,
      encryption_key: 'a-postgres-test-encryption-key-of-some-length',
      postgres: { address: `tcp://${database.host}:${database.port}`, database: database.database, schema, username: database.user, password: database.password },
    },
    identity_providers: {
      oidc: {
        issuer,
        hmac_secret: 'a-very-long-hmac-secret-for-the-tests-0123456789',
        jwks: [{ key: ISSUER_KEY }],
        clients: [{
          client_id: 'app',
          client_secret: `$plaintext$${SECRET}`,
          redirect_uris: [CALLBACK],
          authorization_policy: 'one_factor',
          consent_mode: 'implicit',
          backchannel_logout_uri: rp.uri,
        }],
      },
    },
  });
  // One after the other: the first applies the migrations.
  const a = await startTestServer(t, config(portA));
  const b = await startTestServer(t, config(portB));
  const rpConfig = await client.discovery(new URL(issuer), 'app', SECRET, client.ClientSecretBasic(SECRET), { execute: [client.allowInsecureRequests] });
  const browser = new BrowserClient(issuer);
  const url = client.buildAuthorizationUrl(rpConfig, { redirect_uri: CALLBACK, scope: 'openid' });
  const grant = await client.authorizationCodeGrant(rpConfig, (await followAuthorization(browser, url, CALLBACK)).url, { idTokenExpected: true });
  return { a, b, portB, rpConfig, browser, grant, logoutTokens, cookie: `authelia_session=${browser.cookies.get('authelia_session')}` };
}

const forwardAuth = async (server: TestServer, cookie: string): Promise<number> => {
  const res = await fetch(`${server.url}/api/authz/forward-auth`, {
    redirect: 'manual',
    headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.localhost', 'x-forwarded-uri': '/', 'x-forwarded-method': 'GET', cookie },
  });
  await res.arrayBuffer();
  return res.status;
};

t.test('RP-Initiated Logout 1.0 on PostgreSQL: signed in through A, signed out through B, gone for both at once', async (t) => {
  const s = await start(t);
  t.equal(await forwardAuth(s.a, s.cookie), 200);
  t.equal(await forwardAuth(s.b, s.cookie), 200, 'B sees the session A made');

  const onB = new BrowserClient(`http://localhost:${s.portB}`);
  for (const [name, value] of s.browser.cookies) onB.cookies.set(name, value);
  const end = new URL(`http://localhost:${s.portB}/api/oidc/end-session`);
  end.searchParams.set('id_token_hint', s.grant.id_token!);
  const out = await onB.get(end.href);
  t.equal(out.status, 200, 'signed out through B (the hint verified with the shared keys)');
  t.match(out.body, 'You are signed out');

  t.equal(await forwardAuth(s.a, s.cookie), 401, 'A refuses the session at once');
  t.equal(await forwardAuth(s.b, s.cookie), 401);
  t.equal((await client.tokenIntrospection(s.rpConfig, s.grant.access_token)).active, false, 'the grant is revoked for A too');
  await s.b.app.context.signOut.idle();
  t.equal(s.logoutTokens.length, 1, 'one Logout Token');
});

t.test('OIDC Back-Channel Logout 1.0 §2.5 on PostgreSQL: two sign-outs of one session racing on two replicas notify the client once', async (t) => {
  const s = await start(t);
  const sid = s.grant.claims()!['sid'] as string;
  const [onA, onB] = await Promise.all([s.a.app.context.signOut.endSession(sid), s.b.app.context.signOut.endSession(sid)]);
  await Promise.all([onA.backChannel, onB.backChannel]);
  t.equal(onA.sessions + onB.sessions, 1, 'the session was deleted once');
  t.equal(onA.revokedGrants + onB.revokedGrants, 1, 'the grant was revoked once');
  t.equal(s.logoutTokens.length, 1, 'exactly one Logout Token');
  t.equal(await forwardAuth(s.a, s.cookie), 401);
});
