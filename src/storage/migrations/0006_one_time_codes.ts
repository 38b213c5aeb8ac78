/**
 * Identity verification (issue #15): the one-time codes the notifier sends — an elevated session's
 * code, a password reset link's id — stored as keyed hashes, each usable once until it expires.
 */
import type { Kysely, Migration } from 'kysely';

export const oneTimeCodesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('one_time_codes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('intent', 'text', (c) => c.notNull())
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
      .addColumn('expires_at_ms', 'bigint', (c) => c.notNull())
      .addColumn('consumed_at_ms', 'bigint')
      .execute();
    await db.schema.createIndex('one_time_codes_user_idx').on('one_time_codes').columns(['username', 'intent', 'created_at_ms']).execute();
    await db.schema.createIndex('one_time_codes_expires_idx').on('one_time_codes').column('expires_at_ms').execute();
  },
};
