/** RFC 9101 (JAR) and OIDC Core §6.1 request objects: verification, claim binding, replay and the parameter merge. */
import t, { type Test } from 'tap';
import type { KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';
import { createClientRegistry } from '../../../src/oauth/clients.js';
import { mergeParameters, resolveRequestObject, type RequestObjectDeps } from '../../../src/oauth/authorize/request-object.js';
import { PAR_URN_PREFIX } from '../../../src/oauth/authorize/resolve-par.js';
import { silentLogger } from '../../../src/observability/log.js';
import { openStorage } from '../../../src/storage/index.js';
import { fixtureKeyPair } from '../../helpers/fixture-keys.js';
import { oidcClient } from '../../helpers/oidc-fixtures.js';

const NOW = 1_700_000_000_000;
const NOW_S = NOW / 1000;
const ISSUER = 'https://auth.example.com';
const SECRET = 'a-plaintext-secret-of-at-least-32-bytes!!';
const ARGON2 = '$argon2id$v=19$m=65536,t=3,p=4$a0ToIRTmXntJHBfs92utJA$RQfooyEOV3TqN9nERDoB1sjdHr8/mcKAZ1tvACTwL5o';

const rsa = fixtureKeyPair('rsa');
const otherRsa = fixtureKeyPair('rsaB');
const pem = (key: KeyObject): string => key.export({ type: 'spki', format: 'pem' }).toString();

const clients = createClientRegistry([
  oidcClient({ client_id: 'rs', public: true, client_secret: undefined, token_endpoint_auth_method: 'none', request_object_signing_alg: 'RS256', jwks: [{ key_id: 'k1', algorithm: 'RS256', key: pem(rsa.publicKey) }] }),
  oidcClient({ client_id: 'any', public: true, client_secret: undefined, token_endpoint_auth_method: 'none', jwks: [{ key_id: 'k1', key: pem(rsa.publicKey) }] }),
  oidcClient({ client_id: 'hs', client_secret: `$plaintext$${SECRET}`, token_endpoint_auth_method: 'client_secret_jwt', request_object_signing_alg: 'HS256' }),
  oidcClient({ client_id: 'digest', client_secret: ARGON2, request_object_signing_alg: 'HS256' }),
  oidcClient({ client_id: 'unsigned', request_object_signing_alg: 'none' }),
]);

async function deps(t: Test, extra: Partial<RequestObjectDeps> = {}): Promise<RequestObjectDeps> {
  const storage = await openStorage({ local: { path: join(t.testdir({}), 'db.sqlite3') }, encryption_key: 'a-jar-test-encryption-key-of-some-length' }, { logger: silentLogger, migrate: true });
  t.teardown(() => storage.close());
  return { clients, issuer: ISSUER, nowMs: NOW, jwtBlacklist: storage.jwtBlacklist, ...extra };
}

function rs256(claims: JWTPayload, key: KeyObject = rsa.privateKey, alg = 'RS256', kid = 'k1'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg, kid }).sign(key);
}
function hs(claims: JWTPayload, secret = SECRET, alg = 'HS256'): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret));
}
function query(client_id: string, request: string, extra: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({ client_id, request, ...extra });
}

const BASE = { iss: 'rs', aud: ISSUER, exp: NOW_S + 60, client_id: 'rs', response_type: 'code', redirect_uri: 'https://app.example.com/cb', scope: 'openid profile' };

t.test('RS256 with the client jwks: the claims become the parameters, object wins, query fills the rest (RFC 9101 §6.3, OIDC Core §6.3.3)', async (t) => {
  const d = await deps(t);
  const jwt = await rs256({ ...BASE, audience: ['https://api.example.com', 'https://b.example.com'], max_age: 300, claims: { id_token: { email: null } }, jti: 'one' });
  const resolved = await resolveRequestObject(query('rs', jwt, { response_type: 'code', scope: 'openid admin', state: 'xyz', nonce: 'n-0S6' }), d);
  t.same(Object.fromEntries(resolved), {
    client_id: 'rs',
    response_type: 'code',
    redirect_uri: 'https://app.example.com/cb',
    scope: 'openid profile',
    audience: 'https://api.example.com https://b.example.com',
    max_age: '300',
    claims: '{"id_token":{"email":null}}',
    state: 'xyz',
    nonce: 'n-0S6',
  }, 'iss/aud/exp/jti dropped, request dropped, the object scope wins over the query scope');
  t.equal(resolved.has('request'), false);
});

t.test('HS256 keyed with the client plaintext secret (client_secret_jwt)', async (t) => {
  const d = await deps(t);
  const jwt = await hs({ iss: 'hs', aud: [ISSUER, 'other'], scope: 'openid' });
  t.same(Object.fromEntries(await resolveRequestObject(query('hs', jwt), d)), { scope: 'openid', client_id: 'hs' });
});

t.test('none accepted when the client registers request_object_signing_alg: none, or no algorithm (OIDC Registration §2)', async (t) => {
  const d = await deps(t);
  const jwt = new UnsecuredJWT({ scope: 'openid email' }).encode();
  t.same(Object.fromEntries(await resolveRequestObject(query('unsigned', jwt), d)), { scope: 'openid email', client_id: 'unsigned' });
  t.same(Object.fromEntries(await resolveRequestObject(query('any', jwt), d)), { scope: 'openid email', client_id: 'any' }, 'no algorithm registered: any supported one, none included');
});

t.test('no alg registered: any signed algorithm with a fitting key', async (t) => {
  const d = await deps(t);
  const jwt = await rs256({ scope: 'openid' }, rsa.privateKey, 'PS256');
  t.same(Object.fromEntries(await resolveRequestObject(query('any', jwt), d)), { scope: 'openid', client_id: 'any' });
});

t.test('without request: the query unchanged; a PAR request_uri is left to resolvePushedRequest, any other to the checks', async (t) => {
  const d = await deps(t);
  const plain = new URLSearchParams({ client_id: 'rs', scope: 'openid' });
  t.equal(await resolveRequestObject(plain, d), plain);
  const par = new URLSearchParams({ client_id: 'rs', request_uri: `${PAR_URN_PREFIX}abc` });
  t.equal(await resolveRequestObject(par, d), par);
  const remote = new URLSearchParams({ client_id: 'rs', request_uri: 'https://rp.example/req.jwt' });
  t.equal(await resolveRequestObject(remote, d), remote, 'refused as request_uri_not_supported once the redirect URI is trusted (check-request-uri.ts)');
});

t.test('rejections, each with its exact error (RFC 9101 §6, OIDC Core §6.1, RFC 7519 §4.1)', async (t) => {
  const d = await deps(t);
  const valid = await rs256(BASE);
  const [h, p, s] = valid.split('.');
  const tampered = `${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`;
  const cases: Array<[string, URLSearchParams | Promise<URLSearchParams>, string, string]> = [
    ['RFC 9101 §5: request and request_uri together', new URLSearchParams({ client_id: 'rs', request: valid, request_uri: `${PAR_URN_PREFIX}abc` }), 'invalid_request', "The 'request' and 'request_uri' parameters must not be used together."],
    ['client_id is required', new URLSearchParams({ request: valid }), 'invalid_request', "The 'client_id' parameter is missing."],
    ['unknown client', query('nobody', valid), 'invalid_client', "No client is registered with the id 'nobody'."],
    ['unsigned where a signature is required', query('rs', new UnsecuredJWT(BASE).encode()), 'invalid_request_object', "The request object must be signed for the client 'rs'."],
    ['unsigned where HS256 is registered', query('hs', new UnsecuredJWT({}).encode()), 'invalid_request_object', "The request object must be signed for the client 'hs'."],
    ['wrong alg (PS256 for an RS256 client)', rs256(BASE, rsa.privateKey, 'PS256').then((jwt) => query('rs', jwt)), 'invalid_request_object', "The request object must be signed with 'RS256' for the client 'rs', not 'PS256'."],
    ['wrong alg (HS256 for an RS256 client)', hs(BASE).then((jwt) => query('rs', jwt)), 'invalid_request_object', "The request object must be signed with 'RS256' for the client 'rs', not 'HS256'."],
    ['wrong aud', rs256({ ...BASE, aud: 'https://elsewhere.example' }).then((jwt) => query('rs', jwt)), 'invalid_request_object', `The request object 'aud' must include the issuer '${ISSUER}'.`],
    ['wrong iss', rs256({ ...BASE, iss: 'someone' }).then((jwt) => query('rs', jwt)), 'invalid_request_object', "The request object 'iss' must be the client id 'rs'."],
    ['expired (exp equal to now)', rs256({ ...BASE, exp: NOW_S }).then((jwt) => query('rs', jwt)), 'invalid_request_object', 'The request object has expired.'],
    ['not valid yet (nbf)', rs256({ ...BASE, nbf: NOW_S + 10 }).then((jwt) => query('rs', jwt)), 'invalid_request_object', 'The request object is not valid yet.'],
    ['OIDC Core §6.1: mismatched client_id claim', rs256({ ...BASE, iss: undefined, client_id: 'any' }).then((jwt) => query('rs', jwt)), 'invalid_request_object', "The request object 'client_id' does not match the 'client_id' parameter 'rs'."],
    ['OIDC Core §6.1: mismatched response_type', rs256(BASE).then((jwt) => query('rs', jwt, { response_type: 'id_token' })), 'invalid_request_object', "The request object 'response_type' does not match the 'response_type' parameter 'id_token'."],
    ['RFC 9101 §4: nested request claim', rs256({ ...BASE, request_uri: 'https://x' }).then((jwt) => query('rs', jwt)), 'invalid_request_object', "The request object must not contain 'request' or 'request_uri'."],
    ['tampered signature', query('rs', tampered), 'invalid_request_object', 'The request object signature is invalid.'],
    ['signed by another key', rs256(BASE, otherRsa.privateKey).then((jwt) => query('rs', jwt)), 'invalid_request_object', 'The request object signature is invalid.'],
    ['unknown kid', rs256(BASE, rsa.privateKey, 'RS256', 'k2').then((jwt) => query('rs', jwt)), 'invalid_request_object', "No key of the client 'rs' can verify a 'RS256' request object."],
    ['HS256 with the wrong secret', hs({ iss: 'hs' }, 'another-secret-of-at-least-32-bytes!!!!').then((jwt) => query('hs', jwt)), 'invalid_request_object', 'The request object signature is invalid.'],
    ['HS256 for a client whose secret is a digest', hs({ iss: 'digest' }).then((jwt) => query('digest', jwt)), 'invalid_request_object', "The client 'digest' has no plaintext secret to verify an HMAC request object."],
    ['not a JWT', query('rs', 'not-a-jwt'), 'invalid_request_object', 'The request object is not a valid JWT.'],
    ['encrypted (JWE) request object', query('rs', 'a.b.c.d.e'), 'invalid_request_object', 'Encrypted request objects are not supported.'],
  ];
  for (const [name, input, error, description] of cases) {
    await t.rejects(resolveRequestObject(await input, d), { name: 'OAuthError', error, description }, name);
  }
});

t.test('RFC 7519 §4.1.7: a jti is single use per client, kept until exp', async (t) => {
  const d = await deps(t);
  const jwt = await rs256({ ...BASE, jti: 'once' });
  await resolveRequestObject(query('rs', jwt), d);
  await t.rejects(resolveRequestObject(query('rs', jwt), d), { error: 'invalid_request_object', description: 'The request object has already been used.' } as Error & { error: string; description: string }, 'replayed jti');
  const other = await rs256({ ...BASE, iss: 'any', client_id: 'any', jti: 'once' });
  t.ok(await resolveRequestObject(query('any', other), d), 'the same jti from another client is another key');
  t.ok(await resolveRequestObject(query('rs', jwt), { ...d, jwtBlacklist: undefined }), 'without a blacklist, jti is not tracked');
  await t.rejects(resolveRequestObject(query('rs', await rs256({ ...BASE, jti: 7 } as unknown as JWTPayload)), d), { description: "The request object 'jti' must be a non-empty string." } as Error & { description: string });
});

t.test('a custom client key resolver is used for asymmetric algorithms', async (t) => {
  const d = await deps(t, { clientKeys: () => Promise.resolve(otherRsa.publicKey) });
  const jwt = await rs256(BASE, otherRsa.privateKey);
  t.equal((await resolveRequestObject(query('rs', jwt), d)).get('scope'), 'openid profile');
});

t.test('mergeParameters: repeated query values kept when the object does not name them', async (t) => {
  const merged = mergeParameters({ scope: 'openid', prompt: 'none', ui_locales: null, nonce_flag: true }, new URLSearchParams('audience=a&audience=b&scope=x&request=r'));
  t.same([...merged], [['scope', 'openid'], ['prompt', 'none'], ['nonce_flag', 'true'], ['audience', 'a'], ['audience', 'b']]);
});
