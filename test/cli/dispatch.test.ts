import t from 'tap';
import { dispatch } from '../../src/cli/dispatch.js';
import { UsageError, type CliIO, type Command } from '../../src/cli/command.js';

function memoryIO(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (s) => stdout.push(s), err: (s) => stderr.push(s), env: {}, cwd: '/' };
}

const ran: string[] = [];
const commands: Command[] = [
  { words: ['crypto', 'hash', 'generate'], summary: 'hash', help: 'HELP generate', options: { cost: { type: 'string' } }, allowPositionals: true,
    run: (args) => { ran.push(`generate ${args.positionals.join(',')} ${String(args.values['cost'])}`); return Promise.resolve(0); } },
  { words: ['crypto', 'rand'], summary: 'rand', help: 'HELP rand', options: {}, allowPositionals: false,
    run: () => Promise.reject(new UsageError('--length must be a whole number')) },
];

t.test('the longest matching command runs with its options and positionals', async (t) => {
  const io = memoryIO();
  t.equal(await dispatch(commands, ['crypto', 'hash', 'generate', 'bcrypt', '--cost', '10'], io), 0);
  t.same(ran, ['generate bcrypt 10']);
});

t.test('--help prints the command help and exits 0', async (t) => {
  const io = memoryIO();
  t.equal(await dispatch(commands, ['crypto', 'rand', '--help'], io), 0);
  t.match(io.stdout.join(''), 'HELP rand');
});

t.test('wrong usage prints why and the help, exit 2', async (t) => {
  for (const argv of [['crypto', 'hash', 'generate', '--nope'], ['crypto', 'rand', 'extra'], ['crypto', 'rand'], ['frobnicate']]) {
    const io = memoryIO();
    t.equal(await dispatch(commands, argv, io), 2, argv.join(' '));
    t.ok(io.stderr.join('').length > 0, 'explains on stderr');
  }
  const io = memoryIO();
  await dispatch(commands, ['crypto', 'rand'], io);
  t.match(io.stderr.join(''), /--length must be a whole number[\s\S]*HELP rand/);
});

t.test('no arguments lists the commands', async (t) => {
  const io = memoryIO();
  t.equal(await dispatch(commands, [], io), 0);
  t.match(io.stdout.join(''), /crypto hash generate\s+hash/);
});
