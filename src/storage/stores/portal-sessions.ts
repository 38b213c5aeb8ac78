/**
 * Login portal sessions, keyed by the SHA-256 of the cookie value so a database leak yields no cookie.
 * The `username` and `sid` of the data are also kept in columns of their own, to find a person's
 * or a session id's sessions (sign-out everywhere, the CLI) without decrypting every row.
 */
import type { Kysely, Selectable } from 'kysely';
import { openJson, sealJson, type FieldCipher } from '../encryption.js';
import { ms, type Database, type PortalSessionTable } from '../schema.js';
import type { JsonObject, PortalSessions, StoredPortalSession } from '../types.js';

const aad = (idHash: string): string => `session:${idHash}`;

export function createPortalSessions(db: Kysely<Database>, cipher: FieldCipher): PortalSessions {
  const stored = (row: Selectable<PortalSessionTable>): StoredPortalSession => ({
    id_hash: row.id_hash,
    sid: row.sid,
    username: row.username,
    expires_at_ms: ms(row.expires_at_ms),
    data: openJson<JsonObject>(cipher, row.data, aad(row.id_hash)),
  });

  return {
    async put(idHash, data, expiresAtMs) {
      const values = {
        id_hash: idHash,
        username: typeof data.username === 'string' ? data.username : null,
        sid: typeof data.sid === 'string' ? data.sid : null,
        data: sealJson(cipher, data, aad(idHash)),
        expires_at_ms: expiresAtMs,
      };
      await db
        .insertInto('portal_sessions')
        .values(values)
        .onConflict((oc) => oc.column('id_hash').doUpdateSet({ username: values.username, sid: values.sid, data: values.data, expires_at_ms: expiresAtMs }))
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

    async listForUser(username, nowMs) {
      const rows = await db.selectFrom('portal_sessions').selectAll().where('username', '=', username).where('expires_at_ms', '>', nowMs).orderBy('expires_at_ms').execute();
      return rows.map(stored);
    },

    async findBySid(sid, nowMs) {
      const rows = await db.selectFrom('portal_sessions').selectAll().where('sid', '=', sid).where('expires_at_ms', '>', nowMs).execute();
      return rows.map(stored);
    },

    async deleteBySid(sid) {
      const result = await db.deleteFrom('portal_sessions').where('sid', '=', sid).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async deleteExpired(nowMs) {
      const result = await db.deleteFrom('portal_sessions').where('expires_at_ms', '<=', nowMs).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
