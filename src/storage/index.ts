/**
 * Opens the configured engine, migrates (or checks that nothing is pending), verifies the
 * encryption key, and assembles the per-concern stores. Also the CLI's migration entry points.
 */
import { existsSync } from 'node:fs';
import { sql } from 'kysely';
import { createFieldCipher } from './encryption.js';
import { verifyEncryptionKey } from './encryption-check.js';
import { migrationsFor } from './migrations/index.js';
import { applyMigrations, pendingOf, readMigrationStates, type Connection } from './migrate.js';
import { openPostgres } from './postgres.js';
import { openSqlite } from './sqlite.js';
import { createAuthenticationLog } from './stores/auth-log.js';
import { createConsents } from './stores/consents.js';
import { createJwtBlacklist } from './stores/jwt-blacklist.js';
import { createPushedAuthorizationRequests } from './stores/par.js';
import { createAuthorizationInteractions } from './stores/interactions.js';
import { createPortalSessions } from './stores/portal-sessions.js';
import { createSessionClients } from './stores/session-clients.js';
import { createSubjectIdentifiers } from './stores/subjects.js';
import { systemRandom } from '../util/random.js';
import { createTokenSessions } from './stores/token-sessions.js';
import { createTotpConfigurations } from './stores/totp.js';
import { createOneTimeCodes } from './stores/one-time-codes.js';
import { createUserPreferences, createWebAuthnChallenges, createWebAuthnCredentials } from './stores/webauthn.js';
import { createAuthenticationLogRetention, type AuthenticationLogRetention } from './sweeper.js';
import type { MigrationState, OpenStorageOptions, Storage, StorageConfig } from './types.js';

export { StorageDecryptError } from './encryption.js';
export { StorageConflictError } from './errors.js';
export { WRONG_KEY_MESSAGE } from './encryption-check.js';
export type * from './types.js';

/** Where the data lives; the encryption key is not needed to migrate or to read the status. */
export type StorageLocation = Pick<StorageConfig, 'local' | 'postgres'>;

export async function connect(location: StorageLocation): Promise<Connection> {
  if (location.local && location.postgres) throw new Error('storage: configure either local or postgres, not both');
  if (location.postgres) {
    const schema = location.postgres.schema || 'public';
    return { db: await openPostgres(location.postgres), engine: 'postgres', schema };
  }
  if (location.local) return { db: openSqlite(location.local.path), engine: 'sqlite' };
  throw new Error('storage: neither local nor postgres is configured');
}

/** Storage as opened: the stores, and the authentication log's retention for the expiry sweeper. */
export interface OpenedStorage extends Storage {
  authLogRetention: AuthenticationLogRetention;
}

export async function openStorage(config: StorageConfig, options: OpenStorageOptions): Promise<OpenedStorage> {
  if (!config.encryption_key) throw new Error('no storage.encryption_key');
  const connection = await connect(config);
  const { db, engine } = connection;
  try {
    if (options.migrate ?? true) {
      const applied = await applyMigrations(connection);
      if (applied.length > 0) options.logger.info('storage migrations applied', { engine, migrations: applied });
    } else {
      const pending = pendingOf(await readMigrationStates(connection));
      if (pending.length > 0) {
        throw new Error(`storage schema is not up to date: pending migrations ${pending.join(', ')}; run 'gatehouse storage migrate up'`);
      }
    }
    const cipher = createFieldCipher(config.encryption_key);
    await verifyEncryptionKey(db, cipher);
    return {
      tokens: createTokenSessions(db, cipher, engine === 'postgres' ? options.revocationNotice : undefined),
      par: createPushedAuthorizationRequests(db, cipher),
      interactions: createAuthorizationInteractions(db, cipher),
      consents: createConsents(db, cipher),
      subjects: createSubjectIdentifiers(db, options.random ?? systemRandom),
      jwtBlacklist: createJwtBlacklist(db),
      totp: createTotpConfigurations(db, cipher),
      oneTimeCodes: createOneTimeCodes(db),
      webauthn: createWebAuthnCredentials(db, cipher),
      webauthnChallenges: createWebAuthnChallenges(db),
      preferences: createUserPreferences(db),
      authLog: createAuthenticationLog(db, engine),
      authLogRetention: createAuthenticationLogRetention(db),
      sessions: createPortalSessions(db, cipher),
      sessionClients: createSessionClients(db),
      engine,
      async health() {
        await sql`SELECT 1`.execute(db);
      },
      close: () => db.destroy(),
    };
  } catch (err) {
    await db.destroy();
    throw err;
  }
}

/** Every known migration with when it ran (null: pending). */
export async function migrationStatus(location: StorageLocation): Promise<MigrationState[]> {
  // Asking must not create: a SQLite file that does not exist yet has every migration pending.
  if (location.local && !location.postgres && location.local.path !== ':memory:' && !existsSync(location.local.path)) {
    return Object.keys(migrationsFor('sqlite')).map((name) => ({ name, executed_at_ms: null }));
  }
  const connection = await connect(location);
  try {
    return await readMigrationStates(connection);
  } finally {
    await connection.db.destroy();
  }
}

/** Applies pending migrations and checks the encryption key; returns the names applied. */
export async function migrateUp(config: StorageConfig): Promise<string[]> {
  if (!config.encryption_key) throw new Error('no storage.encryption_key');
  const connection = await connect(config);
  try {
    const applied = await applyMigrations(connection);
    await verifyEncryptionKey(connection.db, createFieldCipher(config.encryption_key));
    return applied;
  } finally {
    await connection.db.destroy();
  }
}
