/**
 * oauth4webapi 3.8 (panva) as the relying party, with its strict default validators (issue #12,
 * "real peers with their defaults"): discovery, the authorization code flow with PKCE S256 through
 * the real portal, JARM, JWT introspection responses, RFC 9068 JWT access tokens, private_key_jwt
 * with the library's own assertion (`aud` = the issuer) at the token, introspection and revocation
 * endpoints, refresh and revocation. Nothing is relaxed but `allowInsecureRequests`: the issuer is
 * http on loopback here, and that option only says the transport is trusted (no TLS to check),
 * it turns off no validation of what the server answers.
 *
 * oauth4webapi does not check signatures of what the token and introspection endpoints answer
 * (OIDC Core §3.1.3.7 item 6: TLS authenticates the issuer); the tests also call its
 * `validateApplicationLevelSignature` against the jwks_uri, and check `at_hash` (which it leaves
 * to the caller in the code flow, OIDC Core §3.1.3.8).
 */
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { importPKCS8 } from 'jose';
import * as oauth from 'oauth4webapi';
import { BrowserClient } from '../helpers/browser-client.js';
import { followAuthorization } from '../helpers/authorization-flow.js';
import { fixtureKeyPair, fixturePem } from '../helpers/fixture-keys.js';
import { freePort } from '../helpers/free-port.js';
import { writeUsersFile } from '../helpers/oidc-fixtures.js';
import { startTestServer } from '../helpers/server.js';

const CALLBACK = 'https://app.example.com/cb';
/** The resource server the signed-response client's access tokens are for (RFC 9068 §4: its audience). */
const API = 'https://api.example.com';
/** The default users file's person (test/helpers/oidc-fixtures.ts). */
const JOHN = { username: 'john', password: 'demo' };
const SCOPE = 'openid offline_access profile email';
/**
 * The one relaxation: http on loopback. A trust setting (the transport is taken as authentic), not a
 * validator: every response is still checked as strictly as over https.
 */
const INSECURE = { [oauth.allowInsecureRequests]: true } as const;

interface Peer {
  issuer: string;
  as: oauth.AuthorizationServer;
  auth: oauth.ClientAuth;
  /** The client registered with defaults (opaque tokens, plain query responses). */
  plain: oauth.Client;
  /** The client registered for JARM, JWT introspection responses and RFC 9068 access tokens. */
  signed: oauth.Client;
}

async function start(t: Test): Promise<Peer> {
  const port = await freePort();
  const issuer = `http://localhost:${port}`;
  const clientPublicKey = fixtureKeyPair('rsaB').publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const registered = {
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'RS256',
    jwks: [{ key_id: 'k1', algorithm: 'RS256', key: clientPublicKey }],
    redirect_uris: [CALLBACK],
    grant_types: ['authorization_code', 'refresh_token'],
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    authorization_policy: 'one_factor',
    pkce_challenge_method: 'S256',
  };
  await startTestServer(t, (dir) => ({
    server: { address: `tcp://127.0.0.1:${port}` },
    authentication_backend: { file: { path: writeUsersFile(dir), watch: false } },
    session: { cookies: [{ domain: 'localhost', authelia_url: issuer }] },
    identity_providers: {
      oidc: {
        issuer,
        jwks: [{ key_id: 'rsa', algorithm: 'RS256', key: fixturePem('rsaC') }],
        enable_client_debug_messages: true,
        clients: [
          { client_id: 'peer', ...registered },
          {
            client_id: 'peer-signed',
            ...registered,
            response_modes: ['query.jwt'],
            authorization_signed_response_alg: 'RS256',
            introspection_signed_response_alg: 'RS256',
            access_token_signed_response_alg: 'RS256',
            audience: [API],
            requested_audience_mode: 'implicit',
          },
        ],
      },
    },
  }));
  const issuerUrl = new URL(issuer);
  const as = await oauth.processDiscoveryResponse(issuerUrl, await oauth.discoveryRequest(issuerUrl, INSECURE));
  // oauth4webapi's own assertion: no modifyAssertion, so `aud` is its default (the issuer).
  const auth = oauth.PrivateKeyJwt({ key: await importPKCS8(fixturePem('rsaB'), 'RS256'), kid: 'k1' });
  return {
    issuer,
    as,
    auth,
    plain: { client_id: 'peer' },
    // The client's registered metadata, as the RP knows it: the exact algorithms it expects.
    signed: { client_id: 'peer-signed', authorization_signed_response_alg: 'RS256', introspection_signed_response_alg: 'RS256' },
  };
}

interface Authorized {
  /** The callback URL the browser reached. */
  callback: URL;
  state: string;
  nonce: string;
  verifier: string;
}

/** RFC 6749 §4.1.1 with RFC 7636 §4.3: the request built from discovery, followed by john's browser. */
async function authorize(peer: Peer, client: oauth.Client, extra: Record<string, string> = {}): Promise<Authorized> {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const url = new URL(peer.as.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: client.client_id,
    redirect_uri: CALLBACK,
    response_type: 'code',
    scope: SCOPE,
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...extra,
  }).toString();
  const done = await followAuthorization(new BrowserClient(peer.issuer), url, CALLBACK, JOHN);
  return { callback: done.url, state, nonce, verifier };
}

/** RFC 6749 §4.1.3 with private_key_jwt: the code and the verifier at the token endpoint. */
async function exchange(peer: Peer, client: oauth.Client, params: URLSearchParams, flow: Authorized): Promise<{ tokens: oauth.TokenEndpointResponse; response: Response }> {
  const response = await oauth.authorizationCodeGrantRequest(peer.as, client, peer.auth, params, CALLBACK, flow.verifier, INSECURE);
  const tokens = await oauth.processAuthorizationCodeResponse(peer.as, client, response, { expectedNonce: flow.nonce, requireIdToken: true });
  return { tokens, response };
}

/** OIDC Core §3.1.3.6: at_hash is the left half of the SHA-256 of the access token (RS256 ID token). */
const atHash = (accessToken: string): string => createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');

async function introspect(peer: Peer, client: oauth.Client, token: string, options: oauth.IntrospectionRequestOptions = {}): Promise<{ claims: oauth.IntrospectionResponse; response: Response }> {
  const response = await oauth.introspectionRequest(peer.as, client, peer.auth, token, { ...INSECURE, ...options });
  return { claims: await oauth.processIntrospectionResponse(peer.as, client, response), response };
}

t.test('oauth4webapi 3.8 with its strict defaults against Gatehouse (issue #12)', async (t) => {
  const peer = await start(t);

  t.test('RFC 8414 §3.3, OIDC Discovery §4.3: processDiscoveryResponse accepts the metadata of the issuer asked', async (t) => {
    t.equal(peer.as.issuer, peer.issuer);
    t.ok(peer.as.token_endpoint && peer.as.jwks_uri && peer.as.introspection_endpoint && peer.as.revocation_endpoint && peer.as.userinfo_endpoint);
    t.equal(peer.as.authorization_response_iss_parameter_supported, true, 'RFC 9207 §3: so validateAuthResponse requires and compares `iss`');
  });

  // One code flow of the plain client, shared by the tests after it (refresh, revocation).
  let plainTokens: oauth.TokenEndpointResponse | undefined;
  let plainSubject = '';

  t.test('RFC 6749 §4.1, RFC 7636 §4.6 S256, RFC 9207 iss, OIDC Core §3.1.3.7 + §3.1.3.8: code flow, private_key_jwt (RFC 7523 §2.2, default aud) at the token endpoint, ID token (nonce, iss, aud, at_hash, signature), UserInfo §5.3', async (t) => {
    const flow = await authorize(peer, peer.plain);
    const params = oauth.validateAuthResponse(peer.as, peer.plain, flow.callback, flow.state);
    t.ok(params.get('code'), 'a code, with the state and (RFC 9207) the iss validated');
    const { tokens, response } = await exchange(peer, peer.plain, params, flow);
    const claims = oauth.getValidatedIdTokenClaims(tokens)!;
    t.match(claims, { iss: peer.issuer, aud: ['peer'], nonce: flow.nonce }, 'nonce, iss and aud validated by processAuthorizationCodeResponse');
    t.equal(claims['at_hash'], atHash(tokens.access_token), 'at_hash is the access token’s');
    await oauth.validateApplicationLevelSignature(peer.as, response, INSECURE);
    t.pass('the ID token signature verifies against the jwks_uri');
    t.equal(tokens.token_type, 'bearer', 'token_type normalised to lowercase by oauth4webapi');
    t.ok(tokens.refresh_token, 'offline_access granted: a refresh token');

    const info = await oauth.processUserInfoResponse(peer.as, peer.plain, claims.sub, await oauth.userInfoRequest(peer.as, peer.plain, tokens.access_token, INSECURE));
    t.match(info, { sub: claims.sub, email: 'john@example.com', name: 'John Doe' });
    plainTokens = tokens;
    plainSubject = claims.sub;
  });

  t.test('RFC 7523 §2.2, §3 + rfc7523bis: PrivateKeyJwt with its default aud (the issuer) at introspection (RFC 7662 §2.1) and revocation (RFC 7009 §2.1)', async (t) => {
    t.ok(plainTokens, 'the code flow gave tokens');
    const { claims } = await introspect(peer, peer.plain, plainTokens!.access_token);
    t.match(claims, { active: true, client_id: 'peer', sub: plainSubject });
    await oauth.processRevocationResponse(await oauth.revocationRequest(peer.as, peer.plain, peer.auth, 'not-a-token-of-ours', INSECURE));
    t.pass('revocation authenticated the assertion (an unknown token is answered 200, RFC 7009 §2.2)');
  });

  t.test('RFC 6749 §6: refresh_token grant with processRefreshTokenResponse; then RFC 7009 revocation', async (t) => {
    t.ok(plainTokens?.refresh_token, 'the code flow gave a refresh token');
    const response = await oauth.refreshTokenGrantRequest(peer.as, peer.plain, peer.auth, plainTokens!.refresh_token!, INSECURE);
    const refreshed = await oauth.processRefreshTokenResponse(peer.as, peer.plain, response);
    t.ok(refreshed.access_token && refreshed.access_token !== plainTokens!.access_token, 'a new access token');
    t.match(oauth.getValidatedIdTokenClaims(refreshed), { iss: peer.issuer, aud: ['peer'], sub: plainSubject }, 'OIDC Core §12.2: the refreshed ID token is the same person’s');
    const info = await oauth.processUserInfoResponse(peer.as, peer.plain, plainSubject, await oauth.userInfoRequest(peer.as, peer.plain, refreshed.access_token, INSECURE));
    t.equal(info.sub, plainSubject);

    // RFC 7009 §2.1: the access token revoked; introspection says inactive, UserInfo refuses it.
    await oauth.processRevocationResponse(await oauth.revocationRequest(peer.as, peer.plain, peer.auth, refreshed.access_token, INSECURE));
    t.same((await introspect(peer, peer.plain, refreshed.access_token)).claims, { active: false }, 'RFC 7662 §2.2: inactive once revoked');
    const refused = await oauth.processUserInfoResponse(peer.as, peer.plain, plainSubject, await oauth.userInfoRequest(peer.as, peer.plain, refreshed.access_token, INSECURE)).catch((e: unknown) => e);
    t.ok(refused instanceof oauth.WWWAuthenticateChallengeError, 'RFC 6750 §3: a challenge oauth4webapi parses');
    t.equal((refused as oauth.WWWAuthenticateChallengeError).cause[0]?.parameters.error, 'invalid_token');

    // The (rotated) refresh token revoked (RFC 7009 §2.1): inactive, and the grant with it refused.
    const rotated = refreshed.refresh_token!;
    t.ok(rotated, 'the refresh answer carries a new refresh token');
    await oauth.processRevocationResponse(await oauth.revocationRequest(peer.as, peer.plain, peer.auth, rotated, { ...INSECURE, additionalParameters: { token_type_hint: 'refresh_token' } }));
    t.same((await introspect(peer, peer.plain, rotated)).claims, { active: false });
    const again = await oauth
      .processRefreshTokenResponse(peer.as, peer.plain, await oauth.refreshTokenGrantRequest(peer.as, peer.plain, peer.auth, rotated, INSECURE))
      .catch((e: unknown) => e);
    t.ok(again instanceof oauth.ResponseBodyError, 'the revoked refresh token buys nothing');
    t.equal((again as oauth.ResponseBodyError).error, 'invalid_grant');
  });

  // One JARM flow of the signed-response client, shared by the JWT tests after it.
  let signedTokens: oauth.TokenEndpointResponse | undefined;

  t.test('JARM §2.3.1 query.jwt, §2.4: validateJwtAuthResponse verifies the signed authorization response; the code buys tokens', async (t) => {
    const flow = await authorize(peer, peer.signed, { response_mode: 'query.jwt' });
    t.ok(flow.callback.searchParams.get('response'), 'the callback carries a single `response` JWT');
    t.notOk(flow.callback.searchParams.get('code'), 'and no bare code');
    const params = await oauth.validateJwtAuthResponse(peer.as, peer.signed, flow.callback, flow.state, INSECURE);
    t.ok(params.get('code'));
    const tampered = new URL(flow.callback);
    const [header, payload, signature] = tampered.searchParams.get('response')!.split('.');
    tampered.searchParams.set('response', `${header}.${payload}.${signature.slice(0, -4)}AAAA`);
    await t.rejects(oauth.validateJwtAuthResponse(peer.as, peer.signed, tampered, flow.state, INSECURE), { message: 'JWT signature verification failed' }, 'the signature is really checked');
    const { tokens } = await exchange(peer, peer.signed, params, flow);
    t.match(oauth.getValidatedIdTokenClaims(tokens), { iss: peer.issuer, aud: ['peer-signed'], nonce: flow.nonce });
    signedTokens = tokens;
  });

  t.test('RFC 9068 §4: validateJwtAccessToken accepts the access token for its resource server', async (t) => {
    t.ok(signedTokens, 'the JARM flow gave tokens');
    const request = new Request(`${API}/items`, { headers: { authorization: `Bearer ${signedTokens!.access_token}` } });
    const claims = await oauth.validateJwtAccessToken(peer.as, request, API, INSECURE);
    t.match(claims, { iss: peer.issuer, aud: [API], client_id: 'peer-signed', scope: /\bopenid\b/ });
  });

  t.test('RFC 9701 §4, §5: a JWT introspection response (requestJwtResponse) that processIntrospectionResponse validates and whose signature verifies', async (t) => {
    t.ok(signedTokens, 'the JARM flow gave tokens');
    const { claims, response } = await introspect(peer, peer.signed, signedTokens!.access_token, { requestJwtResponse: true });
    t.equal(response.headers.get('content-type')?.split(';')[0], 'application/token-introspection+jwt');
    t.match(claims, { active: true, client_id: 'peer-signed', token_type: 'Bearer' });
    await oauth.validateApplicationLevelSignature(peer.as, response, INSECURE);
    t.pass('the introspection response signature verifies against the jwks_uri');
    const refresh = await introspect(peer, peer.signed, signedTokens!.refresh_token!, { requestJwtResponse: true });
    t.match(refresh.claims, { active: true, client_id: 'peer-signed' }, 'a refresh token, introspected by its own client');
  });
});
