/**
 * RFC 8252 §7.3 end to end: a native app registers `http://127.0.0.1/callback` (and `[::1]`), asks
 * with the ephemeral port it got from the OS, and exchanges the code with that same URI; §8.3:
 * `localhost` is matched exactly. openid-client is the app; the portal is followed over HTTP.
 */
import t, { type Test } from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { hashPassword } from '../../src/crypto/password-hash/index.js';
import { BrowserClient } from '../helpers/browser-client.js';
import { followAuthorization } from '../helpers/authorization-flow.js';
import { freePort } from '../helpers/free-port.js';
import { startTestServer, tempDir } from '../helpers/server.js';

async function start(t: Test) {
  const dir = tempDir(t);
  const port = await freePort();
  const issuer = `http://localhost:${port}`;
  const users = join(dir, 'users.yml');
  const digest = await hashPassword('correct horse', { algorithm: 'pbkdf2', variant: 'sha256', iterations: 1000 });
  writeFileSync(users, `users:\n  alice:\n    displayname: Alice Liddell\n    password: '${digest}'\n    emails: [alice@example.com]\n    groups: [dev]\n`);
  await startTestServer(
    t,
    {
      server: { address: `tcp://127.0.0.1:${port}` },
      authentication_backend: { file: { path: users, watch: false } },
      session: { cookies: [{ domain: 'localhost', authelia_url: issuer }] },
      identity_providers: {
        oidc: {
          enable_client_debug_messages: true,
          clients: [
            {
              client_id: 'cli',
              public: true,
              token_endpoint_auth_method: 'none',
              redirect_uris: ['http://127.0.0.1/callback', 'http://[::1]/callback', 'http://localhost/callback'],
              scopes: ['openid'],
              grant_types: ['authorization_code'],
              authorization_policy: 'one_factor',
              consent_mode: 'implicit',
            },
          ],
        },
      },
    },
    { dir },
  );
  const config = await oidc.discovery(new URL(issuer), 'cli', undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  return { config, browser: new BrowserClient(issuer) };
}

async function authorizationUrl(config: oidc.Configuration, redirect_uri: string): Promise<{ url: URL; verifier: string }> {
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri,
    scope: 'openid',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: 'state-123456',
  });
  return { url, verifier };
}

t.test('RFC 8252 §7.3: a loopback IP redirect URI with any port, through sign-in to tokens', async (t) => {
  const { config, browser } = await start(t);
  for (const redirect_uri of ['http://127.0.0.1:49321/callback', 'http://[::1]:50123/callback']) {
    const { url, verifier } = await authorizationUrl(config, redirect_uri);
    const { url: callback } = await followAuthorization(browser, url, redirect_uri);
    t.equal(`${callback.origin}${callback.pathname}`, redirect_uri, `${redirect_uri}: the answer goes to the requested port`);
    t.ok(callback.searchParams.get('code'), `${redirect_uri}: a code`);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'state-123456', idTokenExpected: true });
    t.ok(tokens.access_token, `${redirect_uri}: RFC 6749 §4.1.3: the exchange repeats the same URI`);
  }
});

t.test('RFC 6749 §4.1.3: the exchange with another port of the loopback URI is invalid_grant', async (t) => {
  const { config, browser } = await start(t);
  const { url, verifier } = await authorizationUrl(config, 'http://127.0.0.1:49321/callback');
  const { url: callback } = await followAuthorization(browser, url, 'http://127.0.0.1:49321/callback');
  const code = callback.searchParams.get('code')!;
  const res = await fetch(config.serverMetadata().token_endpoint!, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: 'cli', code, code_verifier: verifier, redirect_uri: 'http://127.0.0.1:49322/callback' }),
  });
  t.same({ status: res.status, json: await res.json() }, {
    status: 400,
    json: { error: 'invalid_grant', error_description: "The 'redirect_uri' parameter does not match the one of the authorization request." },
  });
});

t.test('RFC 8252 §8.3: localhost with an unregistered port is shown to the person, never redirected', async (t) => {
  const { config, browser } = await start(t);
  const { url } = await authorizationUrl(config, 'http://localhost:49321/callback');
  const page = await browser.get(url.href);
  t.equal(page.status, 400);
  t.equal(page.location, null);
  t.match(page.body, 'is not registered');
});
