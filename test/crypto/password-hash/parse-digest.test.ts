/**
 * parseDigest rejects malformed and unsupported digests with DigestFormatError; each message names
 * the problem and never echoes the digest (it might be a secret pasted in the wrong place).
 */
import t from 'tap';
import { DigestFormatError, parseDigest, verifyPassword } from '../../../src/crypto/password-hash/index.js';

const SALT = 'Z2F0ZWhvdXNlLXNhbHQtMQ';
const H32 = 'KbPFcoxBdcdOWKpXw0nLBRSSe+CD+WWVQE28o5Iqwp4';
const SUPPORTED = 'argon2id, argon2i, argon2d, pbkdf2-sha512, pbkdf2-sha384, pbkdf2-sha256, pbkdf2-sha224, pbkdf2, scrypt, 2a, 2b, 2y, bcrypt-sha256, 6, 5, plaintext';

const malformed: [string, string, string][] = [
  ['empty', '', 'the digest is empty'],
  ['unknown algorithm', '$md5$abc$def', `the digest algorithm is not supported (supported: ${SUPPORTED})`],
  ['MD5-crypt is not supported', '$1$saltsalt$keykeykeykeykey', `the digest algorithm is not supported (supported: ${SUPPORTED})`],
  ['lone dollar', '$', `the digest algorithm is not supported (supported: ${SUPPORTED})`],
  ['id without a closing dollar', '$argon2id', `the digest algorithm is not supported (supported: ${SUPPORTED})`],
  ['empty plaintext', '$plaintext$', 'the plaintext secret is empty'],
  // pbkdf2
  ['pbkdf2 missing hash', `$pbkdf2-sha512$1000$${SALT}`, 'the pbkdf2 digest does not have the form $pbkdf2-<variant>$iterations$salt$hash'],
  ['pbkdf2 unknown variant', `$pbkdf2-md5$1000$${SALT}$${H32}`, `the digest algorithm is not supported (supported: ${SUPPORTED})`],
  ['pbkdf2 zero iterations', `$pbkdf2-sha256$0$${SALT}$${H32}`, 'the pbkdf2 digest iterations are not a whole number from 1 to 2147483647'],
  ['pbkdf2 iterations with a sign', `$pbkdf2-sha256$+1000$${SALT}$${H32}`, 'the pbkdf2 digest iterations are not a whole number from 1 to 2147483647'],
  ['pbkdf2 leading zero', `$pbkdf2-sha256$01000$${SALT}$${H32}`, 'the pbkdf2 digest iterations are not a whole number from 1 to 2147483647'],
  ['pbkdf2 salt not base64', `$pbkdf2-sha256$1000$not*base64$${H32}`, 'the pbkdf2 digest salt is not base64'],
  ['pbkdf2 empty salt', `$pbkdf2-sha256$1000$$${H32}`, 'the pbkdf2 digest salt is not base64'],
  ['pbkdf2 hash too short (a short hash is guessable)', `$pbkdf2-sha256$1000$${SALT}$AAAA`, 'the pbkdf2 digest hash is not base64 of 16 to 1024 bytes'],
  ['pbkdf2 hash impossible base64 length', `$pbkdf2-sha256$1000$${SALT}$${H32}AA`, 'the pbkdf2 digest hash is not base64 of 16 to 1024 bytes'],
  // scrypt
  ['scrypt missing p', `$scrypt$ln=10,r=8$${SALT}$${H32}`, 'the scrypt digest needs ln (1-58), r (1-1024) and p (1-1024)'],
  ['scrypt unknown parameter', `$scrypt$ln=10,r=8,p=1,x=1$${SALT}$${H32}`, 'the scrypt digest has a parameter other than ln, r, p'],
  ['scrypt repeated parameter', `$scrypt$ln=10,ln=8,p=1$${SALT}$${H32}`, 'the scrypt digest repeats a parameter'],
  ['scrypt params not k=v', `$scrypt$ln10$${SALT}$${H32}`, 'the scrypt digest parameters are not a k=v list'],
  ['scrypt asks for 2 GiB', `$scrypt$ln=21,r=8,p=1$${SALT}$${H32}`, 'the scrypt digest needs more than 1 GiB of memory (128 * r * 2^ln)'],
  ['scrypt with a version field', `$scrypt$v=1$ln=10,r=8,p=1$${SALT}$${H32}`, 'the scrypt digest must not have a version field'],
  ['scrypt too few fields', '$scrypt$ln=10,r=8,p=1', 'the scrypt digest does not have the form $id$params$salt$hash'],
  // argon2
  ['argon2 version 20', `$argon2id$v=20$m=64,t=1,p=1$${SALT}$${H32}`, 'the argon2 digest version is not 16 or 19'],
  ['argon2 unexpected field before params', `$argon2id$x=19$m=64,t=1,p=1$${SALT}$${H32}`, 'the argon2 digest has an unexpected field where the version (v=) belongs'],
  ['argon2 missing t', `$argon2id$v=19$m=64,p=1$${SALT}$${H32}`, 'the argon2 digest needs m (up to 4194304 KiB), t (at least 1) and p (1-255)'],
  ['argon2 memory over 4 GiB', `$argon2id$v=19$m=4194305,t=1,p=1$${SALT}$${H32}`, 'the argon2 digest needs m (up to 4194304 KiB), t (at least 1) and p (1-255)'],
  ['argon2 p over 255', `$argon2id$v=19$m=65536,t=1,p=256$${SALT}$${H32}`, 'the argon2 digest needs m (up to 4194304 KiB), t (at least 1) and p (1-255)'],
  ['argon2 less than 8 KiB per lane (RFC 9106 3.1)', `$argon2id$v=19$m=15,t=1,p=2$${SALT}$${H32}`, 'the argon2 digest memory (m) is below 8 KiB per lane (p)'],
  ['argon2 salt under 8 bytes (RFC 9106 3.1)', `$argon2id$v=19$m=64,t=1,p=1$c29tZQ$${H32}`, 'the argon2 digest salt is not base64 of at least 8 bytes'],
  ['argon2 keyid parameter', `$argon2id$v=19$m=64,t=1,p=1,keyid=abc$${SALT}$${H32}`, 'the argon2 digest has a parameter other than m, t, p'],
  ['argon2 hash too short', `$argon2id$v=19$m=64,t=1,p=1$${SALT}$AAAAAAAA`, 'the argon2 digest hash is not base64 of 16 to 1024 bytes'],
  // bcrypt
  ['bcrypt truncated', '$2b$12$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe', 'the bcrypt digest does not have the form $2b$<cost 04-31>$<53 bcrypt-base64 characters>'],
  ['bcrypt cost 3', '$2b$03$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW', 'the bcrypt digest does not have the form $2b$<cost 04-31>$<53 bcrypt-base64 characters>'],
  ['bcrypt-sha256 v1', '$bcrypt-sha256$v=1,t=2b,r=12$KSOjON/ciJR86a00N5q61.$AmWZucQuHk13FGkQWhgMeiFvBfm2GCy', 'the bcrypt-sha256 digest is not version 2 (v=2)'],
  ['bcrypt-sha256 type 2x', '$bcrypt-sha256$v=2,t=2x,r=12$KSOjON/ciJR86a00N5q61.$AmWZucQuHk13FGkQWhgMeiFvBfm2GCy', 'the bcrypt-sha256 digest type (t) is not 2a, 2b or 2y'],
  ['bcrypt-sha256 cost 32', '$bcrypt-sha256$v=2,t=2b,r=32$KSOjON/ciJR86a00N5q61.$AmWZucQuHk13FGkQWhgMeiFvBfm2GCy', 'the bcrypt-sha256 digest cost (r) is not from 4 to 31'],
  ['bcrypt-sha256 short salt', '$bcrypt-sha256$v=2,t=2b,r=12$KSOjON/ciJR86a00N5q61$AmWZucQuHk13FGkQWhgMeiFvBfm2GCy', 'the bcrypt-sha256 digest salt and hash are not 22 and 31 bcrypt-base64 characters'],
  // SHA-crypt
  ['sha512crypt rounds under 1000', '$6$rounds=999$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1', 'the SHA-crypt digest rounds are not from 1000 to 999999999'],
  ['sha512crypt hash wrong length', '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl', 'the SHA-crypt digest hash is not 86 crypt-base64 characters'],
  ['sha256crypt salt over 16', '$5$saltstringsaltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5', 'the SHA-crypt digest salt is longer than 16 characters'],
  ['sha-crypt missing hash', '$5$saltstring', 'the SHA-crypt digest does not have the form $6$[rounds=N$]salt$hash'],
];

for (const [name, encoded, message] of malformed) {
  t.test(`malformed: ${name}`, async (t) => {
    t.throws(() => parseDigest(encoded), { name: 'DigestFormatError', code: 'ERR_DIGEST_FORMAT', message });
    await t.rejects(verifyPassword(encoded, 'anything'), DigestFormatError, 'verifyPassword rejects the same way');
  });
}

t.test('messages never contain the digest or its salt/hash', async (t) => {
  const secretLooking = '$pbkdf2-sha256$1000$s3cr3t-value$';
  try {
    parseDigest(secretLooking);
    t.fail('should throw');
  } catch (err) {
    t.notMatch((err as Error).message, 's3cr3t');
  }
  for (const [, encoded] of malformed) {
    const parts = encoded.split('$').slice(2).filter((p) => p.length >= 8); // after the $id$
    try { parseDigest(encoded); } catch (err) {
      for (const part of parts) t.notOk((err as Error).message.includes(part), `message leaks no part of '${encoded.slice(0, 12)}…'`);
    }
  }
});

t.test('a value without a leading $ is a plaintext secret, flagged deprecated', async (t) => {
  for (const encoded of ['insecure_secret', 'has$dollar$inside', ' $leading-space']) {
    const digest = parseDigest(encoded);
    t.equal(digest.algorithm, 'plaintext');
    t.equal(digest.deprecated, true);
    t.equal(await digest.verify(encoded), true);
    t.equal(await digest.verify(encoded + ' '), false);
  }
});

t.test('parsing does no hashing: an expensive digest parses at once', async (t) => {
  const start = process.hrtime.bigint();
  parseDigest('$argon2id$v=19$m=4194304,t=4294967295,p=255$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc');
  t.ok(process.hrtime.bigint() - start < 50_000_000n, 'under 50 ms');
});
