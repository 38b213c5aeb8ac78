/**
 * The initial schema, one definition for both engines. Milliseconds are `bigint` (they overflow
 * int4), flags are 0/1 `integer`s, encrypted values are binary: `blob` on SQLite, `bytea` on
 * PostgreSQL, the one type the engines spell differently.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { StorageEngine } from '../types.js';

export function initialMigration(engine: StorageEngine): Migration {
  const binary = engine === 'postgres' ? sql`bytea` : sql`blob`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('oauth2_token_sessions')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('signature', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('subject', 'text')
        .addColumn('requested_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('expires_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('used_at_ms', 'bigint')
        .addColumn('requested_scopes', 'text', (c) => c.notNull())
        .addColumn('granted_scopes', 'text', (c) => c.notNull())
        .addColumn('requested_audience', 'text', (c) => c.notNull())
        .addColumn('granted_audience', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('revoked', 'integer', (c) => c.notNull())
        .addColumn('session_data', binary, (c) => c.notNull())
        .addPrimaryKeyConstraint('oauth2_token_sessions_pk', ['kind', 'signature'])
        .execute();
      await db.schema.createIndex('oauth2_token_sessions_request_id_idx').on('oauth2_token_sessions').column('request_id').execute();
      await db.schema.createIndex('oauth2_token_sessions_expires_at_idx').on('oauth2_token_sessions').column('expires_at_ms').execute();
      await db.schema.createIndex('oauth2_token_sessions_subject_idx').on('oauth2_token_sessions').column('subject').execute();

      await db.schema
        .createTable('oauth2_par_requests')
        .addColumn('request_uri', 'text', (c) => c.primaryKey())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('expires_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('used', 'integer', (c) => c.notNull())
        .addColumn('parameters', binary, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('oauth2_par_requests_expires_at_idx').on('oauth2_par_requests').column('expires_at_ms').execute();

      await db.schema
        .createTable('oauth2_consent_sessions')
        .addColumn('challenge_id', 'text', (c) => c.primaryKey())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('requested_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('responded_at_ms', 'bigint')
        .addColumn('expires_at_ms', 'bigint')
        .addColumn('authorized', 'integer', (c) => c.notNull())
        .addColumn('granted', 'integer', (c) => c.notNull())
        .addColumn('requested_scopes', 'text', (c) => c.notNull())
        .addColumn('granted_scopes', 'text', (c) => c.notNull())
        .addColumn('requested_audience', 'text', (c) => c.notNull())
        .addColumn('granted_audience', 'text', (c) => c.notNull())
        .addColumn('pre_configured', 'integer', (c) => c.notNull())
        .addColumn('form_data', binary, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('oauth2_consent_sessions_lookup_idx')
        .on('oauth2_consent_sessions')
        .columns(['client_id', 'subject', 'pre_configured'])
        .execute();

      await db.schema
        .createTable('user_opaque_identifiers')
        .addColumn('identifier', 'text', (c) => c.primaryKey())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('sector_id', 'text', (c) => c.notNull())
        .addColumn('username', 'text', (c) => c.notNull())
        .addUniqueConstraint('user_opaque_identifiers_lookup_key', ['service', 'sector_id', 'username'])
        .execute();

      await db.schema
        .createTable('oauth2_blacklisted_jti')
        .addColumn('jti', 'text', (c) => c.primaryKey())
        .addColumn('expires_at_ms', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('oauth2_blacklisted_jti_expires_at_idx').on('oauth2_blacklisted_jti').column('expires_at_ms').execute();

      await db.schema
        .createTable('totp_configurations')
        .addColumn('username', 'text', (c) => c.primaryKey())
        .addColumn('issuer', 'text', (c) => c.notNull())
        .addColumn('algorithm', 'text', (c) => c.notNull())
        .addColumn('digits', 'integer', (c) => c.notNull())
        .addColumn('period', 'integer', (c) => c.notNull())
        .addColumn('secret', binary, (c) => c.notNull())
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('totp_history')
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('step', 'bigint', (c) => c.notNull())
        .addColumn('used_at_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('totp_history_pk', ['username', 'step'])
        .execute();
      await db.schema.createIndex('totp_history_used_at_idx').on('totp_history').column('used_at_ms').execute();

      await db.schema
        .createTable('authentication_logs')
        .addColumn('id', engine === 'postgres' ? 'bigserial' : 'integer', (c) => (engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('time_ms', 'bigint', (c) => c.notNull())
        .addColumn('successful', 'integer', (c) => c.notNull())
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('remote_ip', 'text', (c) => c.notNull())
        .addColumn('auth_type', 'text', (c) => c.notNull())
        .addColumn('request_uri', 'text')
        .addColumn('request_method', 'text')
        .execute();
      await db.schema.createIndex('authentication_logs_username_idx').on('authentication_logs').columns(['username', 'time_ms']).execute();
      await db.schema.createIndex('authentication_logs_remote_ip_idx').on('authentication_logs').columns(['remote_ip', 'time_ms']).execute();

      await db.schema
        .createTable('bans')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('expires_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('bans_pk', ['kind', 'value'])
        .execute();

      await db.schema
        .createTable('portal_sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text')
        .addColumn('data', binary, (c) => c.notNull())
        .addColumn('expires_at_ms', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('portal_sessions_username_idx').on('portal_sessions').column('username').execute();
      await db.schema.createIndex('portal_sessions_expires_at_idx').on('portal_sessions').column('expires_at_ms').execute();

      await db.schema
        .createTable('encryption')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', binary, (c) => c.notNull())
        .execute();
    },
  };
}
