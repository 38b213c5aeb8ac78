/** The claims of a client assertion (RFC 7523 §3, OIDC Core §9, 004 "Client Assertion Audience"), with a fixed time. */
import t from 'tap';
import type { JWTPayload } from 'jose';
import { DEFAULT_ASSERTION_POLICY, assertionAudiences, checkAssertionClaims } from '../../../src/oauth/client-auth/assertion-claims.js';

const NOW_S = 1_700_000_000;
const ISSUER = 'https://auth.example.com';
const AUD = `${ISSUER}/api/oidc/token`;
const INTROSPECTION = `${ISSUER}/api/oidc/introspection`;
const REVOCATION = `${ISSUER}/api/oidc/revocation`;
const PAR = `${ISSUER}/api/oidc/pushed-authorization-request`;
/** At the token endpoint: the issuer or the token endpoint URL. */
const policy = { ...DEFAULT_ASSERTION_POLICY, client_id: 'rp', audiences: assertionAudiences(ISSUER, 'https://Auth.Example.com/api/oidc/token', AUD) };
const AUD_REFUSED = `The client assertion's 'aud' claim must contain one of '${ISSUER}', '${AUD}' (RFC 7523 §3 rule 3).`;
const valid: JWTPayload = { iss: 'rp', sub: 'rp', aud: AUD, exp: NOW_S + 60, iat: NOW_S, jti: 'j1' };

t.test('RFC 7523 §3: each rule, one failing claim at a time', async (t) => {
  const cases: Array<{ rule: string; payload: JWTPayload; result: ReturnType<typeof checkAssertionClaims> }> = [
    { rule: 'a valid assertion yields its jti and exp', payload: valid, result: { jti: 'j1', expSeconds: NOW_S + 60 } },
    { rule: '004: aud in an array, compared in lowercase', payload: { ...valid, aud: ['other', AUD.toUpperCase()] }, result: { jti: 'j1', expSeconds: NOW_S + 60 } },
    { rule: 'rule 1: iss', payload: { ...valid, iss: 'x' }, result: "The client assertion's 'iss' claim must be the client_id (RFC 7523 §3 rule 1)." },
    { rule: 'rule 2.B: sub', payload: { ...valid, sub: undefined }, result: "The client assertion's 'sub' claim must be the client_id (RFC 7523 §3 rule 2.B)." },
    { rule: 'rule 3: aud missing', payload: { ...valid, aud: undefined }, result: AUD_REFUSED },
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

t.test('RFC 7523 §3 rule 3: aud identifies this server, at the endpoint that received the assertion', async (t) => {
  const ok = { jti: 'j1', expSeconds: NOW_S + 60 };
  const at = (endpointUrl: string) => ({ ...DEFAULT_ASSERTION_POLICY, client_id: 'rp', audiences: assertionAudiences(ISSUER, AUD, endpointUrl) });
  const refused = (endpointUrl: string) => `The client assertion's 'aud' claim must contain one of ${[...new Set([ISSUER, AUD, endpointUrl])].map((a) => `'${a}'`).join(', ')} (RFC 7523 §3 rule 3).`;
  const cases: Array<{ rule: string; endpoint: string; aud: JWTPayload['aud']; result: ReturnType<typeof checkAssertionClaims> }> = [
    { rule: 'rfc7523bis: the issuer as a string (openid-client and oauth4webapi defaults)', endpoint: AUD, aud: ISSUER, result: ok },
    { rule: 'rfc7523bis: the issuer inside an array', endpoint: AUD, aud: ['https://elsewhere.example', ISSUER], result: ok },
    { rule: 'the issuer is compared in lowercase like the URLs (004)', endpoint: AUD, aud: 'https://AUTH.example.com', result: ok },
    { rule: '004: the token endpoint URL at the token endpoint', endpoint: AUD, aud: AUD, result: ok },
    { rule: 'the issuer at the introspection endpoint', endpoint: INTROSPECTION, aud: ISSUER, result: ok },
    { rule: 'the introspection endpoint URL at the introspection endpoint', endpoint: INTROSPECTION, aud: INTROSPECTION, result: ok },
    { rule: 'the revocation endpoint URL at the revocation endpoint', endpoint: REVOCATION, aud: [REVOCATION], result: ok },
    { rule: 'RFC 9126 §2: the PAR endpoint URL at the PAR endpoint', endpoint: PAR, aud: PAR, result: ok },
    { rule: 'RFC 9126 §2: the token endpoint URL at the PAR endpoint', endpoint: PAR, aud: AUD, result: ok },
    { rule: 'the token endpoint URL at the revocation endpoint (it identifies the server everywhere)', endpoint: REVOCATION, aud: AUD, result: ok },
    { rule: "another endpoint's URL at the token endpoint is refused", endpoint: AUD, aud: INTROSPECTION, result: refused(AUD) },
    { rule: "the revocation URL at the introspection endpoint is refused", endpoint: INTROSPECTION, aud: REVOCATION, result: refused(INTROSPECTION) },
    { rule: "the PAR URL at the token endpoint is refused", endpoint: AUD, aud: [PAR], result: refused(AUD) },
    { rule: 'a foreign audience is refused', endpoint: AUD, aud: 'https://other-idp.example.com', result: refused(AUD) },
    { rule: 'a foreign token endpoint is refused', endpoint: AUD, aud: ['https://other-idp.example.com/api/oidc/token'], result: refused(AUD) },
    { rule: 'the issuer with a trailing slash is another string (RFC 3986 simple comparison)', endpoint: AUD, aud: `${ISSUER}/`, result: refused(AUD) },
    { rule: 'an empty aud array is refused', endpoint: AUD, aud: [], result: refused(AUD) },
  ];
  for (const c of cases) t.same(checkAssertionClaims({ ...valid, aud: c.aud }, at(c.endpoint), NOW_S * 1000), c.result, c.rule);
});
