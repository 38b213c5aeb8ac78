/**
 * The activedirectory, freeipa and lldap presets against fixtures of what those servers return
 * (their attribute names and case, their member_of form), since the servers cannot run here:
 * the preset's filters filled for the fixture's input, and the fixture's entries read with the
 * preset's attribute names into the details Gatehouse uses. Values are Authelia 4.39's defaults.
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { FilterParser, type Entry } from 'ldapts';
import { fillFilter } from '../../../src/users/ldap/filter.js';
import { groupNamesOf, profileFromEntry } from '../../../src/users/ldap/entry.js';
import { LDAP_PRESETS } from '../../../src/users/ldap/presets.js';
import { settingsFor } from './fixtures.js';

interface Fixture {
  input: string;
  user: Entry;
  groups: Entry[];
  expected: { username: string; display_name: string; emails: string[]; groups: string[] };
  users_filter_contains: string[];
  groups_filter: string;
  memberof_rdn: string;
}

const NOW = Date.parse('2030-01-01T00:00:00Z');
const fixture = (name: string): Fixture => JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as Fixture;

for (const implementation of ['activedirectory', 'freeipa', 'lldap'] as const) {
  t.test(`preset '${implementation}' reads what ${implementation} returns`, async (t) => {
    const f = fixture(implementation);
    const settings = settingsFor({ ldap: { address: 'ldap://ldap.example.com', implementation, base_dn: 'dc=example,dc=com', user: 'cn=svc', password: 'x' } });
    const usersFilter = fillFilter(settings.usersFilter, { input: f.input, nowMs: NOW });
    for (const part of f.users_filter_contains) t.ok(usersFilter.includes(part), `users filter has ${part}`);
    t.doesNotThrow(() => FilterParser.parseString(usersFilter), 'RFC 4515: the filled users filter parses');

    const profile = profileFromEntry(f.user, settings.attributes);
    if (typeof profile === 'string') throw new Error(profile);
    t.equal(profile.username, f.expected.username, `username from '${settings.attributes.username}'`);
    t.equal(profile.displayName, f.expected.display_name, `display name from '${settings.attributes.display_name}'`);
    t.same(profile.emails, f.expected.emails);
    t.same(profile.memberOf, f.user['memberOf'], `member_of from '${settings.attributes.member_of}'`);

    t.equal(fillFilter(settings.groupsFilter, { input: f.input, username: profile.username, dn: profile.dn, memberOf: profile.memberOf }), f.groups_filter);
    t.same(groupNamesOf(f.groups, settings.attributes.group_name), f.expected.groups, "group_search_mode 'filter'");
    // memberof mode: only groups the user's memberOf names, whatever the DN's case.
    const upper = f.groups.map((g) => ({ ...g, dn: g.dn.toUpperCase() }));
    t.same(groupNamesOf([...upper, { dn: 'cn=other,dc=example,dc=com', cn: 'other' }], settings.attributes.group_name, profile.memberOf), f.expected.groups, "group_search_mode 'memberof'");
    t.equal(fillFilter('(|{memberof:rdn})', { memberOf: profile.memberOf }), `(|${f.memberof_rdn})`);
  });
}

t.test("each preset's values are Authelia 4.39's (internal/configuration/schema/authentication.go)", async (t) => {
  t.same(
    Object.fromEntries(Object.entries(LDAP_PRESETS).map(([name, p]) => [name, [p.timeoutSeconds, p.attributes.username, p.attributes.display_name, p.attributes.member_of ?? null, p.additional_users_dn ?? null]])),
    {
      custom: [20, 'uid', 'displayName', null, null],
      activedirectory: [5, 'sAMAccountName', 'displayName', 'memberOf', null],
      rfc2307bis: [5, 'uid', 'displayName', 'memberOf', null],
      freeipa: [5, 'uid', 'displayName', 'memberOf', null],
      lldap: [5, 'uid', 'cn', 'memberOf', 'OU=people'],
      glauth: [5, 'cn', 'description', 'memberOf', null],
    },
  );
  const lldap = settingsFor({ ldap: { address: 'ldap://lldap:3890', implementation: 'lldap', base_dn: 'dc=example,dc=com', user: 'uid=authelia,ou=people,dc=example,dc=com', password: 'x' } });
  t.equal(lldap.usersBaseDn, 'OU=people,dc=example,dc=com');
  t.equal(lldap.groupsBaseDn, 'OU=groups,dc=example,dc=com');
  t.equal(lldap.timeoutMs, 5000);
  const custom = settingsFor({ ldap: { address: 'ldap://ldap', base_dn: 'dc=x', user: 'cn=svc', password: 'x', users_filter: '(&({username_attribute}={input})(objectClass=person))', groups_filter: '(member={dn})', attributes: { username: 'cn' } } });
  t.equal(custom.usersFilter, '(&(cn={input})(objectClass=person))', 'a configured attribute wins over the preset; placeholders filled at start-up');
  t.equal(custom.timeoutMs, 20_000);
  t.same(custom.pooling, { enable: false, count: 5, retries: 2, timeoutMs: 10_000 });
});
