/** Used `jti`s of client assertions and request objects (RFC 7523 §3 item 7), kept until they expire. */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { JwtBlacklist } from '../types.js';

export function createJwtBlacklist(db: Kysely<Database>): JwtBlacklist {
  return {
    async add(jti, expiresAtMs, nowMs) {
      // One statement: insert, or take over an entry that has already expired; a live entry wins.
      const result = await db
        .insertInto('oauth2_blacklisted_jti')
        .values({ jti, expires_at_ms: expiresAtMs })
        .onConflict((oc) =>
          oc
            .column('jti')
            .doUpdateSet({ expires_at_ms: expiresAtMs })
            .where('oauth2_blacklisted_jti.expires_at_ms', '<=', nowMs),
        )
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    },

    async deleteExpired(nowMs) {
      const result = await db.deleteFrom('oauth2_blacklisted_jti').where('expires_at_ms', '<=', nowMs).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
