/**
 * `crypto hash generate` / `crypto hash validate`: run through dispatch (the real argv parser), with
 * an in-memory io. The round trip feeds the printed digest back to validate.
 */
import t from 'tap';
import { dispatch } from '../../src/cli/dispatch.js';
import { cryptoHashGenerateCommand, cryptoHashValidateCommand } from '../../src/cli/crypto-hash.js';
import type { CliIO } from '../../src/cli/command.js';

const commands = [cryptoHashGenerateCommand, cryptoHashValidateCommand];

function memoryIO(): CliIO & { stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: (s) => out.push(s), err: (s) => err.push(s), env: {}, cwd: '/', stdout: () => out.join(''), stderr: () => err.join('') };
}

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIO();
  const code = await dispatch(commands, argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

const generate = ['crypto', 'hash', 'generate'];
const validate = ['crypto', 'hash', 'validate'];

function digestOf(stdout: string): string {
  const match = /^Digest: (\S+)$/m.exec(stdout);
  if (!match) throw new Error(`no digest in ${stdout}`);
  return match[1];
}

const fastOptions: Record<string, string[]> = {
  argon2: ['--variant', 'argon2i', '--iterations', '1', '--memory', '64', '--parallelism', '1', '--key-length', '16', '--salt-length', '8'],
  pbkdf2: ['--variant', 'sha256', '--iterations', '1000', '--salt-length', '24'],
  scrypt: ['--iterations', '4', '--block-size', '2', '--parallelism', '1', '--key-length', '24'],
  bcrypt: ['--variant', 'sha256', '--cost', '4'],
};
const expectedShape: Record<string, RegExp> = {
  argon2: /^\$argon2i\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{11}\$[A-Za-z0-9+/]{22}$/,
  pbkdf2: /^\$pbkdf2-sha256\$1000\$[A-Za-z0-9./]{32}\$[A-Za-z0-9./]{43}$/,
  scrypt: /^\$scrypt\$ln=4,r=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{32}$/,
  bcrypt: /^\$bcrypt-sha256\$v=2,t=2b,r=4\$/,
};

for (const algorithm of Object.keys(fastOptions)) {
  t.test(`generate ${algorithm} --password, then validate the printed digest`, async (t) => {
    const generated = await run(...generate, algorithm, ...fastOptions[algorithm], '--password', 'hunter2 hunter2');
    t.equal(generated.code, 0, generated.stderr);
    t.match(generated.stdout, /^Digest: \S+\n$/, 'prints only the digest');
    const digest = digestOf(generated.stdout);
    t.match(digest, expectedShape[algorithm], 'the options reached the digest');

    const good = await run(...validate, '--password', 'hunter2 hunter2', digest);
    t.same(good, { code: 0, stdout: 'The password matches the digest.\n', stderr: '' });
    const bad = await run(...validate, '--password', 'hunter3 hunter3', digest);
    t.same(bad, { code: 1, stdout: 'The password does not match the digest.\n', stderr: '' });
  });
}

t.test('generate --random prints the value, then its digest (spec FAQ spelling --random-charset)', async (t) => {
  const generated = await run(...generate, 'pbkdf2', '--variant', 'sha512', '--iterations', '1000', '--random', '--random.length', '40', '--random-charset', 'rfc3986');
  t.equal(generated.code, 0, generated.stderr);
  const match = /^Random Value: ([A-Za-z0-9\-._~]{40})\nDigest: (\$pbkdf2-sha512\$1000\$\S+)\n$/.exec(generated.stdout);
  t.ok(match, generated.stdout);
  const checked = await run(...validate, `--password=${match![1]}`, match![2]);
  t.equal(checked.code, 0, 'the printed random value matches the printed digest');
});

t.test('generate --random defaults: 72 alphanumeric characters; --random.charset spelling', async (t) => {
  const plain = await run(...generate, 'bcrypt', '--cost', '4', '--random');
  t.match(plain.stdout, /^Random Value: [A-Za-z0-9]{72}\nDigest: \$2b\$04\$/);
  const numeric = await run(...generate, 'bcrypt', '--cost', '4', '--random', '--random.charset', 'numeric', '--random.length', '10');
  t.match(numeric.stdout, /^Random Value: [0-9]{10}\n/);
});

t.test('default parameters when none are given (bcrypt cost 12)', async (t) => {
  const generated = await run(...generate, 'bcrypt', '--password', 'pw');
  t.match(generated.stdout, /^Digest: \$2b\$12\$[./A-Za-z0-9]{53}\n$/);
});

const usageErrors: [string, string[], string][] = [
  ['no password and no --random', [...generate, 'argon2'], 'a password is required: give --password or --random'],
  ['both --password and --random', [...generate, 'argon2', '--password', 'x', '--random'], 'give --password or --random, not both'],
  ['unknown algorithm', [...generate, 'md5', '--password', 'x'], "unknown algorithm 'md5': use one of argon2, pbkdf2, scrypt, bcrypt"],
  ['no algorithm', [...generate, '--password', 'x'], 'give the algorithm: one of argon2, pbkdf2, scrypt, bcrypt'],
  ['option for another algorithm', [...generate, 'pbkdf2', '--memory', '64', '--password', 'x'], '--memory does not apply to pbkdf2'],
  ['out-of-range parameter', [...generate, 'bcrypt', '--cost', '3', '--password', 'x'], 'bcrypt cost must be a whole number from 4 to 31, got 3'],
  ['bad variant', [...generate, 'pbkdf2', '--variant', 'md5', '--password', 'x'], "pbkdf2 variant must be one of sha512, sha384, sha256, sha224, sha1, got 'md5'"],
  ['not a number', [...generate, 'argon2', '--iterations', 'many', '--password', 'x'], "--iterations must be a whole number from 0 to 4294967295, got 'many'"],
  ['unknown charset', [...generate, 'bcrypt', '--random', '--random.charset', 'emoji'], "--random.charset must be one of ascii, alphanumeric, alphanumeric-lower, alphanumeric-upper, alphabetic, numeric, numeric-hex, rfc3986, rfc3986-lower, rfc3986-upper, got 'emoji'"],
  ['random tuning without --random', [...generate, 'bcrypt', '--password', 'x', '--random.length', '10'], '--random.length and --random.charset need --random'],
  ['standard bcrypt over 72 bytes', [...generate, 'bcrypt', '--cost', '4', '--random', '--random.length', '73'], 'bcrypt reads at most 72 bytes of a password; use the sha256 variant for longer ones'],
  ['validate without --password', [...validate, '$2b$04$x'], 'a password is required: give --password'],
  ['validate without digest', [...validate, '--password', 'x'], 'give exactly one DIGEST argument'],
];

for (const [name, argv, message] of usageErrors) {
  t.test(`usage error: ${name}`, async (t) => {
    const result = await run(...argv);
    t.equal(result.code, 2);
    t.equal(result.stdout, '');
    t.ok(result.stderr.startsWith(`${message}\n\nUsage: gatehouse crypto hash`), result.stderr.split('\n')[0]);
  });
}

t.test('validate: a malformed digest is a failure (exit 1) that names the problem', async (t) => {
  const result = await run(...validate, '--password', 'x', '$argon2id$v=19$m=64,t=1$c29tZXNhbHQ$AAAA');
  t.same(result, {
    code: 1, stdout: '',
    stderr: 'The digest is malformed: the argon2 digest needs m (up to 4194304 KiB), t (at least 1) and p (1-255).\n',
  });
});

t.test('validate: the spec example digest', async (t) => {
  const digest = '$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng';
  t.equal((await run(...validate, '--password', 'insecure_secret', digest)).code, 0);
  t.equal((await run(...validate, '--password', 'insecure_secreT', digest)).code, 1);
});

t.test('help lists every option and an example', async (t) => {
  for (const option of ['--password', '--random', '--random.length', '--random.charset', '--random-charset', '--variant', '--iterations', '--memory', '--parallelism', '--block-size', '--key-length', '--salt-length', '--cost']) {
    t.ok(cryptoHashGenerateCommand.help.includes(option), option);
  }
  t.match(cryptoHashGenerateCommand.help, /Examples:\n  gatehouse crypto hash generate argon2/);
  t.match(cryptoHashValidateCommand.help, /Example:\n  gatehouse crypto hash validate --password/);
  const help = await run(...generate, '--help');
  t.equal(help.code, 0);
  t.equal(help.stdout, cryptoHashGenerateCommand.help);
});
