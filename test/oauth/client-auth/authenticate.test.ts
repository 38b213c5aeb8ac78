import t from 'tap';
import type { OidcClientConfig } from '../../../src/config/index.js';
import { parseConfig } from '../../../src/config/index.js';
import { authenticateClient, findPresentedMethod } from '../../../src/oauth/client-auth/index.js';
import { formUrlDecode, parseBasicCredentials } from '../../../src/oauth/client-auth/client-secret-basic.js';
import { createClientRegistry } from '../../../src/oauth/clients.js';
import { OAuthError } from '../../../src/oauth/errors.js';
import { createSecretCache, type SecretVerifier } from '../../../src/oauth/secret-cache.js';
import { stringify } from 'yaml';

function clientsOf(clients: Record<string, unknown>[]): readonly OidcClientConfig[] {
  const { config } = parseConfig(stringify({
    storage: { local: { path: '/tmp/gatehouse-unused.sqlite3' } },
    identity_providers: { oidc: { issuer: 'https://auth.example.com', clients } },
  }), { env: {}, nowMs: Date.now() });
  return config.identity_providers!.oidc!.clients;
}

const clients = createClientRegistry(clientsOf([
  { client_id: 'basic:app', client_secret: '$plaintext$p@ss w+rd', redirect_uris: ['https://a.example.com/cb'] },
  { client_id: 'jwt', token_endpoint_auth_method: 'client_secret_jwt', client_secret: 'a-plaintext-secret-for-hmac', redirect_uris: ['https://a.example.com/cb'] },
]));

const counting = (): SecretVerifier & { calls: number } => {
  const verify = Object.assign(async (digest: Parameters<SecretVerifier>[0], secret: string) => {
    verify.calls++;
    return digest.verify(secret);
  }, { calls: 0 });
  return verify;
};

/** tap's typings want an Error-shaped pattern; the match is by fields. */
const like = (pattern: object): Error => pattern as Error;

const basicHeader = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

t.test('RFC 6749 §2.3.1: Basic user and password are form-urlencoded', async (t) => {
  t.same(parseBasicCredentials(basicHeader('basic:app', 'p@ss w+rd')), { client_id: 'basic:app', secret: 'p@ss w+rd' });
  t.equal(formUrlDecode('a+b%2Bc'), 'a b+c', "'+' is a space, %2B a plus");
  t.equal(parseBasicCredentials(undefined), null);
  t.equal(parseBasicCredentials('Bearer x'), null, 'another scheme is not Basic');
  t.throws(() => parseBasicCredentials(`Basic ${Buffer.from('no-colon').toString('base64')}`), like({ error: 'invalid_client' }));
  t.throws(() => parseBasicCredentials(`Basic ${Buffer.from('a:%zz').toString('base64')}`), like({ error: 'invalid_client', description: 'The HTTP Basic credentials are not application/x-www-form-urlencoded (RFC 6749 §2.3.1).' }));
});

t.test('RFC 6749 §2.3: a second call with the same secret does not verify the digest again', async (t) => {
  const verify = counting();
  const deps = { clients, secrets: createSecretCache({ verify }) };
  const request = { authorization: basicHeader('basic:app', 'p@ss w+rd'), params: new URLSearchParams('grant_type=client_credentials') };
  const first = await authenticateClient(deps, request);
  t.equal(first.client.config.client_id, 'basic:app');
  t.equal(first.method, 'client_secret_basic');
  await authenticateClient(deps, request);
  t.equal(verify.calls, 1);
  const wrong = { authorization: basicHeader('basic:app', 'nope'), params: new URLSearchParams() };
  await t.rejects(authenticateClient(deps, wrong), like({ error: 'invalid_client', status: 401, headers: { 'WWW-Authenticate': 'Basic realm="gatehouse"' } }));
  await t.rejects(authenticateClient(deps, wrong), like({ error: 'invalid_client' }));
  t.equal(verify.calls, 3, 'failures are verified every time');
});

t.test('RFC 7523 §2.2: without a replay store (no assertion deps) client_secret_jwt / private_key_jwt are refused', async (t) => {
  const deps = { clients, secrets: createSecretCache() };
  const params = new URLSearchParams({ client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: 'e30.eyJzdWIiOiJqd3QifQ.sig' });
  await t.rejects(authenticateClient(deps, { authorization: undefined, params }), new OAuthError('invalid_client', 'JWT client authentication is not available on this server.'));
});

t.test('RFC 6749 §2.3: which method a request presents', async (t) => {
  const cases: Array<{ rule: string; authorization?: string; body: string; method: string | null; error?: string }> = [
    { rule: 'Basic header', authorization: basicHeader('a', 'b'), body: '', method: 'client_secret_basic' },
    { rule: 'Basic with the same client_id in the body', authorization: basicHeader('a', 'b'), body: 'client_id=a', method: 'client_secret_basic' },
    { rule: 'secret in the body', body: 'client_id=a&client_secret=b', method: 'client_secret_post' },
    { rule: 'an assertion', body: 'client_assertion_type=x&client_assertion=y&client_id=a', method: 'client_assertion' },
    { rule: 'client_id alone is none', body: 'client_id=a', method: 'none' },
    { rule: 'nothing', body: '', method: null },
    { rule: 'Basic and post', authorization: basicHeader('a', 'b'), body: 'client_id=a&client_secret=b', method: null, error: 'The client used more than one authentication method (client_secret_basic, client_secret_post).' },
    { rule: 'post and assertion', body: 'client_id=a&client_secret=b&client_assertion=y', method: null, error: 'The client used more than one authentication method (client_secret_post, client_assertion).' },
    { rule: 'client_secret without client_id', body: 'client_secret=b', method: null, error: "The 'client_secret' parameter was sent without 'client_id'." },
  ];
  for (const c of cases) {
    const request = { authorization: c.authorization, params: new URLSearchParams(c.body) };
    if (c.error) t.throws(() => findPresentedMethod(request), new OAuthError('invalid_request', c.error), c.rule);
    else t.equal(findPresentedMethod(request)?.module.name ?? null, c.method, c.rule);
  }
});
