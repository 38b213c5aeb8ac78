import t from 'tap';
import { createMemo, createMemo3, memoizeByObject } from '../../src/util/memo.js';
import { andThen } from '../../src/util/awaitable.js';

t.test('createMemo: computes once per key, and remembers null results too', async (t) => {
  let calls = 0;
  const memo = createMemo((key) => {
    calls++;
    return key === 'n' ? null : key.toUpperCase();
  }, 10);
  t.equal(memo.get('a'), 'A');
  t.equal(memo.get('a'), 'A', 'the remembered value');
  t.equal(memo.get('n'), null);
  t.equal(memo.get('n'), null, 'null is remembered too');
  t.equal(calls, 2);
});

t.test('createMemo: bounded — emptied when full, and long keys are never kept', async (t) => {
  let calls = 0;
  const memo = createMemo(() => ++calls, 3, 8);
  for (let i = 0; i < 3; i++) memo.get(`k${i}`);
  t.equal(memo.size, 3);
  memo.get('k3');
  t.equal(memo.size, 1, 'full: emptied, then the new key kept');
  const before = calls;
  for (let i = 0; i < 3; i++) memo.get('a-key-longer-than-8');
  t.equal(calls - before, 3, 'a long key is computed every time');
  t.equal(memo.size, 1);
});

t.test('andThen: synchronous for a value, a promise for a promise', async (t) => {
  t.equal(andThen(2, (v) => v * 3), 6);
  const later = andThen(Promise.resolve(2), (v) => v * 3);
  t.ok(later instanceof Promise);
  t.equal(await later, 6);
});

t.test('memoizeByObject: one computation per object, falsy answers included', async (t) => {
  let calls = 0;
  const isEmpty = memoizeByObject((list: string[]) => {
    calls++;
    return list.length === 0;
  });
  const a: string[] = [];
  const b = ['x'];
  t.equal(isEmpty(a), true);
  t.equal(isEmpty(a), true);
  t.equal(isEmpty(b), false);
  t.equal(isEmpty(b), false, 'false is remembered too');
  t.equal(calls, 2);
});

t.test('createMemo3: keyed by three strings without joining them; bounded like createMemo', async (t) => {
  let calls = 0;
  const memo = createMemo3((a, b, c) => `${++calls}:${a}${b}${c}`, 3, 12);
  t.equal(memo.get('a', 'b', 'c'), '1:abc');
  t.equal(memo.get('a', 'b', 'c'), '1:abc', 'remembered');
  t.equal(memo.get('ab', 'c', ''), '2:abc', 'different parts are a different key, though they read the same joined');
  t.equal(memo.get('a', 'bc', ''), '3:abc');
  t.equal(memo.size, 3);
  t.equal(memo.get('x', 'y', 'z'), '4:xyz');
  t.equal(memo.size, 1, 'full: emptied, then the new key kept');
  t.equal(memo.get('long-part', 'long', 'x'), '5:long-partlongx');
  t.equal(memo.get('long-part', 'long', 'x'), '6:long-partlongx', 'over maxKeyLength: computed every time');
});
