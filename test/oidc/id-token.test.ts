import t from 'tap';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { KeySelectionError, SIGNING_ALGS, loadIssuerKeys, type SigningAlg } from '../../src/crypto/keys.js';
import { silentLogger } from '../../src/observability/log.js';
import { OAuthError } from '../../src/oauth/errors.js';
import { openFileBackend } from '../../src/users/index.js';
import { signIdToken, type IdTokenInput } from '../../src/oidc/id-token.js';
import { halfHash } from '../../src/oidc/token-hash.js';
import { issuerJwks, oidcClient, writeUsersFile } from '../helpers/oidc-fixtures.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISSUER = 'https://auth.example.com';
const NOW_S = 1_750_000_000;
const ACCESS_TOKEN = 'gatehouse_at_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
const CODE = 'gatehouse_ac_CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC.DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD';

const keys = await loadIssuerKeys(issuerJwks());
const jwks = createLocalJWKSet(keys.jwks());
const users = await openFileBackend({ path: writeUsersFile(t.testdir({})), watch: false, logger: silentLogger });
t.teardown(() => users.close());
const deps = { keys, issuer: ISSUER, lifespanSeconds: 3600 };

function input(over: Partial<IdTokenInput> = {}): IdTokenInput {
  return {
    client: oidcClient(),
    subject: '0b6a2a8e-52c7-4f0b-9a53-0b8f3f2d1c11',
    username: 'john',
    scopes: ['openid', 'profile', 'email', 'groups'],
    auth_time_s: NOW_S - 120,
    amr: ['pwd', 'otp', 'mfa'],
    nonce: 'n-0S6_WzA2Mj',
    requested_at_s: NOW_S - 30,
    access_token: ACCESS_TOKEN,
    now_s: NOW_S,
    users,
    ...over,
  };
}

async function verify(jwt: string, clientId = 'app'): Promise<Record<string, unknown>> {
  const { payload } = await jwtVerify(jwt, jwks, { issuer: ISSUER, audience: clientId, currentDate: new Date(NOW_S * 1000), typ: 'JWT' });
  return payload;
}

t.test('OIDC Core §2, §3.1.3.6: every one of the nine algorithms signs a verifiable ID Token with exact claims', async (t) => {
  const kidOf: Record<SigningAlg, string> = {
    RS256: 'rsa', RS384: 'rsa', RS512: 'rsa', PS256: 'rsa', PS384: 'rsa', PS512: 'rsa', ES256: 'p256', ES384: 'p384', ES512: 'p521',
  };
  for (const alg of SIGNING_ALGS) {
    const jwt = await signIdToken(deps, input({ client: oidcClient({ id_token_signed_response_alg: alg }), code: CODE }));
    t.strictSame(decodeProtectedHeader(jwt), { alg, kid: kidOf[alg], typ: 'JWT' }, `${alg}: header alg, kid, typ`);
    const claims = await verify(jwt);
    t.match(claims['jti'], UUID_V4, `${alg}: jti is a UUIDv4`);
    t.strictSame(claims, {
      groups: ['admins', 'dev'],
      email: 'john@example.com',
      email_verified: true,
      alt_emails: ['jdoe@example.org', 'j@example.net'],
      preferred_username: 'john',
      name: 'John Doe',
      iss: ISSUER,
      sub: '0b6a2a8e-52c7-4f0b-9a53-0b8f3f2d1c11',
      aud: ['app'],
      exp: NOW_S + 3600,
      iat: NOW_S,
      rat: NOW_S - 30,
      jti: claims['jti'],
      amr: ['pwd', 'otp', 'mfa'],
      azp: 'app',
      auth_time: NOW_S - 120,
      nonce: 'n-0S6_WzA2Mj',
      at_hash: halfHash(ACCESS_TOKEN, alg),
      c_hash: halfHash(CODE, alg),
    }, `${alg}: exact claims`);
  }
});

t.test('jti is fresh for every token', async (t) => {
  const a = await verify(await signIdToken(deps, input()));
  const b = await verify(await signIdToken(deps, input()));
  t.not(a['jti'], b['jti']);
});

t.test('optional claims: no nonce, auth_time, at_hash or c_hash when there is nothing to carry', async (t) => {
  const claims = await verify(await signIdToken(deps, input({ nonce: undefined, auth_time_s: null, access_token: undefined, scopes: ['openid'] })));
  t.strictSame(Object.keys(claims).sort(), ['amr', 'aud', 'azp', 'exp', 'iat', 'iss', 'jti', 'rat', 'sub']);
});

t.test('scope claims come from the users backend now, for the granted scopes only', async (t) => {
  t.match(await verify(await signIdToken(deps, input({ scopes: ['openid', 'profile'] }))), { preferred_username: 'john', name: 'John Doe' });
  const noEmail = await verify(await signIdToken(deps, input({ scopes: ['openid', 'profile'] })));
  t.notOk('email' in noEmail, 'email not granted, not released');
  const single = await verify(await signIdToken(deps, input({ username: 'single', scopes: ['openid', 'email'] })));
  t.match(single, { email: 'single@example.com', email_verified: true, alt_emails: [] });
  const noUser = await verify(await signIdToken(deps, input({ username: null })));
  t.notOk('preferred_username' in noUser || 'groups' in noUser, 'no person, no scope claims');
});

t.test('a user deleted or disabled since the grant gets no ID Token (invalid_grant)', async (t) => {
  for (const username of ['gone', 'nobody']) {
    const err = await signIdToken(deps, input({ username })).then(() => null, (e: unknown) => e);
    t.ok(err instanceof OAuthError, username);
    t.match(err, { error: 'invalid_grant', description: 'The user of this grant no longer exists or is disabled.', status: 400 }, username);
  }
});

t.test('id_token_signed_response_key_id picks the key; a key that cannot sign the alg is refused', async (t) => {
  const jwt = await signIdToken(deps, input({ client: oidcClient({ id_token_signed_response_alg: 'ES384', id_token_signed_response_key_id: 'p384' }) }));
  t.equal(decodeProtectedHeader(jwt).kid, 'p384');
  await verify(jwt);
  await t.rejects(
    signIdToken(deps, input({ client: oidcClient({ id_token_signed_response_alg: 'RS256', id_token_signed_response_key_id: 'p256' }) })),
    new KeySelectionError("the issuer key 'p256' signs with ES256, not RS256"),
  );
});

t.test('RS256 is the default algorithm (OIDC Core §15.1)', async (t) => {
  t.equal(decodeProtectedHeader(await signIdToken(deps, input({ client: oidcClient() }))).alg, 'RS256');
});

t.test("'none' is never signed", async (t) => {
  await t.rejects(
    signIdToken(deps, input({ client: oidcClient({ id_token_signed_response_alg: 'none' }) })),
    new Error('ID Tokens are always signed: id_token_signed_response_alg must not be none'),
  );
});
