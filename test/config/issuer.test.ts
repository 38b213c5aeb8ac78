/**
 * The provider's issuer: `identity_providers.oidc.issuer`, else the first session cookie's
 * authelia_url (004 "Endpoint Implementations": the Authelia root URL is the OpenID Connect Issuer).
 * Without either, `config validate` reports it, as start-up would otherwise fail.
 */
import t from 'tap';
import { ConfigError, issuerOf, parseConfig } from '../../src/config/index.js';
import { MISSING_ISSUER } from '../../src/config/checks/issuer.js';
import { BASE_ISSUER, VALID_NOW_MS, parse, problemsOf, withClient } from './config-fixtures.js';

const O = 'identity_providers.oidc';
const cookie = (domain: string, authelia_url: string) => ({ domain, authelia_url });

const cases: { rule: string; issuer?: string; cookies?: { domain: string; authelia_url: string }[]; expected: string | undefined }[] = [
  { rule: 'neither issuer nor a session cookie: a problem at identity_providers.oidc.issuer', expected: undefined },
  { rule: 'issuer only', issuer: 'https://auth.example.com', expected: 'https://auth.example.com' },
  { rule: 'issuer only, trailing slashes dropped', issuer: 'https://auth.example.com/sso//', expected: 'https://auth.example.com/sso' },
  { rule: '004: authelia_url only, the portal root URL is the issuer', cookies: [cookie('example.com', 'https://auth.example.com')], expected: 'https://auth.example.com' },
  { rule: '004: authelia_url only, trailing slash dropped', cookies: [cookie('example.com', 'https://auth.example.com/')], expected: 'https://auth.example.com' },
  { rule: 'several cookies: the first one names the issuer', cookies: [cookie('example.org', 'https://login.example.org/'), cookie('example.com', 'https://auth.example.com')], expected: 'https://login.example.org' },
  { rule: 'issuer and authelia_url: issuer wins', issuer: 'https://id.example.com', cookies: [cookie('example.com', 'https://auth.example.com')], expected: 'https://id.example.com' },
];

for (const { rule, issuer, cookies, expected } of cases) {
  t.test(rule, async (t) => {
    const config = { ...withClient({}, { issuer }), ...(cookies ? { session: { cookies } } : {}) };
    if (expected === undefined) {
      t.same(problemsOf(config), [`${O}.issuer: ${MISSING_ISSUER}`]);
      return;
    }
    t.same(problemsOf(config), []);
    t.equal(issuerOf(parse(config).config), expected, 'the runtime derives the same issuer');
  });
}

t.test('the missing issuer is placed at its nearest written parent, with the other problems', async (t) => {
  const text = ['storage:', '  local:', '    path: /db.sqlite3', 'log:', '  level: loud', 'identity_providers:', '  oidc:', '    clients:', '      - client_id: app', '        public: true', '        redirect_uris: [https://app.example.com/cb]'].join('\n');
  const error = t.throws(() => parseConfig(text, { env: {}, nowMs: VALID_NOW_MS })) as ConfigError;
  t.ok(error instanceof ConfigError);
  t.same(error.problems, [
    { path: 'log.level', message: "must be one of 'trace', 'debug', 'info', 'warn', 'error' but is 'loud'", line: 5, column: 3 },
    { path: `${O}.issuer`, message: MISSING_ISSUER, line: 7, column: 3 },
  ]);
});

t.test('no provider, no issuer needed', async (t) => {
  t.same(problemsOf({ storage: { local: { path: '/db.sqlite3' } } }), []);
});

t.test('a session that does not parse: its own problem only, no guess about the issuer', async (t) => {
  const config = { ...withClient({}, { issuer: undefined }), session: { cookies: [{ domain: 'example.com' }] } };
  t.same(problemsOf(config), ['session.cookies[0].authelia_url: is required']);
});

t.test('the shared fixture configures an issuer', async (t) => {
  t.equal(issuerOf(parse(withClient({})).config), BASE_ISSUER);
});

t.test("a configured issuer must be on a session cookie's domain: the portal signs users in there", async (t) => {
  const cases: { rule: string; issuer: string; cookies: { domain: string; authelia_url: string }[]; problems: string[] }[] = [
    { rule: 'on the domain', issuer: 'https://example.com', cookies: [cookie('example.com', 'https://auth.example.com')], problems: [] },
    { rule: 'on a subdomain', issuer: 'https://id.auth.example.com/sso', cookies: [cookie('example.com', 'https://auth.example.com')], problems: [] },
    { rule: "on the second cookie's domain", issuer: 'https://login.example.org', cookies: [cookie('example.com', 'https://auth.example.com'), cookie('example.org', 'https://auth.example.org')], problems: [] },
    { rule: 'localhost', issuer: 'http://localhost:9091', cookies: [cookie('localhost', 'http://localhost:9091')], problems: [] },
    {
      rule: 'on no cookie domain',
      issuer: 'https://auth.example.net',
      cookies: [cookie('example.com', 'https://auth.example.com'), cookie('example.org', 'https://auth.example.org')],
      problems: [`${O}.issuer: must be on the domain of a session cookie ('example.com', 'example.org') or a subdomain of one but is 'https://auth.example.net': the portal could never sign users in for it`],
    },
    {
      rule: 'a suffix is not a subdomain',
      issuer: 'https://notexample.com',
      cookies: [cookie('example.com', 'https://auth.example.com')],
      problems: [`${O}.issuer: must be on the domain of a session cookie ('example.com') or a subdomain of one but is 'https://notexample.com': the portal could never sign users in for it`],
    },
  ];
  for (const { rule, issuer, cookies, problems } of cases) {
    t.same(problemsOf({ ...withClient({}, { issuer }), session: { cookies } }), problems, rule);
  }
  t.same(problemsOf(withClient({}, { issuer: 'https://auth.example.net' })), [], 'no cookies: no user signs in here (client_credentials only), nothing to be inside');
});

t.test('the issuer outside the cookie domains is placed at its line:column', async (t) => {
  const text = [
    'storage: { local: { path: /db.sqlite3 } }',
    'session:',
    '  cookies:',
    '    - domain: example.com',
    '      authelia_url: https://auth.example.com',
    'identity_providers:',
    '  oidc:',
    '    issuer: https://auth.example.net',
    '    clients:',
    '      - client_id: app',
    '        public: true',
    '        redirect_uris: [https://app.example.com/cb]',
  ].join('\n');
  const error = t.throws(() => parseConfig(text, { env: {}, nowMs: VALID_NOW_MS })) as ConfigError;
  t.same(error.problems, [
    { path: `${O}.issuer`, message: "must be on the domain of a session cookie ('example.com') or a subdomain of one but is 'https://auth.example.net': the portal could never sign users in for it", line: 8, column: 5 },
  ]);
});
