/**
 * The private Apache of test/helpers/apache.ts: a port taken before Apache binds it is retried on
 * new ports; a configuration Apache refuses fails with its words.
 */
import t from 'tap';
import { createServer, type AddressInfo } from 'node:net';
import { startApache } from '../helpers/apache.js';
import { freePorts } from '../helpers/free-port.js';

t.test('a port taken before Apache binds it: started again on new ports', async (t) => {
  // The first start is given a port another process holds (as when a port free a moment ago is
  // taken before Apache binds it); the next starts get free ones.
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
  t.teardown(() => squatter.close());
  const grabbed = (squatter.address() as AddressInfo).port;
  let starts = 0;
  const apache = await startApache(t, {
    modules: [],
    sites: () => '',
    takePorts: (count) => (starts++ === 0 ? Promise.resolve([grabbed]) : freePorts(count)),
  });
  t.equal(starts, 2, 'one start refused on the taken port, one more on a free one');
  t.not(apache.ports[0], grabbed);
  const res = await fetch(`${apache.origin()}/nothing`);
  t.equal(res.status, 404, 'the Apache that started answers');
});

t.test('a configuration Apache refuses: startApache rejects with its error', async (t) => {
  await t.rejects(startApache(t, { modules: [], sites: () => 'Bogus directive' }), /Invalid command 'Bogus'/);
});
