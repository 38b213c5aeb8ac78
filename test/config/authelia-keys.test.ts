/**
 * Issue #12 item 10, the policy: every key of Authelia's configuration is accepted; one Gatehouse
 * does not implement is logged once at warn with what Gatehouse does instead; a key Authelia does
 * not have either is a problem with the closest name at that level.
 */
import t from 'tap';
import { AUTHELIA_KEYS } from '../../src/config/authelia/keys.js';
import { NOT_IMPLEMENTED, NOT_IMPLEMENTED_REFRESH_INTERVAL, notImplementedWarning as checkWarning } from '../../src/config/authelia/not-implemented.js';
import { ConfigError, parseConfig, type ConfigProblem } from '../../src/config/index.js';
import { closestName, editDistance, keySegments, schemaKeysAt } from '../../src/config/key-names.js';
import { VALID_NOW_MS, baseClient, baseConfig, merge, notImplementedWarning, parse, problemsOf, toYaml, withClient } from './config-fixtures.js';

const O = 'identity_providers.oidc';
const notImplemented = notImplementedWarning;

/** Authelia's names that legacy.ts moves to Gatehouse's (4.38) names. */
const MIGRATED = ['session.domain', `${O}.issuer_private_key`, `${O}.issuer_certificate_chain`];

/** Whether Gatehouse's schema has the key: `[]` walks into a list, `*` into a map entry. */
function schemaHas(segments: readonly string[]): boolean {
  const path: (string | number)[] = [];
  for (const segment of segments) {
    if (segment === '[]') path.push(0);
    else if (segment === '*') path.push('any_name');
    else if (schemaKeysAt(path).includes(segment)) path.push(segment);
    else return false;
  }
  return true;
}

const underEntry = (segments: readonly string[]): boolean =>
  NOT_IMPLEMENTED.some((entry) => {
    const pattern = keySegments(entry.key);
    return pattern.length <= segments.length && pattern.every((s, i) => s === segments[i]);
  });

t.test('every key of Authelia 4.39 is implemented, migrated, or set aside by a NOT_IMPLEMENTED entry', async (t) => {
  const orphans = AUTHELIA_KEYS.filter((key) => !MIGRATED.includes(key) && !schemaHas(keySegments(key)) && !underEntry(keySegments(key)));
  t.same(orphans, [], 'keys Gatehouse would refuse');
  t.ok(AUTHELIA_KEYS.length > 500, 'the whole list');
});

t.test('every NOT_IMPLEMENTED entry is a key of Authelia (jwt_secret: its pre-4.38 name), and none is implemented too', async (t) => {
  const known = new Set(AUTHELIA_KEYS.flatMap((key) => key.split('.').map((_, i, parts) => parts.slice(0, i + 1).join('.'))));
  for (const { key } of NOT_IMPLEMENTED) {
    if (key !== 'jwt_secret') t.ok(known.has(key), `${key} is Authelia's`);
    t.notOk(schemaHas(keySegments(key)), `${key} is not in Gatehouse's schema`);
  }
  t.equal(new Set(NOT_IMPLEMENTED.map((e) => e.key)).size, NOT_IMPLEMENTED.length, 'no entry twice');
});

t.test('unknown keys: a problem at the key, with the closest name Gatehouse or Authelia has beside it', async (t) => {
  const client = (extra: Record<string, unknown>) => withClient(extra);
  const cases: { rule: string; config: Record<string, unknown>; problems: string[] }[] = [
    { rule: 'a top-level typo', config: { ...baseConfig(), sesion: {} }, problems: ["sesion: is an unknown key: did you mean 'session'?"] },
    { rule: 'a missing plural', config: { ...baseConfig(), identity_provider: {} }, problems: ["identity_provider: is an unknown key: did you mean 'identity_providers'?"] },
    { rule: 'nothing close: no guess', config: { ...baseConfig(), log: { colour: true } }, problems: ['log.colour: is an unknown key'] },
    { rule: 'a short name needs a closer match', config: { ...baseConfig(), foo: 1 }, problems: ['foo: is an unknown key'] },
    { rule: 'case and separators differ only', config: { ...baseConfig(), log: { Level: 'info', 'keep-stdout': true } }, problems: ["log.Level: is an unknown key: did you mean 'level'?", "log.keep-stdout: is an unknown key: did you mean 'keep_stdout'?"] },
    { rule: "one of Gatehouse's own keys", config: { ...baseConfig(), server: { max_body_byte: 1 } }, problems: ["server.max_body_byte: is an unknown key: did you mean 'max_body_bytes'?"] },
    { rule: 'two letters swapped', config: { ...baseConfig(), storage: { local: { path: '/db', pth: 1 } } }, problems: ["storage.local.pth: is an unknown key: did you mean 'path'?"] },
    { rule: "one of Authelia's keys that Gatehouse sets aside", config: { ...baseConfig(), totp: { allowed_algorithm: ['SHA1'] } }, problems: ["totp.allowed_algorithm: is an unknown key: did you mean 'allowed_algorithms'?"] },
    { rule: 'in a client', config: client({ redirect_uri: 'https://app.example.com/cb' }), problems: [`${O}.clients[0].redirect_uri: is an unknown key: did you mean 'redirect_uris'?`] },
    { rule: "in a client, one of Authelia's client keys", config: client({ claims_polcy: 'x' }), problems: [`${O}.clients[0].claims_polcy: is an unknown key: did you mean 'claims_policy'?`] },
    {
      rule: 'in a map entry',
      config: withClient({}, { authorization_policies: { mine: { defualt_policy: 'one_factor' } } }),
      problems: [`${O}.authorization_policies.mine.defualt_policy: is an unknown key: did you mean 'default_policy'?`],
    },
    {
      rule: 'in a set-aside section: checked against Authelia',
      config: { ...baseConfig(), session: { redis: { hots: 'redis', port: 6379 } }, duo_api: { hostnme: 'api.duosecurity.com' } },
      problems: ["duo_api.hostnme: is an unknown key: did you mean 'hostname'?", "session.redis.hots: is an unknown key: did you mean 'host'?"],
    },
    {
      rule: 'in a set-aside list entry',
      config: { ...baseConfig(), server: { endpoints: { rate_limits: { second_factor_totp: { buckets: [{ period: '1m', request: 5 }] } } } } },
      problems: ["server.endpoints.rate_limits.second_factor_totp.buckets[0].request: is an unknown key: did you mean 'requests'?"],
    },
  ];
  for (const { rule, config, problems } of cases) t.same(problemsOf(config).sort(), problems.sort(), rule);
});

t.test('an unknown key is placed at its line:column, inside a set-aside section too', async (t) => {
  const text = toYaml(baseConfig()) + ['session:', '  redis:', '    host: redis', '    pasword: x', 'totp:', '  peroid: 30', ''].join('\n');
  const error = t.throws(() => parseConfig(text, { env: {}, nowMs: VALID_NOW_MS })) as ConfigError;
  const lines = text.split('\n');
  const at = (needle: string): Pick<ConfigProblem, 'line' | 'column'> => {
    const line = lines.findIndex((l) => l.includes(needle));
    return { line: line + 1, column: lines[line].indexOf(needle) + 1 };
  };
  t.same(error.problems, [
    { path: 'session.redis.pasword', message: "is an unknown key: did you mean 'password'?", ...at('pasword:') },
    { path: 'totp.peroid', message: "is an unknown key: did you mean 'period'?", ...at('peroid:') },
  ]);
});

t.test('closestName: within 2 edits (1 up to 4 letters), the nearest, ties alphabetically', async (t) => {
  const cases: [string, string[], string | undefined][] = [
    ['sesion', ['session', 'server'], 'session'],
    ['polciy', ['policy'], 'policy'],
    ['serverr', ['server', 'session'], 'server'],
    ['pth', ['path'], 'path'],
    ['foo', ['log', 'totp'], undefined],
    ['tls', ['ntp', 'log'], undefined],
    ['abcdef', ['abcxyz'], undefined],
    ['KEEP_STDOUT', ['keep_stdout'], 'keep_stdout'],
    ['kep', ['key', 'kem'], 'kem'],
  ];
  for (const [key, names, expected] of cases) t.equal(closestName(key, names), expected, `${key} among ${names.join(', ')}`);
  t.equal(editDistance('ab', 'ba'), 1, 'a swap is one edit');
  t.equal(editDistance('', 'abc'), 3);
});

t.test('a key not implemented warns once, however many clients write it', async (t) => {
  const config = baseConfig();
  (config['identity_providers'] as Record<string, Record<string, unknown>>)['oidc']['clients'] = [
    merge(baseClient(), { claims_policy: 'a' }),
    merge(baseClient(), { client_id: 'other', claims_policy: 'b' }),
  ];
  const { config: parsed, warnings } = parse(config);
  t.same(warnings, [notImplemented(`${O}.clients[].claims_policy`)]);
  t.notOk('claims_policy' in parsed.identity_providers!.oidc!.clients[0], 'not in the model');
});

t.test("a key whose value asks for nothing ('', none, [], or a map of those) is what Gatehouse does: no warning", async (t) => {
  const quiet = {
    ...baseConfig(),
    server: { tls: { key: '', certificate: '', client_certificates: [] }, headers: { csp_template: '' } },
    totp: { allowed_algorithms: [] },
  };
  t.same(parse(quiet).warnings, []);
  t.same(parse(withClient({ id_token_encrypted_response_alg: 'none', claims_policy: '' }, { discovery_signed_response_key_id: '' })).warnings, []);
  t.same(parse({ ...baseConfig(), server: { tls: { key: '/config/tls.key', certificate: '' } } }).warnings, [notImplemented('server.tls')]);
});

t.test('the issue #12 keys: each accepted, each warned about once (password_reset and totp.allowed_* are implemented since issue #15)', async (t) => {
  const config = {
    ...withClient({ sector_identifier_uri: '' }, { discovery_signed_response_key_id: 'main' }),
    authentication_backend: { password_reset: { disable: true }, refresh_interval: '5m', file: { path: '/config/users.yml', search: { email: true } } },
    session: { redis: { host: 'redis', port: 6379 } },
    log: { keep_stdout: true, file_path: '/config/authelia.log' },
    totp: { allowed_algorithms: ['SHA1'], allowed_digits: [6], allowed_periods: [30], disable_reuse_security_policy: false },
  };
  const { config: parsed, warnings } = parse(config);
  t.same(warnings, [
    notImplemented('log.keep_stdout'),
    notImplemented('authentication_backend.file.search'),
    notImplemented('session.redis'),
    notImplemented(`${O}.discovery_signed_response_key_id`),
    // Implemented for LDAP; with the users file it changes nothing (config/checks/ldap.ts).
    checkWarning('authentication_backend.refresh_interval', NOT_IMPLEMENTED_REFRESH_INTERVAL),
  ]);
  t.equal(parsed.log.file_path, '/config/authelia.log', 'log.file_path is implemented');
  t.equal(parsed.identity_providers!.oidc!.clients[0].sector_identifier_uri, undefined, "sector_identifier_uri: '' is unset");
});

t.test("'' is unset for the optional client strings Authelia's template writes empty", async (t) => {
  const keys = ['sector_identifier_uri', 'lifespan', ...['authorization', 'id_token', 'access_token', 'userinfo', 'introspection'].map((r) => `${r}_signed_response_key_id`)];
  const { config } = parse(withClient(Object.fromEntries(keys.map((k) => [k, '']))));
  const client = config.identity_providers!.oidc!.clients[0] as unknown as Record<string, unknown>;
  for (const key of keys) t.equal(client[key], undefined, key);
  t.same(problemsOf(withClient({ sector_identifier_uri: 'http://pairwise.example.com' })), [
    `${O}.clients[0].sector_identifier_uri: must be an https URL (http only for localhost) but is 'http://pairwise.example.com'`,
  ]);
});

t.test('two keys are refused: ignoring them would widen access or drop TLS', async (t) => {
  const networks = withClient({ authorization_policy: 'internal' }, {
    authorization_policies: { internal: { default_policy: 'two_factor', rules: [{ policy: 'one_factor', subject: 'group:dev', networks: ['10.0.0.0/8'] }] } },
  });
  t.same(problemsOf(networks), [
    `${O}.authorization_policies.internal.rules[0].networks: is not implemented by Gatehouse: ignoring it would apply this rule from every network; remove the rule or its networks`,
  ]);
  const ssl = {
    ...baseConfig(),
    storage: { encryption_key: 'a'.repeat(32), postgres: { address: 'db', database: 'd', username: 'u', password: 'p', ssl: { mode: 'verify-full', root_certificate: '/ca.pem' } } },
  };
  t.same(problemsOf({ storage: ssl.storage }), [
    "storage.postgres.ssl: is Authelia's deprecated form of storage.postgres.tls and is not implemented: ignoring it would connect to PostgreSQL without TLS; use storage.postgres.tls",
  ]);
});

t.test('discovery_signed_response_alg other than none: accepted, and said to be not implemented', async (t) => {
  t.same(parse(withClient({}, { discovery_signed_response_alg: 'RS256' })).warnings, [
    `config key ${O}.discovery_signed_response_alg is accepted for compatibility with Authelia but not implemented: the discovery document is plain JSON, without signed_metadata`,
  ]);
  t.same(parse(withClient({}, { discovery_signed_response_alg: 'none' })).warnings, []);
});

t.test('enable_jwt_access_token_stateless_introspection: true is said to be not implemented (introspection stays stateful); false says nothing', async (t) => {
  t.same(parse(withClient({}, { enable_jwt_access_token_stateless_introspection: true })).warnings, [
    `config key ${O}.enable_jwt_access_token_stateless_introspection is accepted for compatibility with Authelia but not implemented: introspection always looks a JWT access token up in storage, so a revoked one is reported inactive (RFC 7662 §2.2)`,
  ]);
  t.same(parse(withClient({}, { enable_jwt_access_token_stateless_introspection: false })).warnings, []);
});

t.test("access_control regexes are checked as they are compiled: Go's (?P<User>…) and a leading (?i) are Authelia's", async (t) => {
  const rules = (domain_regex: string) => ({ ...baseConfig(), access_control: { rules: [{ domain_regex, policy: 'one_factor' }] } });
  t.same(problemsOf(rules('^(?P<User>\\w+)\\.example\\.com$')), []);
  t.same(problemsOf(rules('(?i)^(?P<Group>\\w+)\\.Example\\.com$')), []);
  t.same(problemsOf(rules('^(unclosed\\.example\\.com$')), [
    "access_control.rules[0].domain_regex[0]: must be a valid regular expression but '^(unclosed\\.example\\.com$' does not compile: Invalid regular expression: /^(unclosed\\.example\\.com$/: Unterminated group",
  ]);
});

t.test('YAML syntax errors carry line:column, as every other problem does', async (t) => {
  const cases: { rule: string; text: string; problems: ConfigProblem[] }[] = [
    {
      rule: 'an unterminated quote',
      text: "log:\n  level: 'info\nstorage:\n  local:\n    path: /db\n",
      problems: [{ path: '', message: "Missing closing 'quote", line: 2, column: 10 }],
    },
    {
      rule: 'an unterminated double quote, where it opens (the parser says: where the file ends)',
      text: 'session:\n  secret: "abc\n  name: x\n',
      problems: [{ path: '', message: 'Missing closing "quote', line: 2, column: 11 }],
    },
    {
      rule: 'a tab used for indentation',
      text: 'log:\n\tlevel: info\n',
      problems: [{ path: '', message: 'Tabs are not allowed as indentation', line: 2, column: 1 }],
    },
    {
      rule: 'a key written twice',
      text: 'totp:\n  digits: 6\n  digits: 8\n',
      problems: [{ path: '', message: 'Map keys must be unique', line: 3, column: 3 }],
    },
  ];
  for (const { rule, text, problems } of cases) {
    const error = t.throws(() => parseConfig(text, { env: {}, nowMs: VALID_NOW_MS }), rule) as ConfigError;
    t.same(error.problems, problems, rule);
  }
});
