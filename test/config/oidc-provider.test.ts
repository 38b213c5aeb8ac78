/**
 * Provider-wide rules: signing keys and certificate chains (003 issuer_private_key /
 * issuer_certificate_chain, 004 Response Object table), CORS (003 cors), secrets, entropy.
 */
import t from 'tap';
import { AFTER_EXPIRY_MS, fixture, parse, problemsOf, withClient } from './config-fixtures.js';

const O = 'identity_providers.oidc';
const RSA = fixture('issuer-rsa.key');
const P256 = fixture('issuer-ec-p256.key');
const P384 = fixture('issuer-ec-p384.key');

const cases: { rule: string; oidc: Record<string, unknown>; nowMs?: number; problems: string[] }[] = [
  { rule: 'an RSA key with a valid chain', oidc: { jwks: [{ key: RSA, certificate_chain: fixture('chain.pem') }] }, problems: [] },
  { rule: 'RSA and ECDSA keys side by side', oidc: { jwks: [{ key: RSA }, { key: P256 }, { key: P384, key_id: 'p384' }] }, problems: [] },
  { rule: 'key must be a PEM private key', oidc: { jwks: [{ key: 'not a key' }] }, problems: [`${O}.jwks[0].key: is not a PEM encoded private key`] },
  { rule: '003: RSA of at least 2048 bits', oidc: { jwks: [{ key: fixture('rsa-1024.key') }] }, problems: [`${O}.jwks[0].key: is an RSA key of 1024 bits but must have at least 2048 bits`] },
  {
    rule: '004: the algorithm fits the key type and curve',
    oidc: { jwks: [{ key: RSA, key_id: 'a' }, { key: RSA, algorithm: 'ES256', key_id: 'b' }, { key: P256, algorithm: 'ES384', key_id: 'c' }, { key: P256, algorithm: 'PS256', key_id: 'd' }] },
    problems: [
      `${O}.jwks[1].algorithm: is 'ES256' which needs an ECDSA P-256 key but the key is an RSA key`,
      `${O}.jwks[2].algorithm: is 'ES384' which needs an ECDSA P-384 key but the key is on P-256`,
      `${O}.jwks[3].algorithm: is 'PS256' which needs an RSA key but the key is an ECDSA P-256 key`,
    ],
  },
  {
    rule: 'OIDC Core §15.1: an RS256 key is required when jwks is configured',
    oidc: { jwks: [{ key: P256 }] },
    problems: [
      `${O}.clients[0].id_token_signed_response_alg: is 'RS256' but ${O}.jwks has no RS256 key`,
      `${O}.jwks: must include an RS256 key: OpenID Connect requires RS256 support`,
    ],
  },
  {
    rule: 'key ids are unique',
    oidc: { jwks: [{ key: RSA, key_id: 'main' }, { key: P256, key_id: 'main' }] },
    problems: [`${O}.jwks[1].key_id: 'main' is already used by ${O}.jwks[0]`],
  },
  {
    rule: 'at most one key per algorithm without a key id',
    oidc: { jwks: [{ key: RSA }, { key: RSA }] },
    problems: [`${O}.jwks[1]: needs a key_id: ${O}.jwks[0] is already the RS256 key without one`],
  },
  {
    rule: '003 issuer_certificate_chain: certificates must be valid now',
    oidc: { jwks: [{ key: RSA, certificate_chain: fixture('chain.pem') }] },
    nowMs: AFTER_EXPIRY_MS,
    problems: [
      /* filled below: the messages embed the fixture's dates */
    ],
  },
  {
    rule: '003 issuer_certificate_chain: the first certificate holds the key, each is signed by the next',
    oidc: { jwks: [{ key: RSA, certificate_chain: fixture('chain-wrong-order.pem') }] },
    problems: [
      `${O}.jwks[0].certificate_chain: the first certificate does not match the private key`,
      `${O}.jwks[0].certificate_chain: certificate #1 is not signed by certificate #2`,
    ],
  },
  { rule: 'chain must hold certificates', oidc: { jwks: [{ key: RSA, certificate_chain: 'nope' }] }, problems: [`${O}.jwks[0].certificate_chain: holds no PEM encoded certificate`] },
  { rule: 'hmac_secret of at least 32 characters', oidc: { hmac_secret: 'short' }, problems: [`${O}.hmac_secret: must be at least 32 characters long`] },
  { rule: 'issuer is https', oidc: { issuer: 'http://auth.example.com' }, problems: [`${O}.issuer: must be an https URL (http only for localhost) but is 'http://auth.example.com'`] },
  { rule: 'issuer may be http on localhost', oidc: { issuer: 'http://localhost:9091' }, problems: [] },
  {
    rule: '003 cors: the wildcard stands alone and excludes allowed_origins_from_client_redirect_uris',
    oidc: { cors: { allowed_origins: ['*', 'https://a.example.com'], allowed_origins_from_client_redirect_uris: true } },
    problems: [
      `${O}.cors.allowed_origins: must contain the wildcard origin '*' on its own`,
      `${O}.cors.allowed_origins_from_client_redirect_uris: must be false when allowed_origins is the wildcard '*'`,
    ],
  },
  { rule: '003 cors: a lone wildcard, as a string', oidc: { cors: { allowed_origins: '*' } }, problems: [] },
  {
    rule: '003 cors: origins have scheme, host and port only',
    oidc: { cors: { allowed_origins: ['https://a.example.com/', 'https://b.example.com/path', 'c.example.com', 'https://d.example.com:8443'] } },
    problems: [
      `${O}.cors.allowed_origins[0]: must be an origin (scheme://host[:port]) without a path or trailing slash but is 'https://a.example.com/'`,
      `${O}.cors.allowed_origins[1]: must be an origin (scheme://host[:port]) without a path or trailing slash but is 'https://b.example.com/path'`,
      `${O}.cors.allowed_origins[2]: must be an origin (scheme://host[:port]) without a path or trailing slash but is 'c.example.com'`,
    ],
  },
  {
    rule: '003 cors endpoints',
    oidc: { cors: { endpoints: ['jwks'] } },
    problems: [`${O}.cors.endpoints[0]: must be one of 'authorization', 'pushed-authorization-request', 'token', 'revocation', 'introspection', 'userinfo' but is 'jwks'`],
  },
  { rule: 'minimum_parameter_entropy is not negative', oidc: { minimum_parameter_entropy: -1 }, problems: [`${O}.minimum_parameter_entropy: must be at least 0 but is -1`] },
  { rule: '003 clients: required', oidc: { clients: [] }, problems: [`${O}.clients: must have at least 1 entry`] },
  {
    rule: 'legacy: issuer_private_key and jwks both set',
    oidc: { issuer_private_key: RSA, jwks: [{ key: RSA }] },
    problems: [`${O}.issuer_private_key: must not be set together with ${O}.jwks: remove the deprecated issuer_private_key`],
  },
  {
    rule: 'legacy: an old and a new lifespan name both set',
    oidc: { access_token_lifespan: '1h', lifespans: { access_token: '2h' } },
    problems: [`${O}.access_token_lifespan: must not be set together with ${O}.lifespans.access_token: remove the deprecated access_token_lifespan`],
  },
];

for (const { rule, oidc, nowMs, problems } of cases) {
  t.test(rule, async (t) => {
    const actual = problemsOf(withClient({}, oidc), nowMs === undefined ? {} : { nowMs });
    if (nowMs === AFTER_EXPIRY_MS) {
      t.equal(actual.length, 2);
      t.match(actual[0], /^identity_providers\.oidc\.jwks\[0\]\.certificate_chain: certificate #1 \(O=Gatehouse Test, CN=issuer\) is not valid now: valid from .+ to .+$/);
      t.match(actual[1], /^identity_providers\.oidc\.jwks\[0\]\.certificate_chain: certificate #2 \(O=Gatehouse Test, CN=Test CA\) is not valid now/);
    } else {
      t.same(actual, problems);
    }
  });
}

t.test('default algorithms: RS256 for RSA, by curve for ECDSA', async (t) => {
  const { config } = parse(withClient({}, { jwks: [{ key: RSA }, { key: P256 }, { key: P384 }] }));
  t.same(config.identity_providers!.oidc!.jwks.map((k) => k.algorithm), ['RS256', 'ES256', 'ES384']);
  t.same(config.identity_providers!.oidc!.jwks.map((k) => k.use), ['sig', 'sig', 'sig']);
});

t.test('minimum_parameter_entropy below 8 is a warning', async (t) => {
  t.same(parse(withClient({}, { minimum_parameter_entropy: 4 })).warnings, [
    'identity_providers.oidc.minimum_parameter_entropy is 4: values below 8 make nonce and state guessable',
  ]);
});

t.test('a client signing with a configured key', async (t) => {
  const oidc = { jwks: [{ key: RSA }, { key: P256, key_id: 'ec' }] };
  t.same(problemsOf(withClient({ userinfo_signed_response_alg: 'ES256', id_token_signed_response_key_id: 'ec', id_token_signed_response_alg: 'ES256' }, oidc)), []);
  t.same(problemsOf(withClient({ id_token_signed_response_key_id: 'ec' }, oidc)), [
    "identity_providers.oidc.clients[0].id_token_signed_response_key_id: names identity_providers.oidc.jwks[1], which signs only with ES256, but id_token_signed_response_alg is 'RS256'",
  ]);
});

t.test("a client's own jwks: public keys, unique ids, fitting algorithms", async (t) => {
  const C = 'identity_providers.oidc.clients[0]';
  const client = {
    client_secret: undefined,
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'RS256',
    jwks: [
      { key_id: 'k1', key: fixture('client-rsa.pub'), algorithm: 'RS256' },
      { key_id: 'k2', key: fixture('leaf.crt') },
      { key_id: 'k1', key: 'garbage' },
      { key_id: 'k3', key: fixture('client-rsa.pub'), algorithm: 'ES256' },
    ],
  };
  t.same(problemsOf(withClient(client)), [
    `${C}.jwks[2].key_id: 'k1' is already used by jwks[0]`,
    `${C}.jwks[2].key: is not a PEM encoded public key or certificate`,
    `${C}.jwks[3].algorithm: is 'ES256' which needs an ECDSA P-256 key but the key is an RSA key`,
  ]);
});
