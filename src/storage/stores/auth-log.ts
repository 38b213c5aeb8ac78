/** The authentication log and bans behind regulation (Authelia's `regulation` section). */
import type { Kysely } from 'kysely';
import { flag, ms, type Database } from '../schema.js';
import type { AuthenticationLog } from '../types.js';

export function createAuthenticationLog(db: Kysely<Database>): AuthenticationLog {
  return {
    async record(attempt) {
      await db
        .insertInto('authentication_logs')
        .values({
          time_ms: attempt.time_ms,
          successful: flag(attempt.successful),
          username: attempt.username,
          remote_ip: attempt.remote_ip,
          auth_type: attempt.auth_type,
          request_uri: attempt.request_uri ?? null,
          request_method: attempt.request_method ?? null,
        })
        .execute();
    },

    async countFailures({ username, remote_ip, sinceMs }) {
      if (username === undefined && remote_ip === undefined) throw new Error('countFailures needs a username or a remote_ip');
      let base = db.selectFrom('authentication_logs').where('time_ms', '>=', sinceMs);
      if (username !== undefined) base = base.where('username', '=', username);
      if (remote_ip !== undefined) base = base.where('remote_ip', '=', remote_ip);
      // Ids grow with insertion, so "after the last success" is "id above its id", even within one millisecond.
      const lastSuccess = await base.select((eb) => eb.fn.max('id').as('id')).where('successful', '=', 1).executeTakeFirst();
      const afterId = lastSuccess?.id === null || lastSuccess?.id === undefined ? 0 : Number(lastSuccess.id);
      const failures = await base
        .select((eb) => eb.fn.countAll().as('n'))
        .where('successful', '=', 0)
        .where('id', '>', afterId)
        .executeTakeFirst();
      return Number(failures?.n ?? 0);
    },

    async ban({ kind, value, expires_at_ms, reason }) {
      await db
        .insertInto('bans')
        .values({ kind, value, expires_at_ms, reason })
        .onConflict((oc) => oc.columns(['kind', 'value']).doUpdateSet({ expires_at_ms, reason }))
        .execute();
    },

    async activeBan(kind, value, nowMs) {
      const row = await db
        .selectFrom('bans')
        .select(['expires_at_ms', 'reason'])
        .where('kind', '=', kind)
        .where('value', '=', value)
        .where('expires_at_ms', '>', nowMs)
        .executeTakeFirst();
      return row ? { expires_at_ms: ms(row.expires_at_ms), reason: row.reason } : null;
    },

    async lift(kind, value) {
      const result = await db.deleteFrom('bans').where('kind', '=', kind).where('value', '=', value).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
