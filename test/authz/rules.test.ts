/**
 * Compiled access control (Authelia semantics): every rule condition, first match wins, the
 * default policy, and the anonymous-subject nuance.
 */
import t from 'tap';
import type { Subject } from '../../src/authz/rules.js';
import { accessControl, client, request, user } from './access-control-fixtures.js';

interface Row {
  name: string;
  rules: Record<string, unknown>[];
  networks?: { name: string; networks: string[] }[];
  url: string;
  method?: string;
  ip?: string;
  subject: Subject | null;
  want: { policy: string; rule: number; subjectRequired?: boolean };
}

const one = (rule: Record<string, unknown>) => [{ policy: 'one_factor', ...rule }];

const rows: Row[] = [
  // domain (exact, case-insensitive, hostname without port)
  { name: 'domain: exact host matches', rules: one({ domain: 'app.example.com' }), url: 'https://app.example.com/', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'domain: host compared case-insensitively', rules: one({ domain: 'App.Example.COM' }), url: 'https://APP.example.com/', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'domain: port is ignored (Authelia matches the hostname)', rules: one({ domain: 'app.example.com' }), url: 'https://app.example.com:8443/', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'domain: trailing host dot is the same host', rules: one({ domain: 'app.example.com' }), url: 'https://app.example.com./', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'domain: other host does not match', rules: one({ domain: 'app.example.com' }), url: 'https://other.example.com/', subject: user('john'), want: { policy: 'deny', rule: -1 } },
  { name: 'domain: IDN in config matches the punycode host', rules: one({ domain: 'bücher.example' }), url: 'https://xn--bcher-kva.example/', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'domain: any of a list', rules: one({ domain: ['a.example.com', 'b.example.com'] }), url: 'https://b.example.com/', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  // wildcard
  { name: 'domain *.: one label below', rules: one({ domain: '*.example.com' }), url: 'https://a.example.com/', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'domain *.: several labels below', rules: one({ domain: '*.example.com' }), url: 'https://a.b.example.com/', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'domain *.: not the apex itself', rules: one({ domain: '*.example.com' }), url: 'https://example.com/', subject: user('john'), want: { policy: 'deny', rule: -1 } },
  { name: 'domain *.: only at a label boundary', rules: one({ domain: '*.example.com' }), url: 'https://badexample.com/', subject: user('john'), want: { policy: 'deny', rule: -1 } },
  // placeholders
  { name: 'domain {user}: the user’s own host', rules: one({ domain: '{user}.example.com' }), url: 'https://john.example.com/', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'domain {user}: username compared case-insensitively', rules: one({ domain: '{user}.example.com' }), url: 'https://john.example.com/', subject: user('John'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'domain {user}: someone else’s host', rules: one({ domain: '{user}.example.com' }), url: 'https://fred.example.com/', subject: user('john'), want: { policy: 'deny', rule: -1 } },
  { name: 'domain {user}: exactly one label', rules: one({ domain: '{user}.example.com' }), url: 'https://x.john.example.com/', subject: user('john'), want: { policy: 'deny', rule: -1 } },
  { name: 'domain {user}: a client token has no username', rules: one({ domain: '{user}.example.com' }), url: 'https://john.example.com/', subject: client('john'), want: { policy: 'deny', rule: -1 } },
  { name: 'domain {group}: one of the user’s groups', rules: one({ domain: '{group}.example.com' }), url: 'https://admins.example.com/', subject: user('john', 'dev', 'admins'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'domain {group}: not one of the user’s groups', rules: one({ domain: '{group}.example.com' }), url: 'https://admins.example.com/', subject: user('john', 'dev'), want: { policy: 'deny', rule: -1 } },
  { name: 'domain {user}: placeholder inside the name', rules: one({ domain: 'home-{user}.example.com' }), url: 'https://home-john.example.com/', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  // domain_regex
  { name: 'domain_regex: matches the host', rules: one({ domain_regex: '^(\\d+-)?img\\.example\\.com$' }), url: 'https://12-img.example.com/', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'domain_regex: port is not part of the host', rules: one({ domain_regex: '^img\\.example\\.com$' }), url: 'https://img.example.com:8443/', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'domain_regex: no match', rules: one({ domain_regex: '^img\\.example\\.com$' }), url: 'https://img2.example.com/', subject: user('john'), want: { policy: 'deny', rule: -1 } },
  { name: 'domain_regex: named group User equals the username', rules: one({ domain_regex: '^(?<User>\\w+)\\.home\\.example\\.com$' }), url: 'https://john.home.example.com/', subject: user('John'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'domain_regex: named group User differs', rules: one({ domain_regex: '^(?<User>\\w+)\\.home\\.example\\.com$' }), url: 'https://fred.home.example.com/', subject: user('john'), want: { policy: 'deny', rule: -1 } },
  { name: 'domain_regex: named group Group is one of the groups', rules: one({ domain_regex: '^(?<Group>\\w+)\\.team\\.example\\.com$' }), url: 'https://ops.team.example.com/', subject: user('john', 'Ops'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'domain_regex: named group Group not a group', rules: one({ domain_regex: '^(?<Group>\\w+)\\.team\\.example\\.com$' }), url: 'https://ops.team.example.com/', subject: user('john', 'dev'), want: { policy: 'deny', rule: -1 } },
  { name: 'domain or domain_regex: either list may match', rules: one({ domain: 'a.example.com', domain_regex: '^b\\.example\\.com$' }), url: 'https://b.example.com/', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  // resources: regex on pathname + search, after normalization
  { name: 'resources: path matches', rules: one({ domain: 'app.example.com', resources: '^/api/' }), url: 'https://app.example.com/api/x', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'resources: path does not match', rules: one({ domain: 'app.example.com', resources: '^/api/' }), url: 'https://app.example.com/web', subject: user('john'), want: { policy: 'deny', rule: -1 } },
  { name: 'resources: the query is part of the matched string', rules: one({ domain: 'app.example.com', resources: '^/search\\?q=' }), url: 'https://app.example.com/search?q=x', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'resources: unreserved escapes decoded (RFC 3986 §6.2.2.2)', rules: one({ domain: 'app.example.com', resources: '^/admin' }), url: 'https://app.example.com/%61dmin', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  // methods
  { name: 'methods: listed method', rules: one({ domain: 'app.example.com', methods: ['POST', 'PUT'] }), url: 'https://app.example.com/', method: 'PUT', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'methods: other method', rules: one({ domain: 'app.example.com', methods: ['POST', 'PUT'] }), url: 'https://app.example.com/', method: 'GET', subject: user('john'), want: { policy: 'deny', rule: -1 } },
  // networks
  { name: 'networks: CIDR contains the client', rules: one({ domain: 'app.example.com', networks: '10.0.0.0/8' }), url: 'https://app.example.com/', ip: '10.1.2.3', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'networks: CIDR does not contain the client', rules: one({ domain: 'app.example.com', networks: '10.0.0.0/8' }), url: 'https://app.example.com/', ip: '11.1.2.3', subject: user('john'), want: { policy: 'deny', rule: -1 } },
  { name: 'networks: single address', rules: one({ domain: 'app.example.com', networks: '192.0.2.7' }), url: 'https://app.example.com/', ip: '192.0.2.7', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'networks: IPv4-mapped IPv6 client', rules: one({ domain: 'app.example.com', networks: '10.0.0.0/8' }), url: 'https://app.example.com/', ip: '::ffff:10.9.9.9', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'networks: IPv6 CIDR', rules: one({ domain: 'app.example.com', networks: 'fd00::/8' }), url: 'https://app.example.com/', ip: 'fd12::1', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'networks: by name from access_control.networks', networks: [{ name: 'internal', networks: ['172.16.0.0/12', '192.168.0.0/16'] }], rules: one({ domain: 'app.example.com', networks: 'internal' }), url: 'https://app.example.com/', ip: '192.168.4.4', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'networks: by name, outside', networks: [{ name: 'internal', networks: ['172.16.0.0/12'] }], rules: one({ domain: 'app.example.com', networks: 'internal' }), url: 'https://app.example.com/', ip: '192.168.4.4', subject: user('john'), want: { policy: 'deny', rule: -1 } },
  { name: 'networks: not an IP never matches', rules: one({ domain: 'app.example.com', networks: '0.0.0.0/0' }), url: 'https://app.example.com/', ip: 'unknown', subject: user('john'), want: { policy: 'deny', rule: -1 } },
  // subject
  { name: 'subject user: the named user', rules: one({ domain: 'app.example.com', subject: 'user:john' }), url: 'https://app.example.com/', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'subject user: another user', rules: one({ domain: 'app.example.com', subject: 'user:john' }), url: 'https://app.example.com/', subject: user('fred'), want: { policy: 'deny', rule: -1 } },
  { name: 'subject user: exact, case-sensitive (Authelia)', rules: one({ domain: 'app.example.com', subject: 'user:john' }), url: 'https://app.example.com/', subject: user('John'), want: { policy: 'deny', rule: -1 } },
  { name: 'subject group: a member', rules: one({ domain: 'app.example.com', subject: 'group:admins' }), url: 'https://app.example.com/', subject: user('john', 'admins'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'subject group: not a member', rules: one({ domain: 'app.example.com', subject: 'group:admins' }), url: 'https://app.example.com/', subject: user('john', 'dev'), want: { policy: 'deny', rule: -1 } },
  { name: 'subject oauth2:client: the client of a client_credentials token', rules: one({ domain: 'app.example.com', subject: 'oauth2:client:robot' }), url: 'https://app.example.com/', subject: client('robot'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'subject oauth2:client: a user is not a client', rules: one({ domain: 'app.example.com', subject: 'oauth2:client:robot' }), url: 'https://app.example.com/', subject: user('robot'), want: { policy: 'deny', rule: -1 } },
  { name: 'subject outer list is OR', rules: one({ domain: 'app.example.com', subject: ['user:john', 'group:admins'] }), url: 'https://app.example.com/', subject: user('fred', 'admins'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'subject inner list is AND: all hold', rules: one({ domain: 'app.example.com', subject: [['group:admins', 'group:dev']] }), url: 'https://app.example.com/', subject: user('fred', 'dev', 'admins'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'subject inner list is AND: one missing', rules: one({ domain: 'app.example.com', subject: [['group:admins', 'group:dev']] }), url: 'https://app.example.com/', subject: user('fred', 'admins'), want: { policy: 'deny', rule: -1 } },
  { name: 'subject OR of ANDs: second alternative', rules: one({ domain: 'app.example.com', subject: [['group:admins', 'user:john'], ['user:fred']] }), url: 'https://app.example.com/', subject: user('fred'), want: { policy: 'one_factor', rule: 0 } },
  // query (outer OR, inner AND; first value; missing reads as '')
  { name: 'query equal', rules: one({ domain: 'app.example.com', query: [[{ key: 'mode', value: 'admin' }]] }), url: 'https://app.example.com/?mode=admin', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'query equal: other value', rules: one({ domain: 'app.example.com', query: [[{ key: 'mode', value: 'admin' }]] }), url: 'https://app.example.com/?mode=user', subject: user('john'), want: { policy: 'deny', rule: -1 } },
  { name: 'query equal: the first occurrence counts', rules: one({ domain: 'app.example.com', query: [[{ key: 'mode', operator: 'equal', value: 'admin' }]] }), url: 'https://app.example.com/?mode=user&mode=admin', subject: user('john'), want: { policy: 'deny', rule: -1 } },
  { name: 'query not equal', rules: one({ domain: 'app.example.com', query: [[{ key: 'mode', operator: 'not equal', value: 'admin' }]] }), url: 'https://app.example.com/?mode=user', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'query not equal: missing key is not equal', rules: one({ domain: 'app.example.com', query: [[{ key: 'mode', operator: 'not equal', value: 'admin' }]] }), url: 'https://app.example.com/', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'query present (no value)', rules: one({ domain: 'app.example.com', query: [[{ key: 'debug' }]] }), url: 'https://app.example.com/?debug', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'query present: missing', rules: one({ domain: 'app.example.com', query: [[{ key: 'debug', operator: 'present' }]] }), url: 'https://app.example.com/?x=1', subject: user('john'), want: { policy: 'deny', rule: -1 } },
  { name: 'query absent', rules: one({ domain: 'app.example.com', query: [[{ key: 'debug', operator: 'absent' }]] }), url: 'https://app.example.com/?x=1', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'query absent: present', rules: one({ domain: 'app.example.com', query: [[{ key: 'debug', operator: 'absent' }]] }), url: 'https://app.example.com/?debug=0', subject: user('john'), want: { policy: 'deny', rule: -1 } },
  { name: 'query pattern', rules: one({ domain: 'app.example.com', query: [[{ key: 'id', operator: 'pattern', value: '^\\d+$' }]] }), url: 'https://app.example.com/?id=42', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'query pattern: no match', rules: one({ domain: 'app.example.com', query: [[{ key: 'id', operator: 'pattern', value: '^\\d+$' }]] }), url: 'https://app.example.com/?id=x', subject: user('john'), want: { policy: 'deny', rule: -1 } },
  { name: 'query not pattern', rules: one({ domain: 'app.example.com', query: [[{ key: 'id', operator: 'not pattern', value: '^\\d+$' }]] }), url: 'https://app.example.com/?id=x', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'query value decoded before comparing', rules: one({ domain: 'app.example.com', query: [[{ key: 'q', value: 'a b/c' }]] }), url: 'https://app.example.com/?q=a+b%2Fc', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  { name: 'query inner list is AND', rules: one({ domain: 'app.example.com', query: [[{ key: 'a', value: '1' }, { key: 'b', value: '2' }]] }), url: 'https://app.example.com/?a=1&b=3', subject: user('john'), want: { policy: 'deny', rule: -1 } },
  { name: 'query outer list is OR', rules: one({ domain: 'app.example.com', query: [[{ key: 'a', value: '1' }, { key: 'b', value: '2' }], [{ key: 'c', operator: 'present' }]] }), url: 'https://app.example.com/?a=1&b=3&c', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  // all conditions together
  { name: 'all conditions must hold: one fails', rules: one({ domain: 'app.example.com', resources: '^/api', methods: 'GET', networks: '10.0.0.0/8', subject: 'user:john' }), url: 'https://app.example.com/api', ip: '11.0.0.1', subject: user('john'), want: { policy: 'deny', rule: -1 } },
  { name: 'all conditions must hold: all hold', rules: one({ domain: 'app.example.com', resources: '^/api', methods: 'GET', networks: '10.0.0.0/8', subject: 'user:john' }), url: 'https://app.example.com/api', ip: '10.0.0.1', subject: user('john'), want: { policy: 'one_factor', rule: 0 } },
  // ordering and default
  {
    name: 'first match wins, not the most specific',
    rules: [
      { domain: '*.example.com', policy: 'one_factor' },
      { domain: 'admin.example.com', policy: 'two_factor' },
    ],
    url: 'https://admin.example.com/',
    subject: user('john'),
    want: { policy: 'one_factor', rule: 0 },
  },
  {
    name: 'a non-matching rule passes to the next, whose index is kept',
    rules: [
      { domain: 'admin.example.com', policy: 'two_factor' },
      { domain: 'public.example.com', policy: 'bypass' },
      { domain: '*.example.com', policy: 'one_factor' },
    ],
    url: 'https://public.example.com/',
    subject: user('john'),
    want: { policy: 'bypass', rule: 1 },
  },
  { name: 'default_policy when no rule matches (rule -1)', rules: one({ domain: 'app.example.com' }), url: 'https://elsewhere.example.net/', subject: user('john'), want: { policy: 'deny', rule: -1 } },
  { name: 'no rules at all: default_policy', rules: [], url: 'https://app.example.com/', subject: null, want: { policy: 'deny', rule: -1 } },
  // the anonymous nuance
  { name: 'anonymous: subject rule whose other conditions match → authenticate first', rules: [{ domain: 'app.example.com', subject: 'group:admins', policy: 'two_factor' }, { domain: 'app.example.com', policy: 'bypass' }], url: 'https://app.example.com/', subject: null, want: { policy: 'two_factor', rule: 0, subjectRequired: true } },
  { name: 'anonymous: does not fall through a subject rule to a later bypass', rules: [{ domain: 'app.example.com', subject: 'user:john', policy: 'one_factor' }, { domain: '*.example.com', policy: 'bypass' }], url: 'https://app.example.com/', subject: null, want: { policy: 'one_factor', rule: 0, subjectRequired: true } },
  { name: 'anonymous: a subject deny asks to authenticate, it does not deny everyone', rules: [{ domain: 'app.example.com', subject: 'group:banned', policy: 'deny' }, { domain: 'app.example.com', policy: 'one_factor' }], url: 'https://app.example.com/', subject: null, want: { policy: 'deny', rule: 0, subjectRequired: true } },
  { name: 'authenticated: same config, the subject rule does not match → next rule', rules: [{ domain: 'app.example.com', subject: 'group:banned', policy: 'deny' }, { domain: 'app.example.com', policy: 'one_factor' }], url: 'https://app.example.com/', subject: user('john'), want: { policy: 'one_factor', rule: 1 } },
  { name: 'anonymous: a subject rule whose other conditions fail is skipped', rules: [{ domain: 'app.example.com', resources: '^/admin', subject: 'group:admins', policy: 'two_factor' }, { domain: 'app.example.com', policy: 'bypass' }], url: 'https://app.example.com/public', subject: null, want: { policy: 'bypass', rule: 1, subjectRequired: false } },
  { name: 'anonymous: rule without subject is final', rules: [{ domain: 'app.example.com', policy: 'one_factor' }], url: 'https://app.example.com/', subject: null, want: { policy: 'one_factor', rule: 0, subjectRequired: false } },
  { name: 'anonymous: {user} domain needs the subject', rules: one({ domain: '{user}.example.com' }), url: 'https://john.example.com/', subject: null, want: { policy: 'one_factor', rule: 0, subjectRequired: true } },
  { name: 'anonymous: {user} domain still needs one label', rules: one({ domain: '{user}.example.com' }), url: 'https://example.com/', subject: null, want: { policy: 'deny', rule: -1, subjectRequired: false } },
  { name: 'anonymous: domain_regex with a User group needs the subject', rules: one({ domain_regex: '^(?<User>\\w+)\\.example\\.com$' }), url: 'https://john.example.com/', subject: null, want: { policy: 'one_factor', rule: 0, subjectRequired: true } },
  { name: 'anonymous: domain_regex without named groups is final', rules: one({ domain_regex: '^\\w+\\.example\\.com$' }), url: 'https://john.example.com/', subject: null, want: { policy: 'one_factor', rule: 0, subjectRequired: false } },
];

t.test('decide: each rule condition, ordering, default policy, anonymous subjects', async (t) => {
  for (const row of rows) {
    const compiled = accessControl({ default_policy: 'deny', networks: row.networks ?? [], rules: row.rules });
    const decision = compiled.decide(request(row.url, row.method ?? 'GET', row.ip ?? '192.0.2.10'), row.subject);
    t.same(decision, { subjectRequired: false, ...row.want }, row.name);
  }
});

t.test('default_policy is the configured one', async (t) => {
  const compiled = accessControl({ default_policy: 'two_factor', rules: [] });
  t.same(compiled.decide(request('https://a.example.com/'), null), { policy: 'two_factor', rule: -1, subjectRequired: false });
});

t.test('hasSubjectRules: any rule depending on the subject', async (t) => {
  const cases: [string, Record<string, unknown>[], boolean][] = [
    ['no rules', [], false],
    ['domain and resources only', [{ domain: 'a.example.com', resources: '^/x', policy: 'bypass' }], false],
    ['a subject', [{ domain: 'a.example.com', policy: 'deny' }, { domain: 'a.example.com', subject: 'user:x', policy: 'one_factor' }], true],
    ['a {group} placeholder', [{ domain: '{group}.example.com', policy: 'one_factor' }], true],
    ['a domain_regex with a Group name', [{ domain_regex: '^(?<Group>\\w+)\\.x$', policy: 'one_factor' }], true],
  ];
  for (const [name, rules, want] of cases) t.equal(accessControl({ rules }).hasSubjectRules, want, name);
});

t.test('an anonymous decision without subjectRequired is final for every subject', async (t) => {
  const compiled = accessControl({
    rules: [
      { domain: 'app.example.com', resources: '^/admin', subject: 'group:admins', policy: 'two_factor' },
      { domain: 'app.example.com', policy: 'bypass' },
      { domain: 'api.example.com', methods: 'POST', policy: 'two_factor' },
      { domain: '{user}.example.com', policy: 'one_factor' },
      { domain: '*.example.com', subject: 'user:john', policy: 'deny' },
    ],
  });
  const subjects = [user('john'), user('fred', 'admins'), client('robot'), user('app')];
  let finals = 0;
  for (const url of ['https://app.example.com/', 'https://app.example.com/admin', 'https://api.example.com/', 'https://x.example.com/', 'https://other.net/']) {
    for (const method of ['GET', 'POST']) {
      const anonymous = compiled.decide(request(url, method), null);
      if (anonymous.subjectRequired) continue;
      finals++;
      for (const subject of subjects) t.same(compiled.decide(request(url, method), subject), anonymous, `${method} ${url} as ${JSON.stringify(subject)}`);
    }
  }
  t.equal(finals, 5, 'app GET/POST (bypass), api POST (two_factor), other.net GET/POST (default)');
});

t.test('decisions are frozen and reused: nothing to allocate per request', async (t) => {
  const compiled = accessControl({ rules: [{ domain: 'a.example.com', policy: 'one_factor' }] });
  const first = compiled.decide(request('https://a.example.com/'), user('john'));
  t.equal(compiled.decide(request('https://a.example.com/x'), user('fred')), first);
  t.ok(Object.isFrozen(first));
});

t.test('a shared target object: the anonymous decision is remembered per method, and still right', async (t) => {
  const compiled = accessControl({
    rules: [
      { domain: 'app.example.com', methods: ['GET', 'HEAD'], policy: 'bypass' },
      { domain: 'app.example.com', resources: '^/admin', policy: 'deny' },
      { domain: 'app.example.com', policy: 'two_factor' },
    ],
  });
  // Forward-auth targets are shared parsed objects (proxies/target-headers.ts): the same URL, many requests.
  const { url } = request('https://app.example.com/admin');
  const ask = (method: string) => compiled.decide({ url, method, remoteIp: '192.0.2.10' }, null);
  for (let round = 0; round < 2; round++) {
    t.same(ask('GET'), { policy: 'bypass', rule: 0, subjectRequired: false }, `GET, round ${round}`);
    t.same(ask('POST'), { policy: 'deny', rule: 1, subjectRequired: false }, `POST, round ${round}`);
  }
  // More distinct methods than are remembered: each is still decided.
  for (let i = 0; i < 40; i++) t.equal(ask(`X-${i}`).policy, 'deny', `method X-${i}`);
  t.same(ask('HEAD'), { policy: 'bypass', rule: 0, subjectRequired: false }, 'HEAD after the memo is full');
  t.same(compiled.decide({ url, method: 'GET', remoteIp: '192.0.2.10' }, user('john')), { policy: 'bypass', rule: 0, subjectRequired: false }, 'with a subject');
});

t.test('without networks conditions the client address is never asked for (it costs a look at X-Forwarded-For)', async (t) => {
  const compiled = accessControl({ rules: [{ domain: 'app.example.com', subject: 'group:admins', policy: 'two_factor' }, { domain: 'app.example.com', policy: 'one_factor' }] });
  let asked = 0;
  const object = { ...request('https://app.example.com/'), get remoteIp() { asked++; return '192.0.2.10'; } };
  t.equal(compiled.decide(object, null).policy, 'two_factor', 'anonymous: the subject rule could match');
  t.equal(compiled.decide(object, user('john')).policy, 'one_factor');
  t.equal(compiled.decide(object, user('fred', 'admins')).policy, 'two_factor');
  t.equal(asked, 0);
});

t.test('networks conditions: the same target object is decided per client address, never from a remembered answer', async (t) => {
  const compiled = accessControl({ rules: [{ domain: 'app.example.com', networks: '10.0.0.0/8', policy: 'bypass' }], default_policy: 'deny' });
  const { url } = request('https://app.example.com/');
  t.equal(compiled.decide({ url, method: 'GET', remoteIp: '10.1.2.3' }, null).policy, 'bypass', 'inside the network');
  t.equal(compiled.decide({ url, method: 'GET', remoteIp: '192.0.2.10' }, null).policy, 'deny', 'outside it, same target object');
  t.equal(compiled.decide({ url, method: 'GET', remoteIp: '10.9.9.9' }, null).policy, 'bypass', 'inside again');
});

t.test('compile errors name the rule (what config checks report first)', async (t) => {
  t.throws(() => accessControl({ rules: [{ domain: 'a.example.com', networks: 'office', policy: 'deny' }] }), {
    message: "access_control.rules[0]: network 'office' is neither a name from access_control.networks nor a CIDR range",
  });
  t.throws(() => accessControl({ rules: [{ domain: 'a.example.com', policy: 'deny' }, { domain: '{user}.{group}.example.com', policy: 'deny' }] }), {
    message: "access_control.rules[1]: domain '{user}.{group}.example.com' may hold only one {user} or {group} placeholder",
  });
});
