/**
 * The migrations, in code and in order. Names sort lexically, so they carry a zero-padded number;
 * a new migration is a new file here and a new line in the map, never an edit to a shipped one.
 */
import type { Migration, MigrationProvider } from 'kysely';
import type { StorageEngine } from '../types.js';
import { initialMigration } from './0001_initial.js';
import { regulationAttemptsMigration } from './0002_regulation_attempts.js';
import { authorizationInteractionsMigration } from './0003_authorization_interactions.js';
import { sessionIdsMigration } from './0004_session_ids.js';
import { webauthnMigration } from './0005_webauthn.js';
import { oneTimeCodesMigration } from './0006_one_time_codes.js';
import { tokenSubjectIndexMigration } from './0007_token_subject_index.js';

export function migrationsFor(engine: StorageEngine): Record<string, Migration> {
  return {
    '0001_initial': initialMigration(engine),
    '0002_regulation_attempts': regulationAttemptsMigration,
    '0003_authorization_interactions': authorizationInteractionsMigration(engine),
    '0004_session_ids': sessionIdsMigration,
    '0005_webauthn': webauthnMigration(engine),
    '0006_one_time_codes': oneTimeCodesMigration,
    '0007_token_subject_index': tokenSubjectIndexMigration,
  };
}

export function migrationProvider(engine: StorageEngine): MigrationProvider {
  return { getMigrations: () => Promise.resolve(migrationsFor(engine)) };
}

/** Our own names for Kysely's bookkeeping tables. */
export const MIGRATION_TABLE = 'gatehouse_migrations';
export const MIGRATION_LOCK_TABLE = 'gatehouse_migrations_lock';
