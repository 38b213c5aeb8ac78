/** The claims of a client assertion (RFC 7523 §3, OIDC Core §9, 004 "Client Assertion Audience"), with a fixed time. */
import t from 'tap';
import type { JWTPayload } from 'jose';
import { DEFAULT_ASSERTION_POLICY, checkAssertionClaims } from '../../../src/oauth/client-auth/assertion-claims.js';

const NOW_S = 1_700_000_000;
const AUD = 'https://auth.example.com/api/oidc/token';
const policy = { ...DEFAULT_ASSERTION_POLICY, client_id: 'rp', tokenEndpointUrl: 'https://Auth.Example.com/api/oidc/token' };
const valid: JWTPayload = { iss: 'rp', sub: 'rp', aud: AUD, exp: NOW_S + 60, iat: NOW_S, jti: 'j1' };

t.test('RFC 7523 §3: each rule, one failing claim at a time', async (t) => {
  const cases: Array<{ rule: string; payload: JWTPayload; result: ReturnType<typeof checkAssertionClaims> }> = [
    { rule: 'a valid assertion yields its jti and exp', payload: valid, result: { jti: 'j1', expSeconds: NOW_S + 60 } },
    { rule: '004: aud in an array, compared in lowercase', payload: { ...valid, aud: ['other', AUD.toUpperCase()] }, result: { jti: 'j1', expSeconds: NOW_S + 60 } },
    { rule: 'rule 1: iss', payload: { ...valid, iss: 'x' }, result: "The client assertion's 'iss' claim must be the client_id (RFC 7523 §3 rule 1)." },
    { rule: 'rule 2.B: sub', payload: { ...valid, sub: undefined }, result: "The client assertion's 'sub' claim must be the client_id (RFC 7523 §3 rule 2.B)." },
    { rule: 'rule 3: aud missing', payload: { ...valid, aud: undefined }, result: `The client assertion's 'aud' claim must contain the token endpoint URL '${AUD}' (RFC 7523 §3 rule 3).` },
    { rule: 'rule 3: the issuer is not the token endpoint', payload: { ...valid, aud: 'https://auth.example.com' }, result: `The client assertion's 'aud' claim must contain the token endpoint URL '${AUD}' (RFC 7523 §3 rule 3).` },
    { rule: 'rule 4: exp missing', payload: { ...valid, exp: undefined }, result: "The client assertion has no 'exp' claim (RFC 7523 §3 rule 4)." },
    { rule: 'exp at the bound (1 h + skew) is accepted', payload: { ...valid, exp: NOW_S + 3630 }, result: { jti: 'j1', expSeconds: NOW_S + 3630 } },
    { rule: 'exp past the bound', payload: { ...valid, exp: NOW_S + 3631 }, result: "The client assertion's 'exp' claim is more than 3600 seconds in the future." },
    { rule: 'rule 6: iat within the skew', payload: { ...valid, iat: NOW_S + 30 }, result: { jti: 'j1', expSeconds: NOW_S + 60 } },
    { rule: 'rule 6: iat in the future', payload: { ...valid, iat: NOW_S + 31 }, result: "The client assertion's 'iat' claim is in the future (RFC 7523 §3 rule 6)." },
    { rule: 'OIDC Core §9: jti missing', payload: { ...valid, jti: undefined }, result: "The client assertion has no 'jti' claim (OIDC Core §9)." },
    { rule: 'OIDC Core §9: jti empty', payload: { ...valid, jti: '' }, result: "The client assertion has no 'jti' claim (OIDC Core §9)." },
  ];
  for (const c of cases) t.same(checkAssertionClaims(c.payload, policy, NOW_S * 1000), c.result, c.rule);
});
