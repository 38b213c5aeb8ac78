import t from 'tap';
import { SCOPE_CLAIM_NAMES, scopeClaims } from '../../src/oidc/claims.js';
import type { UserDetails } from '../../src/users/user.js';

const john: UserDetails = {
  username: 'john',
  display_name: 'John Doe',
  emails: ['john@example.com', 'jdoe@example.org', 'j@example.net'],
  groups: ['admins', 'dev'],
  disabled: false,
};

t.test('004 Scope Definitions: each scope releases exactly its table', async (t) => {
  const rows: Array<{ rule: string; scopes: string[]; claims: Record<string, unknown> }> = [
    { rule: 'openid: no identity claims (sub and the rest are the token\'s, not the scope\'s)', scopes: ['openid'], claims: {} },
    { rule: 'offline_access: no claims', scopes: ['offline_access'], claims: {} },
    { rule: 'authelia.bearer.authz: no claims', scopes: ['authelia.bearer.authz'], claims: {} },
    { rule: 'groups table: groups ← groups', scopes: ['groups'], claims: { groups: ['admins', 'dev'] } },
    {
      rule: 'email table: email ← email[0], email_verified true, alt_emails ← email[1:]',
      scopes: ['email'],
      claims: { email: 'john@example.com', email_verified: true, alt_emails: ['jdoe@example.org', 'j@example.net'] },
    },
    { rule: 'profile table: preferred_username ← username, name ← display_name', scopes: ['profile'], claims: { preferred_username: 'john', name: 'John Doe' } },
    {
      rule: 'all tables together, unknown scopes ignored',
      scopes: ['openid', 'profile', 'email', 'groups', 'unknown', 'constructor', '__proto__'],
      claims: {
        groups: ['admins', 'dev'],
        email: 'john@example.com',
        email_verified: true,
        alt_emails: ['jdoe@example.org', 'j@example.net'],
        preferred_username: 'john',
        name: 'John Doe',
      },
    },
    { rule: 'no scopes: nothing', scopes: [], claims: {} },
  ];
  for (const row of rows) t.strictSame(scopeClaims(john, row.scopes), row.claims, row.rule);
});

t.test('email table with a single address: alt_emails is empty', async (t) => {
  t.strictSame(scopeClaims({ ...john, emails: ['only@example.com'] }, ['email']), {
    email: 'only@example.com',
    email_verified: true,
    alt_emails: [],
  });
});

t.test('email table for a user without any address: no email claims at all', async (t) => {
  t.strictSame(scopeClaims({ ...john, emails: [] }, ['email']), {});
});

t.test('the claims are copies: changing them does not change the user', async (t) => {
  const claims = scopeClaims(john, ['groups', 'email']);
  (claims['groups'] as string[]).push('root');
  (claims['alt_emails'] as string[]).push('x@example.com');
  t.strictSame(john.groups, ['admins', 'dev']);
  t.strictSame(john.emails, ['john@example.com', 'jdoe@example.org', 'j@example.net']);
});

t.test('SCOPE_CLAIM_NAMES lists every claim the tables produce', async (t) => {
  t.strictSame([...SCOPE_CLAIM_NAMES].sort(), Object.keys(scopeClaims(john, ['profile', 'email', 'groups'])).sort());
});
