import t from 'tap';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { memoryLogger } from '../../src/observability/log.js';
import { readPrivateKey } from '../../src/crypto/key-checks.js';
import { alphanumericSecret, loadOrCreateSecrets, SECRET_FILES } from '../../src/crypto/generated-secrets.js';

const ALL = { hmacSecret: true, issuerKey: true, encryptionKey: true };

t.test('first start generates every missing secret into 0600 files; the next start reuses them', async (t) => {
  const dataDir = join(t.testdir(), 'data');
  const logger = memoryLogger();
  const first = await loadOrCreateSecrets(dataDir, ALL, logger);
  t.same(first.generated, ['hmac_secret', 'issuer_private_key', 'encryption_key']);
  t.match(first.hmacSecret, /^[A-Za-z0-9]{64}$/);
  t.match(first.encryptionKey, /^[A-Za-z0-9]{64}$/);
  t.not(first.hmacSecret, first.encryptionKey);
  t.same(readPrivateKey(first.issuerKeyPem!).kind, { kty: 'RSA', bits: 2048 });
  t.match(first.issuerKeyPem, /^-----BEGIN PRIVATE KEY-----\n/, 'PKCS#8');

  t.equal(statSync(dataDir).mode & 0o777, 0o700, 'data directory 0700');
  for (const file of Object.values(SECRET_FILES)) {
    t.equal(statSync(join(dataDir, file)).mode & 0o777, 0o600, `${file} is 0600`);
  }
  t.same(readdirSync(dataDir).sort(), Object.values(SECRET_FILES).sort(), 'no temp files left behind');
  t.equal(readFileSync(join(dataDir, 'oidc.hmac_secret'), 'utf8'), first.hmacSecret);

  const records = logger.records();
  t.same(records.map((r) => [r['level'], r['msg']]), [
    ['warn', `generated a new OIDC HMAC secret in ${join(dataDir, 'oidc.hmac_secret')}: back it up, and configure it explicitly for production`],
    ['warn', `generated a new OIDC issuer private key in ${join(dataDir, 'oidc.issuer.rsa.pem')}: back it up, and configure it explicitly for production`],
    ['warn', `generated a new storage encryption key in ${join(dataDir, 'storage.encryption_key')}: back it up, and configure it explicitly for production`],
  ]);
  const logged = logger.lines.join('\n');
  t.notOk(logged.includes(first.hmacSecret!), 'the HMAC secret is not logged');
  t.notOk(logged.includes(first.encryptionKey!), 'the encryption key is not logged');
  t.notOk(logged.includes('PRIVATE KEY'), 'the private key is not logged');

  const secondLogger = memoryLogger();
  const second = await loadOrCreateSecrets(dataDir, ALL, secondLogger);
  t.same(second, { ...first, generated: [] }, 'same values, nothing generated');
  t.same(secondLogger.lines, [], 'nothing to warn about');
});

t.test('only the secrets asked for are read or generated', async (t) => {
  const dataDir = t.testdir();
  const result = await loadOrCreateSecrets(dataDir, { hmacSecret: true, issuerKey: false, encryptionKey: false }, memoryLogger());
  t.same(Object.keys(result).sort(), ['generated', 'hmacSecret']);
  t.same(readdirSync(dataDir), ['oidc.hmac_secret']);
  const none = await loadOrCreateSecrets(join(dataDir, 'never'), { hmacSecret: false, issuerKey: false, encryptionKey: false }, memoryLogger());
  t.same(none, { generated: [] });
});

t.test('an existing file readable by others is used, with a warning', async (t) => {
  const dataDir = t.testdir({ 'storage.encryption_key': 'a-configured-key-of-some-length\n' });
  chmodSync(join(dataDir, 'storage.encryption_key'), 0o644);
  const logger = memoryLogger();
  const result = await loadOrCreateSecrets(dataDir, { hmacSecret: false, issuerKey: false, encryptionKey: true }, logger);
  t.equal(result.encryptionKey, 'a-configured-key-of-some-length', 'trailing newline dropped');
  t.same(result.generated, []);
  t.same(logger.records().map((r) => r['msg']), [
    `${join(dataDir, 'storage.encryption_key')} can be read by other users (mode 0644): restrict it with chmod 600`,
  ]);
});

t.test('an empty or corrupt file fails naming the file', async (t) => {
  const cases: Array<[string, string, string]> = [
    ['oidc.hmac_secret', '', 'is empty'],
    ['oidc.hmac_secret', 'two words', 'is corrupt: it must hold one line of printable ASCII characters'],
    ['storage.encryption_key', '\n', 'is empty'],
    ['oidc.issuer.rsa.pem', '-----BEGIN PRIVATE KEY-----\ntruncated', 'is not a PEM encoded private key'],
  ];
  for (const [file, content, problem] of cases) {
    const dataDir = t.testdir();
    writeFileSync(join(dataDir, file), content, { mode: 0o600 });
    await t.rejects(loadOrCreateSecrets(dataDir, ALL, memoryLogger()), {
      message: `${join(dataDir, file)} ${problem}: restore it from a backup, or delete it to generate a new one`,
    }, `${file}: ${JSON.stringify(content)}`);
  }
});

t.test('a secret path that is not a readable file fails naming it', async (t) => {
  const dataDir = t.testdir({ 'oidc.hmac_secret': {} });
  await t.rejects(loadOrCreateSecrets(dataDir, ALL, memoryLogger()), { message: `cannot read ${join(dataDir, 'oidc.hmac_secret')}: EISDIR: illegal operation on a directory, read` });
});

t.test('a data directory that cannot be written fails naming the file', { skip: process.getuid?.() === 0 ? 'root ignores permissions' : false }, async (t) => {
  const dataDir = join(t.testdir(), 'ro');
  mkdirSync(dataDir, { mode: 0o500 });
  await t.rejects(loadOrCreateSecrets(dataDir, ALL, memoryLogger()), { message: new RegExp(`^cannot write ${join(dataDir, 'oidc.hmac_secret')}: `) });
});

t.test('generated secrets draw every alphanumeric character with equal odds', async (t) => {
  const counts = new Map<string, number>();
  const sample = alphanumericSecret(62 * 2000);
  t.equal(sample.length, 62 * 2000);
  for (const char of sample) counts.set(char, (counts.get(char) ?? 0) + 1);
  t.equal(counts.size, 62, 'all 62 characters appear');
  // 2000 expected each (sd about 44); `byte % 62` would give the first 8 characters about 2420.
  const outliers = [...counts].filter(([, count]) => count < 1750 || count > 2250);
  t.same(outliers, [], 'no character is drawn noticeably more or less often');
});
