/** Authorization interactions (src/oidc/interaction/): kept encrypted, completed once. */
import type { Kysely } from 'kysely';
import { openJson, sealJson, type FieldCipher } from '../encryption.js';
import { insertOnce } from '../errors.js';
import { ms, msOrNull, type Database } from '../schema.js';
import type { AuthorizationInteractions } from '../types.js';

const aad = (id: string): string => `interaction:${id}`;

export function createAuthorizationInteractions(db: Kysely<Database>, cipher: FieldCipher): AuthorizationInteractions {
  return {
    async create(interaction) {
      await insertOnce(`authorization interaction ${interaction.id}`, () => db
        .insertInto('oidc_interactions')
        .values({
          id: interaction.id,
          client_id: interaction.client_id,
          expires_at_ms: interaction.expires_at_ms,
          auth_time_min_s: interaction.auth_time_min_s,
          parameters: sealJson(cipher, interaction.parameters, aad(interaction.id)),
        })
        .execute());
    },

    async get(id, nowMs) {
      const row = await db.selectFrom('oidc_interactions').selectAll().where('id', '=', id).where('expires_at_ms', '>', nowMs).executeTakeFirst();
      if (!row) return null;
      return {
        id: row.id,
        client_id: row.client_id,
        expires_at_ms: ms(row.expires_at_ms),
        auth_time_min_s: msOrNull(row.auth_time_min_s),
        parameters: openJson<Record<string, string>>(cipher, row.parameters, aad(row.id)),
      };
    },

    async complete(id, nowMs) {
      // One conditional DELETE decides: of parallel completions (a double submit), one wins.
      const result = await db.deleteFrom('oidc_interactions').where('id', '=', id).where('expires_at_ms', '>', nowMs).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },

    async deleteExpired(nowMs) {
      const result = await db.deleteFrom('oidc_interactions').where('expires_at_ms', '<=', nowMs).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
