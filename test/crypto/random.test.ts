/**
 * Random strings: right length, only characters of the set (Authelia's charset names; rfc3986 is
 * RFC 3986 section 2.3 "unreserved"), and no bias from the modulo (rejection sampling).
 */
import t from 'tap';
import { CHARSETS, CHARSET_NAMES, isCharset, randomBytes, randomString, randomStringFrom } from '../../src/crypto/random.js';

const expected: Record<string, RegExp> = {
  ascii: /^[!-~]+$/,
  alphanumeric: /^[A-Za-z0-9]+$/,
  'alphanumeric-lower': /^[a-z0-9]+$/,
  'alphanumeric-upper': /^[A-Z0-9]+$/,
  alphabetic: /^[A-Za-z]+$/,
  numeric: /^[0-9]+$/,
  'numeric-hex': /^[0-9a-f]+$/,
  rfc3986: /^[A-Za-z0-9\-._~]+$/,
  'rfc3986-lower': /^[a-z0-9\-._~]+$/,
  'rfc3986-upper': /^[A-Z0-9\-._~]+$/,
};

t.test('every named charset draws only its characters, at the requested length', async (t) => {
  t.same([...CHARSET_NAMES].sort(), Object.keys(expected).sort());
  for (const name of CHARSET_NAMES) {
    const value = randomString(500, name);
    t.equal(value.length, 500, name);
    t.match(value, expected[name], name);
  }
});

t.test('charset sizes', async (t) => {
  t.equal(CHARSETS.ascii.length, 94, 'printable ASCII without space');
  t.equal(CHARSETS.alphanumeric.length, 62);
  t.equal(CHARSETS.rfc3986.length, 66, 'RFC 3986 2.3 unreserved');
  t.equal(CHARSETS['rfc3986-lower'].length, 40);
  t.equal(CHARSETS['numeric-hex'].length, 16);
  t.ok(isCharset('numeric'));
  t.notOk(isCharset('toString'), 'prototype names are not charsets');
});

t.test('custom characters, including ones outside the BMP', async (t) => {
  t.match(randomString(200, 'ab'), /^[ab]{200}$/);
  const emoji = randomStringFrom(50, '🍎🍐');
  t.equal(Array.from(emoji).length, 50);
  t.match(emoji, /^(🍎|🍐)+$/u);
  t.match(randomStringFrom(30, 'numeric'), /^[numeric]{30}$/, 'randomStringFrom never reads a charset name');
});

t.test('invalid arguments', async (t) => {
  t.throws(() => randomString(0, 'numeric'), { name: 'RangeError', message: 'randomString needs a length of at least 1' });
  t.throws(() => randomString(1.5, 'numeric'), { name: 'RangeError', message: 'randomString needs a length of at least 1' });
  t.throws(() => randomString(5, 'a'), { name: 'RangeError', message: 'randomString needs 2 to 256 distinct characters' });
  t.throws(() => randomString(5, 'aab'), { name: 'RangeError', message: 'randomString needs 2 to 256 distinct characters' });
  t.throws(() => randomBytes(-1), { name: 'RangeError', message: 'randomBytes needs a whole number of bytes' });
});

t.test('randomBytes returns n fresh bytes', async (t) => {
  t.equal(randomBytes(0).length, 0);
  const a = randomBytes(32);
  t.equal(a.length, 32);
  t.not(a.toString('hex'), randomBytes(32).toString('hex'));
});

t.test('uniform: rejection sampling removes the modulo bias', async (t) => {
  // 200 characters: a plain byte % 200 would give the first 56 characters (256 % 200) twice the
  // chance of the others, i.e. 43.75% of draws instead of 28%. Over 200000 draws the unbiased
  // count is 56000 with a standard deviation of about 200.
  const chars = Array.from({ length: 200 }, (_, i) => String.fromCodePoint(0x100 + i)).join('');
  const first56 = new Set(chars.slice(0, 56));
  let hits = 0;
  for (const c of randomStringFrom(200_000, chars)) if (first56.has(c)) hits++;
  t.ok(Math.abs(hits - 56_000) < 1_500, `first 56 characters drawn ${hits} times (expected about 56000)`);
});
