/**
 * Signed UserInfo (OIDC Core §5.3.2, 004 "User Information Signing Algorithm") and signed
 * introspection (RFC 9701, 004 "Introspection Signing Algorithm") over the real server, checked
 * by openid-client v6 (with non-repudiation, so it verifies the JWS against the discovered JWKS)
 * and by jose against /jwks.json.
 */
import t from 'tap';
import { randomUUID } from 'node:crypto';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { SigningAlg } from '../../src/crypto/keys.js';
import { grantSessionToJson } from '../../src/oauth/grant-session.js';
import { fixedClock } from '../../src/util/clock.js';
import { fixturePem } from '../helpers/fixture-keys.js';
import { startOidcServer } from '../helpers/oidc-fixtures.js';

type Server = Awaited<ReturnType<typeof startOidcServer>>;

const SECRET = 'signed-responses-secret-0123456789';
const JOHN_CLAIMS = {
  groups: ['admins', 'dev'],
  email: 'john@example.com',
  email_verified: true,
  alt_emails: ['jdoe@example.org', 'j@example.net'],
  preferred_username: 'john',
  name: 'John Doe',
};

/**
 * RSA keys for RS256 and PS256 and one P-256 key (test/fixtures/keys). The RS256 key alone would
 * also sign PS256 (the RSA fallback, which config validation accepts); the PS256 key of its own
 * shows that a key configured for an algorithm wins, and gives rs-ps256 a key id to pin.
 */
const JWKS = [
  { key_id: 'rsa', algorithm: 'RS256', key: fixturePem('rsa') },
  { key_id: 'rsa-ps', algorithm: 'PS256', key: fixturePem('rsaB') },
  { key_id: 'p256', algorithm: 'ES256', key: fixturePem('p256') },
];

const clientOf = (client_id: string, fields: Record<string, unknown> = {}): Record<string, unknown> => ({
  client_id,
  client_secret: `$plaintext$${SECRET}`,
  redirect_uris: ['https://app.example.com/cb'],
  scopes: ['openid', 'profile', 'email', 'groups'],
  ...fields,
});

const CLIENTS = [
  clientOf('plain'),
  clientOf('ui-rs256', { userinfo_signed_response_alg: 'RS256' }),
  clientOf('ui-ps256', { userinfo_signed_response_alg: 'PS256' }),
  clientOf('ui-es256', { userinfo_signed_response_alg: 'ES256', userinfo_signed_response_key_id: 'p256' }),
  clientOf('rs-es256', { introspection_signed_response_alg: 'ES256' }),
  clientOf('rs-ps256', { introspection_signed_response_alg: 'PS256', introspection_signed_response_key_id: 'rsa-ps' }),
];

async function seedAccessToken(server: Server, client_id: string): Promise<{ token: string; subject: string }> {
  const ctx = server.app.context;
  const nowMs = ctx.clock.nowMs();
  const subject = randomUUID();
  const scopes = ['openid', 'profile', 'email', 'groups'];
  const { token, signature } = ctx.oidc!.tokens.generate('at');
  await ctx.storage.tokens.create('access_token', {
    signature,
    request_id: randomUUID(),
    client_id,
    subject,
    requested_at_ms: nowMs,
    expires_at_ms: nowMs + 3_600_000,
    requested_scopes: scopes,
    granted_scopes: scopes,
    requested_audience: [],
    granted_audience: [],
    session: grantSessionToJson({ username: 'john', auth_time_s: Math.floor(nowMs / 1000), amr: ['pwd'], requested_at_s: Math.floor(nowMs / 1000) }),
  });
  return { token, subject };
}

/** openid-client for a client of CLIENTS, with its metadata and JWS verification on. */
async function rp(server: Server, client_id: string, metadata: Partial<client.ClientMetadata> = {}): Promise<client.Configuration> {
  const config = await client.discovery(new URL(server.issuer), client_id, { client_secret: SECRET, ...metadata }, client.ClientSecretBasic(SECRET), {
    execute: [client.allowInsecureRequests],
  });
  client.enableNonRepudiationChecks(config);
  return config;
}

const basic = (id: string): string => `Basic ${Buffer.from(`${id}:${SECRET}`).toString('base64')}`;

t.test('signed responses over the real server', async (t) => {
  const clock = fixedClock(Date.now());
  const server = await startOidcServer(t, { clock, oidc: { jwks: JWKS, clients: CLIENTS, enable_client_debug_messages: true } });
  const jwks: JWTVerifyGetKey = createRemoteJWKSet(new URL(`${server.url}/jwks.json`));
  const nowS = Math.floor(clock.nowMs() / 1000);

  t.test('OIDC Core §5.3.2: userinfo_signed_response_alg → application/jwt, a JWS with iss and aud', async (t) => {
    const rows: Array<[string, SigningAlg, string]> = [
      ['ui-rs256', 'RS256', 'rsa'],
      ['ui-ps256', 'PS256', 'rsa-ps'],
      ['ui-es256', 'ES256', 'p256'],
    ];
    for (const [client_id, alg, kid] of rows) {
      const { token, subject } = await seedAccessToken(server, client_id);
      const expected = { ...JOHN_CLAIMS, iss: server.issuer, aud: [client_id], sub: subject };

      const res = await fetch(`${server.url}/api/oidc/userinfo`, { headers: { Authorization: `Bearer ${token}` } });
      t.equal(res.status, 200, alg);
      t.equal(res.headers.get('content-type'), 'application/jwt; charset=utf-8', `${alg}: 004 content type`);
      t.equal(res.headers.get('cache-control'), 'no-store', `${alg}: still not cached`);
      const { payload, protectedHeader } = await jwtVerify(await res.text(), jwks, { algorithms: [alg], issuer: server.issuer, audience: client_id });
      t.strictSame(protectedHeader, { alg, kid }, `${alg}: signed by the key for the alg (or the pinned key id)`);
      t.strictSame(payload, expected, `${alg}: the same claims as the JSON answer`);

      const config = await rp(server, client_id, { userinfo_signed_response_alg: alg });
      t.strictSame({ ...(await client.fetchUserInfo(config, token, subject)) }, expected, `${alg}: openid-client verifies the JWS against jwks_uri`);
    }
  });

  t.test("userinfo_signed_response_alg 'none' (the default) → plain JSON", async (t) => {
    const { token, subject } = await seedAccessToken(server, 'plain');
    const res = await fetch(`${server.url}/api/oidc/userinfo`, { headers: { Authorization: `Bearer ${token}` } });
    t.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    t.strictSame(await res.json(), { ...JOHN_CLAIMS, iss: server.issuer, aud: ['plain'], sub: subject });
  });

  t.test('a token whose client is no longer configured → 401 invalid_token (no alg to answer with)', async (t) => {
    const { token } = await seedAccessToken(server, 'removed-client');
    const res = await fetch(`${server.url}/api/oidc/userinfo`, { headers: { Authorization: `Bearer ${token}` } });
    t.equal(res.status, 401);
    t.strictSame(await res.json(), { error: 'invalid_token', error_description: 'The client of the access token no longer exists.' });
  });

  t.test('OIDC Core §5.3.2: a client expecting another alg refuses the answer', async (t) => {
    const { token, subject } = await seedAccessToken(server, 'ui-rs256');
    const config = await rp(server, 'ui-rs256', { userinfo_signed_response_alg: 'ES256' });
    const err = await client.fetchUserInfo(config, token, subject).then(() => null, (e: unknown) => e);
    t.match(err, {
      code: 'OAUTH_INVALID_RESPONSE',
      cause: { message: 'unexpected JWT "alg" header parameter', cause: { expected: 'ES256', header: { alg: 'RS256', kid: 'rsa' } } },
    });
  });

  t.test('RFC 9701 §5: introspection_signed_response_alg → application/token-introspection+jwt', async (t) => {
    const { token, subject } = await seedAccessToken(server, 'plain');
    const answer = {
      active: true,
      scope: 'openid profile email groups',
      client_id: 'plain',
      token_type: 'Bearer',
      exp: nowS + 3600,
      iat: nowS,
      aud: [],
      iss: server.issuer,
      username: 'john',
      sub: subject,
    };
    // [caller, Accept header, alg, kid, rule]
    const rows: Array<[string, string | undefined, SigningAlg, string, string]> = [
      ['rs-es256', undefined, 'ES256', 'p256', '§6: the registered alg governs without an Accept header'],
      ['rs-es256', 'application/json', 'ES256', 'p256', '§6: the registered alg governs even over Accept: application/json'],
      ['rs-ps256', 'application/token-introspection+jwt', 'PS256', 'rsa-ps', 'the registered alg and key id'],
      ['plain', 'application/token-introspection+jwt', 'RS256', 'rsa', '§4: Accept without a registered alg → RS256, §6 default'],
      ['plain', 'application/json;q=0.5, Application/Token-Introspection+JWT', 'RS256', 'rsa', 'RFC 9110 §12.5.1: media types compare case-insensitively'],
    ];
    for (const [caller, accept, alg, kid, rule] of rows) {
      const res = await fetch(`${server.url}/api/oidc/introspection`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: basic(caller), ...(accept ? { Accept: accept } : {}) },
        body: new URLSearchParams({ token }).toString(),
      });
      t.equal(res.status, 200, rule);
      t.equal(res.headers.get('content-type'), 'application/token-introspection+jwt; charset=utf-8', `${rule}: 004 content type`);
      t.equal(res.headers.get('cache-control'), 'no-store', `${rule}: RFC 7662 answers are not cached`);
      const { payload, protectedHeader } = await jwtVerify(await res.text(), jwks, { algorithms: [alg], typ: 'token-introspection+jwt' });
      t.strictSame(protectedHeader, { alg, kid, typ: 'token-introspection+jwt' }, `${rule}: RFC 9701 §5 typ header`);
      t.strictSame(payload, { iss: server.issuer, aud: caller, iat: nowS, token_introspection: answer }, `${rule}: iss, aud = the caller, iat, token_introspection`);
    }
  });

  t.test('RFC 9701 §5: an inactive token is signed too, as {active:false}', async (t) => {
    const res = await fetch(`${server.url}/api/oidc/introspection`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: basic('rs-es256') },
      body: 'token=not-a-token',
    });
    const { payload } = await jwtVerify(await res.text(), jwks, { algorithms: ['ES256'] });
    t.strictSame(payload, { iss: server.issuer, aud: 'rs-es256', iat: nowS, token_introspection: { active: false } });
  });

  t.test('no registered alg and no JWT asked for → plain JSON (RFC 7662 §2.2)', async (t) => {
    const rows: Array<[string, string | undefined]> = [
      ['no Accept header', undefined],
      ['Accept: application/json', 'application/json'],
      ['Accept: */* is not a request for a JWT (RFC 9701 §4 names the type)', '*/*'],
      ['RFC 9110 §12.4.2: q=0 means "not acceptable"', 'application/token-introspection+jwt;q=0, application/json'],
    ];
    for (const [rule, accept] of rows) {
      const res = await fetch(`${server.url}/api/oidc/introspection`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: basic('plain'), ...(accept ? { Accept: accept } : {}) },
        body: 'token=not-a-token',
      });
      t.equal(res.headers.get('content-type'), 'application/json; charset=utf-8', rule);
      t.strictSame(await res.json(), { active: false }, rule);
    }
  });

  t.test('openid-client v6 tokenIntrospection verifies the RFC 9701 JWT', async (t) => {
    const { token, subject } = await seedAccessToken(server, 'ui-rs256');
    const rows: Array<[string, Partial<client.ClientMetadata>]> = [
      ['rs-es256', { introspection_signed_response_alg: 'ES256' }],
      ['rs-ps256', { introspection_signed_response_alg: 'PS256' }],
    ];
    for (const [caller, metadata] of rows) {
      const config = await rp(server, caller, metadata);
      const result = await client.tokenIntrospection(config, token);
      t.match(result, { active: true, client_id: 'ui-rs256', sub: subject, username: 'john' }, caller);
    }
  });
});
