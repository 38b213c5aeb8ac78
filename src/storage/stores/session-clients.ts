/** Which clients each portal session signed into (logout-types.ts), one row per grant. */
import { sql, type Kysely, type Selectable } from 'kysely';
import { flag, ms, type Database, type SessionClientTable } from '../schema.js';
import type { SessionClient, SessionClients } from '../types.js';

/** How long a row outlives the sessions of its sid before the sweep may take it (establish writes the new id, then deletes the old). */
export const SESSION_CLIENT_GRACE_MS = 60_000;

const COLUMNS = ['sid', 'request_id', 'client_id', 'subject', 'offline_access', 'created_at_ms'] as const;

const toEntry = (row: Pick<Selectable<SessionClientTable>, (typeof COLUMNS)[number]>): SessionClient => ({
  sid: row.sid,
  request_id: row.request_id,
  client_id: row.client_id,
  subject: row.subject,
  offline_access: row.offline_access === 1,
  created_at_ms: ms(row.created_at_ms),
});

const byAge = (a: SessionClient, b: SessionClient): number => a.created_at_ms - b.created_at_ms || a.request_id.localeCompare(b.request_id);

export function createSessionClients(db: Kysely<Database>): SessionClients {
  return {
    async record(entry) {
      await db
        .insertInto('oidc_session_clients')
        .values({ ...entry, offline_access: flag(entry.offline_access) })
        .onConflict((oc) => oc.columns(['sid', 'request_id']).doNothing())
        .execute();
    },

    async list(sid) {
      const rows = await db.selectFrom('oidc_session_clients').select([...COLUMNS]).where('sid', '=', sid).execute();
      return rows.map(toEntry).sort(byAge);
    },

    async end(sid) {
      const rows = await db.deleteFrom('oidc_session_clients').where('sid', '=', sid).returning([...COLUMNS]).execute();
      return rows.map(toEntry).sort(byAge);
    },

    async deleteExpired(nowMs) {
      const result = await db
        .deleteFrom('oidc_session_clients')
        .where('created_at_ms', '<=', nowMs - SESSION_CLIENT_GRACE_MS)
        .where((eb) =>
          eb.not(eb.exists(eb.selectFrom('portal_sessions').select(sql.lit(1).as('one')).whereRef('portal_sessions.sid', '=', 'oidc_session_clients.sid').where('portal_sessions.expires_at_ms', '>', nowMs))),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
