/**
 * hashPassword → parseDigest/verify for every algorithm and variant (small costs keep it fast):
 * the digest has the documented shape, the parameters we asked for, a fresh salt each time, and
 * it verifies the password and nothing else.
 */
import t from 'tap';
import { hashPassword, parseDigest, verifyPassword, type HashParamsInput } from '../../../src/crypto/password-hash/index.js';

interface Case { params: HashParamsInput; shape: RegExp; algorithm: string }

const cases: Case[] = [
  { params: { algorithm: 'argon2', variant: 'argon2id', iterations: 1, memory: 64, parallelism: 2 }, algorithm: 'argon2id',
    shape: /^\$argon2id\$v=19\$m=64,t=1,p=2\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/ },
  { params: { algorithm: 'argon2', variant: 'argon2i', iterations: 2, memory: 32, parallelism: 1, key_length: 16, salt_length: 8 }, algorithm: 'argon2i',
    shape: /^\$argon2i\$v=19\$m=32,t=2,p=1\$[A-Za-z0-9+/]{11}\$[A-Za-z0-9+/]{22}$/ },
  { params: { algorithm: 'argon2', variant: 'argon2d', iterations: 1, memory: 32, parallelism: 1 }, algorithm: 'argon2d',
    shape: /^\$argon2d\$v=19\$m=32,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/ },
  { params: { algorithm: 'pbkdf2', variant: 'sha512', iterations: 100 }, algorithm: 'pbkdf2-sha512',
    shape: /^\$pbkdf2-sha512\$100\$[A-Za-z0-9./]{22}\$[A-Za-z0-9./]{86}$/ },
  { params: { algorithm: 'pbkdf2', variant: 'sha384', iterations: 100, salt_length: 32 }, algorithm: 'pbkdf2-sha384',
    shape: /^\$pbkdf2-sha384\$100\$[A-Za-z0-9./]{43}\$[A-Za-z0-9./]{64}$/ },
  { params: { algorithm: 'pbkdf2', variant: 'sha256', iterations: 100 }, algorithm: 'pbkdf2-sha256',
    shape: /^\$pbkdf2-sha256\$100\$[A-Za-z0-9./]{22}\$[A-Za-z0-9./]{43}$/ },
  { params: { algorithm: 'pbkdf2', variant: 'sha224', iterations: 100 }, algorithm: 'pbkdf2-sha224',
    shape: /^\$pbkdf2-sha224\$100\$[A-Za-z0-9./]{22}\$[A-Za-z0-9./]{38}$/ },
  { params: { algorithm: 'pbkdf2', variant: 'sha1', iterations: 100 }, algorithm: 'pbkdf2-sha1',
    shape: /^\$pbkdf2\$100\$[A-Za-z0-9./]{22}\$[A-Za-z0-9./]{27}$/ },
  { params: { algorithm: 'scrypt', iterations: 4, block_size: 2, parallelism: 2 }, algorithm: 'scrypt',
    shape: /^\$scrypt\$ln=4,r=2,p=2\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/ },
  { params: { algorithm: 'scrypt', iterations: 10, key_length: 64, salt_length: 8 }, algorithm: 'scrypt',
    shape: /^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{11}\$[A-Za-z0-9+/]{86}$/ },
  { params: { algorithm: 'bcrypt', variant: 'standard', cost: 4 }, algorithm: 'bcrypt',
    shape: /^\$2b\$04\$[./A-Za-z0-9]{53}$/ },
  { params: { algorithm: 'bcrypt', variant: 'sha256', cost: 4 }, algorithm: 'bcrypt-sha256',
    shape: /^\$bcrypt-sha256\$v=2,t=2b,r=4\$[./A-Za-z0-9]{22}\$[./A-Za-z0-9]{31}$/ },
];

for (const c of cases) {
  t.test(`${JSON.stringify(c.params)}: hash, then verify`, async (t) => {
    const password = 'pässwörd with spaces & ünïcode';
    const digest = await hashPassword(password, c.params);
    t.match(digest, c.shape, 'documented shape with the requested parameters');
    const parsed = parseDigest(digest);
    t.equal(parsed.algorithm, c.algorithm);
    t.equal(parsed.deprecated, false);
    t.equal(await parsed.verify(password), true, 'same password');
    t.equal(await parsed.verify(password.toUpperCase()), false, 'different password');
    t.equal(await parsed.verify(password.slice(0, -1)), false, 'prefix of the password');
    const again = await hashPassword(password, c.params);
    t.not(again, digest, 'a fresh random salt each time');
    t.equal(await verifyPassword(again, password), true);
  });
}

t.test('defaults are applied when only the algorithm is given (pbkdf2: sha512, 310000 iterations)', async (t) => {
  const digest = await hashPassword('secret', { algorithm: 'pbkdf2' });
  t.match(digest, /^\$pbkdf2-sha512\$310000\$[A-Za-z0-9./]{22}\$[A-Za-z0-9./]{86}$/);
  t.equal(await verifyPassword(digest, 'secret'), true);
});

t.test('bcrypt-sha256 counts bytes past 72; standard bcrypt refuses such passwords', async (t) => {
  const prefix = 'a'.repeat(72);
  const digest = await hashPassword(prefix + 'one', { algorithm: 'bcrypt', variant: 'sha256', cost: 4 });
  t.equal(await verifyPassword(digest, prefix + 'one'), true);
  t.equal(await verifyPassword(digest, prefix + 'two'), false, 'plain bcrypt would say true here');
  await t.rejects(hashPassword(prefix + 'one', { algorithm: 'bcrypt', cost: 4 }), {
    name: 'HashParamsError',
    message: 'bcrypt reads at most 72 bytes of a password; use the sha256 variant for longer ones',
  });
  t.match(await hashPassword(prefix, { algorithm: 'bcrypt', cost: 4 }), /^\$2b\$04\$/, 'exactly 72 bytes is fine');
});

t.test('verification runs off the event loop: timers keep firing during a 310000-iteration pbkdf2', async (t) => {
  let ticks = 0;
  const timer = setInterval(() => { ticks++; }, 1);
  const digest = '$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng';
  const ok = await verifyPassword(digest, 'insecure_secret');
  clearInterval(timer);
  t.equal(ok, true);
  t.ok(ticks > 5, `the event loop ran ${ticks} timer callbacks meanwhile`);
});

t.test('SHA-crypt yields to the event loop between slices of 1000 rounds', async (t) => {
  let done = false;
  let turns = 0;
  const spin = (): void => { if (!done) { turns++; setImmediate(spin); } };
  setImmediate(spin);
  const ok = await verifyPassword('$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.', 'Hello world!');
  done = true;
  t.equal(ok, true);
  t.ok(turns >= 9, `other work got ${turns} turns during 10000 rounds`);
});
