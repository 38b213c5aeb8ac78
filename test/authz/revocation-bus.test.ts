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

t.test('relayToPeers: own revocations reach local listeners and the peers; the peers\' reach local listeners only', async (t) => {
  const { relayToPeers } = await import('../../src/authz/revocation-bus.js');
  const local = createRevocationBus();
  const sent: string[][] = [];
  let fromPeers: ((signatures: readonly string[]) => void) | undefined;
  const bus = relayToPeers(local, { send: (s) => sent.push([...s]), receive: (l) => { fromPeers = l; return () => undefined; } });
  const seen: string[][] = [];
  bus.subscribe((s) => seen.push([...s]));
  bus.emit(['mine']);
  bus.emit([]);
  fromPeers!(['theirs']);
  t.strictSame(seen, [['mine'], ['theirs']]);
  t.strictSame(sent, [['mine']], 'a peer\'s revocation is not sent back');
});
