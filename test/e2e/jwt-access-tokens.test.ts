/**
 * RFC 9068 JWT access tokens over the real server, per client `access_token_signed_response_alg`:
 * oauth4webapi's strict `validateJwtAccessToken` accepts them against the server's jwks_uri for
 * the resource server's audience, and they stay what opaque tokens are — introspectable, usable at
 * userinfo and forward-auth (bearer strategy), revocable — while a JWT we did not sign as an access
 * token is refused by every endpoint.
 */
import t from 'tap';
import { createHash } from 'node:crypto';
import { fixtureKeyPair, fixturePem } from '../helpers/fixture-keys.js';
import { base64url, decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import { issueAuthorizationCode } from '../../src/oauth/authorization-code.js';
import { halfHash } from '../../src/oidc/token-hash.js';
import { writeUsersFile } from '../helpers/oidc-fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const SECRET = 'jwt-access-token-secret-0123456789';
const ISSUER = 'https://auth.example.com';
const CODE_VERIFIER = 'a-code-verifier-of-at-least-43-characters-0123456789';
/** The resource server: forward-auth protects it, and it is the audience its tokens must carry. */
const API = 'https://app.example.com/api';
const SUBJECT = 'f1c2a7e0-0000-4000-8000-000000000001';
const BEARER_SCOPE = 'authelia.bearer.authz';

const JWKS = [
  { key_id: 'rsa', algorithm: 'RS256', key: fixturePem('rsa') },
  { key_id: 'p256', algorithm: 'ES256', key: fixturePem('p256') },
];

const userClient = (client_id: string, fields: Record<string, unknown> = {}): Record<string, unknown> => ({
  client_id,
  client_secret: `$plaintext$${SECRET}`,
  redirect_uris: ['https://app.example.com/cb'],
  grant_types: ['authorization_code', 'refresh_token'],
  scopes: ['openid', 'offline_access', 'profile', BEARER_SCOPE],
  audience: [API],
  // The bearer token guide's rules for a client allowed authelia.bearer.authz.
  pkce_challenge_method: 'S256',
  response_modes: ['form_post', 'query'],
  ...fields,
});

const CLIENTS = [
  userClient('rs-app', { access_token_signed_response_alg: 'RS256' }),
  userClient('es-app', { access_token_signed_response_alg: 'ES256' }),
  userClient('plain'),
  {
    client_id: 'machine',
    client_secret: `$plaintext$${SECRET}`,
    redirect_uris: ['https://m.example.com/cb'],
    grant_types: ['client_credentials'],
    scopes: [BEARER_SCOPE],
    audience: [API],
    access_token_signed_response_alg: 'RS256',
  },
];

interface Server extends TestServer {
  /** The authorization server as the resource server knows it: the issuer, and its jwks_uri as served here. */
  as: oauth.AuthorizationServer;
}

async function start(): Promise<Server> {
  const server = await startTestServer(t, (dir) => ({
    authentication_backend: { file: { path: writeUsersFile(dir), watch: false } },
    session: { cookies: [{ domain: 'example.com', authelia_url: ISSUER }] },
    access_control: { default_policy: 'deny', rules: [{ domain: 'app.example.com', policy: 'one_factor' }] },
    identity_providers: { oidc: { issuer: ISSUER, jwks: JWKS, clients: CLIENTS, enable_client_debug_messages: true } },
  }));
  return { ...server, as: { issuer: ISSUER, jwks_uri: `${server.url}/jwks.json` } };
}

const basic = (id: string): string => `Basic ${Buffer.from(`${id}:${SECRET}`).toString('base64')}`;

async function post(server: Server, path: string, client_id: string, body: Record<string, string>): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: basic(client_id), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body).toString(),
  });
}

interface Tokens { access_token: string; refresh_token?: string; id_token?: string; scope?: string }

async function tokenRequest(server: Server, client_id: string, body: Record<string, string>): Promise<Tokens> {
  const res = await post(server, '/api/oidc/token', client_id, body);
  if (res.status !== 200) throw new Error(`token endpoint: ${res.status} ${await res.text()}`);
  return (await res.json()) as Tokens;
}

/** A code as the authorization endpoint issues it after john signed in with two factors, then its exchange. */
async function codeFlow(server: Server, client_id: string): Promise<Tokens & { auth_time: number }> {
  const { oidc, storage, clock } = server.app.context;
  const nowS = Math.floor(clock.nowMs() / 1000);
  const code = await issueAuthorizationCode(
    { storage, tokens: oidc!.tokens, config: oidc!.config, clients: oidc!.services.clients },
    {
      client_id,
      subject: SUBJECT,
      scopes: ['openid', 'offline_access', 'profile', BEARER_SCOPE],
      audience: [API],
      session: {
        username: 'john',
        auth_time_s: nowS - 5,
        amr: ['pwd', 'otp', 'mfa'],
        requested_at_s: nowS - 10,
        code_challenge: createHash('sha256').update(CODE_VERIFIER).digest('base64url'),
        code_challenge_method: 'S256',
      },
      nowMs: clock.nowMs(),
    },
  );
  return { ...(await tokenRequest(server, client_id, { grant_type: 'authorization_code', code, code_verifier: CODE_VERIFIER })), auth_time: nowS - 5 };
}

const clientCredentials = (server: Server): Promise<Tokens> =>
  tokenRequest(server, 'machine', { grant_type: 'client_credentials', scope: BEARER_SCOPE, audience: API });

/** RFC 9068 §4 as a resource server does it: oauth4webapi, strict, against the discovered jwks_uri. */
function validate(server: Server, token: string, audience = API): Promise<oauth.JWTAccessTokenClaims> {
  const request = new Request(`${API}/items`, { headers: { authorization: `Bearer ${token}` } });
  return oauth.validateJwtAccessToken(server.as, request, audience, { [oauth.allowInsecureRequests]: true });
}

const introspect = async (server: Server, token: string): Promise<Record<string, unknown>> =>
  (await (await post(server, '/api/oidc/introspection', 'machine', { token })).json()) as Record<string, unknown>;

const userinfo = (server: Server, token: string): Promise<Response> =>
  fetch(`${server.url}/api/oidc/userinfo`, { headers: { authorization: `Bearer ${token}` } });

/** GET https://app.example.com/api/items through /api/authz/forward-auth (bearer strategy). */
const forwardAuth = (server: Server, token: string): Promise<Response> =>
  fetch(`${server.url}/api/authz/forward-auth`, {
    headers: { authorization: `Bearer ${token}`, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com', 'x-forwarded-uri': '/api/items', 'x-forwarded-method': 'GET' },
  });

/** What introspection must say of an active JWT access token: the token's own claims (RFC 7662 §2.2 names). */
function introspectionOf(claims: oauth.JWTAccessTokenClaims, username?: string): Record<string, unknown> {
  return {
    active: true,
    scope: claims.scope,
    client_id: claims.client_id,
    token_type: 'Bearer',
    exp: claims.exp,
    iat: claims.iat,
    aud: claims.aud,
    iss: claims.iss,
    ...(username === undefined ? {} : { username }),
    sub: claims.sub,
  };
}

t.test('JWT access tokens over the real server', async (t) => {
  const server = await start();

  t.test('RFC 9068 §2.1, §4: access_token_signed_response_alg RS256 → an at+jwt that validateJwtAccessToken accepts for the resource server; refresh too; none (default) stays opaque', async (t) => {
    const tokens = await codeFlow(server, 'rs-app');
    t.strictSame(decodeProtectedHeader(tokens.access_token), { alg: 'RS256', kid: 'rsa', typ: 'at+jwt' });
    const claims = await validate(server, tokens.access_token);
    t.match(claims, {
      iss: ISSUER,
      sub: SUBJECT,
      aud: [API],
      client_id: 'rs-app',
      scope: 'openid offline_access profile authelia.bearer.authz',
      auth_time: tokens.auth_time,
      amr: ['pwd', 'otp', 'mfa'],
    });
    t.equal(claims.exp - claims.iat, 3600, 'lifespans.access_token');
    t.type(claims.jti, 'string');
    await t.rejects(validate(server, tokens.access_token, 'https://other.example.com'), { code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' }, 'RFC 9068 §4: another resource server refuses it');
    t.equal(decodeJwt(tokens.id_token!).at_hash, halfHash(tokens.access_token, 'RS256'), 'OIDC Core §3.1.3.6: at_hash over the JWT as issued');
    t.match(tokens.refresh_token, /^gatehouse_rt_/, 'refresh tokens stay opaque');

    const refreshed = await tokenRequest(server, 'rs-app', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    const again = await validate(server, refreshed.access_token);
    t.equal(again.sub, SUBJECT, 'RFC 6749 §6: the refreshed access token is a JWT too');
    t.not(again.jti, claims.jti);
    t.match(refreshed.refresh_token, /^gatehouse_rt_/);

    const plain = await codeFlow(server, 'plain');
    t.match(plain.access_token, /^gatehouse_at_[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/, "a client without the option still gets opaque tokens");
  });

  t.test('RFC 9068 §2.1: ES256 → signed with the P-256 key, accepted by validateJwtAccessToken', async (t) => {
    const tokens = await codeFlow(server, 'es-app');
    t.strictSame(decodeProtectedHeader(tokens.access_token), { alg: 'ES256', kid: 'p256', typ: 'at+jwt' });
    t.match(await validate(server, tokens.access_token), { sub: SUBJECT, aud: [API], client_id: 'es-app' });
  });

  t.test('RFC 9068 §2.2: client_credentials → sub is the client id; RFC 7662 introspection answers the same claims', async (t) => {
    const { access_token } = await clientCredentials(server);
    const claims = await validate(server, access_token);
    t.match(claims, { sub: 'machine', client_id: 'machine', aud: [API], scope: BEARER_SCOPE });
    t.notOk('auth_time' in claims, 'no person, no auth_time');
    t.strictSame(await introspect(server, access_token), introspectionOf(claims));
  });

  t.test('RFC 7662 §2.2, RFC 7009 §2.1: a JWT access token is introspectable, usable at userinfo and forward-auth, and refused by each once revoked', async (t) => {
    for (const client_id of ['rs-app', 'es-app']) {
      const { access_token } = await codeFlow(server, client_id);
      const claims = await validate(server, access_token);
      t.strictSame(await introspect(server, access_token), introspectionOf(claims, 'john'), `${client_id}: introspection`);
      const info = await userinfo(server, access_token);
      t.equal(info.status, 200, `${client_id}: userinfo`);
      t.match(await info.json(), { sub: SUBJECT, preferred_username: 'john' });
      const allowed = await forwardAuth(server, access_token);
      t.equal(allowed.status, 200, `${client_id}: forward-auth`);
      t.equal(allowed.headers.get('remote-user'), 'john');

      t.equal((await post(server, '/api/oidc/revocation', client_id, { token: access_token })).status, 200);
      t.strictSame(await introspect(server, access_token), { active: false }, `${client_id}: inactive once revoked`);
      t.equal((await userinfo(server, access_token)).status, 401, `${client_id}: userinfo refuses it`);
      t.equal((await forwardAuth(server, access_token)).status, 401, `${client_id}: forward-auth refuses it (cache evicted)`);
      t.equal((await validate(server, access_token)).sub, SUBJECT, `${client_id}: offline validation cannot see revocation; introspection and verify do`);
    }
    const { access_token } = await clientCredentials(server);
    t.equal((await forwardAuth(server, access_token)).status, 200, 'client_credentials: forward-auth');
    await post(server, '/api/oidc/revocation', 'machine', { token: access_token });
    t.equal((await forwardAuth(server, access_token)).status, 401, 'client_credentials: refused once revoked');
  });

  t.test('RFC 8725 §3.1, RFC 9068 §4: a JWT signed by another key, with alg none, or with a tampered payload is refused by every endpoint; the genuine one is not revoked by them', async (t) => {
    const { access_token } = await codeFlow(server, 'rs-app');
    t.equal(decodeProtectedHeader(access_token).typ, 'at+jwt');
    const [header, payload, signature] = access_token.split('.') as [string, string, string];
    const claims = decodeJwt(access_token);
    const forgeries: Array<[string, string]> = [
      ['another key, our kid', await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'rsa', typ: 'at+jwt' }).sign(fixtureKeyPair('rsaB').privateKey)],
      ['alg none, our signature kept', `${base64url.encode(JSON.stringify({ alg: 'none', kid: 'rsa', typ: 'at+jwt' }))}.${payload}.${signature}`],
      ['alg none, unsecured', `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt' }))}.${payload}.`],
      ['tampered payload, our signature kept', `${header}.${base64url.encode(JSON.stringify({ ...claims, sub: 'someone-else' }))}.${signature}`],
    ];
    t.equal((await forwardAuth(server, access_token)).status, 200, 'the genuine token passes (and is cached)');
    for (const [name, forged] of forgeries) {
      t.strictSame(await introspect(server, forged), { active: false }, `${name}: introspection`);
      t.equal((await userinfo(server, forged)).status, 401, `${name}: userinfo`);
      t.equal((await forwardAuth(server, forged)).status, 401, `${name}: forward-auth`);
      t.equal((await post(server, '/api/oidc/revocation', 'rs-app', { token: forged })).status, 200, `${name}: revocation answers 200 (RFC 7009 §2.2) …`);
    }
    t.equal((await introspect(server, access_token)).active, true, '… and revoked nothing: a forgery sharing its signature part never reached storage');
    t.equal((await forwardAuth(server, access_token)).status, 200);
  });
});
