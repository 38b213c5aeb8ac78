/**
 * parseConfig end to end: defaults, the 003 sample with its legacy names, both key-name generations
 * giving one model, positions, several problems at once, unknown keys, YAML syntax errors.
 */
import t from 'tap';
import { ConfigError, parseConfig } from '../../src/config/index.js';
import { VALID_NOW_MS, fixture, parse, problemsOf, withClient } from './config-fixtures.js';

const indent = (text: string, spaces: number): string =>
  text.trim().split('\n').map((line) => ' '.repeat(spaces) + line).join('\n');

const MINIMAL = 'storage:\n  local:\n    path: /var/lib/gatehouse/db.sqlite3\n';

t.test('a minimal config gets every default', async (t) => {
  const { config, warnings } = parse(MINIMAL);
  t.same(warnings, []);
  t.same(config.server, {
    workers: 1,
    path: '',
    trusted_proxies: ['127.0.0.1/32', '::1/128'],
    buffers: { read: 4096, write: 4096 },
    timeouts: { read: 6, write: 6, idle: 30 },
    max_body_bytes: 65_536,
    endpoints: {
      authz: {
        'forward-auth': { implementation: 'ForwardAuth', authn_strategies: [{ name: 'HeaderAuthorization', schemes: ['Bearer'] }, { name: 'CookieSession' }] },
        'auth-request': { implementation: 'AuthRequest', authn_strategies: [{ name: 'HeaderAuthorization', schemes: ['Bearer'] }, { name: 'CookieSession' }] },
        'ext-authz': { implementation: 'ExtAuthz', authn_strategies: [{ name: 'HeaderAuthorization', schemes: ['Bearer'] }, { name: 'CookieSession' }] },
        legacy: { implementation: 'Legacy', authn_strategies: [{ name: 'HeaderAuthorization', schemes: ['Bearer'] }, { name: 'CookieSession' }] },
      },
      introspection_cache: { max_ttl: 300, negative_ttl: 10, max_entries: 10_000 },
    },
    address: 'tcp://:9091',
    host: '',
    port: 9091,
  });
  t.same(config.log, { level: 'info', format: 'json' });
  t.equal(config.identity_providers, undefined, 'no oidc section: the provider is off');
  t.same(config.session, { name: 'authelia_session', same_site: 'lax', expiration: 3600, inactivity: 300, remember_me: 2_592_000, cookies: [] });
  t.same(config.storage, { local: { path: '/var/lib/gatehouse/db.sqlite3' }, retention: { authentication_logs: 30 * 86_400 } });
  t.same(config.access_control, { default_policy: 'deny', networks: [], rules: [] });
  t.same(config.regulation, { max_retries: 3, find_time: 120, ban_time: 300, modes: ['user'] });
  t.same(config.totp, { disable: false, issuer: 'Gatehouse', algorithm: 'SHA1', digits: 6, period: 30, skew: 1, secret_size: 32, allowed_algorithms: ['SHA1'], allowed_digits: [6], allowed_periods: [30], disable_reuse_security_policy: false });
  t.same(config.telemetry.metrics, {
    enabled: false,
    buffers: { read: 4096, write: 4096 },
    timeouts: { read: 6, write: 6, idle: 30 },
    address: 'tcp://0.0.0.0:9959',
    host: '0.0.0.0',
    port: 9959,
    path: '/metrics',
  });
  t.same(config.authentication_backend, { password_reset: { disable: false } });
  t.equal(config.notifier, undefined, 'no notifier: nothing can be sent, so no second factor can be registered');
  t.same(config.identity_validation, {
    elevated_session: { code_lifespan: 300, elevation_lifespan: 600, characters: 8, require_second_factor: false, skip_second_factor: false },
    reset_password: { jwt_lifespan: 300, jwt_algorithm: 'HS256' },
  });
  t.same(config.password_policy, {
    standard: { enabled: false, min_length: 8, max_length: 0, require_uppercase: false, require_lowercase: false, require_number: false, require_special: false },
    zxcvbn: { enabled: false, min_score: 3 },
  });
});

t.test('the model is deeply frozen', async (t) => {
  const { config } = parse(MINIMAL);
  t.ok(Object.isFrozen(config));
  t.ok(Object.isFrozen(config.server.trusted_proxies));
  t.ok(Object.isFrozen(config.server.endpoints.authz['forward-auth'].authn_strategies[0]));
});

/** The 003 sample ("Configuration"), with a real 2048-bit key and a valid chain in place of the placeholders. */
const SPEC_SAMPLE = `
identity_providers:
  oidc:
    hmac_secret: this_is_a_secret_abc123abc123abc
    issuer_certificate_chain: |
${indent(fixture('chain.pem'), 6)}
    issuer_private_key: |
${indent(fixture('issuer-rsa.key'), 6)}
    access_token_lifespan: 1h
    authorize_code_lifespan: 1m
    id_token_lifespan: 1h
    refresh_token_lifespan: 90m
    enable_client_debug_messages: false
    enforce_pkce: public_clients_only
    cors:
      endpoints:
        - authorization
        - token
        - revocation
        - introspection
      allowed_origins:
        - https://example.com
      allowed_origins_from_client_redirect_uris: false
    clients:
      - id: myapp
        description: My Application
        secret: '$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng'  # The digest of 'insecure_secret'.
        sector_identifier: ''
        public: false
        authorization_policy: two_factor
        consent_mode: explicit
        pre_configured_consent_duration: 1w
        audience: []
        scopes:
          - openid
          - groups
          - email
          - profile
        redirect_uris:
          - https://oidc.example.com:8080/oauth2/callback
        grant_types:
          - refresh_token
          - authorization_code
        response_types:
          - code
        response_modes:
          - form_post
          - query
          - fragment
        userinfo_signing_algorithm: none
storage:
  local:
    path: /var/lib/gatehouse/db.sqlite3
session:
  cookies:
    - domain: example.com
      authelia_url: https://auth.example.com
`;

/** The same configuration in Authelia 4.38 names. */
const SPEC_SAMPLE_NEW_NAMES = `
identity_providers:
  oidc:
    hmac_secret: this_is_a_secret_abc123abc123abc
    jwks:
      - algorithm: RS256
        key: |
${indent(fixture('issuer-rsa.key'), 10)}
        certificate_chain: |
${indent(fixture('chain.pem'), 10)}
    lifespans:
      access_token: 1h
      authorize_code: 1m
      id_token: 1h
      refresh_token: 90m
    enable_client_debug_messages: false
    enforce_pkce: public_clients_only
    cors:
      endpoints: [authorization, token, revocation, introspection]
      allowed_origins: [https://example.com]
      allowed_origins_from_client_redirect_uris: false
    clients:
      - client_id: myapp
        client_name: My Application
        client_secret: '$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng'
        public: false
        authorization_policy: two_factor
        consent_mode: explicit
        pre_configured_consent_duration: 1w
        audience: []
        scopes: [openid, groups, email, profile]
        redirect_uris: [https://oidc.example.com:8080/oauth2/callback]
        grant_types: [refresh_token, authorization_code]
        response_types: [code]
        response_modes: [form_post, query, fragment]
        userinfo_signed_response_alg: none
storage:
  local:
    path: /var/lib/gatehouse/db.sqlite3
session:
  cookies:
    - domain: example.com
      authelia_url: https://auth.example.com
`;

t.test('the 003 sample loads, with a deprecation warning per legacy name', async (t) => {
  const { config, warnings } = parse(SPEC_SAMPLE);
  t.same(warnings, [
    'identity_providers.oidc.issuer_private_key is deprecated: use identity_providers.oidc.jwks[0].key instead',
    'identity_providers.oidc.issuer_certificate_chain is deprecated: use identity_providers.oidc.jwks[0].certificate_chain instead',
    'identity_providers.oidc.access_token_lifespan is deprecated: use identity_providers.oidc.lifespans.access_token instead',
    'identity_providers.oidc.authorize_code_lifespan is deprecated: use identity_providers.oidc.lifespans.authorize_code instead',
    'identity_providers.oidc.id_token_lifespan is deprecated: use identity_providers.oidc.lifespans.id_token instead',
    'identity_providers.oidc.refresh_token_lifespan is deprecated: use identity_providers.oidc.lifespans.refresh_token instead',
    'identity_providers.oidc.clients[0].id is deprecated: use identity_providers.oidc.clients[0].client_id instead',
    'identity_providers.oidc.clients[0].description is deprecated: use identity_providers.oidc.clients[0].client_name instead',
    'identity_providers.oidc.clients[0].secret is deprecated: use identity_providers.oidc.clients[0].client_secret instead',
    'identity_providers.oidc.clients[0].sector_identifier is deprecated: use identity_providers.oidc.clients[0].sector_identifier_uri instead',
    'identity_providers.oidc.clients[0].userinfo_signing_algorithm is deprecated: use identity_providers.oidc.clients[0].userinfo_signed_response_alg instead',
  ]);
  const oidc = config.identity_providers!.oidc!;
  t.same(oidc.lifespans, { access_token: 3600, authorize_code: 60, id_token: 3600, refresh_token: 5400, custom: {} });
  t.equal(oidc.jwks.length, 1);
  t.equal(oidc.jwks[0].algorithm, 'RS256');
  t.equal(oidc.jwks[0].key, fixture('issuer-rsa.key').replace(/\n$/, '') + '\n');
  const client = oidc.clients[0];
  t.equal(client.client_id, 'myapp');
  t.equal(client.client_name, 'My Application');
  t.equal(client.sector_identifier_uri, undefined, "sector_identifier '' means none");
  t.equal(client.consent_mode_effective, 'explicit');
  t.equal(client.pre_configured_consent_duration, 604_800);
  t.equal(client.token_endpoint_auth_method, 'client_secret_basic');
  t.same(client.response_modes, ['form_post', 'query', 'fragment']);
});

t.test('both key-name generations give the same model', async (t) => {
  const legacy = parse(SPEC_SAMPLE);
  const current = parse(SPEC_SAMPLE_NEW_NAMES);
  t.same(current.warnings, []);
  const stripAlgorithmSet = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (k, v: unknown) => (k === 'algorithm_set' ? undefined : v)));
  t.same(stripAlgorithmSet(legacy.config), stripAlgorithmSet(current.config));
});

t.test('problems carry line:column of the key they are about', async (t) => {
  const text = [
    'storage:', //                                   1
    '  local:', //                                   2
    '    path: /db.sqlite3', //                      3
    'identity_providers:', //                        4
    '  oidc:', //                                    5
    '    clients:', //                               6
    '      - client_id: spa', //                     7
    '        public: true', //                       8
    "        client_secret: 'not-allowed'", //       9
    '        redirect_uris:', //                     10
    '          - https://spa.example.com/cb', //     11
    '          - https://spa.example.com/#frag', //  12
    '    issuer: https://auth.example.com', //       13
  ].join('\n');
  let error: ConfigError | undefined;
  try {
    parseConfig(text, { env: {}, nowMs: VALID_NOW_MS });
  } catch (err) {
    error = err as ConfigError;
  }
  t.ok(error instanceof ConfigError);
  t.same(error!.problems, [
    { path: 'identity_providers.oidc.clients[0].client_secret', message: 'must be empty for a public client', line: 9, column: 9 },
    { path: 'identity_providers.oidc.clients[0].redirect_uris[1]', message: "must not have a fragment but is 'https://spa.example.com/#frag'", line: 12, column: 13 },
  ]);
  t.equal(
    error!.message,
    [
      'identity_providers.oidc.clients[0].client_secret (line 9:9): must be empty for a public client',
      "identity_providers.oidc.clients[0].redirect_uris[1] (line 12:13): must not have a fragment but is 'https://spa.example.com/#frag'",
    ].join('\n'),
  );
});

t.test('a missing key is reported at its parent; a moved legacy key at the old name', async (t) => {
  const text = ['storage:', '  local:', '    path: /db.sqlite3', 'identity_providers:', '  oidc:', '    clients:', '      - id: app', "        secret: 'x'", '    issuer: https://auth.example.com'].join('\n');
  try {
    parseConfig(text, { env: {}, nowMs: VALID_NOW_MS });
    t.fail('expected a ConfigError');
  } catch (err) {
    t.same((err as ConfigError).problems, [
      { path: 'identity_providers.oidc.clients[0].redirect_uris', message: 'is required', line: 7, column: 9 },
    ]);
  }
  const secretLine = ['storage:', '  local:', '    path: /db.sqlite3', 'identity_providers:', '  oidc:', '    clients:', '      - id: app', '        public: true', "        secret: 'x'", '        redirect_uris: [https://a.example.com/]', '    issuer: https://auth.example.com'].join('\n');
  try {
    parseConfig(secretLine, { env: {}, nowMs: VALID_NOW_MS });
    t.fail('expected a ConfigError');
  } catch (err) {
    t.same((err as ConfigError).problems, [
      { path: 'identity_providers.oidc.clients[0].client_secret', message: 'must be empty for a public client', line: 9, column: 9 },
    ]);
  }
});

t.test('a cross-section problem is reported at its key, and at its nearest written parent when the key is defaulted', async (t) => {
  const problemsIn = (text: string) => {
    try {
      parseConfig(text, { env: {}, nowMs: VALID_NOW_MS });
      return [];
    } catch (err) {
      return (err as ConfigError).problems;
    }
  };
  const written = ['storage:', '  local:', '    path: /db.sqlite3', '  retention:', '    authentication_logs: 1h', 'regulation:', '  find_time: 2h'].join('\n');
  t.same(problemsIn(written), [
    { path: 'storage.retention.authentication_logs', message: 'must be at least regulation.find_time (2h) but is 1h: regulation counts the failures logged within it', line: 5, column: 5 },
  ]);
  const defaulted = ['storage:', '  local:', '    path: /db.sqlite3', 'regulation:', '  find_time: 60d'].join('\n');
  t.same(problemsIn(defaulted), [
    { path: 'storage.retention.authentication_logs', message: 'must be at least regulation.find_time (60d) but is 30d: regulation counts the failures logged within it', line: 1, column: 1 },
  ]);
});

t.test('several problems in several sections are reported at once', async (t) => {
  t.same(
    problemsOf({
      server: { address: 'tcp://:99999', trusted_proxies: ['10.0.0.0/33'] },
      log: { level: 'loud' },
      storage: {},
      session: { cookies: [{ domain: 'https://example.com', authelia_url: 'https://auth.example.com' }] },
      totp: { algorithm: 'md5', digits: 7 },
      regulation: { find_time: 'soon' },
      identity_providers: { oidc: { enforce_pkce: 'sometimes', clients: [{ client_id: 'a', redirect_uris: ['https://a.example.com/cb'], bogus: 1 }] } },
    }).sort(),
    [
      "server.address: must be an address such as 'tcp://:9091', 'host:port' or ':port' but is 'tcp://:99999'",
      "server.trusted_proxies[0]: must be an IP address or CIDR range such as '10.0.0.0/8' but is '10.0.0.0/33'",
      "log.level: must be one of 'trace', 'debug', 'info', 'warn', 'error' but is 'loud'",
      "storage: must configure exactly one of 'local' or 'postgres'",
      "session.cookies[0].domain: must be a domain without a scheme but is 'https://example.com'",
      "totp.algorithm: must be one of 'SHA1', 'SHA256', 'SHA512' but is 'md5'",
      'totp.digits: must be one of 6, 8 but is 7',
      "regulation.find_time: must be a duration such as '90', '1h30m' or '2 days' but is 'soon'",
      "identity_providers.oidc.enforce_pkce: must be one of 'never', 'public_clients_only', 'always' but is 'sometimes'",
      'identity_providers.oidc.clients[0].bogus: is an unknown key',
    ].sort(),
  );
});

t.test('unknown keys are problems, except the names of map entries', async (t) => {
  t.same(problemsOf({ storage: { local: { path: '/db', pth: 1 } }, serverr: {} }).sort(), ["serverr: is an unknown key: did you mean 'server'?", "storage.local.pth: is an unknown key: did you mean 'path'?"]);
  t.same(
    problemsOf({
      storage: { local: { path: '/db' } },
      server: { endpoints: { authz: { 'my-endpoint': { implementation: 'ForwardAuth', authn_strategies: [{ name: 'CookieSession' }] } } } },
    }),
    [],
  );
});

t.test('YAML syntax errors carry line:column', async (t) => {
  t.same(problemsOf('storage:\n  local:\n    path: [unclosed\n'), [': Flow sequence in block collection must be sufficiently indented and end with a ]']);
  t.throws(() => parseConfig('log:\n  level: info\nlog:\n  level: debug\n', { env: {}, nowMs: 0 }), {
    message: '<root> (line 3:1): Map keys must be unique',
  });
});

t.test('an empty file is an empty config (storage is then missing)', async (t) => {
  t.same(problemsOf(''), ["storage: must configure exactly one of 'local' or 'postgres'"]);
  t.same(problemsOf('- a\n- b\n'), [': must be a map of sections (server, identity_providers, …)']);
});

t.test('every legacy client and provider name maps to its 4.38 name', async (t) => {
  const C = 'identity_providers.oidc.clients[0]';
  const renames: [string, unknown, string, unknown][] = [
    ['enforce_par', true, 'require_pushed_authorization_requests', true],
    ['enforce_pkce', true, 'require_pkce', true],
    ['sector_identifier', 'pairwise.example.com', 'sector_identifier_uri', 'https://pairwise.example.com'],
    ['userinfo_signing_algorithm', 'RS256', 'userinfo_signed_response_alg', 'RS256'],
    ['introspection_signing_algorithm', 'RS256', 'introspection_signed_response_alg', 'RS256'],
    ['introspection_signing_alg', 'RS256', 'introspection_signed_response_alg', 'RS256'],
    ['request_object_signing_algorithm', 'none', 'request_object_signing_alg', 'none'],
    ['token_endpoint_auth_signing_algorithm', 'HS256', 'token_endpoint_auth_signing_alg', 'HS256'],
  ];
  for (const [old, value, now, expected] of renames) {
    const extra = old === 'token_endpoint_auth_signing_algorithm' ? { client_secret: 'plaintext-secret', token_endpoint_auth_method: 'client_secret_jwt' } : {};
    const { config, warnings } = parse(withClient({ [old]: value, ...extra }));
    const client = config.identity_providers!.oidc!.clients[0] as unknown as Record<string, unknown>;
    t.equal(client[now], expected, `${old} → ${now}`);
    t.same(warnings, [`${C}.${old} is deprecated: use ${C}.${now} instead`]);
  }
  const { config, warnings } = parse(withClient({}, { pushed_authorizations: { enforce: true, context_lifespan: '10m' } }));
  t.equal(config.identity_providers!.oidc!.require_pushed_authorization_requests, true);
  t.equal(config.identity_providers!.oidc!.pushed_authorizations.context_lifespan, 600);
  t.same(warnings, ['identity_providers.oidc.pushed_authorizations.enforce is deprecated: use identity_providers.oidc.require_pushed_authorization_requests instead']);
  t.same(problemsOf(withClient({ id: 'old', client_id: 'new' })), [`${C}.id: must not be set together with ${C}.client_id: remove the deprecated id`]);
});
