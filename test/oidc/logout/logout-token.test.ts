/** OIDC Back-Channel Logout 1.0 §2.4: the Logout Token's claims and header, verified as an RP would. */
import t from 'tap';
import { fixturePem } from '../../helpers/fixture-keys.js';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { loadIssuerKeys } from '../../../src/crypto/keys.js';
import { BACKCHANNEL_LOGOUT_EVENT, logoutTokenClaims, signLogoutToken } from '../../../src/oidc/logout/index.js';
import { oidcClient } from '../../helpers/oidc-fixtures.js';

const NOW_S = 1_700_000_000;

t.test('OIDC Back-Channel Logout 1.0 §2.4: iss, sub, aud, iat, exp, jti, events, sid; no nonce', async (t) => {
  const claims = logoutTokenClaims({ issuer: 'https://auth.example.com', client: oidcClient({ client_id: 'app' }), sub: 'sub-1', sid: 'sid-1', jti: 'j-1', now_s: NOW_S });
  t.strictSame(claims, {
    iss: 'https://auth.example.com',
    sub: 'sub-1',
    aud: 'app',
    iat: NOW_S,
    exp: NOW_S + 120,
    jti: 'j-1',
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    sid: 'sid-1',
  });
  t.notOk('nonce' in claims);
});

t.test('OIDC Back-Channel Logout 1.0 §2.4: typed logout+jwt, signed like the client\'s ID Tokens (alg and key id)', async (t) => {
  const keys = await loadIssuerKeys([{ key_id: 'rsa', algorithm: 'RS256', key: fixturePem('rsa') }, { key_id: 'ec', algorithm: 'ES256', key: fixturePem('p256') }]);
  const client = oidcClient({ client_id: 'app', id_token_signed_response_alg: 'ES256' });
  const token = await signLogoutToken(keys, { issuer: 'https://auth.example.com', client, sub: 'sub-1', sid: 'sid-1', jti: 'j-1', now_s: Math.floor(Date.now() / 1000) });
  const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(keys.jwks()), { issuer: 'https://auth.example.com', audience: 'app', typ: 'logout+jwt' });
  t.match(protectedHeader, { alg: 'ES256', kid: 'ec', typ: 'logout+jwt' });
  t.equal(payload.sid, 'sid-1');
});
