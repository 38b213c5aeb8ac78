/** Login portal sessions, keyed by the SHA-256 of the cookie value so a database leak yields no cookie. */
import type { Kysely } from 'kysely';
import { openJson, sealJson, type FieldCipher } from '../encryption.js';
import type { Database } from '../schema.js';
import type { JsonObject, PortalSessions } from '../types.js';

const aad = (idHash: string): string => `session:${idHash}`;

export function createPortalSessions(db: Kysely<Database>, cipher: FieldCipher): PortalSessions {
  return {
    async put(idHash, data, expiresAtMs) {
      const values = {
        id_hash: idHash,
        username: typeof data.username === 'string' ? data.username : null,
        data: sealJson(cipher, data, aad(idHash)),
        expires_at_ms: expiresAtMs,
      };
      await db
        .insertInto('portal_sessions')
        .values(values)
        .onConflict((oc) => oc.column('id_hash').doUpdateSet({ username: values.username, data: values.data, expires_at_ms: expiresAtMs }))
        .execute();
    },

    async get(idHash, nowMs) {
      const row = await db
        .selectFrom('portal_sessions')
        .select(['id_hash', 'data'])
        .where('id_hash', '=', idHash)
        .where('expires_at_ms', '>', nowMs)
        .executeTakeFirst();
      return row ? openJson<JsonObject>(cipher, row.data, aad(row.id_hash)) : null;
    },

    async delete(idHash) {
      const result = await db.deleteFrom('portal_sessions').where('id_hash', '=', idHash).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async deleteForUser(username) {
      const result = await db.deleteFrom('portal_sessions').where('username', '=', username).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async deleteExpired(nowMs) {
      const result = await db.deleteFrom('portal_sessions').where('expires_at_ms', '<=', nowMs).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
