/** Shared set-up for the portal session tests: a real SQLite storage and a real users file backend in a temp dir. */
import type { Test } from 'tap';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger } from '../../../src/observability/log.js';
import type { PortalSession, SessionCookieSettings } from '../../../src/authn/session/index.js';
import { openStorage, type Storage } from '../../../src/storage/index.js';
import { openFileBackend, type FileUsersBackend } from '../../../src/users/file-backend.js';

// argon2id (m=64 KiB, t=1, p=1) of "secret": cheap to verify.
export const SECRET_DIGEST = '$argon2id$v=19$m=64,t=1,p=1$TCj3TkZncon8zQRQV6jo/Q$yz5mLWH3n2J4+uiicYdHBnMwTRvLlyI1ZtyfArRnwZc';

export interface FileUser { name: string; disabled?: boolean }

export function usersYaml(users: FileUser[]): string {
  return ['users:', ...users.flatMap((u) => [
    `  ${u.name}:`,
    `    displayname: "${u.name.toUpperCase()}"`,
    `    password: "${SECRET_DIGEST}"`,
    `    email: ${u.name}@example.com`,
    '    groups: []',
    `    disabled: ${u.disabled ?? false}`,
  ])].join('\n') + '\n';
}

export interface World {
  dir: string;
  dbPath: string;
  storage: Storage;
  users: FileUsersBackend;
  /** Rewrites the users file and reloads it, as an operator's edit would. */
  setUsers(users: FileUser[]): Promise<void>;
}

export async function openWorld(t: Test, users: FileUser[] = [{ name: 'john' }, { name: 'jane' }]): Promise<World> {
  const dir = t.testdir({ 'users.yml': usersYaml(users) });
  const dbPath = join(dir, 'db.sqlite3');
  const storage = await openStorage({ local: { path: dbPath }, encryption_key: 'a-portal-session-test-encryption-key' }, { logger: silentLogger });
  const backend = await openFileBackend({ path: join(dir, 'users.yml'), watch: false, logger: silentLogger });
  t.teardown(async () => {
    backend.close();
    await storage.close();
  });
  return {
    dir,
    dbPath,
    storage,
    users: backend,
    async setUsers(next) {
      await writeFile(join(dir, 'users.yml'), usersYaml(next));
      await backend.reload();
    },
  };
}

export const NOW_MS = 1_700_000_000_000;

export const SETTINGS: SessionCookieSettings = Object.freeze({
  domain: 'example.com',
  authelia_url: 'https://auth.example.com/',
  name: 'authelia_session',
  same_site: 'lax',
  expiration: 3600,
  inactivity: 300,
  remember_me: 2_592_000,
});

export function signedIn(overrides: Partial<PortalSession> = {}): PortalSession {
  return {
    username: 'john',
    display_name: 'JOHN',
    level: 'one_factor',
    auth_time_s: NOW_MS / 1000,
    amr: ['pwd'],
    remember_me: false,
    created_at_ms: 0,
    last_activity_at_ms: 0,
    ...overrides,
  };
}
