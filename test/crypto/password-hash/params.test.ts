/**
 * Defaults follow Authelia's `authentication_backend.file.password` reference; out-of-range
 * parameters fail with a HashParamsError naming the algorithm, the option and the bad value.
 */
import t from 'tap';
import { DEFAULT_HASH_PARAMS, hashPassword, resolveHashParams, type HashParamsInput } from '../../../src/crypto/password-hash/index.js';

t.test("defaults are Authelia's", async (t) => {
  t.same(DEFAULT_HASH_PARAMS, {
    argon2: { algorithm: 'argon2', variant: 'argon2id', iterations: 3, memory: 65536, parallelism: 4, key_length: 32, salt_length: 16 },
    pbkdf2: { algorithm: 'pbkdf2', variant: 'sha512', iterations: 310000, salt_length: 16 },
    scrypt: { algorithm: 'scrypt', iterations: 16, block_size: 8, parallelism: 1, key_length: 32, salt_length: 16 },
    bcrypt: { algorithm: 'bcrypt', variant: 'standard', cost: 12 },
  });
  t.ok(Object.isFrozen(DEFAULT_HASH_PARAMS.argon2));
});

t.test('resolveHashParams fills defaults and ignores undefined fields', async (t) => {
  t.same(resolveHashParams({ algorithm: 'argon2', memory: 1024, iterations: undefined }),
    { ...DEFAULT_HASH_PARAMS.argon2, memory: 1024 });
  t.same(resolveHashParams({ algorithm: 'bcrypt', variant: 'sha256' }), { algorithm: 'bcrypt', variant: 'sha256', cost: 12 });
});

const invalid: [HashParamsInput, string][] = [
  [{ algorithm: 'bcrypt', cost: 3 }, 'bcrypt cost must be a whole number from 4 to 31, got 3'],
  [{ algorithm: 'bcrypt', cost: 32 }, 'bcrypt cost must be a whole number from 4 to 31, got 32'],
  [{ algorithm: 'bcrypt', variant: 'sha512' as 'sha256' }, "bcrypt variant must be one of standard, sha256, got 'sha512'"],
  [{ algorithm: 'argon2', variant: 'argon2x' as 'argon2id' }, "argon2 variant must be one of argon2id, argon2i, argon2d, got 'argon2x'"],
  [{ algorithm: 'argon2', parallelism: 0 }, 'argon2 parallelism must be a whole number from 1 to 255, got 0'],
  [{ algorithm: 'argon2', memory: 31, parallelism: 4 }, 'argon2 memory must be a whole number from 32 to 4194304, got 31'],
  [{ algorithm: 'argon2', iterations: 1.5 }, 'argon2 iterations must be a whole number from 1 to 4294967295, got 1.5'],
  [{ algorithm: 'argon2', key_length: 8 }, 'argon2 key_length must be a whole number from 16 to 1024, got 8'],
  [{ algorithm: 'argon2', salt_length: 4 }, 'argon2 salt_length must be a whole number from 8 to 1024, got 4'],
  [{ algorithm: 'pbkdf2', variant: 'md5' as 'sha1' }, "pbkdf2 variant must be one of sha512, sha384, sha256, sha224, sha1, got 'md5'"],
  [{ algorithm: 'pbkdf2', iterations: 0 }, 'pbkdf2 iterations must be a whole number from 1 to 2147483647, got 0'],
  [{ algorithm: 'scrypt', iterations: 0 }, 'scrypt iterations must be a whole number from 1 to 58, got 0'],
  [{ algorithm: 'scrypt', iterations: 21 }, 'scrypt iterations and block_size need more than 1 GiB of memory (128 * block_size * 2^iterations)'],
  [{ algorithm: 'scrypt', key_length: 15 }, 'scrypt key_length must be a whole number from 16 to 1024, got 15'],
  [{ algorithm: 'md5' } as unknown as HashParamsInput, 'algorithm must be one of argon2, pbkdf2, scrypt, bcrypt'],
];

for (const [input, message] of invalid) {
  t.test(`invalid: ${message}`, async (t) => {
    t.throws(() => resolveHashParams(input), { name: 'HashParamsError', code: 'ERR_HASH_PARAMS', message });
    await t.rejects(hashPassword('pw', input), { name: 'HashParamsError', message });
  });
}
