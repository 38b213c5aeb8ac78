import t from 'tap';
import { parseDigest } from '../../src/crypto/password-hash/index.js';
import { pickDummyDigest } from '../../src/crypto/password-hash/index.js';

const ARGON_A = '$argon2id$v=19$m=64,t=1,p=1$TCj3TkZncon8zQRQV6jo/Q$yz5mLWH3n2J4+uiicYdHBnMwTRvLlyI1ZtyfArRnwZc';
const ARGON_B = '$argon2id$v=19$m=65536,t=3,p=4$hucKmoa2Zp6cRDG+vyCsKQ$xEmrzfmJuXfOErl/wrS+qhGgL7M0X5kTBuryWBoAL4M';

t.test('the dummy digest is the first of the most common algorithm among the users', async (t) => {
  const cases: { name: string; digests: string[]; expected: string }[] = [
    { name: 'one user', digests: [ARGON_A], expected: ARGON_A },
    { name: 'first of the same algorithm', digests: [ARGON_A, ARGON_B], expected: ARGON_A },
    { name: 'majority wins over order', digests: ['plain1', ARGON_B, ARGON_A], expected: ARGON_B },
    { name: 'the first seen wins a tie', digests: ['plain1', ARGON_B], expected: 'plain1' },
  ];
  for (const { name, digests, expected } of cases) {
    t.equal(pickDummyDigest(digests.map(parseDigest)).encoded, expected, name);
  }
});

t.test('with no users: a fixed argon2id digest with Authelia default parameters that no password matches', async (t) => {
  const dummy = pickDummyDigest([]);
  t.equal(dummy.algorithm, 'argon2id');
  t.match(dummy.encoded, /^\$argon2id\$v=19\$m=65536,t=3,p=4\$/);
  t.equal(await dummy.verify(''), false);
  t.equal(await dummy.verify('password'), false);
});
