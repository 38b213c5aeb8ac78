/** Authelia's Go (RE2) regex spellings translated to JavaScript once at start-up. */
import t from 'tap';
import { compileGoRegex } from '../../../src/authz/rule-matchers/go-regex.js';
import { compileDomains } from '../../../src/authz/rule-matchers/domain.js';

t.test('compileGoRegex', async (t) => {
  const rows: [string, string, string, boolean][] = [
    ['(?P<name>…) named group becomes (?<name>…)', '^(?P<User>\\w+)\\.example\\.com$', 'john.example.com', true],
    ['leading (?i) becomes the i flag', '(?i)^/API/', '/api/x', true],
    ['without (?i) matching is case-sensitive', '^/API/', '/api/x', false],
    ['an escaped \\(?P< is left alone', '^a\\(?P<$', 'aP<', true],
    ['plain JavaScript syntax passes through', '^(?<Group>\\w+)$', 'ops', true],
  ];
  for (const [name, source, input, want] of rows) t.equal(compileGoRegex(source).test(input), want, name);
  t.equal(compileGoRegex('^(?P<User>\\w+)$').exec('john')?.groups?.['User'], 'john', 'the group keeps its name');
});

t.test('domain_regex in Authelia’s Go spelling binds User', async (t) => {
  const { matcher, dependsOnSubject } = compileDomains([], ['^(?P<User>\\w+)\\.home\\.example\\.com$']);
  const url = new URL('https://john.home.example.com/');
  const input = (username: string) => ({ host: url.hostname, method: 'GET', pathAndQuery: '', url, remoteIp: '', subject: { username, groups: [] } });
  t.equal(dependsOnSubject, true);
  t.equal(matcher(input('john')), true, 'own host');
  t.equal(matcher(input('fred')), false, 'someone else');
});
