import t from 'tap';
import { sequenceRandom, systemRandom } from '../../src/util/random.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

t.test('systemRandom: a fresh version 4 UUID each time', async (t) => {
  const a = systemRandom.uuid();
  t.match(a, UUID_V4);
  t.not(a, systemRandom.uuid());
});

t.test('sequenceRandom: version 4 shaped ids counting up from 1, each sequence on its own', async (t) => {
  const random = sequenceRandom();
  t.strictSame([random.uuid(), random.uuid()], ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002']);
  t.match(random.uuid(), UUID_V4);
  t.equal(sequenceRandom().uuid(), '00000000-0000-4000-8000-000000000001');
});
