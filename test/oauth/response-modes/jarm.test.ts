import t from 'tap';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { loadIssuerKeys } from '../../../src/crypto/keys.js';
import { JARM_LIFETIME_SECONDS, jarmAlgOf, jarmClaims, signJarmResponse } from '../../../src/oauth/response-modes/jarm.js';
import { issuerJwks } from '../../helpers/oidc-fixtures.js';

const ISSUER = 'https://auth.example.com';
const NOW_S = 1_700_000_000;

t.test('jarmAlgOf: JARM §3 — RS256 when unset (our none), else the client value', async (t) => {
  t.equal(jarmAlgOf({ authorization_signed_response_alg: 'none' }), 'RS256');
  t.equal(jarmAlgOf({ authorization_signed_response_alg: 'ES256' }), 'ES256');
  t.equal(jarmAlgOf({ authorization_signed_response_alg: 'PS512' }), 'PS512');
});

t.test('jarmClaims: JARM §2.1 — the parameters plus iss, aud (client_id), exp 10 minutes on; no parameter overrides them', async (t) => {
  t.equal(JARM_LIFETIME_SECONDS, 600);
  t.strictSame(jarmClaims(ISSUER, 'app', { code: 'c', state: 's', iss: ISSUER }, NOW_S), { code: 'c', state: 's', iss: ISSUER, aud: 'app', exp: NOW_S + 600, iat: NOW_S });
  t.strictSame(jarmClaims(ISSUER, 'app', { aud: 'evil', exp: '1', iss: 'https://evil.example' }, NOW_S), { aud: 'app', exp: NOW_S + 600, iss: ISSUER, iat: NOW_S });
});

t.test('signJarmResponse: JARM §2.2 — signed with the client alg (and pinned key id), verifiable against the JWKS', async (t) => {
  const keys = await loadIssuerKeys(issuerJwks());
  const jwks = createLocalJWKSet(keys.jwks());
  const rows: Array<{ name: string; alg: 'none' | 'ES384' | 'RS256'; kid?: string; header: Record<string, string> }> = [
    { name: 'none → RS256', alg: 'none', header: { alg: 'RS256', kid: 'rsa' } },
    { name: 'ES384', alg: 'ES384', header: { alg: 'ES384', kid: 'p384' } },
    { name: 'RS256 with a pinned key id', alg: 'RS256', kid: 'rsa', header: { alg: 'RS256', kid: 'rsa' } },
  ];
  for (const row of rows) {
    const client = { client_id: 'app', authorization_signed_response_alg: row.alg, ...(row.kid ? { authorization_signed_response_key_id: row.kid } : {}) };
    const jws = await signJarmResponse({ keys, issuer: ISSUER }, client, { code: 'abc', state: 'xyz' }, NOW_S);
    t.strictSame(decodeProtectedHeader(jws), row.header, `${row.name}: header`);
    const { payload } = await jwtVerify(jws, jwks, { issuer: ISSUER, audience: 'app', currentDate: new Date(NOW_S * 1000) });
    t.strictSame(payload, { code: 'abc', state: 'xyz', iss: ISSUER, aud: 'app', exp: NOW_S + 600, iat: NOW_S }, `${row.name}: claims`);
  }
});
