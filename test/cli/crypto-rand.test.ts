/** `crypto rand`: prints `Random Value: <value>`; length and charset options, Authelia's names. */
import t from 'tap';
import { dispatch } from '../../src/cli/dispatch.js';
import { cryptoRandCommand } from '../../src/cli/crypto-rand.js';
import type { CliIO } from '../../src/cli/command.js';

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (s) => out.push(s), err: (s) => err.push(s), env: {}, cwd: '/' };
  const code = await dispatch([cryptoRandCommand], ['crypto', 'rand', ...args], io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const cases: [string[], RegExp][] = [
  [[], /^Random Value: [A-Za-z0-9]{72}\n$/],
  [['--length', '10', '--charset', 'numeric'], /^Random Value: [0-9]{10}\n$/],
  [['--length', '64', '--charset', 'rfc3986'], /^Random Value: [A-Za-z0-9\-._~]{64}\n$/],
  [['--charset', 'numeric-hex'], /^Random Value: [0-9a-f]{72}\n$/],
  [['--length', '20', '--characters', 'xyz'], /^Random Value: [xyz]{20}\n$/],
];

for (const [args, shape] of cases) {
  t.test(`crypto rand ${args.join(' ')}`, async (t) => {
    const result = await run(...args);
    t.equal(result.code, 0, result.stderr);
    t.match(result.stdout, shape);
  });
}

const usageErrors: [string[], string][] = [
  [['--length', '0'], "--length must be a whole number from 1 to 65536, got '0'"],
  [['--charset', 'klingon'], "--charset must be one of ascii, alphanumeric, alphanumeric-lower, alphanumeric-upper, alphabetic, numeric, numeric-hex, rfc3986, rfc3986-lower, rfc3986-upper, got 'klingon'"],
  [['--charset', 'numeric', '--characters', 'ab'], 'give --charset or --characters, not both'],
  [['--characters', 'aa'], '--characters must hold 2 to 256 distinct characters'],
];

for (const [args, message] of usageErrors) {
  t.test(`usage error: ${message}`, async (t) => {
    const result = await run(...args);
    t.equal(result.code, 2);
    t.ok(result.stderr.startsWith(`${message}\n\nUsage: gatehouse crypto rand`), result.stderr.split('\n')[0]);
  });
}

t.test('help names the options and shows an example', async (t) => {
  t.match(cryptoRandCommand.help, /--length N[\s\S]*--charset NAME[\s\S]*--characters CHARS[\s\S]*Example:\n  gatehouse crypto rand/);
});
