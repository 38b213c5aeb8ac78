/**
 * The LDAP users backend against a real OpenLDAP (slapd): sign-in by username and by e-mail,
 * wrong and empty passwords, filter injection, groups in both search modes, refresh_interval,
 * the directory going away and coming back, pooling, password change.
 */
import t from 'tap';
import { InvalidCredentialsError, Client } from 'ldapts';
import { UsersUnavailableError } from '../../../src/users/index.js';
import { fixedClock } from '../../../src/util/clock.js';
import { SEED_USERS, SERVICE, startSlapd, userDn } from '../../helpers/slapd.js';
import { ldapSection, openBackend, settingsFor } from './fixtures.js';

const slapd = await startSlapd(t);
const NOW = Date.parse('2030-01-01T00:00:00Z');
/** Groups come in the directory's order. */
const sorted = (groups: readonly string[] | undefined): string[] => [...(groups ?? [])].sort();

t.test('sign-in by username and by e-mail: one user, their username attribute is the username', async (t) => {
  const { backend } = await openBackend(t, settingsFor(ldapSection(slapd)));
  t.equal(await backend.checkPassword('alice', 'alice-password'), true, 'by username');
  t.equal(await backend.checkPassword('alice@example.com', 'alice-password'), true, 'by e-mail');
  t.equal(await backend.checkPassword('a.liddell@example.com', 'alice-password'), true, 'by a second e-mail');
  const byMail = await backend.lookup('alice@example.com');
  t.same({ ...byMail, groups: sorted(byMail?.groups) }, { username: 'alice', display_name: 'Alice Liddell', emails: ['alice@example.com', 'a.liddell@example.com'], groups: ['admins', 'dev'], disabled: false });
  t.same(await backend.lookup('nobody'), null, 'unknown user');
});

t.test('wrong password, unknown user, and another user\'s password are all false', async (t) => {
  const { backend } = await openBackend(t, settingsFor(ldapSection(slapd)));
  t.equal(await backend.checkPassword('alice', 'wrong'), false);
  t.equal(await backend.checkPassword('nobody', 'alice-password'), false);
  t.equal(await backend.checkPassword('bob', 'alice-password'), false);
});

t.test('RFC 4513 §5.1.2: an empty password is refused without binding (an unauthenticated bind would succeed)', async (t) => {
  const { backend, recorded } = await openBackend(t, settingsFor(ldapSection(slapd)));
  // The server itself accepts the unauthenticated bind: proof that the backend must not send it.
  const client = new Client({ url: slapd.url });
  await client.bind(userDn('alice'), '').then(() => t.pass('slapd accepts an unauthenticated bind'), () => t.pass('slapd refuses unauthenticated binds'));
  await client.unbind();
  recorded.requests.length = 0;
  t.equal(await backend.checkPassword('alice', ''), false);
  t.same(recorded.requests, [], 'nothing was sent to the directory');
});

t.test('RFC 4515 §3: filter injection is matched literally', async (t) => {
  const { backend } = await openBackend(t, settingsFor(ldapSection(slapd)));
  t.equal(await backend.checkPassword('*)(uid=*', 'alice-password'), false, '*)(uid=* finds nobody');
  t.equal(await backend.checkPassword('*', 'alice-password'), false, 'a lone * finds nobody');
  t.equal(await backend.checkPassword('alice)(|(uid=*', 'alice-password'), false);
  t.equal(await backend.checkPassword('al*', 'alice-password'), false, 'no substring match');
  t.same(await backend.lookup('*)(uid=*'), null);
  t.equal(await backend.checkPassword('star*name', 'star-password'), true, 'a real * in a uid still signs in');
  t.equal(await backend.checkPassword('star\\2aname', 'star-password'), false, 'an escape typed by the user stays text');
});

t.test("groups: group_search_mode 'filter' (member={dn}) and 'memberof' (the user's memberOf, {memberof:rdn} / {memberof:dn})", async (t) => {
  const byFilter = await openBackend(t, settingsFor(ldapSection(slapd)));
  t.same(sorted((await byFilter.backend.lookup('alice'))?.groups), ['admins', 'dev']);
  t.same(sorted((await byFilter.backend.lookup('bob'))?.groups), ['dev']);
  t.same(sorted((await byFilter.backend.lookup('carol'))?.groups), []);

  const memberOf = { group_search_mode: 'memberof', groups_filter: '(&(|{memberof:rdn})(objectClass=groupOfNames))', attributes: { member_of: 'memberOf' } };
  const byMemberOf = await openBackend(t, settingsFor(ldapSection(slapd, memberOf)));
  t.same(sorted((await byMemberOf.backend.lookup('alice'))?.groups), ['admins', 'dev']);
  t.same(sorted((await byMemberOf.backend.lookup('bob'))?.groups), ['dev']);
  t.same(sorted((await byMemberOf.backend.lookup('carol'))?.groups), [], 'no memberOf: no group search at all');

  // OpenLDAP has no distinguishedName attribute: entryDN (RFC 5020) stands in for {memberof:dn}.
  const byDn = { group_search_mode: 'memberof', groups_filter: '(&(|{memberof:dn})(objectClass=groupOfNames))', attributes: { member_of: 'memberOf', distinguished_name: 'entryDN' } };
  const byMemberOfDn = await openBackend(t, settingsFor(ldapSection(slapd, byDn)));
  t.same(sorted((await byMemberOfDn.backend.lookup('alice'))?.groups), ['admins', 'dev']);
});

t.test('RFC 4513 §3: StartTLS and ldaps:// with the test CA; an untrusted certificate is refused', async (t) => {
  const startTls = await openBackend(t, settingsFor(ldapSection({ url: `ldap://localhost:${slapd.port}` }, { start_tls: true }), [slapd.caPem]));
  t.equal(await startTls.backend.checkPassword('alice', 'alice-password'), true, 'StartTLS');
  const ldaps = await openBackend(t, settingsFor(ldapSection({ url: slapd.ldapsUrl }), [slapd.caPem]));
  t.equal(await ldaps.backend.checkPassword('bob', 'bob-password'), true, 'ldaps');
  const byIp = await openBackend(t, settingsFor(ldapSection({ url: `ldaps://127.0.0.1:${slapd.ldapsPort}` }), [slapd.caPem]));
  t.equal(await byIp.backend.checkPassword('bob', 'bob-password'), true, 'ldaps to the IP address in the certificate');

  await t.rejects(openBackend(t, settingsFor(ldapSection({ url: slapd.ldapsUrl }))), { name: 'LdapStartupError', message: /cannot connect to the directory at ldaps:\/\/localhost:\d+: .*certificate/ }, 'no CA: refused');
  await t.rejects(
    openBackend(t, settingsFor(ldapSection({ url: `ldap://localhost:${slapd.port}` }, { start_tls: true, tls: { server_name: 'ldap.example.net' } }), [slapd.caPem])),
    { name: 'LdapStartupError', message: /ldap\.example\.net/ },
    'tls.server_name is the identity checked',
  );
  const skipped = await openBackend(t, settingsFor(ldapSection({ url: slapd.ldapsUrl }, { tls: { skip_verify: true } })));
  t.equal(await skipped.backend.checkPassword('bob', 'bob-password'), true, 'skip_verify');
});

t.test('the start-up check says what is wrong: bind refused, base DN not found, nothing listening', async (t) => {
  await t.rejects(openBackend(t, settingsFor(ldapSection(slapd, { password: 'wrong' }))), {
    name: 'LdapStartupError',
    message: `authentication_backend.ldap: the directory at ${slapd.url} refused the bind as '${SERVICE.dn}': invalidCredentials (49)`,
  });
  await t.rejects(openBackend(t, settingsFor(ldapSection(slapd, { additional_users_dn: 'ou=nobody' }))), {
    message: `authentication_backend.ldap: the users' base DN 'ou=nobody,dc=example,dc=com' was not found in the directory at ${slapd.url}`,
  });
  await t.rejects(openBackend(t, settingsFor(ldapSection({ url: 'ldap://127.0.0.1:1' }))), { message: /^authentication_backend\.ldap: cannot connect to the directory at ldap:\/\/127\.0\.0\.1:1: / });
});

t.test('refresh_interval: a user deleted in the directory keeps access until it passes, then has none', async (t) => {
  const clock = fixedClock(NOW);
  const { backend } = await openBackend(t, settingsFor(ldapSection(slapd, {}, ), []), { clock });
  t.equal(await backend.checkPassword('carol', 'carol-password'), true);
  t.equal(backend.peek('carol')?.username, 'carol', 'remembered after sign-in');
  await slapd.modify(`dn: ${userDn('carol')}\nchangetype: delete\n`);
  clock.advance(299_000);
  t.equal((await backend.lookup('carol'))?.username, 'carol', 'within refresh_interval (5m): still known');
  clock.advance(1_000);
  t.equal(backend.peek('carol'), undefined, 'stale: memory cannot tell');
  t.equal(await backend.lookup('carol'), null, 'asked again: gone');
  t.equal(await backend.checkPassword('carol', 'carol-password'), false);
  await slapd.modify(`dn: ${userDn('carol')}\nchangetype: add\nobjectClass: inetOrgPerson\nuid: carol\ncn: Carol Danvers\nsn: Danvers\ndisplayName: Carol Danvers\nmail: carol@example.com\nuserPassword: carol-password\n`);
});

t.test("refresh_interval 'always' asks at every use; 'disable' never refreshes", async (t) => {
  const clock = fixedClock(NOW);
  const always = await openBackend(t, settingsFor(ldapSection(slapd, {}, 'always')), { clock });
  await always.backend.lookup('bob');
  t.equal(always.backend.peek('bob'), undefined);
  const never = await openBackend(t, settingsFor(ldapSection(slapd, {}, 'disable')), { clock });
  await never.backend.lookup('bob');
  clock.advance(365 * 86_400_000);
  t.equal(never.backend.peek('bob')?.username, 'bob');
});

t.test('the directory stopped mid-run: known users within refresh_interval go on, others get UsersUnavailableError; then it recovers', async (t) => {
  const clock = fixedClock(NOW);
  const { backend, recorded } = await openBackend(t, settingsFor(ldapSection(slapd, { pooling: { enable: true, count: 2 } })), { clock });
  t.equal(await backend.checkPassword('alice', 'alice-password'), true);
  await slapd.stop();
  try {
    t.equal((await backend.lookup('alice'))?.username, 'alice', 'alice is remembered');
    await t.rejects(backend.lookup('bob'), UsersUnavailableError, 'bob must be asked for: unavailable, not unknown');
    await t.rejects(backend.checkPassword('alice', 'alice-password'), UsersUnavailableError, 'a password cannot be checked');
    clock.advance(300_000);
    await t.rejects(backend.lookup('alice'), UsersUnavailableError, 'past refresh_interval: unavailable');
    t.ok(recorded.requests.some((r) => r.outcome === 'error'), 'errors counted');
  } finally {
    await slapd.start();
  }
  t.equal((await backend.lookup('bob'))?.username, 'bob', 'recovered');
  t.equal(await backend.checkPassword('alice', 'alice-password'), true, 'recovered');
});

t.test('pooling: parallel sign-ins share at most pooling.count service connections', async (t) => {
  const { backend } = await openBackend(t, settingsFor(ldapSection(slapd, { pooling: { enable: true, count: 3, timeout: '5s' } })));
  let peak = 0;
  const watch = setInterval(() => (peak = Math.max(peak, backend.pool.stats().open)), 1);
  const users = SEED_USERS.filter((u) => u.uid !== 'carol');
  const results = await Promise.all(Array.from({ length: 30 }, (_, i) => users[i % users.length]).map((u, i) => backend.checkPassword(u.uid, i % 5 === 0 ? 'wrong' : u.password)));
  clearInterval(watch);
  t.same(results, Array.from({ length: 30 }, (_, i) => i % 5 !== 0));
  t.ok(peak <= 3, `at most 3 open (peak ${peak})`);
  t.ok(backend.pool.stats().open >= 1 && backend.pool.stats().idle === backend.pool.stats().open, 'all returned to the pool');
});

t.test('RFC 3062: a password change through the Password Modify extended operation; the old password stops working', async (t) => {
  const { backend, recorded } = await openBackend(t, settingsFor(ldapSection(slapd)));
  t.equal(backend.features.passwordModify, true, 'slapd offers it (root DSE)');
  recorded.requests.length = 0;
  t.equal(await backend.changePassword('bob@example.com', 'bob-new-password'), true);
  t.ok(recorded.requests.some((r) => r.operation === 'extended' && r.outcome === 'success'));
  t.equal(await backend.checkPassword('bob', 'bob-password'), false);
  t.equal(await backend.checkPassword('bob', 'bob-new-password'), true);
  t.equal(await backend.changePassword('nobody', 'x'), false, 'unknown user');
  // Without the extended operation the attribute is replaced (slapd stores it as given).
  const plain = await openBackend(t, settingsFor(ldapSection(slapd)));
  (plain.backend.features as { passwordModify: boolean }).passwordModify = false;
  t.equal(await plain.backend.changePassword('bob', 'bob-password'), true);
  t.equal(await plain.backend.checkPassword('bob', 'bob-password'), true, 'userPassword replaced');
  const client = new Client({ url: slapd.url });
  await t.rejects(client.bind(userDn('bob'), 'bob-new-password'), InvalidCredentialsError);
  await client.unbind();
});
