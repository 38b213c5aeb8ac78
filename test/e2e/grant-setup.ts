/**
 * Shared set-up of the grant reliability tests (races, storage failures): the OAuth test provider
 * of oauth-setup.ts on SQLite or on a fresh PostgreSQL schema, the public client `spa` (no secret to
 * hash, so hundreds of parallel requests measure the grant, not the hash queue), codes seeded as
 * the authorization endpoint issues them, and raw token requests that return status and body.
 */
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import * as client from 'openid-client';
import type { Test } from 'tap';
import { connect, type StorageLocation } from '../../src/storage/index.js';
import type { Database } from '../../src/storage/schema.js';
import { issueAuthorizationCode } from '../../src/oauth/authorization-code.js';
import type { StorageEngine } from '../../src/storage/types.js';
import { randomSchema, type TestPostgres } from '../helpers/postgres.js';
import { merge, startTestServer, type TestServer } from '../helpers/server.js';
import { APP_CALLBACK, oauthConfig } from './oauth-setup.js';

export const VERIFIER = client.randomPKCECodeVerifier();
const CHALLENGE = await client.calculatePKCECodeChallenge(VERIFIER);

export interface GrantServer extends TestServer {
  engine: StorageEngine;
  location: StorageLocation;
  /** A second connection to the same database, past the API. */
  db: Kysely<Database>;
  schema?: string;
  /** A code for `spa` (scopes openid offline_access, PKCE S256 with VERIFIER). */
  seedCode(): Promise<string>;
  exchange(code: string): Promise<TokenAnswer>;
  refresh(refreshToken: string): Promise<TokenAnswer>;
  /** A code exchanged: the client's first pair. */
  firstPair(): Promise<{ access_token: string; refresh_token: string }>;
  /** A token's row as storage holds it: live, used (consumed), revoked, or absent. */
  state(token: string): Promise<TokenState>;
  /** The live tokens of a token's grant family (its request_id). */
  liveInFamily(token: string): Promise<string[]>;
}

export type TokenState = 'live' | 'used' | 'revoked' | 'absent';

export interface TokenAnswer {
  status: number;
  body: { access_token?: string; refresh_token?: string; error?: string; error_description?: string };
}

export function storageFor(engine: StorageEngine, database: TestPostgres | undefined, schema: string): Record<string, unknown> {
  if (engine === 'sqlite') return {};
  if (!database) throw new Error('postgres needs a database');
  return {
    storage: {
      local: undefined,
      encryption_key: 'a-postgres-test-encryption-key-of-some-length',
      postgres: { address: `tcp://${database.host}:${database.port}`, database: database.database, schema, username: database.user, password: database.password },
    },
  };
}

/** Where a grant server's data lives, for a second connection past the API. */
export function locationOf(engine: StorageEngine, dir: string, database: TestPostgres | undefined, schema: string): StorageLocation {
  if (engine === 'sqlite') return { local: { path: join(dir, 'db.sqlite3') } };
  if (!database) throw new Error('postgres needs a database');
  return { postgres: { host: database.host, port: database.port, database: database.database, schema, username: database.user, password: database.password, timeout: 10 } };
}

export async function startGrantServer(
  t: Test,
  engine: StorageEngine,
  options: { database?: TestPostgres; reuseInterval?: string } = {},
): Promise<GrantServer> {
  const schema = randomSchema('grants');
  const over = merge(merge(oauthConfig(), storageFor(engine, options.database, schema)), {
    identity_providers: { oidc: { refresh_token_reuse_interval: options.reuseInterval ?? '0' } },
  });
  const server = await startTestServer(t, over);
  const location = locationOf(engine, server.dir, options.database, schema);
  const raw = (await connect(location)).db;
  t.teardown(() => raw.destroy());
  const oidc = server.app.context.oidc!;
  const post = async (body: Record<string, string>): Promise<TokenAnswer> => {
    const res = await fetch(`${server.url}/api/oidc/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'spa', ...body }).toString(),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? {} : (JSON.parse(text) as TokenAnswer['body']) };
  };
  const seedCode = (): Promise<string> => {
    const nowMs = server.app.context.clock.nowMs();
    return issueAuthorizationCode(
      { storage: server.app.context.storage, tokens: oidc.tokens, config: oidc.config, clients: oidc.services.clients, random: server.app.context.random },
      {
        client_id: 'spa',
        subject: 'f1c2a7e0-0000-4000-8000-000000000001',
        scopes: ['openid', 'offline_access'],
        audience: [],
        session: {
          username: 'john',
          auth_time_s: Math.floor(nowMs / 1000) - 5,
          amr: ['pwd'],
          requested_at_s: Math.floor(nowMs / 1000) - 10,
          redirect_uri: APP_CALLBACK,
          code_challenge: CHALLENGE,
          code_challenge_method: 'S256',
        },
        nowMs,
      },
    );
  };
  const exchange = (code: string): Promise<TokenAnswer> =>
    post({ grant_type: 'authorization_code', code, redirect_uri: APP_CALLBACK, code_verifier: VERIFIER });
  const refresh = (refreshToken: string): Promise<TokenAnswer> => post({ grant_type: 'refresh_token', refresh_token: refreshToken });
  const recordOf = async (token: string) => {
    const kind = token.includes('_ac_') ? 'authorization_code' : token.includes('_rt_') ? 'refresh_token' : 'access_token';
    const signature = oidc.tokens.signatureOf(token, kind === 'authorization_code' ? 'ac' : kind === 'refresh_token' ? 'rt' : 'at');
    return signature === null ? null : server.app.context.storage.tokens.get(kind, signature);
  };
  return {
    ...server,
    engine,
    location,
    db: raw,
    ...(engine === 'postgres' ? { schema } : {}),
    seedCode,
    exchange,
    refresh,
    async firstPair() {
      const answer = await exchange(await seedCode());
      if (answer.status !== 200 || !answer.body.access_token || !answer.body.refresh_token) throw new Error(`exchange failed: ${JSON.stringify(answer)}`);
      return { access_token: answer.body.access_token, refresh_token: answer.body.refresh_token };
    },
    async state(token) {
      const record = await recordOf(token);
      if (!record) return 'absent';
      return record.revoked ? 'revoked' : record.active ? 'live' : 'used';
    },
    async liveInFamily(token) {
      const record = await recordOf(token);
      if (!record) return [];
      const rows = await sql<{ kind: string; signature: string }>`SELECT kind, signature FROM oauth2_token_sessions WHERE request_id = ${record.request_id} AND active = 1 AND revoked = 0 ORDER BY kind, signature`.execute(raw);
      return rows.rows.map((r) => `${r.kind}/${r.signature}`);
    },
  };
}

/** How many answers of each kind: `200`, `400 invalid_grant`, `500 server_error`, … */
export function tally(answers: readonly TokenAnswer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of answers) {
    const key = a.status === 200 ? '200' : `${a.status} ${a.body.error ?? '?'}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
