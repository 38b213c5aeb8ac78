/** One-time codes of identity verification (one-time-code-types.ts): keyed hashes, used once. */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { OneTimeCodes } from '../one-time-code-types.js';

export function createOneTimeCodes(db: Kysely<Database>): OneTimeCodes {
  return {
    async create(code) {
      await db.insertInto('one_time_codes').values({ ...code, consumed_at_ms: null }).execute();
    },

    async consume({ username, intent, code_hash, nowMs }) {
      // One UPDATE: of two racing uses, the second finds consumed_at_ms set and changes nothing.
      const result = await db
        .updateTable('one_time_codes')
        .set({ consumed_at_ms: nowMs })
        .where('username', '=', username)
        .where('intent', '=', intent)
        .where('code_hash', '=', code_hash)
        .where('consumed_at_ms', 'is', null)
        .where('expires_at_ms', '>', nowMs)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async countSince(username, intent, sinceMs) {
      const row = await db
        .selectFrom('one_time_codes')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('username', '=', username)
        .where('intent', '=', intent)
        .where('created_at_ms', '>=', sinceMs)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async revokeAll(username, intent, nowMs) {
      const result = await db
        .updateTable('one_time_codes')
        .set({ consumed_at_ms: nowMs })
        .where('username', '=', username)
        .where('intent', '=', intent)
        .where('consumed_at_ms', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async deleteExpired(nowMs) {
      const result = await db.deleteFrom('one_time_codes').where('expires_at_ms', '<=', nowMs).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
