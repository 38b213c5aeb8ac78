/**
 * Regulation reserves an attempt before it verifies anything (src/storage/stores/auth-log.ts):
 * the attempt is logged first as a pending failure, then settled. `pending` is 1 until then; a
 * row left pending by a crash keeps counting against new attempts until it leaves `find_time`,
 * and never towards a ban. Existing rows were all settled.
 */
import type { Kysely, Migration } from 'kysely';

export const regulationAttemptsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('authentication_logs').addColumn('pending', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  },
};
