import t from 'tap';
import { createPublicKey, createPrivateKey } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dispatch } from '../../src/cli/dispatch.js';
import type { CliIO } from '../../src/cli/command.js';
import { cryptoPairEcdsaGenerateCommand, cryptoPairRsaGenerateCommand } from '../../src/cli/crypto-pair.js';
import { readPrivateKey } from '../../src/crypto/key-checks.js';
import { loadIssuerKeys } from '../../src/crypto/keys.js';

/** The assertions a helper needs; a subtest provides them. */
type Asserts = Pick<typeof t, 'match' | 'equal' | 'same'>;

const commands = [cryptoPairRsaGenerateCommand, cryptoPairEcdsaGenerateCommand];

function memoryIO(cwd: string): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (s) => stdout.push(s), err: (s) => stderr.push(s), env: {}, cwd };
}

const run = async (cwd: string, argv: string[]): Promise<{ code: number; out: string; err: string }> => {
  const io = memoryIO(cwd);
  const code = await dispatch(commands, argv, io);
  return { code, out: io.stdout.join(''), err: io.stderr.join('') };
};

function checkPair(t: Asserts, privatePath: string, publicPath: string): ReturnType<typeof readPrivateKey> {
  const loaded = readPrivateKey(readFileSync(privatePath, 'utf8'));
  t.match(readFileSync(privatePath, 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/, 'PKCS#8 private key');
  t.match(readFileSync(publicPath, 'utf8'), /^-----BEGIN PUBLIC KEY-----\n/, 'SPKI public key');
  t.equal(statSync(privatePath).mode & 0o777, 0o600, 'private key is 0600');
  const derived = createPublicKey(createPrivateKey(readFileSync(privatePath, 'utf8'))).export({ type: 'spki', format: 'der' });
  t.same(createPublicKey(readFileSync(publicPath, 'utf8')).export({ type: 'spki', format: 'der' }), derived, 'the public key belongs to the private key');
  return loaded;
}

t.test('rsa generate writes a pair that loads as an issuer key', async (t) => {
  const cases: Array<[string[], number]> = [[[], 2048], [['--bits', '3072'], 3072]];
  for (const [extra, bits] of cases) {
    const dir = t.testdir();
    const result = await run(dir, ['crypto', 'pair', 'rsa', 'generate', ...extra]);
    t.equal(result.code, 0, result.err);
    t.equal(result.out, `Generated an RSA key pair of ${bits} bits.\nPrivate key: ${join(dir, 'private.pem')}\nPublic key: ${join(dir, 'public.pem')}\n`);
    const loaded = checkPair(t, join(dir, 'private.pem'), join(dir, 'public.pem'));
    t.same(loaded.kind, { kty: 'RSA', bits });
    const set = await loadIssuerKeys([{ key: readFileSync(join(dir, 'private.pem'), 'utf8') }]);
    t.equal(set.select('RS256').alg, 'RS256');
  }
});

t.test('ecdsa generate writes a pair on each curve, into --directory with chosen names', async (t) => {
  for (const curve of ['P-256', 'P-384', 'P-521'] as const) {
    const cwd = t.testdir();
    const result = await run(cwd, ['crypto', 'pair', 'ecdsa', 'generate', '--curve', curve, '--directory', 'keys',
      '--file.private-key', 'issuer.key.pem', '--file.public-key', 'issuer.pub.pem']);
    t.equal(result.code, 0, result.err);
    const dir = join(cwd, 'keys');
    t.equal(result.out, `Generated an ECDSA key pair on ${curve}.\nPrivate key: ${join(dir, 'issuer.key.pem')}\nPublic key: ${join(dir, 'issuer.pub.pem')}\n`);
    t.same(checkPair(t, join(dir, 'issuer.key.pem'), join(dir, 'issuer.pub.pem')).kind, { kty: 'EC', curve });
  }
  const dir = t.testdir();
  t.equal((await run(dir, ['crypto', 'pair', 'ecdsa', 'generate'])).code, 0);
  t.same(readPrivateKey(readFileSync(join(dir, 'private.pem'), 'utf8')).kind, { kty: 'EC', curve: 'P-256' }, 'P-256 by default');
});

t.test('an existing file is never overwritten: exit 1, nothing written', async (t) => {
  for (const existing of ['private.pem', 'public.pem']) {
    const dir = t.testdir();
    writeFileSync(join(dir, existing), 'keep me');
    const result = await run(dir, ['crypto', 'pair', 'ecdsa', 'generate']);
    t.equal(result.code, 1, existing);
    t.equal(result.err, `gatehouse: ${join(dir, existing)} already exists: refusing to overwrite it`);
    t.equal(readFileSync(join(dir, existing), 'utf8'), 'keep me');
    t.same(readdirSync(dir), [existing], 'the other file is not written either');
  }
});

t.test('wrong usage exits 2 with the reason', async (t) => {
  const cases: Array<[string[], string]> = [
    [['crypto', 'pair', 'rsa', 'generate', '--bits', '1024'], "--bits must be one of 2048, 3072, 4096, got '1024'"],
    [['crypto', 'pair', 'rsa', 'generate', '--bits', 'lots'], "--bits must be one of 2048, 3072, 4096, got 'lots'"],
    [['crypto', 'pair', 'ecdsa', 'generate', '--curve', 'secp256k1'], "--curve must be one of P-256, P-384, P-521, got 'secp256k1'"],
    [['crypto', 'pair', 'ecdsa', 'generate', '--file.private-key', 'same.pem', '--file.public-key', 'same.pem'], '--file.private-key and --file.public-key must name different files'],
    [['crypto', 'pair', 'ecdsa', 'generate', '--file.public-key', ''], '--file.private-key and --file.public-key must not be empty'],
    [['crypto', 'pair', 'ecdsa', 'generate', 'extra'], "unexpected argument 'extra'"],
  ];
  for (const [argv, message] of cases) {
    const dir = t.testdir();
    const result = await run(dir, argv);
    t.equal(result.code, 2, argv.join(' '));
    t.ok(result.err.startsWith(`${message}\n\nUsage: gatehouse crypto pair`), `${argv.join(' ')}: ${result.err.split('\n')[0]}`);
    t.same(readdirSync(dir), [], 'nothing written');
  }
});
