/** Identity verification's pure parts: the code alphabet, typing tolerance, the keyed hash, the elevation window, the message. */
import t from 'tap';
import { CODE_ALPHABET, codeHash, elevationMessage, isElevated, newVerificationCode, normaliseCode } from '../../src/authn/identity-verification.js';

const KEY = Buffer.alloc(32, 1);
const NOW = Date.UTC(2026, 0, 1);

t.test('codes: the configured length, from the unambiguous alphabet only', async (t) => {
  const codes = Array.from({ length: 200 }, () => newVerificationCode(8));
  t.ok(codes.every((c) => c.length === 8 && [...c].every((ch) => CODE_ALPHABET.includes(ch))), 'length and alphabet');
  t.notOk(/[01OIL]/.test(CODE_ALPHABET), 'no 0/O, 1/I/L');
  t.equal(new Set(codes).size, 200, 'no repeats in 200 (31^8 possibilities)');
  t.equal(newVerificationCode(12).length, 12);
});

t.test('typing: case, spaces and dashes do not matter', async (t) => {
  const cases: [string, string][] = [['abcd2345', 'ABCD2345'], [' ABCD 2345 ', 'ABCD2345'], ['abcd-2345', 'ABCD2345'], ['ABCD2345', 'ABCD2345']];
  for (const [typed, code] of cases) t.equal(normaliseCode(typed), code, JSON.stringify(typed));
});

t.test('the stored hash is keyed and bound to intent and user', async (t) => {
  const h = codeHash(KEY, 'elevation', 'alice', 'ABCD2345');
  t.match(h, /^[0-9a-f]{64}$/);
  t.not(h, codeHash(KEY, 'reset_password', 'alice', 'ABCD2345'), 'another intent');
  t.not(h, codeHash(KEY, 'elevation', 'bob', 'ABCD2345'), 'another user');
  t.not(h, codeHash(Buffer.alloc(32, 2), 'elevation', 'alice', 'ABCD2345'), 'another key');
  t.not(codeHash(KEY, 'elevation', 'a', 'b\0elevation'), codeHash(KEY, 'elevation', 'a\0b', 'elevation'), 'the fields stay apart whatever they contain');
});

t.test('elevated: until elevated_until_ms; at two_factor only with skip_second_factor', async (t) => {
  const cases: [string, { level: 'one_factor' | 'two_factor'; elevated_until_ms?: number }, boolean, boolean][] = [
    ['never elevated', { level: 'one_factor' }, false, false],
    ['elevated, in time', { level: 'one_factor', elevated_until_ms: NOW + 1 }, false, true],
    ['elevated, at the end', { level: 'one_factor', elevated_until_ms: NOW }, false, false],
    ['two_factor, no skip', { level: 'two_factor' }, false, false],
    ['two_factor, skip_second_factor', { level: 'two_factor' }, true, true],
    ['one_factor, skip_second_factor', { level: 'one_factor' }, true, false],
  ];
  for (const [rule, session, skip, elevated] of cases) t.equal(isElevated(session, { skip_second_factor: skip }, NOW), elevated, rule);
});

t.test('the message: the code in both bodies, the name escaped in HTML', async (t) => {
  const m = elevationMessage({ display_name: '<b>Alice</b>' }, 'ABCD2345', 300);
  t.equal(m.title, 'Confirm it is you');
  t.match(m.text, /^ {4}ABCD2345$/m);
  t.match(m.text, 'for 5 minutes');
  t.match(m.html, '<strong>ABCD2345</strong>');
  t.match(m.html, '&lt;b&gt;Alice&lt;/b&gt;');
  t.notMatch(m.html, '<b>Alice</b>');
});
