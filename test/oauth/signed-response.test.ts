import t from 'tap';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { loadIssuerKeys, type SigningAlg } from '../../src/crypto/keys.js';
import { signResponse, signingAlgOf } from '../../src/oauth/signed-response.js';
import { issuerJwks } from '../helpers/oidc-fixtures.js';

const CLAIMS = { iss: 'https://auth.example.com', aud: ['app'], sub: 'f1c2a7e0', name: 'John Doe' };

t.test('signResponse: a JWS by the issuer key for the alg, verifiable against the public JWKS', async (t) => {
  const keys = await loadIssuerKeys(issuerJwks());
  const jwks = createLocalJWKSet(keys.jwks());
  const rows: Array<[SigningAlg, string]> = [
    ['RS256', 'rsa'],
    ['PS256', 'rsa'],
    ['RS512', 'rsa'],
    ['ES256', 'p256'],
    ['ES384', 'p384'],
    ['ES512', 'p521'],
  ];
  for (const [alg, kid] of rows) {
    const jwt = await signResponse(keys, { alg, claims: CLAIMS });
    const { payload, protectedHeader } = await jwtVerify(jwt, jwks, { algorithms: [alg] });
    t.strictSame(protectedHeader, { alg, kid }, `${alg}: RFC 7515 §4.1.1 alg, §4.1.4 kid of the selected key, no typ`);
    t.strictSame(payload, CLAIMS, `${alg}: the claims exactly as given`);
  }
});

t.test('signResponse: typ header (RFC 9701 §5) and a pinned key id', async (t) => {
  const keys = await loadIssuerKeys(issuerJwks());
  const jwt = await signResponse(keys, { alg: 'ES256', kid: 'p256', typ: 'token-introspection+jwt', claims: { iss: 'x' } });
  t.strictSame(decodeProtectedHeader(jwt), { alg: 'ES256', kid: 'p256', typ: 'token-introspection+jwt' });
});

t.test('signResponse: no key for the alg or kid → KeySelectionError (a 500, never an unsigned answer)', async (t) => {
  const keys = await loadIssuerKeys(issuerJwks().slice(0, 1));
  const rows: Array<[string, SigningAlg, string | undefined, string]> = [
    ['no EC key configured', 'ES256', undefined, 'no issuer key signs with ES256'],
    ['unknown key id', 'RS256', 'missing', "no issuer key has the key id 'missing'"],
    ['key id of a key that does not sign with the alg', 'ES256', 'rsa', "the issuer key 'rsa' signs with RS256, RS384, RS512, PS256, PS384, PS512, not ES256"],
  ];
  for (const [rule, alg, kid, message] of rows) {
    await t.rejects(signResponse(keys, { alg, kid, claims: {} }), { name: 'KeySelectionError', message }, rule);
  }
});

t.test('signingAlgOf: none (the default of *_signed_response_alg) means plain JSON', async (t) => {
  t.equal(signingAlgOf('none'), null);
  t.equal(signingAlgOf(undefined), null);
  t.equal(signingAlgOf('PS384'), 'PS384');
});
