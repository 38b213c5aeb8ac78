/**
 * The bearer / basic strategy world: a real SQLite storage, real opaque tokens, a real users file
 * and clients parsed by the real config schema, held in a swappable registry (a config reload).
 */
import type { Test } from 'tap';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadIssuerKeys, type IssuerKeySet } from '../../../src/crypto/keys.js';
import { createOpaqueTokenStrategy, type OpaqueTokenStrategy } from '../../../src/crypto/opaque-token.js';
import { silentLogger } from '../../../src/observability/log.js';
import { grantSessionToJson } from '../../../src/oauth/grant-session.js';
import { createClientRegistry, type ClientRegistry } from '../../../src/oauth/clients.js';
import { openStorage, type Storage } from '../../../src/storage/index.js';
import { openFileBackend, type FileUsersBackend } from '../../../src/users/file-backend.js';
import { issuerJwks, oidcClient } from '../../helpers/oidc-fixtures.js';

export const NOW_MS = 1_700_000_000_000;
export const ISSUER = 'https://auth.example.com';
export const TARGET = new URL('https://api.example.com/v1/items?x=1');
export const API_AUDIENCE = 'https://api.example.com/v1';

// argon2id (m=64 KiB, t=1, p=1) of "secret": cheap to verify.
export const SECRET_DIGEST = '$argon2id$v=19$m=64,t=1,p=1$TCj3TkZncon8zQRQV6jo/Q$yz5mLWH3n2J4+uiicYdHBnMwTRvLlyI1ZtyfArRnwZc';

export interface FileUser { name: string; disabled?: boolean; groups?: string[] }

export function usersYaml(users: FileUser[]): string {
  return ['users:', ...users.flatMap((u) => [
    `  ${u.name}:`,
    `    displayname: "${u.name.toUpperCase()}"`,
    `    password: "${SECRET_DIGEST}"`,
    `    emails: [${u.name}@example.com, ${u.name}@example.org]`,
    `    groups: [${(u.groups ?? []).join(', ')}]`,
    `    disabled: ${u.disabled ?? false}`,
  ])].join('\n') + '\n';
}

export const DEFAULT_USERS: FileUser[] = [{ name: 'john', groups: ['admins', 'dev'] }, { name: 'jane' }, { name: 'dora', disabled: true }];

/** The client the tokens are issued to, as the config schema resolves it. */
export const bearerClient = (fields: Record<string, unknown> = {}) =>
  oidcClient({ client_id: 'app', scopes: ['openid', 'authelia.bearer.authz'], audience: [API_AUDIENCE, 'https://other.example.com/'], ...fields });

/** Generated once per test process: key generation is slow and every world may share them. */
const WORLD_KEYS = loadIssuerKeys(issuerJwks());

export interface World {
  storage: Storage;
  tokens: OpaqueTokenStrategy;
  /** The issuer's signing keys (RS256, ES256, ES384, ES512): what JWT access tokens are verified against. */
  keys: IssuerKeySet;
  users: FileUsersBackend;
  /** Delegates to the current registry: `setClients` is a config reload. */
  clients: Pick<ClientRegistry, 'get'>;
  setClients(clients: ReturnType<typeof bearerClient>[]): void;
  setUsers(users: FileUser[]): Promise<void>;
  seed(over?: SeedOptions): Promise<{ token: string; signature: string }>;
}

export interface SeedOptions {
  clientId?: string;
  username?: string | null;
  scopes?: string[];
  audience?: string[];
  amr?: string[];
  expiresAtMs?: number;
}

export async function openWorld(t: Test, users: FileUser[] = DEFAULT_USERS): Promise<World> {
  const dir = t.testdir({ 'users.yml': usersYaml(users) });
  const storage = await openStorage({ local: { path: join(dir, 'db.sqlite3') }, encryption_key: 'a-bearer-strategy-test-encryption-key' }, { logger: silentLogger });
  const backend = await openFileBackend({ path: join(dir, 'users.yml'), watch: false, logger: silentLogger });
  t.teardown(async () => {
    backend.close();
    await storage.close();
  });
  const tokens = createOpaqueTokenStrategy('a-bearer-strategy-test-hmac-secret');
  const keys = await WORLD_KEYS;
  let registry = createClientRegistry([bearerClient()]);
  return {
    storage,
    tokens,
    keys,
    users: backend,
    clients: { get: (id) => registry.get(id) },
    setClients(clients) {
      registry = createClientRegistry(clients);
    },
    async setUsers(next) {
      await writeFile(join(dir, 'users.yml'), usersYaml(next));
      await backend.reload();
    },
    async seed(over = {}) {
      const { token, signature } = tokens.generate('at');
      const scopes = over.scopes ?? ['openid', 'authelia.bearer.authz'];
      const audience = over.audience ?? [API_AUDIENCE];
      const username = over.username === undefined ? 'john' : over.username;
      await storage.tokens.create('access_token', {
        signature,
        request_id: randomUUID(),
        client_id: over.clientId ?? 'app',
        subject: username === null ? null : `sub-${username}`,
        requested_at_ms: NOW_MS,
        expires_at_ms: over.expiresAtMs ?? NOW_MS + 3_600_000,
        requested_scopes: scopes,
        granted_scopes: scopes,
        requested_audience: audience,
        granted_audience: audience,
        session: grantSessionToJson({ username, auth_time_s: NOW_MS / 1000, amr: over.amr ?? ['pwd'], requested_at_s: NOW_MS / 1000 }),
      });
      return { token, signature };
    },
  };
}
