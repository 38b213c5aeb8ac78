/**
 * The PostgreSQL engine: a `pg` pool whose connections all use the configured schema
 * (`search_path`, set at connection start-up), with `int8` read as a number (milliseconds stay
 * far below 2^53) and timeouts from the config. The schema is created when missing.
 * `pg` is loaded when PostgreSQL is opened, not at start-up (issue #14: start-up and idle RSS).
 */
import type pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { ConnectionOptions } from 'node:tls';
import type { Database as Tables } from './schema.js';
import type { PostgresConfig } from './types.js';

const INT8_OID = 20;

/** The `pg` module, loaded on first use. */
export const loadPg = async (): Promise<typeof pg> => (await import('pg')).default;
const POOL_SIZE = 10;

/** Schema names go into a start-up parameter and DDL, so only plain identifiers are accepted. */
export function checkSchemaName(schema: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`storage.postgres.schema '${schema}' must be a plain identifier (letters, digits, underscores)`);
  }
  return schema;
}

export function tlsOptions(tls: PostgresConfig['tls']): ConnectionOptions | undefined {
  if (!tls) return undefined;
  return {
    servername: tls.server_name,
    rejectUnauthorized: !tls.skip_verify,
    minVersion: tls.minimum_version === 'TLS1.3' ? 'TLSv1.3' : 'TLSv1.2',
    ...(tls.certificate_chain && tls.private_key ? { cert: tls.certificate_chain, key: tls.private_key } : {}),
  };
}

/** `types`: the loaded module's type parsers (`(await loadPg()).types`). */
export function poolConfig(config: PostgresConfig, types: typeof pg.types): pg.PoolConfig {
  const schema = checkSchemaName(config.schema || 'public');
  const timeoutMs = config.timeout * 1000;
  return {
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.username,
    password: config.password,
    ssl: tlsOptions(config.tls),
    max: POOL_SIZE,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    options: `-c search_path=${schema}`,
    application_name: 'gatehouse',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? (value: string) => Number(value) : (types.getTypeParser(oid, format) as (value: string) => unknown)) as pg.CustomTypesConfig['getTypeParser'],
    },
  };
}

export async function openPostgres(config: PostgresConfig): Promise<Kysely<Tables>> {
  const pg = await loadPg();
  const pool = new pg.Pool(poolConfig(config, pg.types));
  // An idle client's network error must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  try {
    await ensureSchema(db, checkSchemaName(config.schema || 'public'));
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return db;
}

/**
 * Looks before creating, because `CREATE SCHEMA IF NOT EXISTS` needs the CREATE privilege even
 * when the schema exists; a concurrent creator's duplicate error (23505) is not a failure.
 */
async function ensureSchema(db: Kysely<Tables>, schema: string): Promise<void> {
  const found = await sql<{ one: number }>`SELECT 1 AS one FROM pg_namespace WHERE nspname = ${schema}`.execute(db);
  if (found.rows.length > 0) return;
  try {
    await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(db);
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err;
  }
}
