/**
 * client_secret_jwt and private_key_jwt at the real server (RFC 7523 §2.2, §3; OIDC Core §9;
 * 004 "Client Assertion Audience"): openid-client and oauth4webapi with their defaults (`aud` =
 * the issuer) for the happy paths, assertions signed here with jose for everything they would
 * never send.
 */
import t, { type Test } from 'tap';
import { randomUUID } from 'node:crypto';
import * as client from 'openid-client';
import * as oauth from 'oauth4webapi';
import { SignJWT, exportPKCS8, importPKCS8, type CryptoKey, type JWTPayload } from 'jose';
import { fixtureKeyPair, fixturePem } from '../helpers/fixture-keys.js';
import { startTestServer } from '../helpers/server.js';
import { ISSUER, oauthConfig, postForm } from './oauth-setup.js';

/** 004: the assertion audience is the token endpoint URL of the issuer, in lowercase. */
const TOKEN_AUD = `${ISSUER}/api/oidc/token`;
const HMAC_SECRET = 'a-long-client-secret-for-hs256-0123456789abcdef';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

interface Setup {
  url: string;
  privateKey: CryptoKey;
  rp(client_id: string, auth: client.ClientAuth): client.Configuration;
  /** The same metadata for oauth4webapi. */
  as: oauth.AuthorizationServer;
}

async function start(t: Test): Promise<Setup> {
  const privateKey = await importPKCS8(fixturePem('rsaB'), 'RS256', { extractable: true });
  const publicKey = fixtureKeyPair('rsaB').publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const config = oauthConfig();
  const oidc = (config['identity_providers'] as { oidc: { clients: unknown[] } }).oidc;
  oidc.clients.push(
    {
      client_id: 'pkjwt',
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'RS256',
      jwks: [{ key_id: 'k1', algorithm: 'RS256', key: publicKey }],
      redirect_uris: ['https://pkjwt.example.com/cb'],
      grant_types: ['client_credentials'],
      scopes: ['read'],
    },
    {
      client_id: 'csjwt',
      client_secret: HMAC_SECRET,
      token_endpoint_auth_method: 'client_secret_jwt',
      token_endpoint_auth_signing_alg: 'HS256',
      redirect_uris: ['https://csjwt.example.com/cb'],
      grant_types: ['client_credentials'],
      scopes: ['read'],
    },
  );
  const server = await startTestServer(t, config);
  const metadata: client.ServerMetadata = {
    issuer: ISSUER,
    token_endpoint: `${server.url}/api/oidc/token`,
    revocation_endpoint: `${server.url}/api/oidc/revocation`,
    introspection_endpoint: `${server.url}/api/oidc/introspection`,
  };
  return {
    url: server.url,
    privateKey,
    as: metadata,
    rp(client_id, auth) {
      const rp = new client.Configuration(metadata, client_id, undefined, auth);
      client.allowInsecureRequests(rp);
      return rp;
    },
  };
}

/** openid-client v6 puts the issuer in `aud`; 004 names the token endpoint URL: both are accepted. */
const toTokenEndpoint: client.ModifyAssertionFunction = (_header, payload) => {
  payload.aud = TOKEN_AUD;
};

function claims(client_id: string, over: JWTPayload = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return { iss: client_id, sub: client_id, aud: TOKEN_AUD, jti: randomUUID(), iat: now, exp: now + 60, ...over };
}

async function signRs(key: CryptoKey, payload: JWTPayload, header: { alg?: string; kid?: string } = {}): Promise<string> {
  const alg = header.alg ?? 'RS256';
  // A WebCrypto key is bound to one algorithm: re-import the same key for another.
  const signingKey = alg === 'RS256' ? key : await importPKCS8(await exportPKCS8(key), alg);
  return new SignJWT(payload).setProtectedHeader({ alg, kid: header.kid ?? 'k1' }).sign(signingKey);
}

async function signHs(payload: JWTPayload, alg = 'HS256', secret = HMAC_SECRET): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret));
}

const form = (assertion: string, type = ASSERTION_TYPE): string =>
  new URLSearchParams({ grant_type: 'client_credentials', scope: 'read', client_assertion_type: type, client_assertion: assertion }).toString();

t.test('JWT client authentication at the token endpoint (RFC 7523, OIDC Core §9)', async (t) => {
  const setup = await start(t);
  const token = `${setup.url}/api/oidc/token`;

  t.test('OIDC Core §9 private_key_jwt: openid-client with an RS256 key → tokens', async (t) => {
    const auth = client.PrivateKeyJwt({ key: setup.privateKey, kid: 'k1' }, { [client.modifyAssertion]: toTokenEndpoint });
    const tokens = await client.clientCredentialsGrant(setup.rp('pkjwt', auth), { scope: 'read' });
    t.match(tokens.access_token, /^gatehouse_at_/);
  });

  t.test('OIDC Core §9 client_secret_jwt: openid-client with HS256 → tokens', async (t) => {
    const auth = client.ClientSecretJwt(HMAC_SECRET, { [client.modifyAssertion]: toTokenEndpoint });
    const tokens = await client.clientCredentialsGrant(setup.rp('csjwt', auth), { scope: 'read' });
    t.match(tokens.access_token, /^gatehouse_at_/);
  });

  t.test('rfc7523bis: openid-client defaults (aud = the issuer), private_key_jwt → tokens, then revocation', async (t) => {
    const rp = setup.rp('pkjwt', client.PrivateKeyJwt({ key: setup.privateKey, kid: 'k1' }));
    const tokens = await client.clientCredentialsGrant(rp, { scope: 'read' });
    t.match(tokens.access_token, /^gatehouse_at_/);
    await client.tokenRevocation(rp, tokens.access_token);
  });

  t.test('rfc7523bis: openid-client defaults (aud = the issuer), client_secret_jwt → tokens', async (t) => {
    const tokens = await client.clientCredentialsGrant(setup.rp('csjwt', client.ClientSecretJwt(HMAC_SECRET)), { scope: 'read' });
    t.match(tokens.access_token, /^gatehouse_at_/);
  });

  t.test('rfc7523bis: oauth4webapi defaults with its strict validators, private_key_jwt at the token and introspection endpoints', async (t) => {
    const rp: oauth.Client = { client_id: 'pkjwt' };
    const auth = oauth.PrivateKeyJwt({ key: setup.privateKey, kid: 'k1' });
    const insecure = { [oauth.allowInsecureRequests]: true };
    const grant = await oauth.clientCredentialsGrantRequest(setup.as, rp, auth, { scope: 'read' }, insecure);
    const tokens = await oauth.processClientCredentialsResponse(setup.as, rp, grant);
    t.match(tokens.access_token, /^gatehouse_at_/);
    const introspected = await oauth.processIntrospectionResponse(setup.as, rp, await oauth.introspectionRequest(setup.as, rp, auth, tokens.access_token, insecure));
    t.match(introspected, { active: true, client_id: 'pkjwt', scope: 'read' });
  });

  t.test('rfc7523bis: oauth4webapi defaults, client_secret_jwt → tokens', async (t) => {
    const rp: oauth.Client = { client_id: 'csjwt' };
    const grant = await oauth.clientCredentialsGrantRequest(setup.as, rp, oauth.ClientSecretJwt(HMAC_SECRET), { scope: 'read' }, { [oauth.allowInsecureRequests]: true });
    t.match((await oauth.processClientCredentialsResponse(setup.as, rp, grant)).access_token, /^gatehouse_at_/);
  });

  t.test("an assertion for the revocation endpoint's URL is accepted there and refused at the introspection endpoint", async (t) => {
    const body = async (aud: string) => new URLSearchParams({ token: 'unknown', client_assertion_type: ASSERTION_TYPE, client_assertion: await signRs(setup.privateKey, claims('pkjwt', { aud })) }).toString();
    const revocation = `${ISSUER}/api/oidc/revocation`;
    t.equal((await postForm(`${setup.url}/api/oidc/revocation`, await body(revocation))).status, 200);
    const refused = await postForm(`${setup.url}/api/oidc/introspection`, await body(revocation));
    t.same({ status: refused.status, json: refused.json }, {
      status: 401,
      json: {
        error: 'invalid_client',
        error_description: `The client assertion's 'aud' claim must contain one of '${ISSUER}', '${TOKEN_AUD}', '${ISSUER}/api/oidc/introspection' (RFC 7523 §3 rule 3).`,
      },
    });
  });

  t.test('RFC 7523 §3 rule 7: a jti is accepted once; the replay is invalid_client', async (t) => {
    const assertion = await signRs(setup.privateKey, claims('pkjwt'));
    t.equal((await postForm(token, form(assertion))).status, 200);
    const replay = await postForm(token, form(assertion));
    t.same({ status: replay.status, json: replay.json }, {
      status: 401,
      json: { error: 'invalid_client', error_description: "The client assertion's 'jti' has already been used (RFC 7523 §3 rule 7)." },
    });
  });

  t.test('the jti is scoped per client and method: the same jti from the HMAC client is fresh', async (t) => {
    const jti = randomUUID();
    t.equal((await postForm(token, form(await signRs(setup.privateKey, claims('pkjwt', { jti }))))).status, 200);
    t.equal((await postForm(token, form(await signHs(claims('csjwt', { jti }))))).status, 200);
  });

  t.test('RFC 7523 §2.2: an assertion is accepted at the revocation endpoint too', async (t) => {
    const res = await postForm(`${setup.url}/api/oidc/revocation`, new URLSearchParams({ token: 'unknown', client_assertion_type: ASSERTION_TYPE, client_assertion: await signRs(setup.privateKey, claims('pkjwt')) }).toString());
    t.equal(res.status, 200);
  });

  const now = Math.floor(Date.now() / 1000);
  const cases: Array<{ rule: string; body: () => Promise<string>; status?: number; error?: string; description: string }> = [
    {
      rule: 'RFC 7523 §3 rule 3, rfc7523bis: the issuer alone identifies the server',
      body: async () => form(await signRs(setup.privateKey, claims('pkjwt', { aud: ISSUER }))),
      status: 200,
      description: '',
    },
    {
      rule: 'RFC 7523 §3 rule 3: a foreign audience is refused',
      body: async () => form(await signRs(setup.privateKey, claims('pkjwt', { aud: ['https://other-idp.example.com', `${ISSUER}/api/oidc/revocation`] }))),
      description: `The client assertion's 'aud' claim must contain one of '${ISSUER}', '${TOKEN_AUD}' (RFC 7523 §3 rule 3).`,
    },
    {
      rule: '004 Client Assertion Audience: compared in lowercase',
      body: async () => form(await signRs(setup.privateKey, claims('pkjwt', { aud: [TOKEN_AUD.toUpperCase().replace('HTTPS', 'https')] }))),
      status: 200,
      description: '',
    },
    {
      rule: 'RFC 7523 §3 rule 4: an expired assertion',
      body: async () => form(await signRs(setup.privateKey, claims('pkjwt', { iat: now - 600, exp: now - 300 }))),
      description: 'The client assertion has expired (RFC 7523 §3 rule 4).',
    },
    {
      rule: 'RFC 7523 §3 rule 4: exp is required',
      body: async () => form(await signRs(setup.privateKey, { ...claims('pkjwt'), exp: undefined })),
      description: "The client assertion has no 'exp' claim (RFC 7523 §3 rule 4).",
    },
    {
      rule: 'an exp more than an hour ahead is refused (the jti would have to be kept that long)',
      body: async () => form(await signRs(setup.privateKey, claims('pkjwt', { exp: now + 7200 }))),
      description: "The client assertion's 'exp' claim is more than 3600 seconds in the future.",
    },
    {
      rule: 'OIDC Core §9: jti is required',
      body: async () => form(await signRs(setup.privateKey, { ...claims('pkjwt'), jti: undefined })),
      description: "The client assertion has no 'jti' claim (OIDC Core §9).",
    },
    {
      rule: 'RFC 7523 §3 rule 1: iss must be the client_id',
      body: async () => form(await signRs(setup.privateKey, claims('pkjwt', { iss: 'someone-else' }))),
      description: "The client assertion's 'iss' claim must be the client_id (RFC 7523 §3 rule 1).",
    },
    {
      rule: 'token_endpoint_auth_signing_alg RS256: a PS256 signature by the same key is refused',
      body: async () => form(await signRs(setup.privateKey, claims('pkjwt'), { alg: 'PS256' })),
      description: "The client assertion must be signed with 'RS256'.",
    },
    {
      rule: 'token_endpoint_auth_signing_alg HS256: HS512 is refused',
      body: async () => form(await signHs(claims('csjwt'), 'HS512')),
      description: "The client assertion must be signed with 'HS256'.",
    },
    {
      rule: 'an unknown kid is refused',
      body: async () => form(await signRs(setup.privateKey, claims('pkjwt'), { kid: 'nope' })),
      description: "The client has no key with kid 'nope' for the algorithm 'RS256'.",
    },
    {
      rule: 'a key the client did not register: the signature is invalid',
      body: async () => form(await signRs(await importPKCS8(fixturePem('rsaC'), 'RS256'), claims('pkjwt'))),
      description: 'The client assertion signature is invalid.',
    },
    {
      rule: 'client_secret_jwt: a wrong secret',
      body: async () => form(await signHs(claims('csjwt'), 'HS256', 'not-the-secret-0123456789abcdef0123456789')),
      description: 'The client assertion signature is invalid.',
    },
    {
      rule: 'RFC 7523 §2.2: only the jwt-bearer assertion type',
      body: async () => form(await signRs(setup.privateKey, claims('pkjwt')), 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer'),
      description: "The client_assertion_type 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' is not supported (RFC 7523 §2.2).",
    },
    {
      rule: 'RFC 7521 §4.2: client_assertion without client_assertion_type → invalid_request',
      body: async () => `grant_type=client_credentials&client_assertion=${await signRs(setup.privateKey, claims('pkjwt'))}`,
      status: 400,
      error: 'invalid_request',
      description: "The 'client_assertion_type' and 'client_assertion' parameters must be sent together (RFC 7521 §4.2).",
    },
    {
      rule: 'not a JWT at all',
      body: () => Promise.resolve(`${form('a.b.c')}&client_id=pkjwt`),
      description: 'The client assertion is not a valid signed JWT (RFC 7519, RFC 7515).',
    },
    {
      rule: 'a secret-based client cannot use an assertion',
      body: async () => form(await signHs(claims('machine'))),
      description: "The client is registered for the token_endpoint_auth_method 'client_secret_basic' but the request used 'client_assertion'.",
    },
  ];
  for (const c of cases) {
    t.test(c.rule, async (t) => {
      const res = await postForm(token, await c.body());
      if (c.status === 200) {
        t.equal(res.status, 200, JSON.stringify(res.json));
        return;
      }
      t.same({ status: res.status, json: res.json }, { status: c.status ?? 401, json: { error: c.error ?? 'invalid_client', error_description: c.description } });
    });
  }
});
