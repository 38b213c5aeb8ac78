/** Opaque subject identifiers (OIDC Core §8): one random UUIDv4 per (service, sector, user). */
import type { Kysely } from 'kysely';
import type { Random } from '../../util/random.js';
import type { Database } from '../schema.js';
import type { SubjectIdentifiers, SubjectKey } from '../types.js';

export function createSubjectIdentifiers(db: Kysely<Database>, random: Random): SubjectIdentifiers {
  const find = async (key: SubjectKey): Promise<string | undefined> => {
    const row = await db
      .selectFrom('user_opaque_identifiers')
      .select('identifier')
      .where('service', '=', key.service)
      .where('sector_id', '=', key.sector_id)
      .where('username', '=', key.username)
      .executeTakeFirst();
    return row?.identifier;
  };

  return {
    async getOrCreate(key) {
      const existing = await find(key);
      if (existing) return existing;
      // Racing creators both insert; the unique key keeps the first and the re-read returns it.
      await db
        .insertInto('user_opaque_identifiers')
        .values({ identifier: random.uuid(), service: key.service, sector_id: key.sector_id, username: key.username })
        .onConflict((oc) => oc.columns(['service', 'sector_id', 'username']).doNothing())
        .execute();
      const created = await find(key);
      if (!created) throw new Error('opaque identifier vanished after insert');
      return created;
    },

    async findByIdentifier(identifier) {
      const row = await db
        .selectFrom('user_opaque_identifiers')
        .select(['service', 'sector_id', 'username'])
        .where('identifier', '=', identifier)
        .executeTakeFirst();
      return row ? { service: row.service as SubjectKey['service'], sector_id: row.sector_id, username: row.username } : null;
    },
  };
}
