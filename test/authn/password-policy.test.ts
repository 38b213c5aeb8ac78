/** password_policy: each standard rule by itself, zxcvbn's score and feedback, both off. */
import t from 'tap';
import { passwordProblems, type PasswordPolicy } from '../../src/authn/password-policy.js';

const OFF = { enabled: false, min_length: 8, max_length: 0, require_uppercase: false, require_lowercase: false, require_number: false, require_special: false };
const standard = (over: Partial<PasswordPolicy['standard']>): PasswordPolicy => ({ standard: { ...OFF, enabled: true, ...over }, zxcvbn: { enabled: false, min_score: 3 } });

t.test('standard: each rule, by itself', async (t) => {
  const cases: [string, Partial<PasswordPolicy['standard']>, string, string[]][] = [
    ['min_length counts characters, not bytes', { min_length: 8 }, 'ééééééé', ['It must be at least 8 characters long.']],
    ['min_length met', { min_length: 8 }, 'éééééééé', []],
    ['max_length', { max_length: 10 }, 'abcdefghijk', ['It must be at most 10 characters long.']],
    ['max_length 0: no maximum', { max_length: 0 }, 'a'.repeat(500), []],
    ['require_uppercase', { require_uppercase: true }, 'lowercase1!', ['It must contain an upper-case letter.']],
    ['require_lowercase', { require_lowercase: true }, 'UPPERCASE1!', ['It must contain a lower-case letter.']],
    ['require_number', { require_number: true }, 'NoNumbers!!', ['It must contain a number.']],
    ['require_special', { require_special: true }, 'NoSpecial123', ['It must contain a special character (neither a letter nor a number).']],
    ['a space is special', { require_special: true }, 'two words here', []],
    [
      'every rule at once, in order',
      { min_length: 12, require_uppercase: true, require_lowercase: true, require_number: true, require_special: true },
      'short',
      ['It must be at least 12 characters long.', 'It must contain an upper-case letter.', 'It must contain a number.', 'It must contain a special character (neither a letter nor a number).'],
    ],
  ];
  for (const [rule, policy, password, problems] of cases) t.same(await passwordProblems(password, standard(policy)), problems, rule);
});

t.test('zxcvbn: a score under min_score is refused with its feedback; user inputs count against it', async (t) => {
  const policy: PasswordPolicy = { standard: OFF, zxcvbn: { enabled: true, min_score: 3 } };
  t.same(await passwordProblems('password123', policy), ['It is too easy to guess. This is a commonly used password. Add more words that are less common.']);
  t.same(await passwordProblems('violet kettle orbit canyon', policy), []);
  t.equal((await passwordProblems('alice.liddell1865', policy, ['alice.liddell1865'])).length, 1, "the user's own name is guessable");
});

t.test('no policy: anything but an empty password', async (t) => {
  const none: PasswordPolicy = { standard: OFF, zxcvbn: { enabled: false, min_score: 3 } };
  t.same(await passwordProblems('a', none), []);
  t.same(await passwordProblems('', none), ['The password must not be empty.']);
});
