/**
 * An authorization request is validated once, when it arrives, and kept here under an id while
 * the person signs in and consents (src/oidc/interaction/): the portal, the consent page and a
 * pushed request all resume it by that id. Its parameters are encrypted like a pushed request's.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { StorageEngine } from '../types.js';

export function authorizationInteractionsMigration(engine: StorageEngine): Migration {
  const binary = engine === 'postgres' ? sql`bytea` : sql`blob`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('oidc_interactions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('expires_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('auth_time_min_s', 'bigint')
        .addColumn('parameters', binary, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('oidc_interactions_expires_at_idx').on('oidc_interactions').column('expires_at_ms').execute();
    },
  };
}
