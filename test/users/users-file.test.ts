import t from 'tap';
import { formatUsersFileProblem } from '../../src/users/users-file-error.js';
import { parseUsersFile } from '../../src/users/users-file.js';

// argon2id (m=64 KiB, t=1, p=1) of "secret": cheap to verify, readable by parseDigest.
const DIGEST = '$argon2id$v=19$m=64,t=1,p=1$TCj3TkZncon8zQRQV6jo/Q$yz5mLWH3n2J4+uiicYdHBnMwTRvLlyI1ZtyfArRnwZc';

const formatted = (text: string): string[] => parseUsersFile(text).problems.map(formatUsersFileProblem);

t.test('a valid file: email or emails (first is primary), groups default [], disabled default false', async (t) => {
  const { users, problems, warnings } = parseUsersFile(`
users:
  john:
    displayname: "John Doe"
    password: "${DIGEST}"
    email: john@example.com
    groups: [admins, dev]
  jane:
    displayname: Jane
    password: '${DIGEST}'
    emails:
      - jane@example.com
      - j@example.org
    disabled: true
  "007":
    displayname: Bond
    password: "${DIGEST}"
    email: bond@localhost
`);
  t.same(problems, []);
  t.same(warnings, []);
  t.same([...users.keys()], ['john', 'jane', '007'], 'a username like 007 keeps its leading zeros');
  t.same(users.get('john'), {
    username: 'john', display_name: 'John Doe', emails: ['john@example.com'], groups: ['admins', 'dev'], disabled: false, password_digest: DIGEST,
  });
  t.same(users.get('jane'), {
    username: 'jane', display_name: 'Jane', emails: ['jane@example.com', 'j@example.org'], groups: [], disabled: true, password_digest: DIGEST,
  });
});

t.test('YAML anchors and aliases resolve like any other value', async (t) => {
  const { users, problems } = parseUsersFile(`
users:
  john:
    displayname: John
    password: &pw "${DIGEST}"
    email: john@example.com
    groups: &g [a, b]
  jim:
    displayname: Jim
    password: *pw
    email: jim@example.com
    groups: *g
`);
  t.same(problems, []);
  t.same(users.get('jim')?.groups, ['a', 'b']);
  t.equal(users.get('jim')?.password_digest, DIGEST);
});

// Each case: the file, then every problem it must produce, exactly, with path and line:column.
const INVALID: { rule: string; text: string; problems: string[] }[] = [
  { rule: 'the users map is required (empty file)', text: '', problems: ['users: is required'] },
  { rule: 'the users map is required (other keys only)', text: 'people: {}\n', problems: ['people (line 1:1): unknown key (expected: users)', 'users (line 1:1): is required'] },
  { rule: 'the file must be a mapping', text: '- john\n', problems: ['users (line 1:1): the file must be a mapping with a `users` key'] },
  { rule: 'users must be a mapping', text: 'users:\n  - john\n', problems: ['users (line 2:3): must be a mapping of usernames to users'] },
  { rule: 'users must not be empty-valued', text: 'users:\n', problems: ['users (line 1:7): must be a mapping of usernames to users'] },
  {
    rule: 'password, displayname and email are required',
    text: 'users:\n  john:\n    groups: []\n',
    problems: [
      'users.john.password (line 2:3): is required',
      'users.john.displayname (line 2:3): is required',
      'users.john.email (line 2:3): is required (or emails)',
    ],
  },
  {
    rule: 'a user must be a mapping',
    text: 'users:\n  john: yes\n',
    problems: ['users.john (line 2:9): must be a mapping (displayname, password, email, groups, disabled)'],
  },
  {
    rule: 'email and emails are exclusive',
    text: `users:\n  john:\n    displayname: J\n    password: "${DIGEST}"\n    email: a@b.c\n    emails: [d@e.f]\n`,
    problems: ['users.john (line 2:3): set either email or emails, not both'],
  },
  {
    rule: 'emails must be non-empty',
    text: `users:\n  john:\n    displayname: J\n    password: "${DIGEST}"\n    emails: []\n`,
    problems: ['users.john.emails (line 5:13): must list at least one email address'],
  },
  {
    rule: 'each address must look like an address',
    text: `users:\n  john:\n    displayname: J\n    password: "${DIGEST}"\n    emails:\n      - ok@example.com\n      - "not an address"\n      - 42\n`,
    problems: [
      'users.john.emails[2] (line 8:9): must be an email address (a non-empty string)',
      'users.john.emails[1] (line 7:9): "not an address" is not an email address',
    ],
  },
  {
    rule: 'email must be a string address',
    text: `users:\n  john:\n    displayname: J\n    password: "${DIGEST}"\n    email: john@\n`,
    problems: ['users.john.email (line 5:12): "john@" is not an email address'],
  },
  {
    rule: 'displayname must be a non-empty string',
    text: `users:\n  john:\n    displayname: ""\n    password: "${DIGEST}"\n    email: j@x.org\n`,
    problems: ['users.john.displayname (line 3:18): must be a non-empty string'],
  },
  {
    rule: 'groups must be a list of strings',
    text: `users:\n  john:\n    displayname: J\n    password: "${DIGEST}"\n    email: j@x.org\n    groups: admins\n  jane:\n    displayname: J\n    password: "${DIGEST}"\n    email: j@x.org\n    groups: [ok, {a: 1}]\n`,
    problems: [
      'users.john.groups (line 6:13): must be a list of strings',
      'users.jane.groups[1] (line 11:18): must be a group (a non-empty string)',
    ],
  },
  {
    rule: 'disabled must be a boolean (YAML 1.2: "yes" is a string)',
    text: `users:\n  john:\n    displayname: J\n    password: "${DIGEST}"\n    email: j@x.org\n    disabled: yes\n`,
    problems: ['users.john.disabled (line 6:15): must be true or false'],
  },
  {
    rule: 'unknown keys are problems',
    text: `users:\n  john:\n    displayname: J\n    password: "${DIGEST}"\n    email: j@x.org\n    phone: "123"\n`,
    problems: ['users.john.phone (line 6:5): unknown key (expected: displayname, password, email, emails, groups, disabled)'],
  },
  {
    rule: 'usernames are non-empty without whitespace',
    text: `users:\n  "john doe":\n    displayname: J\n  "":\n    displayname: J\n`,
    problems: [
      'users.john doe (line 2:3): the username must be non-empty and contain no whitespace',
      'users. (line 4:3): the username must be non-empty and contain no whitespace',
    ],
  },
  {
    rule: 'a username written as a number and as a string is still one username',
    text: `users:\n  007:\n    displayname: J\n    password: "${DIGEST}"\n    email: j@x.org\n  "007":\n    displayname: K\n`,
    problems: ['users.007 (line 6:3): the username is defined more than once'],
  },
  {
    rule: 'a malformed digest is reported without its value',
    text: 'users:\n  john:\n    displayname: J\n    password: "$argon2id$v=19$garbage"\n    email: j@x.org\n',
    problems: ['users.john.password (line 4:15): is not a readable password digest: the argon2 digest does not have the form $id$params$salt$hash'],
  },
  {
    rule: 'an unsupported algorithm is reported',
    text: 'users:\n  john:\n    displayname: J\n    password: "$md5$abc"\n    email: j@x.org\n',
    problems: [
      'users.john.password (line 4:15): is not a readable password digest: the digest algorithm is not supported (supported: argon2id, argon2i, argon2d, pbkdf2-sha512, pbkdf2-sha384, pbkdf2-sha256, pbkdf2-sha224, pbkdf2, scrypt, 2a, 2b, 2y, bcrypt-sha256, 6, 5, plaintext)',
    ],
  },
  {
    rule: 'a password must be a string',
    text: 'users:\n  john:\n    displayname: J\n    password: 12345\n    email: j@x.org\n',
    problems: ['users.john.password (line 4:15): must be a non-empty string'],
  },
  {
    rule: 'duplicate usernames are a YAML error',
    text: `users:\n  john:\n    displayname: J\n  john:\n    displayname: K\n`,
    problems: ['<root> (line 4:3): YAML syntax: Map keys must be unique'],
  },
  {
    rule: 'a syntax error is reported alone, with its position',
    text: 'users:\n  john:\n    displayname: "J\n',
    problems: ['<root> (line 4:1): YAML syntax: Missing closing "quote'],
  },
];

t.test('every problem is reported at once with its users.<name>.<field> path and line:column', async (t) => {
  for (const { rule, text, problems } of INVALID) {
    const result = parseUsersFile(text);
    t.same(result.problems.map(formatUsersFileProblem), problems, rule);
    t.equal(result.users.size, 0, `${rule}: no users from an invalid file`);
  }
});

t.test('problems from several users are all reported, valid users notwithstanding', async (t) => {
  t.same(formatted(`
users:
  good:
    displayname: G
    password: "${DIGEST}"
    email: g@x.org
  bad1:
    displayname: B
    password: "${DIGEST}"
  bad2:
    displayname: 7
    password: "${DIGEST}"
    email: b@x.org
`), [
    'users.bad1.email (line 7:3): is required (or emails)',
    'users.bad2.displayname (line 11:18): must be a non-empty string',
  ]);
});

t.test('a syntax error on the password line never quotes the digest', async (t) => {
  const problems = formatted(`users:\n  john:\n    password: "${DIGEST}" extra\n`);
  t.equal(problems.length > 0, true);
  for (const line of problems) t.notMatch(line, /argon2id|TCj3TkZ/, line);
});

t.test('plaintext passwords are accepted with a warning (Authelia reads them too)', async (t) => {
  const { users, problems, warnings } = parseUsersFile('users:\n  john:\n    displayname: J\n    password: hunter2\n    email: j@x.org\n');
  t.same(problems, []);
  t.equal(users.get('john')?.password_digest, 'hunter2');
  t.same(warnings.map(formatUsersFileProblem), ['users.john.password (line 4:15): is a plaintext password: store a password digest instead']);
});

t.test('an empty users map is valid but warned about', async (t) => {
  const { users, problems, warnings } = parseUsersFile('users: {}\n');
  t.same(problems, []);
  t.equal(users.size, 0);
  t.same(warnings.map(formatUsersFileProblem), ['users (line 1:8): no users are defined: nobody can log in']);
});
