/** The pooled CSPRNG (src/util/random-pool.ts): fresh bytes each call, never the same bytes twice, the pool refilled as it runs out. */
import t from 'tap';
import { pooledRandomBytes } from '../../src/util/random-pool.js';

t.test('each call gets bytes of its own: 2,000 draws of 32 bytes (over 15 refills) are all different', async (t) => {
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) seen.add(pooledRandomBytes(32).toString('hex'));
  t.equal(seen.size, 2000);
});

t.test('a drawn buffer is its own copy: later draws do not change it', async (t) => {
  const first = pooledRandomBytes(12);
  const copy = Buffer.from(first);
  for (let i = 0; i < 500; i++) pooledRandomBytes(12);
  t.strictSame(first, copy);
});

t.test('sizes: 0 is empty, over the pooled maximum is served directly, non-integers are refused', async (t) => {
  t.equal(pooledRandomBytes(0).length, 0);
  t.equal(pooledRandomBytes(1000).length, 1000);
  t.not(pooledRandomBytes(1000).toString('hex'), pooledRandomBytes(1000).toString('hex'));
  t.throws(() => pooledRandomBytes(1.5), RangeError);
  t.throws(() => pooledRandomBytes(-1), RangeError);
});

t.test('the bytes look uniform: over 64 KiB every byte value appears, none more than twice its share', async (t) => {
  const counts = new Array<number>(256).fill(0);
  for (let i = 0; i < 2048; i++) for (const b of pooledRandomBytes(32)) counts[b]++;
  t.ok(counts.every((c) => c > 0), 'every value seen');
  t.ok(Math.max(...counts) < (2 * 65536) / 256, `max ${Math.max(...counts)} of an expected 256`);
});
