/** RFC 4515 §3 escaping and Authelia's placeholders, filled in one pass. */
import t from 'tap';
import { escapeFilterValue, fillFilter, rdnAssertion, withAttributeNames } from '../../../src/users/ldap/filter.js';

t.test('RFC 4515 §3: the four specials and NUL are escaped as \\XX; everything else, UTF-8 included, passes', async (t) => {
  const cases: Array<[string, string]> = [
    ['alice', 'alice'],
    ['*)(uid=*', '\\2a\\29\\28uid=\\2a'],
    ['a\\b', 'a\\5cb'],
    ['nul\0byte', 'nul\\00byte'],
    ['Zoë (ops)', 'Zoë \\28ops\\29'],
    ['=,+<>#;"', '=,+<>#;"'],
  ];
  for (const [input, expected] of cases) t.equal(escapeFilterValue(input), expected, JSON.stringify(input));
});

t.test('placeholders: attribute names at start-up, then values per search, in one pass', async (t) => {
  const template = withAttributeNames('(&(|({username_attribute}={input})({mail_attribute}={input}))({display_name_attribute}=*))', { username: 'uid', mail: 'mail', display_name: 'cn' });
  t.equal(template, '(&(|(uid={input})(mail={input}))(cn=*))');
  t.equal(fillFilter(template, { input: '*)(uid=*' }), '(&(|(uid=\\2a\\29\\28uid=\\2a)(mail=\\2a\\29\\28uid=\\2a))(cn=*))');
  t.equal(fillFilter('(uid={input})', { input: '{dn}', dn: 'uid=x' }), '(uid={dn})', 'a value put in is not read again as a placeholder');
  t.equal(fillFilter('(member={dn})', { dn: 'cn=Smith\\, John (ops),ou=people' }), '(member=cn=Smith\\5c, John \\28ops\\29,ou=people)');
  t.equal(fillFilter('(memberUid={username})', { username: 'a*' }), '(memberUid=a\\2a)');
  t.equal(fillFilter('(|{memberof:dn})', { memberOf: ['cn=a,dc=x', 'cn=b(1),dc=x'], distinguishedNameAttribute: 'distinguishedName' }), '(|(distinguishedName=cn=a,dc=x)(distinguishedName=cn=b\\281\\29,dc=x))');
  t.equal(fillFilter('(|{memberof:rdn})', { memberOf: ['CN=Domain Admins,CN=Users,DC=x', 'cn=Smith\\, John,ou=g'] }), '(|(CN=Domain Admins)(cn=Smith, John))');
});

t.test('date-time placeholders (RFC 4517 §3.3.13 GeneralizedTime, Unix seconds, Windows FILETIME)', async (t) => {
  const nowMs = Date.parse('2030-01-01T00:00:00Z');
  t.equal(fillFilter('({date-time:generalized})', { nowMs }), '(20300101000000.0Z)');
  t.equal(fillFilter('({date-time:unix})', { nowMs }), '(1893456000)');
  t.equal(fillFilter('({date-time:microsoft-nt})', { nowMs }), '(135379296000000000)');
});

t.test('RFC 4514 §3: an RDN value is unescaped from its DN form before it is escaped for a filter', async (t) => {
  t.equal(rdnAssertion('cn=a\\2Cb,dc=x'), '(cn=a,b)');
  t.equal(rdnAssertion('cn=star\\*,dc=x'), '(cn=star\\2a)');
  t.equal(rdnAssertion('cn=caf\\C3\\A9,dc=x'), '(cn=café)');
});
