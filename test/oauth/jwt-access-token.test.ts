/**
 * RFC 9068 access tokens: the claim set (pure), the header, the storage signature, and the proof a
 * presented JWT must give before any look-up (signed by one of our published keys, typ at+jwt).
 */
import t from 'tap';
import { createHash } from 'node:crypto';
import { fixtureKeyPair } from '../helpers/fixture-keys.js';
import { base64url, decodeJwt, decodeProtectedHeader, SignJWT, UnsecuredJWT } from 'jose';
import { loadIssuerKeys } from '../../src/crypto/keys.js';
import { createOpaqueTokenStrategy } from '../../src/crypto/opaque-token.js';
import {
  AT_JWT_TYP,
  claimedJwtSignature,
  jwtAccessTokenClaims,
  signJwtAccessToken,
  verifiedJwtSignature,
} from '../../src/oauth/jwt-access-token.js';
import { accessTokenSignatureOf, claimedAccessTokenSignatureOf } from '../../src/oauth/access-token.js';
import { mintAccessToken, type IssuableGrant } from '../../src/oauth/token-issuer.js';
import { halfHash } from '../../src/oidc/token-hash.js';
import { issuerJwks, oidcClient } from '../helpers/oidc-fixtures.js';

const ISSUER = 'https://auth.example.com';
const NOW_S = 1_700_000_000;
const API = 'https://api.example.com';
const keys = await loadIssuerKeys(issuerJwks());
const tokens = createOpaqueTokenStrategy('a-jwt-access-token-test-hmac-secret');

function grantOf(fields: Partial<IssuableGrant> & { alg?: string } = {}): IssuableGrant {
  const { alg = 'RS256', ...rest } = fields;
  return {
    request_id: 'req-1',
    client: oidcClient({ client_id: 'app', access_token_signed_response_alg: alg, scopes: ['openid', 'read', 'offline_access'], audience: [API] }),
    subject: 'f1c2a7e0-0000-4000-8000-000000000001',
    requested_scopes: ['openid', 'read'],
    granted_scopes: ['openid', 'read'],
    requested_audience: [API],
    granted_audience: [API],
    session: { username: 'john', auth_time_s: NOW_S - 30, amr: ['pwd', 'otp', 'mfa'], requested_at_s: NOW_S - 40 },
    ...rest,
  };
}

const CLAIM_CASES: Array<{ rule: string; grant: IssuableGrant; claims: Record<string, unknown> }> = [
  {
    rule: "RFC 9068 §2.2 a person's grant: sub, aud, client_id, scope, auth_time, amr",
    grant: grantOf(),
    claims: {
      iss: ISSUER,
      sub: 'f1c2a7e0-0000-4000-8000-000000000001',
      aud: [API],
      exp: NOW_S + 3600,
      iat: NOW_S,
      nbf: NOW_S,
      jti: 'jti-1',
      client_id: 'app',
      scope: 'openid read',
      auth_time: NOW_S - 30,
      amr: ['pwd', 'otp', 'mfa'],
    },
  },
  {
    rule: 'RFC 9068 §2.2 aud is required: no granted audience → the client id (as Authelia)',
    grant: grantOf({ granted_audience: [], requested_audience: [] }),
    claims: {
      iss: ISSUER, sub: 'f1c2a7e0-0000-4000-8000-000000000001', aud: ['app'], exp: NOW_S + 3600, iat: NOW_S, nbf: NOW_S, jti: 'jti-1',
      client_id: 'app', scope: 'openid read', auth_time: NOW_S - 30, amr: ['pwd', 'otp', 'mfa'],
    },
  },
  {
    rule: 'RFC 9068 §2.2 client_credentials: sub is the client id; no auth_time, no amr',
    grant: grantOf({ subject: null, session: { username: null, auth_time_s: null, amr: [], requested_at_s: NOW_S } }),
    claims: { iss: ISSUER, sub: 'app', aud: [API], exp: NOW_S + 3600, iat: NOW_S, nbf: NOW_S, jti: 'jti-1', client_id: 'app', scope: 'openid read' },
  },
  {
    rule: 'RFC 9068 §2.2.3 no scope granted: no scope claim',
    grant: grantOf({ granted_scopes: [], requested_scopes: [], subject: null, session: { username: null, auth_time_s: null, amr: [], requested_at_s: NOW_S } }),
    claims: { iss: ISSUER, sub: 'app', aud: [API], exp: NOW_S + 3600, iat: NOW_S, nbf: NOW_S, jti: 'jti-1', client_id: 'app' },
  },
];

for (const { rule, grant, claims } of CLAIM_CASES) {
  t.test(rule, async (t) => {
    t.strictSame(jwtAccessTokenClaims({ issuer: ISSUER, grant, jti: 'jti-1', now_s: NOW_S, expires_in: 3600 }), claims);
  });
}

const signed = (grant: IssuableGrant, alg: 'RS256' | 'ES256' = 'RS256') => signJwtAccessToken({ keys, issuer: ISSUER }, alg, { grant, now_s: NOW_S, expires_in: 3600 });
const sha256 = (value: string): string => createHash('sha256').update(value).digest('base64url');

for (const [alg, kid] of [['RS256', 'rsa'], ['ES256', 'p256']] as const) {
  t.test(`RFC 9068 §2.1 ${alg}: header typ at+jwt with the issuer key's kid; stored by the SHA-256 of the signature part; verifies`, async (t) => {
    const { token, signature, audience } = await signed(grantOf({ alg }), alg);
    t.strictSame(decodeProtectedHeader(token), { alg, kid, typ: AT_JWT_TYP });
    t.equal(signature, sha256(token.split('.')[2]));
    t.equal(signature.length, 43);
    t.strictSame(audience, [API]);
    t.equal(decodeJwt(token).client_id, 'app');
    t.equal(claimedJwtSignature(token), signature, 'the claimed signature is the stored one');
    t.equal(await verifiedJwtSignature(keys, token), signature);
    t.equal(await accessTokenSignatureOf({ tokens, keys }, token), signature, 'the one access-token proof takes it');
    t.equal(claimedAccessTokenSignatureOf({ tokens }, token), signature);
  });
}

t.test('RFC 9068 §4 a presented JWT is refused before any look-up unless our key signed it as an access token', async (t) => {
  const { token } = await signed(grantOf());
  const [header, payload, sig] = token.split('.') as [string, string, string];
  const claims = decodeJwt(token);
  const otherKey = fixtureKeyPair('rsaB').privateKey;
  const cases: Array<[string, string]> = [
    ['signed by another key with our kid', await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'rsa', typ: AT_JWT_TYP }).sign(otherKey)],
    ['alg none, our signature kept (RFC 8725 §3.1)', `${base64url.encode(JSON.stringify({ alg: 'none', kid: 'rsa', typ: AT_JWT_TYP }))}.${payload}.${sig}`],
    ['alg none, unsecured (RFC 7519 §6)', new UnsecuredJWT(claims).encode()],
    ['tampered payload, signature kept', `${header}.${base64url.encode(JSON.stringify({ ...claims, scope: 'openid read admin' }))}.${sig}`],
    ['our key, typ JWT (an ID Token is not an access token)', await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'rsa', typ: 'JWT' }).sign(keys.select('RS256').privateKey)],
    ['our key, an alg it does not sign with (HS256 with the public key)', await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: 'rsa', typ: AT_JWT_TYP }).sign(new TextEncoder().encode(JSON.stringify(keys.jwks())))],
    ['an empty signature', `${header}.${payload}.`],
    ['over 8 KiB', `${header}.${payload}${'A'.repeat(8192)}.${sig}`],
  ];
  for (const [name, forged] of cases) {
    t.equal(await verifiedJwtSignature(keys, forged), null, name);
    t.equal(await accessTokenSignatureOf({ tokens, keys }, forged), null, `${name}: not an opaque token either`);
  }
});

t.test('an opaque access token keeps its HMAC proof; a JWT is not read as one', async (t) => {
  const opaque = tokens.generate('at');
  t.equal(await accessTokenSignatureOf({ tokens, keys }, opaque.token), opaque.signature);
  t.equal(claimedJwtSignature(opaque.token), null);
  t.equal(await verifiedJwtSignature(keys, opaque.token), null);
});

t.test("mintAccessToken: opaque for access_token_signed_response_alg 'none', an at+jwt otherwise, its row holding the token's aud", async (t) => {
  const deps = { tokens, keys, issuer: ISSUER, config: { lifespans: { access_token: 3600, authorize_code: 60, id_token: 3600, refresh_token: 5400, custom: {} } } };
  const opaque = await mintAccessToken(deps, grantOf({ alg: 'none', granted_audience: [] }), NOW_S * 1000);
  t.match(opaque.token, /^gatehouse_at_/);
  t.strictSame(opaque.record.granted_audience, []);
  const jwt = await mintAccessToken(deps, grantOf({ granted_audience: [] }), NOW_S * 1000);
  t.equal(decodeProtectedHeader(jwt.token).typ, AT_JWT_TYP);
  t.equal(jwt.record.signature, jwt.signature);
  t.strictSame(jwt.record.granted_audience, ['app'], 'introspection answers the aud the token carries');
  t.equal(jwt.record.expires_at_ms, (NOW_S + 3600) * 1000);
  t.equal(decodeJwt(jwt.token).exp, NOW_S + 3600, 'the row and the token expire together');
  t.not(halfHash(jwt.token, 'RS256'), halfHash(opaque.token, 'RS256'));
});
