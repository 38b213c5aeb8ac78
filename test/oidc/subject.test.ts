import t from 'tap';
import { join } from 'node:path';
import { openStorage } from '../../src/storage/index.js';
import { silentLogger } from '../../src/observability/log.js';
import { resolveSubject, sectorIdOf, subjectTypeOf } from '../../src/oidc/subject.js';
import { oidcClient } from '../helpers/oidc-fixtures.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

t.test('OIDC Core §8: public and pairwise subjects over the real subject store', async (t) => {
  const dir = t.testdir({});
  const storage = await openStorage({ local: { path: join(dir, 'db.sqlite3') }, encryption_key: 'a-test-encryption-key-of-some-length' }, { logger: silentLogger });
  t.teardown(() => storage.close());
  const deps = { subjects: storage.subjects };

  const publicA = oidcClient({ client_id: 'a' });
  const publicB = oidcClient({ client_id: 'b' });
  const sectorX1 = oidcClient({ client_id: 'x1', sector_identifier_uri: 'https://x.example.com/sector.json' });
  const sectorX2 = oidcClient({ client_id: 'x2', sector_identifier_uri: 'https://x.example.com/other-path.json' });
  const sectorY = oidcClient({ client_id: 'y', sector_identifier_uri: 'https://y.example.com/sector.json' });

  const subjects = {
    publicA: await resolveSubject(deps, publicA, 'john'),
    publicB: await resolveSubject(deps, publicB, 'john'),
    x1: await resolveSubject(deps, sectorX1, 'john'),
    x2: await resolveSubject(deps, sectorX2, 'john'),
    y: await resolveSubject(deps, sectorY, 'john'),
    otherUser: await resolveSubject(deps, publicA, 'jane'),
  };
  for (const [name, sub] of Object.entries(subjects)) t.match(sub, UUID_V4, `${name}: RFC 4122 UUIDv4 (004 openid table)`);
  t.equal(subjects.publicA, subjects.publicB, '§8 public: the same sub for every client');
  t.equal(subjects.x1, subjects.x2, '§8.1: clients of one sector (host) share the pairwise sub');
  t.not(subjects.x1, subjects.publicA, '§8.1: a pairwise sub differs from the public one');
  t.not(subjects.x1, subjects.y, '§8.1: different sectors cannot correlate the user');
  t.not(subjects.otherUser, subjects.publicA, 'each user has their own sub');
  t.equal(await resolveSubject(deps, publicA, 'john'), subjects.publicA, 'stable: created once, then reused');
  t.strictSame(await storage.subjects.findByIdentifier(subjects.y), { service: 'openid', sector_id: 'y.example.com', username: 'john' });
});

t.test('sector id: the host of sector_identifier_uri (with a non-default port), else public', async (t) => {
  const rows: Array<[string | undefined, string, 'public' | 'pairwise']> = [
    [undefined, '', 'public'],
    ['https://x.example.com/sector.json', 'x.example.com', 'pairwise'],
    ['https://X.Example.com:8443/s', 'x.example.com:8443', 'pairwise'],
    ['https://x.example.com:443/s', 'x.example.com', 'pairwise'],
  ];
  for (const [uri, sector, type] of rows) {
    const client = uri === undefined ? {} : { sector_identifier_uri: uri };
    t.equal(sectorIdOf(client), sector, `${uri} → '${sector}'`);
    t.equal(subjectTypeOf(client), type, `${uri} → ${type}`);
  }
});
