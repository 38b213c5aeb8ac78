/**
 * One failing case per client rule, asserting the exact path and message of every problem.
 * Sources: 003 (clients guide), 004 (integration guide tables), the bearer token guide.
 */
import t from 'tap';
import { parse, problemsOf, withClient } from './config-fixtures.js';

const C = 'identity_providers.oidc.clients[0]';
const BEARER = { scopes: ['openid', 'authelia.bearer.authz'], audience: ['https://api.example.com'], pkce_challenge_method: 'S256', consent_mode: 'explicit' };

const cases: { rule: string; client: Record<string, unknown>; oidc?: Record<string, unknown>; problems: string[] }[] = [
  { rule: 'a valid confidential client', client: {}, problems: [] },
  {
    rule: '004 Grant Types: a machine client (client_credentials only) needs no response types',
    client: { grant_types: ['client_credentials'], scopes: ['api'], audience: ['https://api.example.com'] },
    problems: [],
  },
  {
    rule: '004 Grant Types: client_credentials as the only grant excludes openid, offline and offline_access',
    client: { grant_types: ['client_credentials'], scopes: ['openid', 'api'] },
    problems: [`${C}.scopes[0]: must not be 'openid' when client_credentials is the only grant type`],
  },
  {
    rule: '003 secret: must be blank for a public client; RFC 6749 §2.1 public ⇒ auth method none',
    client: { public: true, token_endpoint_auth_method: 'client_secret_post' },
    problems: [`${C}.client_secret: must be empty for a public client`, `${C}.token_endpoint_auth_method: must be 'none' for a public client but is 'client_secret_post'`],
  },
  { rule: 'a public client with an empty secret is fine', client: { public: true, client_secret: '' }, problems: [] },
  {
    rule: '003 secret: required for a confidential client',
    client: { client_secret: undefined },
    problems: [`${C}.client_secret: is required for a confidential client unless token_endpoint_auth_method is 'private_key_jwt'`],
  },
  {
    rule: 'a confidential client must authenticate',
    client: { token_endpoint_auth_method: 'none' },
    problems: [`${C}.token_endpoint_auth_method: must not be 'none' for a confidential client (public: false)`],
  },
  {
    rule: 'client_secret_jwt needs the plaintext secret',
    client: { token_endpoint_auth_method: 'client_secret_jwt' },
    problems: [`${C}.client_secret: must be the plaintext secret, not a digest, for token_endpoint_auth_method 'client_secret_jwt'`],
  },
  { rule: 'client_secret_jwt accepts a $plaintext$ secret', client: { token_endpoint_auth_method: 'client_secret_jwt', client_secret: '$plaintext$a-shared-secret-of-some-length' }, problems: [] },
  {
    rule: 'oob redirect only for public clients',
    client: { redirect_uris: ['urn:ietf:wg:oauth:2.0:oob'] },
    problems: [`${C}.redirect_uris[0]: 'urn:ietf:wg:oauth:2.0:oob' is only allowed for public clients`],
  },
  { rule: 'oob redirect for a public client', client: { public: true, client_secret: undefined, redirect_uris: ['urn:ietf:wg:oauth:2.0:oob'] }, problems: [] },
  {
    rule: '003 redirect_uris: absolute, http or https, RFC 6749 §3.1.2 no fragment, no duplicates',
    client: { redirect_uris: ['/callback', 'ftp://files.example.com/cb', 'https://app.example.com/cb#x', 'http://app.example.com/cb', 'http://app.example.com/cb'] },
    problems: [
      `${C}.redirect_uris[0]: must be an absolute URL but is '/callback'`,
      `${C}.redirect_uris[1]: must have the scheme http or https but is 'ftp://files.example.com/cb'`,
      `${C}.redirect_uris[2]: must not have a fragment but is 'https://app.example.com/cb#x'`,
      `${C}.redirect_uris[4]: 'http://app.example.com/cb' is listed twice (first at index 3)`,
    ],
  },
  { rule: '003 redirect_uris: required', client: { redirect_uris: [] }, problems: [`${C}.redirect_uris: must have at least 1 entry`] },
  {
    rule: '003 pkce_challenge_method plain needs enable_pkce_plain_challenge',
    client: { pkce_challenge_method: 'plain' },
    problems: [`${C}.pkce_challenge_method: is 'plain' but identity_providers.oidc.enable_pkce_plain_challenge is false`],
  },
  { rule: 'plain allowed when enabled', client: { pkce_challenge_method: 'plain' }, oidc: { enable_pkce_plain_challenge: true }, problems: [] },
  {
    rule: '004 Grant Types: only the supported values',
    client: { grant_types: ['password'] },
    problems: [`${C}.grant_types[0]: must be one of 'authorization_code', 'implicit', 'refresh_token', 'client_credentials' but is 'password'`],
  },
  {
    rule: '004 Response Types: only the seven values',
    client: { response_types: ['code token id_token'] },
    problems: [`${C}.response_types[0]: must be one of 'code', 'id_token token', 'id_token', 'token', 'code token', 'code id_token', 'code id_token token' but is 'code token id_token'`],
  },
  {
    rule: '004 Response Types: code needs authorization_code, id_token/token need implicit',
    client: { response_types: ['code', 'id_token', 'code id_token'], grant_types: ['refresh_token'] },
    problems: [
      `${C}.response_types[0]: 'code' needs the grant type 'authorization_code' in grant_types`,
      `${C}.response_types[1]: 'id_token' needs the grant type 'implicit' in grant_types`,
      `${C}.response_types[2]: 'code id_token' needs the grant type 'authorization_code' and 'implicit' in grant_types`,
    ],
  },
  {
    rule: '004 Response Modes: only the seven values',
    client: { response_modes: ['web_message'] },
    problems: [`${C}.response_modes[0]: must be one of 'form_post', 'query', 'fragment', 'jwt', 'form_post.jwt', 'query.jwt', 'fragment.jwt' but is 'web_message'`],
  },
  {
    rule: '004 Grant Types: client_credentials alone excludes openid, offline, offline_access',
    client: { grant_types: ['client_credentials'], response_types: ['code'], scopes: ['openid', 'offline_access', 'offline', 'api'] },
    problems: [
      `${C}.response_types[0]: 'code' needs the grant type 'authorization_code' in grant_types`,
      `${C}.scopes[0]: must not be 'openid' when client_credentials is the only grant type`,
      `${C}.scopes[1]: must not be 'offline_access' when client_credentials is the only grant type`,
      `${C}.scopes[2]: must not be 'offline' when client_credentials is the only grant type`,
    ],
  },
  { rule: 'refresh_token without offline_access is the spec default, not a problem', client: { scopes: ['openid'] }, problems: [] },
  { rule: 'scopes have no duplicates', client: { scopes: ['openid', 'email', 'openid'] }, problems: [`${C}.scopes[2]: 'openid' is listed twice (first at index 0)`] },
  {
    rule: 'enums: consent_mode',
    client: { consent_mode: 'sometimes' },
    problems: [`${C}.consent_mode: must be one of 'auto', 'explicit', 'implicit', 'pre-configured' but is 'sometimes'`],
  },
  {
    rule: '003 authorization_policy: one_factor, two_factor or a custom name',
    client: { authorization_policy: 'three_factor' },
    problems: [`${C}.authorization_policy: must be 'one_factor', 'two_factor' or a name from identity_providers.oidc.authorization_policies but is 'three_factor'`],
  },
  {
    rule: 'a custom authorization policy name is accepted',
    client: { authorization_policy: 'admins' },
    oidc: { authorization_policies: { admins: { default_policy: 'deny', rules: [{ policy: 'two_factor', subject: 'group:admins' }] } } },
    problems: [],
  },
  {
    rule: 'bearer guide: audience, S256 PKCE, explicit consent, code only, no fragment, no implicit',
    client: { scopes: ['authelia.bearer.authz'], consent_mode: 'implicit', response_types: ['code', 'code id_token'], response_modes: ['query', 'fragment'], grant_types: ['authorization_code', 'implicit'] },
    problems: [
      `${C}.audience: must not be empty for a client with the scope 'authelia.bearer.authz'`,
      `${C}.pkce_challenge_method: must be 'S256' for a client with the scope 'authelia.bearer.authz' but is ''`,
      `${C}.consent_mode: must be 'explicit' for a client with the scope 'authelia.bearer.authz' but is 'implicit'`,
      `${C}.response_types: must be only 'code' for a client with the scope 'authelia.bearer.authz'`,
      `${C}.response_modes[1]: must not be 'fragment' for a client with the scope 'authelia.bearer.authz'`,
      `${C}.grant_types[1]: must not be 'implicit' for a client with the scope 'authelia.bearer.authz' unless it is the only grant type`,
    ],
  },
  { rule: 'bearer guide: a compliant authorization code client', client: BEARER, problems: [] },
  {
    rule: 'bearer guide: auto consent resolving to pre-configured is not explicit',
    client: { ...BEARER, consent_mode: 'auto', pre_configured_consent_duration: '1w' },
    problems: [`${C}.consent_mode: must be 'explicit' for a client with the scope 'authelia.bearer.authz' but is 'auto' (auto resolves to 'pre-configured' because pre_configured_consent_duration is set)`],
  },
  {
    rule: 'bearer guide: client_credentials only needs just an audience',
    client: { scopes: ['authelia.bearer.authz'], grant_types: ['client_credentials'], response_types: undefined },
    problems: [`${C}.audience: must not be empty for a client with the scope 'authelia.bearer.authz'`],
  },
  {
    rule: '004 Client Authentication Method: private_key_jwt needs jwks or jwks_uri',
    client: { token_endpoint_auth_method: 'private_key_jwt', client_secret: undefined },
    problems: [`${C}.token_endpoint_auth_method: is 'private_key_jwt' but neither jwks nor jwks_uri is set`],
  },
  {
    rule: 'jwks and jwks_uri are exclusive',
    client: { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://app.example.com/jwks.json', jwks: [] },
    problems: [`${C}.jwks_uri: must not be set together with jwks`],
  },
  {
    rule: 'token_endpoint_auth_signing_alg: HS* only with client_secret_jwt, RS/PS/ES only with private_key_jwt',
    client: { token_endpoint_auth_signing_alg: 'RS256' },
    problems: [`${C}.token_endpoint_auth_signing_alg: is 'RS256' which needs token_endpoint_auth_method 'private_key_jwt' but it is 'client_secret_basic'`],
  },
  {
    rule: 'token_endpoint_auth_signing_alg HS256 with the wrong method',
    client: { token_endpoint_auth_signing_alg: 'HS256', token_endpoint_auth_method: 'client_secret_post' },
    problems: [`${C}.token_endpoint_auth_signing_alg: is 'HS256' which needs token_endpoint_auth_method 'client_secret_jwt' but it is 'client_secret_post'`],
  },
  {
    rule: '004 Request Object table',
    client: { request_object_signing_alg: 'RS1' },
    problems: [`${C}.request_object_signing_alg: must be one of 'none', 'HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512' but is 'RS1'`],
  },
  {
    rule: 'request objects signed with a key need the client keys',
    client: { request_object_signing_alg: 'ES256' },
    problems: [`${C}.request_object_signing_alg: is 'ES256' which needs jwks or jwks_uri`],
  },
  {
    rule: '004 Response Object table, and the ID Token is always signed',
    client: { id_token_signed_response_alg: 'none', userinfo_signed_response_alg: 'HS256' },
    problems: [
      `${C}.userinfo_signed_response_alg: must be one of 'none', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512' but is 'HS256'`,
    ],
  },
  {
    rule: 'the ID Token is always signed',
    client: { id_token_signed_response_alg: 'none' },
    problems: [`${C}.id_token_signed_response_alg: must not be 'none': ID Tokens are always signed`],
  },
  {
    rule: 'a signed response needs a provider key of that algorithm (the generated key is RSA, without a key_id)',
    client: { userinfo_signed_response_alg: 'ES256', introspection_signed_response_key_id: 'missing' },
    problems: [
      `${C}.userinfo_signed_response_alg: is 'ES256' but identity_providers.oidc.jwks is empty and the generated issuer key is an RSA key: configure an ES256 key in jwks`,
      `${C}.introspection_signed_response_key_id: 'missing' is not a key_id in identity_providers.oidc.jwks, which is empty: the generated issuer key has no key_id to pin, so configure the key in jwks with this key_id`,
    ],
  },
  {
    rule: 'sector_identifier_uri is an https URL',
    client: { sector_identifier_uri: 'example.com' },
    problems: [`${C}.sector_identifier_uri: must be an absolute URL but is 'example.com'`],
  },
  {
    rule: 'lifespan names a custom lifespan',
    client: { lifespan: 'short' },
    problems: [`${C}.lifespan: must be a name from identity_providers.oidc.lifespans.custom but is 'short'`],
  },
];

for (const { rule, client, oidc, problems } of cases) {
  t.test(rule, async (t) => {
    t.same(problemsOf(withClient(client, oidc)), problems);
  });
}

t.test('duplicate client ids', async (t) => {
  const config = withClient({});
  const oidc = (config['identity_providers'] as { oidc: { clients: unknown[] } }).oidc;
  oidc.clients.push(oidc.clients[0]);
  t.same(problemsOf(config), ["identity_providers.oidc.clients[1].client_id: 'app' is already used by identity_providers.oidc.clients[0]"]);
});

t.test('derived defaults', async (t) => {
  const client = (overrides: Record<string, unknown>) => parse(withClient(overrides)).config.identity_providers!.oidc!.clients[0];
  t.same(client({}).response_modes, ['form_post', 'query'], '004: code → form_post, query');
  t.same(client({ response_types: ['code id_token'], grant_types: ['authorization_code', 'implicit'] }).response_modes, ['form_post', 'fragment'], '004: hybrid → form_post, fragment');
  t.same(client({}).grant_types, ['refresh_token', 'authorization_code'], '003 grant_types default');
  t.same(client({}).scopes, ['openid', 'groups', 'profile', 'email'], '003 scopes default');
  t.equal(client({}).client_name, 'app', '003 description defaults to the id');
  t.equal(client({ public: true, client_secret: undefined }).token_endpoint_auth_method, 'none');
  t.equal(client({}).consent_mode_effective, 'explicit', '003 consent_mode auto → explicit');
  t.equal(client({ pre_configured_consent_duration: '2d' }).consent_mode_effective, 'pre-configured', '003 auto + duration → pre-configured');
  t.equal(client({ pre_configured_consent_duration: '2d' }).pre_configured_consent_duration, 172_800);
  t.equal(client({ consent_mode: 'implicit', pre_configured_consent_duration: '2d' }).consent_mode_effective, 'implicit');
  t.equal(client({ pkce_challenge_method: 'S256' }).require_pkce, true, '003 pkce_challenge_method enables enforce_pkce');
  t.equal(client({}).require_pkce, false);
  t.equal(client({}).id_token_signed_response_alg, 'RS256');
});
