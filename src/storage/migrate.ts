/** Runs and reports the in-code migrations with Kysely's Migrator (locked, one transaction each). */
import { Migrator, type Kysely } from 'kysely';
import { MIGRATION_LOCK_TABLE, MIGRATION_TABLE, migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';
import type { MigrationState, StorageEngine } from './types.js';

export interface Connection {
  db: Kysely<Database>;
  engine: StorageEngine;
  /** PostgreSQL: the schema holding our tables and the migration bookkeeping. */
  schema?: string;
}

function migrator({ db, engine, schema }: Connection): Migrator {
  return new Migrator({
    db,
    provider: migrationProvider(engine),
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    // Without it Kysely would find another schema's bookkeeping table and think it exists here.
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
}

/** Applies pending migrations; returns their names. Throws naming the migration that failed. */
export async function applyMigrations(connection: Connection): Promise<string[]> {
  const { error, results = [] } = await migrator(connection).migrateToLatest();
  if (error) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error);
    throw new Error(failed ? `storage migration ${failed} failed: ${reason}` : `storage migrations failed: ${reason}`);
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export async function readMigrationStates(connection: Connection): Promise<MigrationState[]> {
  const infos = await migrator(connection).getMigrations();
  return infos.map((info) => ({ name: info.name, executed_at_ms: info.executedAt ? info.executedAt.getTime() : null }));
}

export const pendingOf = (states: MigrationState[]): string[] => states.filter((s) => s.executed_at_ms === null).map((s) => s.name);
