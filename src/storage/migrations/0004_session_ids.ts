/**
 * Session ids for logout (OIDC Front-Channel Logout 1.0 §3, Back-Channel Logout 1.0 §2.1): each
 * portal session keeps its stable `sid` in a column of its own (the data stays encrypted), and
 * `oidc_session_clients` remembers which clients a session signed into, one row per grant, so a
 * sign-out can notify each client and revoke the grants that end with the session. Existing
 * sessions have no sid; they get one at their next sign-in.
 */
import type { Kysely, Migration } from 'kysely';

export const sessionIdsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('portal_sessions').addColumn('sid', 'text').execute();
    await db.schema.createIndex('portal_sessions_sid_idx').on('portal_sessions').column('sid').execute();

    await db.schema
      .createTable('oidc_session_clients')
      .addColumn('sid', 'text', (c) => c.notNull())
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('offline_access', 'integer', (c) => c.notNull())
      .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('oidc_session_clients_pk', ['sid', 'request_id'])
      .execute();
    await db.schema.createIndex('oidc_session_clients_created_at_idx').on('oidc_session_clients').column('created_at_ms').execute();
  },
};
