/** server, session, storage, access_control, regulation, totp, telemetry, authentication_backend, and their legacy names. */
import t from 'tap';
import { notImplementedWarning, parse, problemsOf } from './config-fixtures.js';

const LOCAL = { local: { path: '/var/lib/gatehouse/db.sqlite3' } };
const withSections = (sections: Record<string, unknown>) => ({ storage: LOCAL, ...sections });

t.test('server.address forms', async (t) => {
  const cases: [string, { host: string; port: number }][] = [
    ['tcp://:9091', { host: '', port: 9091 }],
    ['tcp://127.0.0.1:8080', { host: '127.0.0.1', port: 8080 }],
    ['0.0.0.0:9000', { host: '0.0.0.0', port: 9000 }],
    [':9092', { host: '', port: 9092 }],
    ['tcp://[::1]:9093', { host: '::1', port: 9093 }],
  ];
  for (const [address, expected] of cases) {
    const { server } = parse(withSections({ server: { address } })).config;
    t.same({ host: server.host, port: server.port, address: server.address }, { ...expected, address }, address);
  }
});

t.test('server: durations, schemes case-insensitively, introspection cache, remote introspection', async (t) => {
  const { server } = parse(
    withSections({
      server: {
        timeouts: { read: '10s', write: '1m', idle: 90 },
        endpoints: {
          authz: { 'forward-auth': { implementation: 'ForwardAuth', authn_strategies: [{ name: 'HeaderProxyAuthorization', schemes: ['basic', 'BEARER'] }] } },
          introspection_cache: { max_ttl: '1m' },
          remote_introspection: { url: 'https://idp.example.com/introspect', client_id: 'gw', client_secret: 'secret-value' },
        },
      },
    }),
  ).config;
  t.same(server.timeouts, { read: 10, write: 60, idle: 90 });
  t.same(server.endpoints.authz['forward-auth'].authn_strategies, [{ name: 'HeaderProxyAuthorization', schemes: ['Basic', 'Bearer'] }]);
  t.same(server.endpoints.introspection_cache, { max_ttl: 60, negative_ttl: 10, max_entries: 10_000 });
  t.same(server.endpoints.remote_introspection, { url: 'https://idp.example.com/introspect', client_id: 'gw', client_secret: 'secret-value', timeout: 5 });
});

t.test('server problems', async (t) => {
  t.same(
    problemsOf(withSections({ server: { trusted_proxies: ['10.0.0.0/8', 'fe80::/129', 'nope'], endpoints: { authz: { x: { implementation: 'Caddy', authn_strategies: [{ name: 'CookieSession', schemes: ['Digest'] }] } } } } })),
    [
      "server.trusted_proxies[1]: must be an IP address or CIDR range such as '10.0.0.0/8' but is 'fe80::/129'",
      "server.trusted_proxies[2]: must be an IP address or CIDR range such as '10.0.0.0/8' but is 'nope'",
      "server.endpoints.authz.x.implementation: must be one of 'ForwardAuth', 'AuthRequest', 'ExtAuthz', 'Legacy' but is 'Caddy'",
      "server.endpoints.authz.x.authn_strategies[0].schemes[0]: must be one of 'Basic', 'Bearer' but is 'Digest'",
    ],
  );
});

t.test('legacy server.host/port and endpoints.authz_cache', async (t) => {
  const { config, warnings } = parse(withSections({ server: { host: '0.0.0.0', port: 9095, endpoints: { authz_cache: { max_entries: 5 } } } }));
  t.equal(config.server.address, 'tcp://0.0.0.0:9095');
  t.equal(config.server.port, 9095);
  t.equal(config.server.endpoints.introspection_cache.max_entries, 5);
  t.same(warnings, [
    'server.host is deprecated: use server.address instead',
    'server.port is deprecated: use server.address instead',
    'server.endpoints.authz_cache is deprecated: use server.endpoints.introspection_cache instead',
  ]);
  t.same(problemsOf(withSections({ server: { address: 'tcp://:1', port: 2 } })), ['server.port: must not be set together with server.address: remove the deprecated port']);
});

t.test('session cookies inherit from the session level', async (t) => {
  const { session } = parse(
    withSections({
      session: {
        name: 'gh',
        expiration: '2h',
        remember_me: -1,
        cookies: [
          { domain: 'example.com', authelia_url: 'https://auth.example.com', default_redirection_url: 'https://www.example.com' },
          { domain: 'example.org', authelia_url: 'https://example.org/auth', inactivity: '10m', same_site: 'strict', remember_me: '1w' },
        ],
      },
    }),
  ).config;
  t.same(session.cookies, [
    { domain: 'example.com', authelia_url: 'https://auth.example.com', default_redirection_url: 'https://www.example.com', name: 'gh', same_site: 'lax', expiration: 7200, inactivity: 300, remember_me: -1 },
    { domain: 'example.org', authelia_url: 'https://example.org/auth', name: 'gh', same_site: 'strict', expiration: 7200, inactivity: 600, remember_me: 604_800 },
  ]);
});

t.test('session cookie rules', async (t) => {
  const S = 'session.cookies';
  t.same(
    problemsOf(
      withSections({
        session: {
          cookies: [
            { domain: '.example.com', authelia_url: 'https://auth.example.com' },
            { domain: 'com', authelia_url: 'https://auth.com' },
            { domain: 'example.com:8443', authelia_url: 'https://auth.example.com' },
            { domain: 'example.net', authelia_url: 'https://auth.example.org' },
            { domain: 'example.io', authelia_url: 'https://auth.example.io', default_redirection_url: 'https://auth.example.io' },
            { domain: 'example.dev', authelia_url: 'https://auth.example.dev', default_redirection_url: 'https://elsewhere.com' },
          ],
        },
      }),
    ),
    [
      `${S}[0].domain: must not start with a dot but is '.example.com'`,
      `${S}[1].domain: must not be a bare top-level domain but is 'com': browsers refuse cookies for it`,
      `${S}[2].domain: must be a domain name only (no port or path) but is 'example.com:8443'`,
      `${S}[3].authelia_url: must be on the domain 'example.net' or a subdomain of it but is 'https://auth.example.org'`,
      `${S}[4].default_redirection_url: must not be the same as authelia_url`,
      `${S}[5].default_redirection_url: must be on the domain 'example.dev' or a subdomain of it but is 'https://elsewhere.com'`,
    ],
  );
  t.same(
    problemsOf(withSections({ session: { cookies: [{ domain: 'example.com', authelia_url: 'https://auth.example.com' }, { domain: 'example.com', authelia_url: 'https://login.example.com' }] } })),
    ["session.cookies[1].domain: 'example.com' is already configured by session.cookies[0]"],
  );
  t.same(problemsOf(withSections({ session: { cookies: [{ domain: 'localhost', authelia_url: 'http://localhost:9091' }] } })), [], 'http for localhost');
  t.same(problemsOf(withSections({ session: { cookies: [{ domain: 'example.net', authelia_url: 'http://auth.example.net' }] } })), [
    "session.cookies[0].authelia_url: must be an https URL (http only for localhost) but is 'http://auth.example.net'",
  ]);
});

t.test('legacy session.domain → session.cookies[0] needs an authelia_url', async (t) => {
  const text = 'storage: { local: { path: /db } }\ndefault_redirection_url: https://www.example.com\nsession:\n  domain: example.com\n';
  t.same(problemsOf(text), ['session.cookies[0].authelia_url: is required']);
  const withUrl = 'storage: { local: { path: /db } }\nsession:\n  domain: example.com\n  cookies: []\n';
  t.same(problemsOf(withUrl), ['session.cookies[0].authelia_url: is required']);
});

t.test('storage: exactly one engine; postgres address forms; shared secrets', async (t) => {
  const pg = { address: 'tcp://db.internal:6432', database: 'gatehouse', username: 'gh', password: 'pw' };
  t.same(problemsOf({ storage: { ...LOCAL, postgres: pg } }), ['storage.encryption_key: is required when storage is postgres: every replica must share it', 'storage.postgres: must not be set together with storage.local: configure exactly one engine']);
  const { storage } = parse({ storage: { encryption_key: 'a'.repeat(20), postgres: { ...pg, address: 'db.internal' } } }).config;
  t.same(storage.postgres, { database: 'gatehouse', schema: 'public', username: 'gh', password: 'pw', timeout: 5, address: 'db.internal', host: 'db.internal', port: 5432 });
  t.same(
    problemsOf({ storage: { postgres: pg }, identity_providers: { oidc: { issuer: 'https://auth.example.com', clients: [{ client_id: 'a', client_secret: 'x', redirect_uris: ['https://a.example.com/cb'] }] } } }),
    [
      'storage.encryption_key: is required when storage is postgres: every replica must share it',
      'identity_providers.oidc.hmac_secret: is required when storage is postgres: every replica must share it',
      'identity_providers.oidc.jwks: must have at least one key when storage is postgres: every replica must share it',
    ],
  );
  t.same(problemsOf({ storage: { encryption_key: 'short', ...LOCAL } }), ['storage.encryption_key: must be at least 20 characters long']);
  t.same(problemsOf({ storage: { encryption_key: 'a'.repeat(20), postgres: { ...pg, tls: { private_key: 'x' } } } }), [
    'storage.postgres.tls.certificate_chain: is required when the other half of the client certificate (certificate_chain, private_key) is set',
  ]);
});

t.test('storage.retention.authentication_logs: 30 days by default, never shorter than regulation.find_time', async (t) => {
  t.same(parse(withSections({})).config.storage.retention, { authentication_logs: 30 * 86_400 }, 'the default');
  // [storage.retention, regulation, problems]
  const cases: Array<[Record<string, unknown>, Record<string, unknown>, string[]]> = [
    [{ authentication_logs: '90d' }, {}, []],
    [{ authentication_logs: '2m' }, {}, []],
    [{ authentication_logs: '10m' }, { find_time: '10m' }, []],
    [{ authentication_logs: '9m' }, { find_time: '10m' }, ['storage.retention.authentication_logs: must be at least regulation.find_time (10m) but is 9m: regulation counts the failures logged within it']],
    [{}, { find_time: '2M' }, ['storage.retention.authentication_logs: must be at least regulation.find_time (60d) but is 30d: regulation counts the failures logged within it']],
    [{ authentication_logs: 90 }, { find_time: '1h30m' }, ['storage.retention.authentication_logs: must be at least regulation.find_time (90m) but is 90s: regulation counts the failures logged within it']],
    [{ authentication_logs: 'soon' }, {}, ["storage.retention.authentication_logs: must be a duration such as '90', '1h30m' or '2 days' but is 'soon'"]],
    [{ authentication_log: '1d' }, {}, ["storage.retention.authentication_log: is an unknown key: did you mean 'authentication_logs'?"]],
  ];
  for (const [retention, regulation, problems] of cases) {
    t.same(problemsOf(withSections({ storage: { ...LOCAL, retention }, regulation })), problems, JSON.stringify({ retention, regulation }));
  }
  t.equal(parse(withSections({ storage: { ...LOCAL, retention: { authentication_logs: '1y' } } })).config.storage.retention.authentication_logs, 31_536_000);
});

t.test('legacy storage.postgres.host/port', async (t) => {
  const { config, warnings } = parse({ storage: { encryption_key: 'a'.repeat(20), postgres: { host: 'db', port: 5433, database: 'd', username: 'u', password: 'p' } } });
  t.same([config.storage.postgres!.host, config.storage.postgres!.port], ['db', 5433]);
  t.same(warnings, ['storage.postgres.host is deprecated: use storage.postgres.address instead', 'storage.postgres.port is deprecated: use storage.postgres.address instead']);
});

t.test('access_control: normalised rules', async (t) => {
  const { access_control } = parse(
    withSections({
      access_control: {
        default_policy: 'one_factor',
        networks: [{ name: 'internal', networks: ['10.0.0.0/8', '192.168.0.0/16'] }],
        rules: [
          { domain: 'public.example.com', policy: 'bypass' },
          { domain: ['a.example.com', 'b.example.com'], policy: 'two_factor', subject: ['group:admins', ['user:bob', 'group:dev']], networks: ['internal', '172.16.0.0/12'], methods: ['GET'], resources: ['^/api/'] },
          { domain_regex: '^(?<user>\\w+)\\.example\\.com$', policy: 'one_factor', subject: 'oauth2:client:robot', query: [[{ key: 'debug' }, { key: 'mode', value: 'x' }]] },
        ],
      },
    }),
  ).config;
  t.equal(access_control.default_policy, 'one_factor');
  t.same(access_control.rules[1].subject, [['group:admins'], ['user:bob', 'group:dev']]);
  t.same(access_control.rules[2].subject, [['oauth2:client:robot']]);
  t.same(access_control.rules[2].domain_regex, ['^(?<user>\\w+)\\.example\\.com$']);
  t.same(access_control.rules[2].query, [[{ key: 'debug', operator: 'present', value: undefined }, { key: 'mode', operator: 'equal', value: 'x' }]]);
  t.same(access_control.rules[0].methods, []);
});

t.test('access_control problems', async (t) => {
  const R = 'access_control.rules';
  t.same(
    problemsOf(
      withSections({
        access_control: {
          default_policy: 'allow',
          rules: [
            { policy: 'deny' },
            { domain: 'a.example.com', policy: 'one_factor', subject: 'admins', resources: ['(unclosed'], methods: ['get'] },
            { domain_regex: '[z-a]', policy: 'deny', query: [[{ key: 'x', operator: 'absent', value: 'y' }, { key: 'y', operator: 'pattern', value: '(' }]] },
          ],
        },
      }),
    ),
    [
      "access_control.default_policy: must be one of 'bypass', 'one_factor', 'two_factor', 'deny' but is 'allow'",
      `${R}[0]: must have a 'domain' or a 'domain_regex'`,
      `${R}[1].subject: must be 'user:<name>', 'group:<name>' or 'oauth2:client:<id>' but is 'admins'`,
      `${R}[1].resources[0]: must be a valid regular expression but '(unclosed' does not compile: Invalid regular expression: /(unclosed/: Unterminated group`,
      `${R}[1].methods[0]: must be one of 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK' but is 'get'`,
      `${R}[2].domain_regex[0]: must be a valid regular expression but '[z-a]' does not compile: Invalid regular expression: /[z-a]/: Range out of order in character class`,
      `${R}[2].query[0][0].value: must not be set with the operator 'absent'`,
      `${R}[2].query[0][1].value: must be a valid regular expression but '(' does not compile: Invalid regular expression: /(/: Unterminated group`,
    ],
  );
  t.same(
    problemsOf(withSections({ access_control: { networks: [{ name: 'lan', networks: '10.0.0.0/8' }], rules: [{ domain: 'x.example.com', policy: 'bypass', subject: 'user:bob', networks: ['lan', 'wan'] }] } })),
    [`${R}[0].policy: must not be 'bypass' when the rule has a subject`, `${R}[0].networks[1]: must be a name from access_control.networks or a CIDR range but is 'wan'`],
  );
});

t.test('regulation, totp, telemetry, authentication_backend', async (t) => {
  const { config } = parse(
    withSections({
      regulation: { max_retries: 5, find_time: '10m', ban_time: '1h', modes: ['user', 'ip'] },
      totp: { algorithm: 'sha256', digits: 8, period: 60 },
      telemetry: { metrics: { enabled: true, address: 'tcp://127.0.0.1:9959/custom' } },
      authentication_backend: { file: { path: '/etc/gatehouse/users.yml', password: { algorithm: 'bcrypt' } } },
    }),
  );
  t.same(config.regulation, { max_retries: 5, find_time: 600, ban_time: 3600, modes: ['user', 'ip'] });
  t.equal(config.totp.algorithm, 'SHA256', 'case-insensitive in, upper-case out');
  t.equal(config.totp.digits, 8);
  t.same([config.telemetry.metrics.host, config.telemetry.metrics.port, config.telemetry.metrics.path], ['127.0.0.1', 9959, '/custom'], 'Authelia puts the path in the address');
  t.equal(config.authentication_backend.file!.watch, true);
  t.same(config.authentication_backend.file!.password.bcrypt, { variant: 'standard', cost: 12 });
  t.same(config.authentication_backend.file!.password.argon2, { variant: 'argon2id', iterations: 3, memory: 65_536, parallelism: 4, key_length: 32, salt_length: 16 });
  t.same(
    problemsOf(withSections({ totp: { period: 10, secret_size: 16 }, regulation: { modes: ['session'] }, authentication_backend: { file: {} } })).sort(),
    [
      'authentication_backend.file.path: is required',
      "regulation.modes[0]: must be one of 'user', 'ip' but is 'session'",
      'totp.period: must be at least 15 but is 10',
      'totp.secret_size: must be at least 20 but is 16',
    ].sort(),
  );
});

t.test('Authelia sections Gatehouse does not implement are ignored with a warning', async (t) => {
  const { warnings } = parse(withSections({ jwt_secret: 'x', ntp: { address: 'udp://time.cloudflare.com:123' } }));
  t.same(warnings, ['jwt_secret', 'ntp'].map(notImplementedWarning));
});

t.test('server.workers: 1 by default, a number, or auto; nothing else', async (t) => {
  t.equal(parse(withSections({})).config.server.workers, 1);
  t.equal(parse(withSections({ server: { workers: 4 } })).config.server.workers, 4);
  t.equal(parse(withSections({ server: { workers: 'auto' } })).config.server.workers, 'auto');
  t.same(parse(withSections({ server: { workers: 'auto' } })).warnings, [], "Gatehouse's own key: no warning");
  t.equal(problemsOf(withSections({ server: { workers: 0 } })).length, 1);
  t.match(problemsOf(withSections({ server: { workers: 0 } }))[0], /^server\.workers: /);
  t.match(problemsOf(withSections({ server: { workers: 'many' } }))[0], /^server\.workers: /);
});
