/**
 * The private Apache of test/helpers/apache.ts: a port taken between freePort() and Apache's bind
 * is retried on new ports; a configuration Apache refuses fails with its words.
 */
import t from 'tap';
import { createServer } from 'node:net';
import { startApache } from '../helpers/apache.js';

t.test('a port taken before Apache binds it: started again on new ports', async (t) => {
  // The first port Apache is given is taken while its configuration is written (the bind is done
  // long before apache2 has started and read it).
  let grabbed = 0;
  const apache = await startApache(t, {
    modules: [],
    sites: ({ ports }) => {
      if (grabbed === 0) {
        grabbed = ports[0]!;
        const squatter = createServer().listen(ports[0], '127.0.0.1');
        t.teardown(() => squatter.close());
      }
      return '';
    },
  });
  t.not(apache.ports[0], grabbed);
  const res = await fetch(`${apache.origin()}/nothing`);
  t.equal(res.status, 404, 'the Apache that started answers');
});

t.test('a configuration Apache refuses: startApache rejects with its error', async (t) => {
  await t.rejects(startApache(t, { modules: [], sites: () => 'Bogus directive' }), /Invalid command 'Bogus'/);
});
