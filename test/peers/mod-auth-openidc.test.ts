/**
 * mod_auth_openidc (Debian's libapache2-mod-auth-openidc 2.4.12) as an unmodified relying party
 * of Gatehouse, signed into through the portal in real headless Chromium: Apache's protected
 * location → the portal's sign-in and consent → Apache's redirect URI → the protected page, an
 * SSI page that prints what mod_auth_openidc hands the application (OIDC_CLAIM_*, OIDC_access_token,
 * REMOTE_USER).
 *
 * One Apache, one vhost (port) per client, each with mod_auth_openidc's defaults and only what it
 * must trust: OIDCProviderMetadataURL, OIDCClientID/Secret, OIDCRedirectURI, OIDCCryptoPassphrase
 * (plain http on loopback needs no setting in 2.4.12: it only logs that https SHOULD be used).
 * The one setting a vhost changes beyond those is the feature it proves, named in its comment.
 * Defaults read in mod_auth_openidc v2.4.12.3 (auth_openidc.conf, src/proto.c): response type
 * `code`, scope `openid`, client_secret_basic with URL-encoded id and secret (RFC 6749 §2.3.1),
 * no PKCE unless OIDCPKCEMethod is set, no refresh unless asked for (its `refresh` hook on the
 * redirect URI, or OIDCRefreshAccessTokenBeforeExpiry); its logout hook revokes the session's tokens
 * at the advertised revocation_endpoint and goes on to the advertised end_session_endpoint
 * (RP-Initiated Logout 1.0); its `?logout=backchannel` hook takes Back-Channel Logout Tokens.
 */
import t, { type Test } from 'tap';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { hashPassword } from '../../src/crypto/password-hash/index.js';
import { OIDC_PATHS } from '../../src/util/paths.js';
import { parseEnvPage, SSI_DIRECTIVES, startApache, writeEnvPage, type RunningApache } from '../helpers/apache.js';
import { launchChromium } from '../helpers/chromium.js';
import { fixtureKeyPair } from '../helpers/fixture-keys.js';
import { freePort } from '../helpers/free-port.js';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';

const PASSWORD = 'correct horse';
/** RFC 6749 §2.3.1: mod_auth_openidc URL-encodes the id and secret in Basic; these must survive it. */
const SECRET = 'rp-secret:with/characters+to=escape&0123456789abcdef';
/** How long one page (portal, Apache, the redirect chain) may take. */
const STEP_TIMEOUT_MS = 15_000;
const PAGE = '/protected/env.shtml';
const REDIRECT_PATH = '/protected/redirect_uri';
/** The refresh client's access tokens live shorter than OIDCRefreshAccessTokenBeforeExpiry asks for. */
const SHORT_ACCESS_TOKEN_SECONDS = 30;

/** One relying party: a Gatehouse client and the vhost directives beyond the trust settings. */
interface RelyingParty {
  client: Record<string, unknown>;
  directives: string[];
  /** Extra locations inside the vhost. */
  locations?: string[];
}

const RP_KEY = fixtureKeyPair('rsaB');
const RP_PRIVATE_PEM = RP_KEY.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const RP_PUBLIC_PEM = RP_KEY.publicKey.export({ type: 'spki', format: 'pem' }).toString();

const relyingParties = (dir: string): Record<string, RelyingParty> => ({
  defaults: { client: {}, directives: [] },
  // The application asks for the claims it shows (OIDC Core §5.4); mod_auth_openidc asks for `openid` only.
  claims: { client: {}, directives: ['OIDCScope "openid profile email groups"'] },
  post: { client: { token_endpoint_auth_method: 'client_secret_post' }, directives: ['OIDCProviderTokenEndpointAuth client_secret_post'] },
  // With a refresh token (offline_access), for the logout below: two revocation calls.
  jwt: {
    client: { token_endpoint_auth_method: 'client_secret_jwt', grant_types: ['authorization_code', 'refresh_token'], scopes: ['openid', 'offline_access'] },
    directives: ['OIDCProviderTokenEndpointAuth client_secret_jwt', 'OIDCScope "openid offline_access"'],
  },
  // The key pair is a trust setting; the kid is mod_auth_openidc's own (the client JWKS it
  // publishes at <redirect_uri>?jwks=rsa), registered with Gatehouse as an operator would.
  private_key_jwt: {
    client: { token_endpoint_auth_method: 'private_key_jwt' },
    // (2.4.12 accepts private_key_jwt only after OIDCPrivateKeyFiles: src/parse.c.)
    directives: [`OIDCPrivateKeyFiles ${join(dir, 'rp.key.pem')}`, `OIDCPublicKeyFiles ${join(dir, 'rp.pub.pem')}`, 'OIDCProviderTokenEndpointAuth private_key_jwt'],
  },
  pkce: { client: { require_pkce: true, pkce_challenge_method: 'S256' }, directives: ['OIDCPKCEMethod S256'] },
  // Nothing to set on the Apache side: the access token is an RFC 9068 JWT, opaque to the RP.
  jwt_access_token: { client: { access_token_signed_response_alg: 'RS256' }, directives: [] },
  // OIDC Core §11: a refresh token is asked for with offline_access.
  refresh: {
    client: { grant_types: ['authorization_code', 'refresh_token'], scopes: ['openid', 'offline_access'], lifespan: 'short' },
    directives: ['OIDCScope "openid offline_access"'],
    locations: ['<Location /protected/eager>', `  OIDCRefreshAccessTokenBeforeExpiry ${2 * SHORT_ACCESS_TOKEN_SECONDS}`, '</Location>'],
  },
});
type RpName = 'defaults' | 'claims' | 'post' | 'jwt' | 'private_key_jwt' | 'pkce' | 'jwt_access_token' | 'refresh';

interface Setup {
  gatehouse: TestServer;
  issuer: string;
  apache: RunningApache;
  browser: Browser;
  origin(rp: RpName): string;
}

async function setUp(t: Test): Promise<Setup> {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'rp.key.pem'), RP_PRIVATE_PEM, { mode: 0o600 });
  writeFileSync(join(dir, 'rp.pub.pem'), RP_PUBLIC_PEM);
  const users = join(dir, 'users.yml');
  const digest = await hashPassword(PASSWORD, { algorithm: 'argon2', iterations: 1, memory: 1024, parallelism: 1 });
  writeFileSync(users, `users:\n  alice:\n    displayname: Alice Liddell\n    password: '${digest}'\n    email: alice@example.com\n    groups: [dev, ops]\n`);

  const gatehousePort = await freePort();
  const issuer = `http://localhost:${gatehousePort}`;
  const rps = relyingParties(dir);
  const names = Object.keys(rps) as RpName[];
  const passphrase = randomBytes(24).toString('base64url');
  // Apache first: mod_auth_openidc fetches the provider's metadata on the first request only, and
  // its client JWKS (for private_key_jwt) is read from its own jwks hook below.
  const apache = await startApache(t, {
    modules: ['auth_openidc', 'include', 'mime'],
    ports: names.length,
    sites: ({ htdocs, ports }) => {
      writeEnvPage(htdocs, PAGE);
      writeEnvPage(htdocs, `/protected/eager/env.shtml`);
      return names
        .map((name, i) => {
          const origin = `http://127.0.0.1:${ports[i]}`;
          return [
            `<VirtualHost 127.0.0.1:${ports[i]}>`,
            `  ServerName ${origin}`,
            // Trust settings: whom to trust, as which client, where the answers come back, a key for state and session.
            `  OIDCProviderMetadataURL ${issuer}/.well-known/openid-configuration`,
            `  OIDCClientID rp-${name}`,
            `  OIDCClientSecret "${SECRET}"`,
            `  OIDCRedirectURI ${origin}${REDIRECT_PATH}`,
            `  OIDCCryptoPassphrase ${passphrase}`,
            ...rps[name].directives.map((d) => `  ${d}`),
            '  <Location /protected>',
            '    AuthType openid-connect',
            '    Require valid-user',
            ...SSI_DIRECTIVES.map((d) => `    ${d}`),
            '  </Location>',
            ...(rps[name].locations ?? []).map((l) => `  ${l}`),
            '</VirtualHost>',
          ].join('\n');
        })
        .join('\n');
    },
  });
  const origin = (rp: RpName): string => apache.origin(names.indexOf(rp));
  const rpJwks = (await (await fetch(`${origin('private_key_jwt')}${REDIRECT_PATH}?jwks=rsa`)).json()) as { keys: Array<{ kid: string }> };
  const rpKid = rpJwks.keys[0]?.kid;
  if (rpKid === undefined) throw new Error(`mod_auth_openidc published no client key: ${JSON.stringify(rpJwks)}`);

  const gatehouse = await startTestServer(
    t,
    {
      server: { address: `tcp://127.0.0.1:${gatehousePort}` },
      authentication_backend: { file: { path: users, watch: false } },
      session: { cookies: [{ domain: 'localhost', authelia_url: issuer }] },
      identity_providers: {
        oidc: {
          issuer,
          lifespans: { custom: { short: { access_token: `${SHORT_ACCESS_TOKEN_SECONDS}s` } } },
          clients: names.map((name) => ({
            client_id: `rp-${name}`,
            client_name: `Apache ${name}`,
            client_secret: `$plaintext$${SECRET}`,
            authorization_policy: 'one_factor',
            redirect_uris: [`${origin(name)}${REDIRECT_PATH}`],
            // Where mod_auth_openidc's logout hook returns (RP-Initiated Logout 1.0 §3.1), and its
            // back-channel logout endpoint (Back-Channel Logout 1.0 §2.2): Gatehouse-side registration.
            post_logout_redirect_uris: [`${origin(name)}/`],
            backchannel_logout_uri: `${origin(name)}${REDIRECT_PATH}?logout=backchannel`,
            ...(name === 'private_key_jwt' ? { jwks: [{ key_id: rpKid, key: RP_PUBLIC_PEM }] } : {}),
            ...rps[name].client,
          })),
        },
      },
    },
    { dir },
  );
  const browser = await launchChromium();
  t.teardown(() => browser.close());
  return { gatehouse, issuer, apache, browser, origin };
}

/**
 * Opens Apache's protected page in a fresh browser profile, signs in on the portal, consents, and
 * returns the page back at Apache with the environment it printed.
 */
async function signIn(t: Test, s: Setup, rp: RpName): Promise<{ page: Page; env: Map<string, string> }> {
  const context = await s.browser.newContext();
  t.teardown(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const target = `${s.origin(rp)}${PAGE}`;
  await page.goto(target);
  t.equal(await page.title(), 'Sign in — Gatehouse', 'Apache sent the browser to the portal');
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Allow' }).waitFor();
  t.match(await page.title(), /^Allow access\?/, 'the consent page is shown');
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForURL(target).catch((err: Error) => Promise.reject(new Error(`${err.message}; stuck at ${page.url()}`)));
  return { page, env: await envOf(page) };
}

async function envOf(page: Page): Promise<Map<string, string>> {
  return parseEnvPage((await page.locator('#env').textContent()) ?? '');
}

async function introspect(s: Setup, token: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${s.gatehouse.url}${OIDC_PATHS.introspection}`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`rp-defaults:${encodeURIComponent(SECRET)}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }),
  });
  return (await res.json()) as Record<string, unknown>;
}

async function userinfo(s: Setup, token: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${s.gatehouse.url}${OIDC_PATHS.userinfo}`, { headers: { authorization: `Bearer ${token}` } });
  return (await res.json()) as Record<string, unknown>;
}

t.test('mod_auth_openidc (defaults) signs a person in through Gatehouse, in Chromium', async (t) => {
  const s = await setUp(t);

  /** <redirect_uri>?logout=<url>: mod_auth_openidc's logout, back to the vhost's root. */
  async function logout(page: Page, rp: RpName): Promise<void> {
    await page.goto(`${s.origin(rp)}${REDIRECT_PATH}?${new URLSearchParams({ logout: `${s.origin(rp)}/` }).toString()}`);
  }

  /** What every sign-in proves: the claims reach the application, and the access token it holds is live. */
  async function assertSignedIn(t: Test, env: Map<string, string>): Promise<void> {
    const accessToken = env.get('OIDC_access_token') ?? '';
    t.not(accessToken, '', 'the application received the access token');
    const info = await userinfo(s, accessToken);
    t.equal(env.get('OIDC_CLAIM_sub'), info['sub'], 'OIDC_CLAIM_sub is the subject Gatehouse gives alice');
    t.equal(env.get('OIDC_CLAIM_iss'), s.issuer);
    t.ok(env.get('REMOTE_USER')?.startsWith(String(info['sub'])), `REMOTE_USER is the subject (mod_auth_openidc's sub@issuer): ${env.get('REMOTE_USER')}`);
  }

  t.test('defaults: code flow, scope openid, client_secret_basic with a secret that needs URL-encoding', async (t) => {
    const { env } = await signIn(t, s, 'defaults');
    await assertSignedIn(t, env);
  });

  t.test('the claims the application asked for (OIDCScope "openid profile email groups") reach the page', async (t) => {
    const { env } = await signIn(t, s, 'claims');
    await assertSignedIn(t, env);
    t.equal(env.get('OIDC_CLAIM_name'), 'Alice Liddell');
    t.equal(env.get('OIDC_CLAIM_preferred_username'), 'alice');
    t.equal(env.get('OIDC_CLAIM_email'), 'alice@example.com');
    t.equal(env.get('OIDC_CLAIM_groups'), 'dev,ops');
  });

  for (const rp of ['post', 'private_key_jwt'] as const) {
    t.test(`client authentication ${rp === 'post' ? 'client_secret_post' : 'private_key_jwt'} (OIDCProviderTokenEndpointAuth)`, async (t) => {
      const { env } = await signIn(t, s, rp);
      await assertSignedIn(t, env);
    });
  }

  t.test('client authentication client_secret_jwt (OIDCProviderTokenEndpointAuth), and logout revokes the grant', async (t) => {
    const { page, env } = await signIn(t, s, 'jwt');
    await assertSignedIn(t, env);
    // At logout mod_auth_openidc 2.4.12 revokes the refresh token, then the access token, with one
    // client assertion built once (src/mod_auth_openidc.c oidc_revoke_tokens): the second call
    // reuses its jti, which Gatehouse refuses (OIDC Core §9: used once; RFC 7523 §3). Nothing is
    // left live: revoking the refresh token revoked its grant's access token (RFC 7009 §2.1).
    await logout(page, 'jwt');
    t.equal((await introspect(s, env.get('OIDC_access_token')!))['active'], false, 'the access token is revoked with its grant');
  });

  t.test('PKCE S256 (OIDCPKCEMethod; off by default in 2.4.12) with a client that requires it', async (t) => {
    const { env } = await signIn(t, s, 'pkce');
    await assertSignedIn(t, env);
  });

  t.test('a client with access_token_signed_response_alg: the RP holds an RFC 9068 JWT and signs in as with an opaque one', async (t) => {
    const { env } = await signIn(t, s, 'jwt_access_token');
    await assertSignedIn(t, env);
    t.equal(env.get('OIDC_access_token')?.split('.').length, 3, 'the access token is a JWS');
  });

  t.test('refresh: the redirect URI\'s refresh hook, then OIDCRefreshAccessTokenBeforeExpiry, each rotating the refresh token', async (t) => {
    const { page, env } = await signIn(t, s, 'refresh');
    await assertSignedIn(t, env);
    const first = env.get('OIDC_access_token')!;

    // The hook: <redirect_uri>?refresh=<return_to>&access_token=<the current one>, answered 302 to return_to.
    const back = `${s.origin('refresh')}${PAGE}`;
    await page.goto(`${s.origin('refresh')}${REDIRECT_PATH}?${new URLSearchParams({ refresh: back, access_token: first }).toString()}`);
    t.equal(page.url(), back, 'the hook returned to the page without an error_code');
    const second = (await envOf(page)).get('OIDC_access_token')!;
    t.not(second, first, 'the hook refreshed the access token');
    t.equal((await introspect(s, second))['active'], true, 'the new access token is active');
    t.equal((await introspect(s, first))['active'], false, 'the access token it replaced is retired');

    // Before expiry: the short lifespan is inside the threshold, so every request refreshes.
    const eager = `${s.origin('refresh')}/protected/eager/env.shtml`;
    await page.goto(eager);
    const third = (await envOf(page)).get('OIDC_access_token')!;
    t.not(third, second, 'OIDCRefreshAccessTokenBeforeExpiry refreshed the access token');
    await page.reload();
    const fourth = (await envOf(page)).get('OIDC_access_token')!;
    t.not(fourth, third, 'and again with the rotated refresh token (a reused one would revoke the grant)');
    const answer = await introspect(s, fourth);
    t.equal(answer['active'], true);
    t.equal(answer['client_id'], 'rp-refresh');
    t.equal(answer['exp'], Number(answer['iat']) + SHORT_ACCESS_TOKEN_SECONDS, 'the client\'s short lifespan');

    // Logout: mod_auth_openidc revokes the refresh and access tokens at the advertised
    // revocation_endpoint (RFC 7009), ends its session, and sends the browser to the advertised
    // end_session_endpoint with id_token_hint (RP-Initiated Logout 1.0), which ends the portal
    // session without asking (the hint's sid is this session's) and returns to the registered URI.
    await logout(page, 'refresh');
    t.equal(page.url(), `${s.origin('refresh')}/`, 'back at the post_logout_redirect_uri, not asked');
    t.equal((await introspect(s, fourth))['active'], false, 'the access token is revoked at logout');
    await page.goto(back);
    t.equal(await page.title(), 'Sign in — Gatehouse', 'signed out of Apache and of the portal: the protected page asks for a sign-in');
  });

  t.test('Back-Channel Logout 1.0: signing out on the portal ends the mod_auth_openidc session', async (t) => {
    const { page } = await signIn(t, s, 'defaults');
    await page.goto(`${s.issuer}/`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
    // Gatehouse POSTs the Logout Token in the background: the Apache session ends soon after.
    const target = `${s.origin('defaults')}${PAGE}`;
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    for (;;) {
      await page.goto(target);
      if (new URL(page.url()).origin === s.issuer) break;
      if (Date.now() > deadline) return void t.fail(`still signed in at Apache ${STEP_TIMEOUT_MS} ms after the portal sign-out`);
      await new Promise((r) => setTimeout(r, 100));
    }
    t.equal(await page.title(), 'Sign in — Gatehouse', 'the protected page asks for a sign-in again');
    const delivered = s.gatehouse.logger.records().filter((r) => r['msg'] === 'back-channel logout delivered' && r['client_id'] === 'rp-defaults');
    t.same(delivered.map((r) => r['attempt']), [1], 'mod_auth_openidc accepted the Logout Token at once (200)');
  });
});
