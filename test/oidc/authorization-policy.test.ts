import t from 'tap';
import type { OidcConfig } from '../../src/config/index.js';
import { requiredLevel, type RequiredLevel } from '../../src/oidc/authorization-policy.js';
import type { UserDetails } from '../../src/users/index.js';

const POLICIES: OidcConfig['authorization_policies'] = {
  internal: {
    default_policy: 'two_factor',
    rules: [
      { policy: 'deny', subject: [['user:mallory']] },
      { policy: 'one_factor', subject: [['group:dev', 'user:john'], ['user:fred']] },
      { policy: 'two_factor', subject: [['oauth2:client:svc']] },
    ],
  },
};

const user = (username: string, groups: string[]): UserDetails => ({ username, groups, display_name: username, emails: [], disabled: false });

t.test('requiredLevel: the client policy, or the first rule of a named policy matching the user, else its default', async (t) => {
  const rows: Array<[string, string, UserDetails | null, RequiredLevel]> = [
    ['one_factor names a level', 'one_factor', user('john', []), 'one_factor'],
    ['two_factor names a level', 'two_factor', null, 'two_factor'],
    ['the first matching rule wins', 'internal', user('mallory', ['dev']), 'deny'],
    ['inner list AND: a dev named john', 'internal', user('john', ['dev']), 'one_factor'],
    ['inner list AND: john outside dev falls to the default', 'internal', user('john', []), 'two_factor'],
    ['outer list OR: fred alone', 'internal', user('fred', []), 'one_factor'],
    ['a client subject never matches a user', 'internal', user('svc', []), 'two_factor'],
    ['no user: the default', 'internal', null, 'two_factor'],
    ['an unknown policy name (config validation refuses it) asks for two factors', 'missing', user('john', ['dev']), 'two_factor'],
  ];
  for (const [rule, policy, who, expected] of rows) t.equal(requiredLevel(policy, POLICIES, who), expected, rule);
});
