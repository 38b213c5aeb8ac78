/** Encryption at rest: AES-256-GCM, key SHA-256(encryption_key), blob nonce||ciphertext||tag, AAD binds the row. */
import t from 'tap';
import { createHash } from 'node:crypto';
import { createFieldCipher, deriveKey, openJson, sealJson, StorageDecryptError } from '../../src/storage/encryption.js';

const KEY = 'an-encryption-key-of-twenty-or-more-characters';
const cipher = createFieldCipher(KEY);
const AAD = 'access_token:sig-1';

t.test('the key is SHA-256 of encryption_key (as Authelia derives it)', async (t) => {
  t.same(deriveKey(KEY), createHash('sha256').update(KEY).digest());
});

t.test('a sealed value is nonce(12) || ciphertext || tag(16), fresh nonce each time, and opens', async (t) => {
  const plaintext = Buffer.from('hello session');
  const a = cipher.seal(plaintext, AAD);
  const b = cipher.seal(plaintext, AAD);
  t.equal(a.length, 12 + plaintext.length + 16);
  t.not(a.subarray(0, 12).toString('hex'), b.subarray(0, 12).toString('hex'), 'random nonce per value');
  t.same(cipher.open(a, AAD), plaintext);
  t.same(openJson(cipher, sealJson(cipher, { sub: 'x', n: [1, 2] }, AAD), AAD), { sub: 'x', n: [1, 2] });
});

t.test('every mismatch is a StorageDecryptError, never garbage', async (t) => {
  const blob = cipher.seal(Buffer.from('secret'), AAD);
  const flipped = Buffer.from(blob);
  flipped[14] = flipped[14] ^ 1;
  const cases: Array<[string, () => Buffer]> = [
    ['another row (AAD)', () => cipher.open(blob, 'access_token:sig-2')],
    ['another row type (AAD)', () => cipher.open(blob, 'refresh_token:sig-1')],
    ['another key', () => createFieldCipher(`${KEY}-other`).open(blob, AAD)],
    ['a flipped ciphertext bit', () => cipher.open(flipped, AAD)],
    ['a truncated blob', () => cipher.open(blob.subarray(0, 20), AAD)],
    ['an empty blob', () => cipher.open(Buffer.alloc(0), AAD)],
  ];
  for (const [name, run] of cases) {
    t.throws(run, { name: 'StorageDecryptError', code: 'ERR_STORAGE_DECRYPT', message: `stored value for ${name.includes('AAD') ? (name.includes('type') ? 'refresh_token:sig-1' : 'access_token:sig-2') : AAD} could not be decrypted: wrong encryption key, or the value was tampered with or moved` }, name);
  }
  t.ok(new StorageDecryptError('x') instanceof Error);
});
