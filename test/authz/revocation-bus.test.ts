/** The revocation hook: every subscriber sees each emitted batch; one failing listener cannot stop the others. */
import t from 'tap';
import { createRevocationBus } from '../../src/authz/revocation-bus.js';

t.test('emit reaches every subscriber; unsubscribe stops it; an empty batch is not sent', async (t) => {
  const bus = createRevocationBus();
  const seen: string[][] = [];
  const failing = bus.subscribe(() => {
    throw new Error('boom');
  });
  const off = bus.subscribe((signatures) => seen.push([...signatures]));
  bus.emit(['a', 'b']);
  bus.emit([]);
  off();
  bus.emit(['c']);
  failing();
  t.strictSame(seen, [['a', 'b']]);
});
