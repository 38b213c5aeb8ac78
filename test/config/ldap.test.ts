/**
 * `authentication_backend.ldap` as Authelia's validator checks it, on the values the
 * implementation's preset fills in: every problem at its key path, with the exact message.
 */
import t from 'tap';
import { problemsOf, parse } from './config-fixtures.js';

const BASE = { storage: { local: { path: '/data/db.sqlite3' } } };
const ldap = (over: Record<string, unknown>) => ({
  ...BASE,
  authentication_backend: { ldap: { address: 'ldap://ldap.example.com', base_dn: 'dc=example,dc=com', user: 'cn=svc,dc=example,dc=com', password: 'secret', implementation: 'rfc2307bis', ...over } },
});
const P = 'authentication_backend.ldap';

t.test('a minimal OpenLDAP (rfc2307bis) and lldap configuration load; the preset fills the rest', async (t) => {
  t.same(problemsOf(ldap({})), []);
  const { config } = parse(ldap({ implementation: 'lldap', address: 'ldap://lldap:3890' }));
  t.match(config.authentication_backend.ldap, { address: { scheme: 'ldap', host: 'lldap', port: 3890 }, implementation: 'lldap', pooling: { enable: false, count: 5, retries: 2, timeout: 10 }, tls: { minimum_version: 'TLS1.2', skip_verify: false } });
  t.equal(config.authentication_backend.refresh_interval, undefined, "unset: Authelia's 5m applies");
  t.equal(parse({ ...ldap({}), authentication_backend: { ...ldap({}).authentication_backend, refresh_interval: 'always' } }).config.authentication_backend.refresh_interval, 0);
});

t.test('each problem at its key path', async (t) => {
  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    ['address scheme', { address: 'http://ldap' }, [`${P}.address: must be an address such as 'ldap://host:389', 'ldaps://host:636' or 'ldapi:///run/slapd/ldapi' but is 'http://ldap'`]],
    ['address path', { address: 'ldap://ldap/dc=x' }, [`${P}.address: must have no path (set base_dn instead) but is 'ldap://ldap/dc=x'`]],
    ['no service account', { user: undefined, password: undefined }, [
      `${P}.user: is required (the service account that searches the directory) unless permit_unauthenticated_bind is true`,
      `${P}.password: is required (the service account that searches the directory) unless permit_unauthenticated_bind is true`,
    ]],
    ['unauthenticated bind with a password', { permit_unauthenticated_bind: true }, [`${P}.password: must not be set with permit_unauthenticated_bind`]],
    ['custom without filters', { implementation: 'custom' }, [`${P}.users_filter: is required with implementation 'custom'`, `${P}.groups_filter: is required with implementation 'custom'`]],
    ['users filter without {input}', { users_filter: '(uid={username_attribute})' }, [`${P}.users_filter: must contain the {input} placeholder`]],
    ['users filter without parentheses', { users_filter: '{username_attribute}={input}' }, [`${P}.users_filter: must be enclosed in parentheses, as in '({username_attribute}={input})', but is '{username_attribute}={input}'`]],
    ['pre-4.38 placeholders', { users_filter: '(&({username_attribute}={input})(x={0}))', groups_filter: '(memberUid={1})' }, [
      `${P}.users_filter: has the placeholder '{0}', which is '{input}' since Authelia 4.38`,
      `${P}.groups_filter: has the placeholder '{1}', which is '{username}' since Authelia 4.38`,
    ]],
    ['memberof mode without its placeholder', { group_search_mode: 'memberof' }, [`${P}.groups_filter: must contain the {memberof:rdn} or {memberof:dn} placeholder with group_search_mode 'memberof'`]],
    ['{memberof:dn} without distinguished_name', { group_search_mode: 'memberof', groups_filter: '(|{memberof:dn})' }, [`${P}.attributes.distinguished_name: is required by the {memberof:dn} placeholder`]],
    ['RFC 4515: a filter that does not parse', { users_filter: '({username_attribute}={input})(objectClass=person)' }, [`${P}.users_filter: is not a valid LDAP filter (RFC 4515): Unbalanced parens in filter string: (uid=someone)(objectClass=person)`]],
    ['half a client certificate', { tls: { certificate_chain: 'PEM' } }, [`${P}.tls.private_key: is required when the other half of the client certificate (certificate_chain, private_key) is set`]],
    ['unknown implementation', { implementation: 'openldap' }, [`${P}.implementation: must be one of 'custom', 'activedirectory', 'rfc2307bis', 'freeipa', 'lldap', 'glauth' but is 'openldap'`]],
  ];
  for (const [name, over, expected] of cases) t.same(problemsOf(ldap(over)), expected, name);
});

t.test('file and ldap together are refused; permit_referrals and start_tls with ldaps:// are warned about', async (t) => {
  t.same(problemsOf({ ...BASE, authentication_backend: { file: { path: '/u.yml' }, ldap: ldap({}).authentication_backend.ldap } }), [
    `${P}: must not be set together with authentication_backend.file: configure exactly one users backend`,
  ]);
  const { warnings } = parse(ldap({ permit_referrals: true, start_tls: true, address: 'ldaps://ldap' }));
  t.same(warnings, [
    'authentication_backend.ldap.start_tls is ignored with an ldaps:// address: the connection is TLS from the start',
    'authentication_backend.ldap.permit_referrals: referrals are not followed; searches use the entries the server returns itself',
  ]);
});

t.test('the password may come from GATEHOUSE_AUTHENTICATION_BACKEND_LDAP_PASSWORD_FILE', async (t) => {
  const { config } = parse(ldap({ password: undefined }), { env: { GATEHOUSE_AUTHENTICATION_BACKEND_LDAP_PASSWORD_FILE: '/run/secrets/ldap' }, readSecretFile: () => 'from-file\n' });
  t.equal(config.authentication_backend.ldap?.password, 'from-file');
});
