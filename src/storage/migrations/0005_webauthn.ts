/**
 * WebAuthn (issue #15): each user's registered credentials (public key encrypted, like TOTP
 * secrets), the user handle authenticators keep for discoverable credentials, the single-use
 * ceremony challenges, and each user's preferred second factor.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { StorageEngine } from '../types.js';

export function webauthnMigration(engine: StorageEngine): Migration {
  const binary = engine === 'postgres' ? sql`bytea` : sql`blob`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('webauthn_credentials')
        .addColumn('credential_id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('rp_id', 'text', (c) => c.notNull())
        .addColumn('aaguid', 'text', (c) => c.notNull())
        .addColumn('public_key', binary, (c) => c.notNull())
        .addColumn('sign_count', 'bigint', (c) => c.notNull())
        .addColumn('transports', 'text', (c) => c.notNull())
        .addColumn('discoverable', 'integer', (c) => c.notNull())
        .addColumn('user_verified', 'integer', (c) => c.notNull())
        .addColumn('backup_eligible', 'integer', (c) => c.notNull())
        .addColumn('backup_state', 'integer', (c) => c.notNull())
        .addColumn('attestation_format', 'text', (c) => c.notNull())
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('last_used_at_ms', 'bigint')
        .addUniqueConstraint('webauthn_credentials_description_uq', ['username', 'description'])
        .execute();

      await db.schema
        .createTable('webauthn_users')
        .addColumn('username', 'text', (c) => c.primaryKey())
        .addColumn('user_handle', 'text', (c) => c.notNull().unique())
        .execute();

      await db.schema
        .createTable('webauthn_challenges')
        .addColumn('challenge', 'text', (c) => c.primaryKey())
        .addColumn('ceremony', 'text', (c) => c.notNull())
        .addColumn('binding', 'text', (c) => c.notNull())
        .addColumn('username', 'text')
        .addColumn('expires_at_ms', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('webauthn_challenges_expires_at_idx').on('webauthn_challenges').column('expires_at_ms').execute();

      await db.schema
        .createTable('user_preferences')
        .addColumn('username', 'text', (c) => c.primaryKey())
        .addColumn('second_factor_method', 'text')
        .execute();
    },
  };
}
