import t from 'tap';
import { AUTHENTICATION_LEVELS, levelSatisfies, type AuthenticationLevel } from '../../src/authn/level.js';

t.test('levelSatisfies: a level satisfies itself and every level below it', async (t) => {
  const rows: Array<[AuthenticationLevel, AuthenticationLevel, boolean]> = [
    ['none', 'none', true],
    ['none', 'one_factor', false],
    ['none', 'two_factor', false],
    ['one_factor', 'none', true],
    ['one_factor', 'one_factor', true],
    ['one_factor', 'two_factor', false],
    ['two_factor', 'none', true],
    ['two_factor', 'one_factor', true],
    ['two_factor', 'two_factor', true],
  ];
  for (const [level, required, expected] of rows) t.equal(levelSatisfies(level, required), expected, `${level} satisfies ${required}: ${expected}`);
});

t.test('the levels in rank order, as Authelia names them', async (t) => {
  t.strictSame(AUTHENTICATION_LEVELS, ['none', 'one_factor', 'two_factor']);
});
