import t, { type Test } from 'tap';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '../../src/crypto/password-hash/index.js';
import { memoryLogger, silentLogger } from '../../src/observability/log.js';
import { openFileBackend } from '../../src/users/file-backend.js';
import type { FileUsersBackend } from '../../src/users/file-backend.js';
import { UsersFileError } from '../../src/users/users-file-error.js';

// argon2id (m=64 KiB, t=1, p=1) of "secret": cheap to verify.
const SECRET_DIGEST = '$argon2id$v=19$m=64,t=1,p=1$TCj3TkZncon8zQRQV6jo/Q$yz5mLWH3n2J4+uiicYdHBnMwTRvLlyI1ZtyfArRnwZc';

interface FileUser { name: string; password?: string; email?: string; disabled?: boolean; groups?: string[] }

function usersYaml(users: FileUser[]): string {
  return ['users:', ...users.flatMap((u) => [
    `  ${u.name}:`,
    `    displayname: "${u.name.toUpperCase()}"`,
    `    password: "${u.password ?? SECRET_DIGEST}"`,
    `    email: ${u.email ?? `${u.name}@example.com`}`,
    `    groups: [${(u.groups ?? []).join(', ')}]`,
    `    disabled: ${u.disabled ?? false}`,
  ])].join('\n') + '\n';
}

async function usersFile(t: Test, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-users-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'users_database.yml');
  await writeFile(path, text);
  return path;
}

/** Replace the file the way editors do: write a sibling, then rename it over the original. */
async function replaceFile(path: string, text: string): Promise<void> {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}

async function open(t: Test, text: string, logger = silentLogger): Promise<{ backend: FileUsersBackend; path: string }> {
  const path = await usersFile(t, text);
  const backend = await openFileBackend({ path, watch: false, logger });
  t.teardown(() => backend.close());
  return { backend, path };
}

t.test('get: exact (case-sensitive) username, null when unknown, disabled users returned', async (t) => {
  const { backend } = await open(t, usersYaml([{ name: 'john', groups: ['admins', 'dev'] }, { name: 'jane', disabled: true }]));
  t.same(backend.get('john'), { username: 'john', display_name: 'JOHN', emails: ['john@example.com'], groups: ['admins', 'dev'], disabled: false });
  t.notOk('password_digest' in (backend.get('john') ?? {}), 'the digest never leaves the backend');
  t.equal(backend.get('John'), null, 'case-sensitive, like Authelia');
  t.equal(backend.get('nobody'), null);
  t.equal(backend.get('__proto__'), null);
  t.equal(backend.get('jane')?.disabled, true);
  t.equal(backend.version, 0);
  t.ok(Object.isFrozen(backend.get('john')), 'callers cannot edit the shared details');
});

t.test('checkPassword: true only for a known, enabled user with the right password', async (t) => {
  const { backend } = await open(t, usersYaml([{ name: 'john' }, { name: 'jane', disabled: true }]));
  const cases: { name: string; username: string; password: string; ok: boolean }[] = [
    { name: 'right password', username: 'john', password: 'secret', ok: true },
    { name: 'wrong password', username: 'john', password: 'Secret', ok: false },
    { name: 'empty password', username: 'john', password: '', ok: false },
    { name: 'other case username', username: 'JOHN', password: 'secret', ok: false },
    { name: 'unknown user (checked against the dummy digest)', username: 'nobody', password: 'secret', ok: false },
    { name: 'disabled user with the right password', username: 'jane', password: 'secret', ok: false },
  ];
  for (const c of cases) t.equal(await backend.checkPassword(c.username, c.password), c.ok, c.name);
});

t.test('checkPassword: an unknown user costs about as much as a wrong password (no user enumeration by timing)', async (t) => {
  // pbkdf2-sha512 at 100 000 iterations takes tens of ms; a check that skipped hashing would take ~0.
  const slow = await hashPassword('secret', { algorithm: 'pbkdf2', iterations: 100_000 });
  const { backend } = await open(t, usersYaml([{ name: 'john', password: slow }]));
  const median = async (username: string): Promise<number> => {
    const times: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const start = process.hrtime.bigint();
      await backend.checkPassword(username, 'wrong');
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    return times.sort((a, b) => a - b)[1];
  };
  await backend.checkPassword('john', 'warm-up');
  const unknown = await median('nobody');
  const known = await median('john');
  t.ok(unknown > known * 0.3, `unknown user ${unknown.toFixed(1)} ms vs wrong password ${known.toFixed(1)} ms`);
});

t.test('checkPassword does not block the event loop', async (t) => {
  const slow = await hashPassword('secret', { algorithm: 'pbkdf2', iterations: 100_000 });
  const { backend } = await open(t, usersYaml([{ name: 'john', password: slow }]));
  let ticks = 0;
  const timer = setInterval(() => { ticks += 1; }, 1);
  await backend.checkPassword('john', 'secret');
  clearInterval(timer);
  t.ok(ticks > 0, `timers ran ${ticks} times while the password was checked`);
});

t.test('start-up: an invalid or missing file throws UsersFileError with every problem', async (t) => {
  const path = await usersFile(t, 'users:\n  john:\n    displayname: J\n    password: "$argon2id$bad"\n');
  await t.rejects(openFileBackend({ path, watch: false, logger: silentLogger }), {
    name: 'UsersFileError',
    code: 'ERR_USERS_FILE',
    message: `invalid users file ${path}:\n`
      + 'users.john.password (line 4:15): is not a readable password digest: the argon2 digest does not have the form $id$params$salt$hash\n'
      + 'users.john.email (line 2:3): is required (or emails)',
  });
  const missing = join(path, '..', 'nope.yml');
  const error = await openFileBackend({ path: missing, watch: false, logger: silentLogger }).catch((e: unknown) => e);
  t.ok(error instanceof UsersFileError);
  t.same((error as UsersFileError).problems, [{ path: '', message: 'the users file does not exist' }]);
});

t.test('start-up warnings are logged (plaintext password)', async (t) => {
  const logger = memoryLogger('info');
  const path = await usersFile(t, usersYaml([{ name: 'john', password: 'hunter2' }]));
  const backend = await openFileBackend({ path, watch: false, logger });
  t.teardown(() => backend.close());
  t.same(logger.records().map((r) => [r.level, r.msg, r.problem]), [
    ['warn', 'users file warning', 'users.john.password (line 4:15): is a plaintext password: store a password digest instead'],
  ]);
  t.equal(await backend.checkPassword('john', 'hunter2'), true);
});

t.test('reload: a good edit replaces the users and bumps the version; an unchanged one does not', async (t) => {
  const logger = memoryLogger('info');
  const { backend, path } = await open(t, usersYaml([{ name: 'john' }]), logger);

  await replaceFile(path, usersYaml([{ name: 'john', groups: ['admins'] }, { name: 'jane' }]));
  await backend.reload();
  t.equal(backend.version, 1);
  t.same(backend.get('john')?.groups, ['admins']);
  t.equal(await backend.checkPassword('jane', 'secret'), true);
  t.same(logger.records().at(-1), { time: logger.records().at(-1)?.time, level: 'info', msg: 'users file reloaded', users: 2 });

  // Comments, order and formatting are not changes: sessions need not re-check their users.
  await replaceFile(path, `# edited\n${usersYaml([{ name: 'jane' }, { name: 'john', groups: ['admins'] }])}`);
  await backend.reload();
  t.equal(backend.version, 1, 'same users, same version');

  await replaceFile(path, usersYaml([{ name: 'jane' }]));
  await backend.reload();
  t.equal(backend.version, 2);
  t.equal(backend.get('john'), null, 'a removed user is gone');
  t.equal(await backend.checkPassword('john', 'secret'), false);
});

t.test('reload: a broken edit is logged without any digest and the last good users are kept', async (t) => {
  const logger = memoryLogger('info');
  const { backend, path } = await open(t, usersYaml([{ name: 'john' }]), logger);
  await replaceFile(path, `${usersYaml([{ name: 'john' }, { name: 'jane' }])}    phone: "1"\n  bad user:\n    password: "${SECRET_DIGEST}"\n`);
  await backend.reload();
  t.equal(backend.version, 0);
  t.equal(backend.get('jane'), null, 'nothing from the broken file is used');
  t.equal(await backend.checkPassword('john', 'secret'), true);
  const last = logger.records().at(-1);
  t.equal(last?.level, 'error');
  t.equal(last?.msg, 'users file is invalid; keeping the previous users');
  t.same(last?.problems, [
    'users.jane.phone (line 14:5): unknown key (expected: displayname, password, email, emails, groups, disabled)',
    'users.bad user (line 15:3): the username must be non-empty and contain no whitespace',
  ]);
  for (const line of logger.lines) t.notMatch(line, /argon2id|TCj3TkZ/, 'no digest in the log');
});

t.test('reload: a missing file is logged and the users kept until it comes back', async (t) => {
  const logger = memoryLogger('info');
  const { backend, path } = await open(t, usersYaml([{ name: 'john' }]), logger);
  await rm(path);
  await backend.reload();
  t.same(logger.records().at(-1)?.msg, 'users file is missing; keeping the previous users');
  t.equal(await backend.checkPassword('john', 'secret'), true);
  await writeFile(path, usersYaml([{ name: 'jim' }]));
  await backend.reload();
  t.equal(backend.version, 1);
  t.ok(backend.get('jim'));
});

t.test('reload after close does nothing', async (t) => {
  const { backend, path } = await open(t, usersYaml([{ name: 'john' }]));
  backend.close();
  await replaceFile(path, usersYaml([{ name: 'jane' }]));
  await backend.reload();
  t.equal(backend.version, 0);
  t.ok(backend.get('john'));
});

t.test('watch: an editor-style replace (write + rename) is picked up without calling reload', async (t) => {
  const logger = memoryLogger('info');
  const path = await usersFile(t, usersYaml([{ name: 'john' }]));
  const backend = await openFileBackend({ path, watch: true, logger });
  t.teardown(() => backend.close());

  await replaceFile(path, usersYaml([{ name: 'john' }, { name: 'jane' }]));
  const deadline = Date.now() + 5000;
  while (backend.version === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
  t.equal(backend.version, 1, 'the change was seen within 5 s');
  t.ok(backend.get('jane'));

  // A sibling file in the same directory is not ours: no reload, no log line.
  const lines = logger.lines.length;
  await writeFile(join(path, '..', 'other.yml'), 'x: 1\n');
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.equal(logger.lines.length, lines);
});
