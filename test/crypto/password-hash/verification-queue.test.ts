/**
 * The bounded verification queue: at most `concurrency` digest checks at once, at most `maxQueued`
 * waiting in arrival order, and one more refused at once with HashVerificationBusyError (nothing
 * checked). parseDigest puts every costly digest behind the process's queue; plaintext skips it.
 */
import t from 'tap';
import {
  createVerificationQueue, defaultVerificationQueueOptions, hashPassword, hashVerifications, HashVerificationBusyError,
  parseDigest, verifiedThrough,
} from '../../../src/crypto/password-hash/index.js';
import { createMetrics } from '../../../src/observability/metrics.js';

/** A verification that settles when the test says so. */
function gate(): { verification: () => Promise<boolean>; started: boolean; open(ok?: boolean): void; fail(error: Error): void } {
  let settle: { resolve(ok: boolean): void; reject(error: Error): void } | undefined;
  const g = {
    started: false,
    verification: () => {
      g.started = true;
      return new Promise<boolean>((resolve, reject) => { settle = { resolve, reject }; });
    },
    open: (ok = true) => settle!.resolve(ok),
    fail: (error: Error) => settle!.reject(error),
  };
  return g;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

t.test('defaults: one core stays with the event loop and one thread with libuv; 16 waiting per slot', async (t) => {
  const cases: Array<{ cores: number; pool: number; concurrency: number; maxQueued: number }> = [
    { cores: 1, pool: 4, concurrency: 1, maxQueued: 16 },
    { cores: 2, pool: 4, concurrency: 1, maxQueued: 16 },
    { cores: 4, pool: 4, concurrency: 3, maxQueued: 48 },
    { cores: 16, pool: 4, concurrency: 3, maxQueued: 48 },
    { cores: 16, pool: 8, concurrency: 7, maxQueued: 112 },
    { cores: 2, pool: 1, concurrency: 1, maxQueued: 16 },
  ];
  for (const c of cases) {
    t.same(defaultVerificationQueueOptions(c.cores, c.pool), { concurrency: c.concurrency, maxQueued: c.maxQueued }, `${c.cores} cores, ${c.pool} threads`);
  }
  t.ok(hashVerifications.options.concurrency >= 1, 'the process queue runs at least one');
});

t.test('at most `concurrency` run at once; the rest wait and start in arrival order', async (t) => {
  const queue = createVerificationQueue({ concurrency: 2, maxQueued: 3 });
  const gates = [gate(), gate(), gate(), gate()];
  const results = gates.map((g) => queue.run(g.verification));
  t.same(gates.map((g) => g.started), [true, true, false, false]);
  t.same(queue.stats(), { running: 2, queued: 2, rejected: 0 });
  gates[1].open(false);
  await tick();
  t.same(gates.map((g) => g.started), [true, true, true, false], 'the first waiting one takes the freed slot');
  gates[0].fail(new Error('boom'));
  await tick();
  t.equal(gates[3].started, true, 'a failed verification frees its slot too');
  gates[2].open(true);
  gates[3].open(true);
  const settled = await Promise.allSettled(results);
  t.same(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message)), ['boom', false, true, true]);
  t.same(queue.stats(), { running: 0, queued: 0, rejected: 0 });
});

t.test('beyond maxQueued a verification is refused at once, without running', async (t) => {
  const queue = createVerificationQueue({ concurrency: 1, maxQueued: 1 });
  const running = gate();
  const waiting = gate();
  const refused = gate();
  const first = queue.run(running.verification);
  const second = queue.run(waiting.verification);
  await t.rejects(queue.run(refused.verification), new HashVerificationBusyError('too many password or secret verifications at once (1 running, 1 waiting)'));
  t.equal(refused.started, false, 'the refused verification never ran');
  t.same(queue.stats(), { running: 1, queued: 1, rejected: 1 });
  running.open();
  await tick();
  waiting.open();
  t.same(await Promise.all([first, second]), [true, true]);
});

t.test('a verification that throws synchronously rejects and frees its slot', async (t) => {
  const queue = createVerificationQueue({ concurrency: 1, maxQueued: 0 });
  await t.rejects(queue.run(() => { throw new Error('sync'); }), { message: 'sync' });
  t.equal(await queue.run(() => Promise.resolve('next')), 'next');
});

t.test('options out of range are refused', async (t) => {
  t.throws(() => createVerificationQueue({ concurrency: 0, maxQueued: 1 }), new RangeError('concurrency must be a whole number of at least 1'));
  t.throws(() => createVerificationQueue({ concurrency: 1, maxQueued: -1 }), new RangeError('maxQueued must be a whole number of at least 0'));
});

t.test('a parsed digest verifies through the queue; plaintext does not queue', async (t) => {
  const queue = createVerificationQueue({ concurrency: 1, maxQueued: 0 });
  const digest = verifiedThrough(queue, parseDigest(await hashPassword('right', { algorithm: 'pbkdf2', variant: 'sha256', iterations: 20000 })));
  const first = digest.verify('right');
  await t.rejects(digest.verify('wrong'), { code: 'ERR_HASH_VERIFICATION_BUSY' }, 'the second is refused while the first runs');
  t.equal(await first, true);
  t.equal(await digest.verify('wrong'), false, 'the slot is free again');
  const plaintext = verifiedThrough(queue, parseDigest('$plaintext$right'));
  const blocker = gate();
  const blocked = queue.run(blocker.verification);
  t.equal(await plaintext.verify('right'), true, 'plaintext compares at once while the queue is full');
  blocker.open();
  await blocked;
});

t.test('the process queue: a flood past its bound is refused at once, and honest checks still run after it', async (t) => {
  const { concurrency, maxQueued } = hashVerifications.options;
  const digest = parseDigest(await hashPassword('right', { algorithm: 'pbkdf2', variant: 'sha256', iterations: 2000 }));
  const before = hashVerifications.stats().rejected;
  const flood = Array.from({ length: concurrency + maxQueued + 5 }, (_, i) => digest.verify(`wrong-${i}`));
  const outcomes = await Promise.allSettled(flood);
  const refused = outcomes.filter((o) => o.status === 'rejected');
  t.equal(refused.length, 5, 'exactly the ones past the bound');
  t.ok(refused.every((o) => o.reason instanceof HashVerificationBusyError));
  t.ok(outcomes.filter((o) => o.status === 'fulfilled').every((o) => o.value === false));
  t.equal(hashVerifications.stats().rejected - before, 5);
  t.equal(await digest.verify('right'), true);
  const scraped = await createMetrics({ collectProcessMetrics: false }).registry.metrics();
  t.match(scraped, new RegExp(`^gatehouse_hash_verifications_rejected_total ${hashVerifications.stats().rejected}$`, 'm'), 'the metric reads the queue');
  t.match(scraped, /^gatehouse_hash_verifications_queued 0$/m);
});

t.test('server.workers: each worker counts its share of the cores (GATEHOUSE_WORKERS), at least one', async (t) => {
  const { coresOfThisProcess } = await import('../../../src/crypto/password-hash/verification-queue.js');
  t.equal(coresOfThisProcess(8, {}), 8, 'one process: all of them');
  t.equal(coresOfThisProcess(8, { GATEHOUSE_WORKERS: '1' }), 8);
  t.equal(coresOfThisProcess(8, { GATEHOUSE_WORKERS: '2' }), 4);
  t.equal(coresOfThisProcess(8, { GATEHOUSE_WORKERS: '3' }), 2);
  t.equal(coresOfThisProcess(2, { GATEHOUSE_WORKERS: '4' }), 1);
  t.equal(coresOfThisProcess(8, { GATEHOUSE_WORKERS: 'x' }), 8);
});
